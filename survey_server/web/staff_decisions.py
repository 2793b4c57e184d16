"""Rollout decisions: the pilot's decisions, recording one on a finished report, one decision.

There is no route that changes or removes a decision: a later one supersedes it.
"""

from __future__ import annotations

from litestar import Request, Response, get, post
from litestar.datastructures import State
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from survey_server.errors import ConflictError
from survey_server.i18n import language_name
from survey_server.i18n.lazy import lazy_gettext
from survey_server.i18n.staff import staff_language, staff_languages
from survey_server.services import audit, concerns, decision_memo, decisions, report_jobs
from survey_server.services.accounts import pilot_id_for
from survey_server.services.decisions import DecisionFieldsError
from survey_server.services.pilots import get_pilot
from survey_server.services.roles import allowed
from survey_server.web.staff_auth import STAFF_HEADERS, SignedIn, checked_form, field, page
from survey_server.web.staff_reports import REPORT_HEADERS, verdict_words


@get("/staff/pilots/{slug:str}/decisions", include_in_schema=False)
async def decisions_page(state: State, session: SignedIn, slug: FromPath[str]) -> Template:
    pilot_id = await pilot_id_for(session.user, slug, "decisions.view")
    pilot = await get_pilot(state.engine, slug)
    records = await decisions.list_decisions(state.engine, pilot_id)
    latest = await report_jobs.latest_report(
        state.engine, pilot_id, slug, state.settings.reports_dir
    )
    return page(
        session,
        "decisions.html",
        lazy_gettext("Rollout decisions – %(name)s", name=pilot.name),
        pilot=pilot,
        decisions=records,
        latest_report=latest,
        verdicts=verdict_words(),
    )


async def _new_decision_page(
    state: State,
    session: SignedIn,
    slug: str,
    pilot_id: int,
    run_id: str,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    problem: str = "",
    status: int = 200,
) -> Template:
    pilot = await get_pilot(state.engine, slug)
    evidence = await decisions.run_evidence(
        state.engine, pilot_id, slug, state.settings.reports_dir, run_id
    )
    records = await decisions.list_decisions(state.engine, pilot_id)
    counts = (await concerns.open_counts(state.engine, [pilot_id]))[pilot_id]
    return page(
        session,
        "decision_new.html",
        lazy_gettext("Record a rollout decision – %(name)s", name=pilot.name),
        status,
        pilot=pilot,
        evidence=evidence,
        in_force=records[0] if records else None,
        open_counts=counts,
        outcomes=decisions.OUTCOMES,
        values=values or {},
        errors=errors or {},
        problem=problem,
        verdicts=verdict_words(),
    )


@get("/staff/pilots/{slug:str}/decisions/new", include_in_schema=False)
async def new_decision_form(
    state: State, session: SignedIn, slug: FromPath[str], run: FromQuery[str | None] = None
) -> Template:
    pilot_id = await pilot_id_for(session.user, slug, "decisions.record")
    if not run:
        latest = await report_jobs.latest_report(
            state.engine, pilot_id, slug, state.settings.reports_dir
        )
        if latest is None:
            raise ConflictError(
                lazy_gettext(
                    "this pilot has no finished report yet: a decision is made on a report"
                )
            )
        run = latest.run_id
    return await _new_decision_page(state, session, slug, pilot_id, run)


@post("/staff/pilots/{slug:str}/decisions", include_in_schema=False)
async def record_decision(
    request: Request, state: State, session: SignedIn, slug: FromPath[str]
) -> Response:
    form = await checked_form(request, session)
    pilot_id = await pilot_id_for(session.user, slug, "decisions.record")
    values = {k: field(form, k) for k in ("run_id", "outcome", "conditions", "current")}
    evidence = await decisions.run_evidence(
        state.engine, pilot_id, slug, state.settings.reports_dir, values["run_id"]
    )
    try:
        decision_id = await decisions.record_decision(
            state.engine,
            session.user,
            pilot_id,
            evidence,
            outcome=values["outcome"],
            conditions=values["conditions"],
            current=values["current"],
        )
    except DecisionFieldsError as exc:
        return await _new_decision_page(
            state,
            session,
            slug,
            pilot_id,
            values["run_id"],
            values=values,
            errors=exc.errors,
            status=422,
        )
    except ConflictError as exc:
        problem = exc.message[:1].upper() + exc.message[1:] + "."
        return await _new_decision_page(
            state,
            session,
            slug,
            pilot_id,
            values["run_id"],
            values=values,
            problem=problem,
            status=409,
        )
    return Redirect(
        f"/staff/pilots/{slug}/decisions/{decision_id}", status_code=303, headers=STAFF_HEADERS
    )


@get("/staff/pilots/{slug:str}/decisions/{decision_id:int}", include_in_schema=False)
async def decision_page(
    state: State, session: SignedIn, slug: FromPath[str], decision_id: FromPath[int]
) -> Template:
    pilot_id = await pilot_id_for(session.user, slug, "decisions.view")
    pilot = await get_pilot(state.engine, slug)
    record = await decisions.get_decision(state.engine, pilot_id, decision_id)
    return page(
        session,
        "decision.html",
        lazy_gettext(
            "Rollout decision %(decision_id)s – %(name)s", decision_id=decision_id, name=pilot.name
        ),
        pilot=pilot,
        decision=record,
        verdicts=verdict_words(),
        can_report=allowed(session.user.role, "reports.view"),
        memo_languages=[(code, language_name(code)) for code in staff_languages()],
        pdf_available=decision_memo.pdf_available(),
    )


async def _memo(
    request: Request, state: State, session: SignedIn, slug: str, decision_id: int, lang: str
) -> tuple[str, str, int]:
    """The memo page in `lang` (a staff language, else the reader's), that language and the
    pilot's id."""
    pilot_id = await pilot_id_for(session.user, slug, "decisions.view")
    language = lang if lang in staff_languages() else staff_language(request)
    pilot = await get_pilot(state.engine, slug)
    record = await decisions.get_decision(state.engine, pilot_id, decision_id)
    template = request.app.template_engine.get_template("staff/memo.html")
    html = template.render(
        ui_lang=language,
        pilot=pilot,
        decision=record,
        layout=decision_memo.memo_layout(record),
        verdict=verdict_words(language).get(record.verdict, record.verdict),
    )
    return html, language, pilot_id


def _memo_name(slug: str, decision_id: int, language: str, suffix: str) -> str:
    """The memo's file name, as downloads and the audit log name it."""
    return f"{slug}-decision-{decision_id}-{language}.{suffix}"


@get("/staff/pilots/{slug:str}/decisions/{decision_id:int}/memo.html", include_in_schema=False)
async def memo_html(
    request: Request,
    state: State,
    session: SignedIn,
    slug: FromPath[str],
    decision_id: FromPath[int],
    lang: FromQuery[str] = "",
) -> Response[str]:
    html, language, pilot_id = await _memo(request, state, session, slug, decision_id, lang)
    # read on screen or printed from the browser, the memo leaves like its PDF: audited
    name = _memo_name(slug, decision_id, language, "html")
    await audit.record_export(state.engine, session.user.actor, pilot_id, slug, name)
    return Response(html, media_type="text/html; charset=utf-8", headers=REPORT_HEADERS)


@get("/staff/pilots/{slug:str}/decisions/{decision_id:int}/memo.pdf", include_in_schema=False)
async def memo_pdf(
    request: Request,
    state: State,
    session: SignedIn,
    slug: FromPath[str],
    decision_id: FromPath[int],
    lang: FromQuery[str] = "",
) -> Response[bytes]:
    html, language, pilot_id = await _memo(request, state, session, slug, decision_id, lang)
    pdf = await decision_memo.memo_pdf(html)
    name = _memo_name(slug, decision_id, language, "pdf")
    await audit.record_export(state.engine, session.user.actor, pilot_id, slug, name)
    return Response(
        pdf,
        media_type="application/pdf",
        headers={**REPORT_HEADERS, "Content-Disposition": f'attachment; filename="{name}"'},
    )


DECISION_HANDLERS = [
    decisions_page,
    new_decision_form,
    record_decision,
    decision_page,
    memo_html,
    memo_pdf,
]
