"""Focus-group sessions and notes: the note form sits on top of the session page."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.datastructures import State
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from survey_server.i18n.lazy import lazy_gettext
from survey_server.services import focus_groups
from survey_server.services.accounts import pilot_id_for
from survey_server.services.focus_groups import NoteFieldsError, NoteInput
from survey_server.services.pilots import frozen_instrument
from survey_server.services.roles import allowed
from survey_server.web.staff_auth import STAFF_HEADERS, SignedIn, checked_form, field, page


def _note_input(form: dict[str, list[str]]) -> NoteInput:
    return NoteInput(
        text=field(form, "text"),
        dimensions=form.get("dimension", []),
        sentiment=field(form, "sentiment"),
        severity=field(form, "severity"),
        quote=field(form, "quote"),
        follow_up=field(form, "follow_up"),
    )


async def _guide(state: State, slug: str) -> tuple[list[dict[str, Any]], list[tuple[str, str]]]:
    instrument = await frozen_instrument(state.engine, slug)
    dimensions = [(d.id, instrument.text(d.label)) for d in instrument.dimensions]
    labels = dict(dimensions)
    guide = [
        {
            "title": instrument.text(section.title)
            if section.title
            else labels.get(section.dimension or "", "General"),
            "prompts": [instrument.text(p) for p in section.prompts],
        }
        for section in instrument.focus_group_guide
    ]
    return guide, dimensions


@get("/staff/pilots/{slug:str}/sessions/new", include_in_schema=False)
async def new_session_form(session: SignedIn, slug: FromPath[str]) -> Template:
    await pilot_id_for(session.user, slug, "sessions.edit")
    return page(
        session,
        "session_new.html",
        lazy_gettext("Record a session"),
        slug=slug,
        values={"facilitator": session.user.email},
        errors={},
        kinds=focus_groups.KINDS,
        kind_labels=focus_groups.KIND_LABELS,
    )


@post("/staff/pilots/{slug:str}/sessions/new", include_in_schema=False)
async def create_session(
    request: Request, state: State, session: SignedIn, slug: FromPath[str]
) -> Response:
    form = await checked_form(request, session)
    pilot_id = await pilot_id_for(session.user, slug, "sessions.edit")
    values = {key: field(form, key) for key in ("held_on", "kind", "attendees", "facilitator")}
    try:
        session_id = await focus_groups.create_session(
            state.engine, session.user, pilot_id, **values
        )
    except NoteFieldsError as exc:
        return page(
            session,
            "session_new.html",
            lazy_gettext("Record a session"),
            422,
            slug=slug,
            values=values,
            errors=exc.errors,
            kinds=focus_groups.KINDS,
            kind_labels=focus_groups.KIND_LABELS,
        )
    return Redirect(
        f"/staff/pilots/{slug}/sessions/{session_id}", status_code=303, headers=STAFF_HEADERS
    )


async def _session_page(
    state: State,
    session: SignedIn,
    slug: str,
    session_id: int,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
    saved: bool = False,
) -> Template:
    pilot_id = await pilot_id_for(session.user, slug, "sessions.view")
    info = await focus_groups.get_session(state.engine, pilot_id, session_id)
    notes = await focus_groups.list_notes(state.engine, session_id)
    guide, dimensions = await _guide(state, slug)
    return page(
        session,
        "session.html",
        info.title,
        status,
        slug=slug,
        info=info,
        notes=notes,
        guide=guide,
        dimensions=dimensions,
        dimension_labels=dict(dimensions),
        sentiments=focus_groups.SENTIMENTS,
        severities=focus_groups.SEVERITIES,
        values=values or {"dimension": [], "sentiment": "", "severity": ""},
        errors=errors or {},
        can_edit=allowed(session.user.role, "sessions.edit"),
        saved=saved,
    )


@get("/staff/pilots/{slug:str}/sessions/{session_id:int}", include_in_schema=False)
async def session_page(
    state: State,
    session: SignedIn,
    slug: FromPath[str],
    session_id: FromPath[int],
    saved: FromQuery[bool] = False,
) -> Template:
    return await _session_page(state, session, slug, session_id, saved=saved)


@post("/staff/pilots/{slug:str}/sessions/{session_id:int}/notes", include_in_schema=False)
async def add_note(
    request: Request,
    state: State,
    session: SignedIn,
    slug: FromPath[str],
    session_id: FromPath[int],
) -> Response:
    form = await checked_form(request, session)
    pilot_id = await pilot_id_for(session.user, slug, "sessions.edit")
    note = _note_input(form)
    try:
        await focus_groups.add_note(state.engine, session.user, pilot_id, session_id, note)
    except NoteFieldsError as exc:
        values = {**note.__dict__, "dimension": note.dimensions}
        return await _session_page(
            state, session, slug, session_id, values=values, errors=exc.errors, status=422
        )
    return Redirect(
        f"/staff/pilots/{slug}/sessions/{session_id}?saved=true",
        status_code=303,
        headers=STAFF_HEADERS,
    )


@get(
    "/staff/pilots/{slug:str}/sessions/{session_id:int}/notes/{note_id:int}",
    include_in_schema=False,
)
async def note_page(
    state: State,
    session: SignedIn,
    slug: FromPath[str],
    session_id: FromPath[int],
    note_id: FromPath[int],
) -> Template:
    pilot_id = await pilot_id_for(session.user, slug, "sessions.edit")
    note = await focus_groups.get_note(state.engine, pilot_id, session_id, note_id)
    history = await focus_groups.note_history(state.engine, pilot_id, note_id)
    _, dimensions = await _guide(state, slug)
    return page(
        session,
        "note_edit.html",
        lazy_gettext("Edit a note"),
        slug=slug,
        session_id=session_id,
        note=note,
        values={**note, "dimension": note["dimension_list"]},
        errors={},
        history=history,
        dimensions=dimensions,
        sentiments=focus_groups.SENTIMENTS,
        severities=focus_groups.SEVERITIES,
    )


@post(
    "/staff/pilots/{slug:str}/sessions/{session_id:int}/notes/{note_id:int}",
    include_in_schema=False,
)
async def edit_note(
    request: Request,
    state: State,
    session: SignedIn,
    slug: FromPath[str],
    session_id: FromPath[int],
    note_id: FromPath[int],
) -> Response:
    form = await checked_form(request, session)
    pilot_id = await pilot_id_for(session.user, slug, "sessions.edit")
    note = _note_input(form)
    try:
        await focus_groups.edit_note(
            state.engine, session.user, pilot_id, session_id, note_id, note
        )
    except NoteFieldsError as exc:
        current = await focus_groups.get_note(state.engine, pilot_id, session_id, note_id)
        history = await focus_groups.note_history(state.engine, pilot_id, note_id)
        _, dimensions = await _guide(state, slug)
        return page(
            session,
            "note_edit.html",
            lazy_gettext("Edit a note"),
            422,
            slug=slug,
            session_id=session_id,
            note=current,
            values={**note.__dict__, "dimension": note.dimensions},
            errors=exc.errors,
            history=history,
            dimensions=dimensions,
            sentiments=focus_groups.SENTIMENTS,
            severities=focus_groups.SEVERITIES,
        )
    return Redirect(
        f"/staff/pilots/{slug}/sessions/{session_id}?saved=true#note-{note_id}",
        status_code=303,
        headers=STAFF_HEADERS,
    )


SESSION_HANDLERS = [new_session_form, create_session, session_page, add_note, note_page, edit_note]
