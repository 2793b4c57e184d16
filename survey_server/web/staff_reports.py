"""Staff pages of readiness reports: the list of runs, starting one, its progress, its files."""

from __future__ import annotations

import msgspec
from litestar import Request, Response, get, post
from litestar.datastructures import State
from litestar.params import FromPath
from litestar.response import File, Redirect, Template

from survey_server.errors import ConflictError
from survey_server.i18n.lazy import as_sentence, lazy_gettext
from survey_server.services import report_jobs
from survey_server.services.accounts import pilot_id_for
from survey_server.services.pilots import get_pilot
from survey_server.services.report_files import SERVED_FILES, run_file
from survey_server.services.report_jobs import ReportFieldsError
from survey_server.web.staff_auth import STAFF_HEADERS, SignedIn, checked_form, field, page

#: The report opens in the staff's browser: it may show its own inline styles and
#: embedded figures, and nothing else (no scripts, no requests elsewhere).
REPORT_HEADERS = {
    **STAFF_HEADERS,
    "Content-Security-Policy": (
        "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:; "
        "frame-ancestors 'none'; sandbox allow-popups"
    ),
}


class JobProgress(msgspec.Struct):
    run_id: str
    status: str
    progress: float
    stage: str
    error: str


class PilotProgress(msgspec.Struct):
    jobs: list[JobProgress]


def verdict_words(language: str = "en") -> dict[str, str]:
    """The report's headline for each verdict, in `language` when the report is written
    in it, else in English (the staff pages are in English)."""
    from evaluation.readiness import SEVERITY_ORDER
    from evaluation.reporting.i18n import report_languages, texts

    messages = texts(language if language in report_languages() else "en")
    return {verdict: messages(f"verdict.{verdict}.title") for verdict in SEVERITY_ORDER}


async def _reports_page(
    state: State,
    session: SignedIn,
    slug: str,
    pilot_id: int,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    problem: str = "",
    status: int = 200,
) -> Template:
    pilot = await get_pilot(state.engine, slug)
    runs = await report_jobs.list_runs(state.engine, pilot_id, slug, state.settings.reports_dir)
    choices = await report_jobs.report_choices(state.engine, pilot_id)
    return page(
        session,
        "reports.html",
        lazy_gettext("Readiness reports – %(name)s", name=pilot.name),
        status,
        pilot=pilot,
        runs=runs,
        choices=choices,
        values=values or {},
        errors=errors or {},
        problem=problem,
        worker_on=state.report_worker is not None,
        verdicts=verdict_words(),
    )


@get("/staff/pilots/{slug:str}/reports", include_in_schema=False)
async def reports_page(state: State, session: SignedIn, slug: FromPath[str]) -> Template:
    pilot_id = await pilot_id_for(session.user, slug, "reports.view")
    return await _reports_page(state, session, slug, pilot_id)


@post("/staff/pilots/{slug:str}/reports", include_in_schema=False)
async def start_report(
    request: Request, state: State, session: SignedIn, slug: FromPath[str]
) -> Response:
    form = await checked_form(request, session)
    pilot_id = await pilot_id_for(session.user, slug, "reports.run")
    values = {
        "language": field(form, "language"),
        "alpha": field(form, "alpha"),
        "pdf": "1" if field(form, "pdf") else "",
    }
    choices = await report_jobs.report_choices(state.engine, pilot_id)
    try:
        job = await report_jobs.start_report(
            state.engine,
            session.user,
            pilot_id,
            choices,
            language=values["language"],
            alpha=values["alpha"],
            pdf=bool(values["pdf"]),
        )
    except ReportFieldsError as exc:
        return await _reports_page(
            state, session, slug, pilot_id, values=values, errors=exc.errors, status=422
        )
    except ConflictError as exc:
        problem = as_sentence(exc.message)
        return await _reports_page(
            state, session, slug, pilot_id, values=values, problem=problem, status=409
        )
    if state.report_worker is not None:
        state.report_worker.wake()
    return Redirect(
        f"/staff/pilots/{slug}/reports#run-{job.run_id}", status_code=303, headers=STAFF_HEADERS
    )


@get("/staff/pilots/{slug:str}/reports/progress", include_in_schema=False)
async def reports_progress(state: State, session: SignedIn, slug: FromPath[str]) -> Response:
    """The pilot's recent jobs, polled by the reports page while one is running."""
    pilot_id = await pilot_id_for(session.user, slug, "reports.view")
    jobs = await report_jobs.pilot_jobs(state.engine, pilot_id, limit=20)
    body = PilotProgress(
        [JobProgress(j.run_id, j.status, round(j.progress, 3), j.stage, j.error) for j in jobs]
    )
    return Response(body, headers=STAFF_HEADERS)


@get("/staff/pilots/{slug:str}/reports/{run_id:str}/{file_name:str}", include_in_schema=False)
async def report_file(
    state: State,
    session: SignedIn,
    slug: FromPath[str],
    run_id: FromPath[str],
    file_name: FromPath[str],
) -> File:
    await pilot_id_for(session.user, slug, "reports.view")
    path = run_file(state.settings.reports_dir, slug, run_id, file_name)
    return File(
        path=path,
        filename=f"{slug}-{run_id}-{file_name}",
        media_type=SERVED_FILES[file_name],
        # every served file (HTML, PDF, JSON) opens in the browser
        content_disposition_type="inline",
        headers=REPORT_HEADERS,
    )


REPORT_HANDLERS = [reports_page, start_report, reports_progress, report_file]
