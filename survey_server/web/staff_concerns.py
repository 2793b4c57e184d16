"""The concern register pages: the list with the add form, and one concern's steps."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.datastructures import State
from litestar.params import FromPath
from litestar.response import Redirect, Template

from survey_server.i18n.lazy import lazy_gettext
from survey_server.services import concerns
from survey_server.services.accounts import pilot_id_for
from survey_server.services.concerns import ConcernFieldsError, ConcernInput
from survey_server.services.pilots import frozen_instrument
from survey_server.web.staff_auth import STAFF_HEADERS, SignedIn, checked_form, field, page

STATUS_WORDS: dict[str, str] = {
    "open": "Open",
    "planned": "Action planned",
    "mitigated": "Mitigated, to verify",
    "verified": "Verified",
    "accepted": "Risk accepted",
}
SOURCE_WORDS: dict[str, str] = {
    "note": "focus-group note",
    "run": "report run",
    "manual": "added by hand",
}


async def _labels(state: State, slug: str) -> tuple[dict[str, str], list[tuple[str, str]]]:
    instrument = await frozen_instrument(state.engine, slug)
    labels = {d.id: instrument.text(d.label) for d in instrument.dimensions}
    text_items = [
        (i.id, f"{i.id}: {instrument.text(i.text)}"[:120])
        for i in instrument.items
        if i.type == "text"
    ]
    return labels, text_items


def _area(labels: dict[str, str], dimension: str) -> str:
    parts = dimension.split()
    return ", ".join(labels.get(p, p) for p in parts) if parts else "The pilot in general"


async def _register_page(
    state: State,
    session: SignedIn,
    slug: str,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Template:
    pilot_id = await pilot_id_for(session.user, slug, "concerns.view")
    rows = await concerns.list_concerns(state.engine, pilot_id)
    labels, text_items = await _labels(state, slug)
    for row in rows:
        row["area"] = _area(labels, row["dimension"])
    counts = {s: sum(1 for r in rows if r["status"] == s) for s in concerns.STATUSES}
    return page(
        session,
        "concerns.html",
        lazy_gettext("Concerns"),
        status,
        slug=slug,
        concerns=rows,
        counts=counts,
        labels=labels,
        text_items=text_items,
        severities=concerns.SEVERITIES,
        status_words=STATUS_WORDS,
        source_words=SOURCE_WORDS,
        values=values or {"severity": "major"},
        errors=errors or {},
    )


@get("/staff/pilots/{slug:str}/concerns", include_in_schema=False)
async def register_page(state: State, session: SignedIn, slug: FromPath[str]) -> Template:
    return await _register_page(state, session, slug)


@post("/staff/pilots/{slug:str}/concerns", include_in_schema=False)
async def add_concern(
    request: Request, state: State, session: SignedIn, slug: FromPath[str]
) -> Response:
    form = await checked_form(request, session)
    pilot_id = await pilot_id_for(session.user, slug, "concerns.add")
    values = {k: field(form, k) for k in ("title", "severity", "dimension", "quote", "quote_item")}
    try:
        concern_id = await concerns.add_concern(
            state.engine, session.user, pilot_id, ConcernInput(**values)
        )
    except ConcernFieldsError as exc:
        return await _register_page(
            state, session, slug, values=values, errors=exc.errors, status=422
        )
    return Redirect(
        f"/staff/pilots/{slug}/concerns/{concern_id}", status_code=303, headers=STAFF_HEADERS
    )


async def _concern_page(
    state: State,
    session: SignedIn,
    slug: str,
    concern_id: int,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    form_name: str = "",
    status: int = 200,
) -> Template:
    pilot_id = await pilot_id_for(session.user, slug, "concerns.view")
    row = await concerns.get_concern(state.engine, pilot_id, concern_id)
    history = await concerns.concern_history(state.engine, pilot_id, concern_id)
    labels, _ = await _labels(state, slug)
    row["area"] = _area(labels, row["dimension"])
    return page(
        session,
        "concern.html",
        lazy_gettext("Concern %(concern_id)s", concern_id=concern_id),
        status,
        slug=slug,
        concern=row,
        history=history,
        status_words=STATUS_WORDS,
        source_words=SOURCE_WORDS,
        values=values or {},
        errors=errors or {},
        form_name=form_name,
        is_owner=row["owner_email"] == session.user.email.lower(),
        notes=await concerns.note_choices(state.engine, pilot_id),
    )


@get("/staff/pilots/{slug:str}/concerns/{concern_id:int}", include_in_schema=False)
async def concern_page(
    state: State, session: SignedIn, slug: FromPath[str], concern_id: FromPath[int]
) -> Template:
    return await _concern_page(state, session, slug, concern_id)


async def _run_step(
    request: Request,
    state: State,
    session: SignedIn,
    slug: str,
    concern_id: int,
    *,
    permission: str,
    form_name: str,
    fields: tuple[str, ...],
    action: Any,
) -> Response:
    form = await checked_form(request, session)
    pilot_id = await pilot_id_for(session.user, slug, permission)
    values = {k: field(form, k) for k in fields}
    try:
        await action(state.engine, session.user, pilot_id, concern_id, **values)
    except ConcernFieldsError as exc:
        return await _concern_page(
            state,
            session,
            slug,
            concern_id,
            values=values,
            errors=exc.errors,
            form_name=form_name,
            status=422,
        )
    return Redirect(
        f"/staff/pilots/{slug}/concerns/{concern_id}", status_code=303, headers=STAFF_HEADERS
    )


@post("/staff/pilots/{slug:str}/concerns/{concern_id:int}/plan", include_in_schema=False)
async def plan_action(
    request: Request,
    state: State,
    session: SignedIn,
    slug: FromPath[str],
    concern_id: FromPath[int],
) -> Response:
    return await _run_step(
        request,
        state,
        session,
        slug,
        concern_id,
        permission="concerns.plan",
        form_name="plan",
        fields=("owner", "due_on", "plan"),
        action=concerns.plan_action,
    )


@post("/staff/pilots/{slug:str}/concerns/{concern_id:int}/mitigation", include_in_schema=False)
async def record_mitigation(
    request: Request,
    state: State,
    session: SignedIn,
    slug: FromPath[str],
    concern_id: FromPath[int],
) -> Response:
    return await _run_step(
        request,
        state,
        session,
        slug,
        concern_id,
        permission="concerns.plan",
        form_name="mitigation",
        fields=("mitigation", "evidence", "evidence_note"),
        action=concerns.record_mitigation,
    )


@post("/staff/pilots/{slug:str}/concerns/{concern_id:int}/verification", include_in_schema=False)
async def verify(
    request: Request,
    state: State,
    session: SignedIn,
    slug: FromPath[str],
    concern_id: FromPath[int],
) -> Response:
    return await _run_step(
        request,
        state,
        session,
        slug,
        concern_id,
        permission="concerns.verify",
        form_name="verification",
        fields=("verification", "evidence_note"),
        action=concerns.verify,
    )


@post("/staff/pilots/{slug:str}/concerns/{concern_id:int}/acceptance", include_in_schema=False)
async def accept_risk(
    request: Request,
    state: State,
    session: SignedIn,
    slug: FromPath[str],
    concern_id: FromPath[int],
) -> Response:
    return await _run_step(
        request,
        state,
        session,
        slug,
        concern_id,
        permission="concerns.accept",
        form_name="acceptance",
        fields=("rationale",),
        action=concerns.accept_risk,
    )


CONCERN_HANDLERS = [
    register_page,
    add_concern,
    concern_page,
    plan_action,
    record_mitigation,
    verify,
    accept_risk,
]
