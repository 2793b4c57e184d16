"""Staff pages of a pilot's schedule (wave dates) and live results with downloads."""

from __future__ import annotations

from datetime import UTC, datetime

from litestar import Request, Response, get, post
from litestar.datastructures import State
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Stream, Template

from survey_server.database import write_transaction
from survey_server.errors import InvalidInputError
from survey_server.i18n.lazy import lazy_gettext
from survey_server.services import audit, live_results, schedule
from survey_server.services.accounts import pilot_id_for
from survey_server.services.pilots import frozen_instrument, get_pilot
from survey_server.web.staff_auth import STAFF_HEADERS, SignedIn, checked_form, field, page


def _schedule_page(
    state: State,
    session: SignedIn,
    pilot: object,
    errors: dict[str, str],
    values: dict[str, str],
    status: int = 200,
) -> Template:
    now = state.settings.clock()  # the time the schedule goes by
    return page(
        session,
        "schedule.html",
        lazy_gettext("Schedule"),
        status,
        pilot=pilot,
        errors=errors,
        values=values,
        next_event=schedule.next_event(pilot.waves, now),  # type: ignore[attr-defined]
        now=now,
    )


def _local(moment: datetime | None) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M") if moment else ""


@get("/staff/pilots/{slug:str}/schedule", include_in_schema=False)
async def schedule_page(state: State, session: SignedIn, slug: FromPath[str]) -> Template:
    await pilot_id_for(session.user, slug, "pilot.manage")
    pilot = await get_pilot(state.engine, slug)
    values = {}
    for wave in pilot.waves:
        values[f"opens_{wave.name}"] = _local(wave.opens_at)
        values[f"closes_{wave.name}"] = _local(wave.closes_at)
    return _schedule_page(state, session, pilot, {}, values)


@post("/staff/pilots/{slug:str}/schedule", include_in_schema=False)
async def save_schedule(
    request: Request, state: State, session: SignedIn, slug: FromPath[str]
) -> Response:
    form = await checked_form(request, session)
    pilot_id = await pilot_id_for(session.user, slug, "pilot.manage")
    pilot = await get_pilot(state.engine, slug)
    values = {k: field(form, k) for k in form if k != "csrf_token"}
    errors: dict[str, str] = {}
    parsed = {}
    for wave in pilot.waves:
        try:
            opens = schedule.parse_moment(
                values.get(f"opens_{wave.name}", ""), f"{wave.name} opens"
            )
            closes = schedule.parse_moment(
                values.get(f"closes_{wave.name}", ""), f"{wave.name} closes", end_of_day=True
            )
            if opens and closes and closes <= opens:
                raise InvalidInputError(
                    lazy_gettext("%(name)s closes: must be after it opens", name=wave.name)
                )
            parsed[wave.name] = (opens, closes)
        except InvalidInputError as exc:
            errors[wave.name] = exc.message
    if errors:
        return _schedule_page(state, session, pilot, errors, values, 422)
    for wave in pilot.waves:
        if wave.status == "closed":
            continue
        opens, closes = parsed[wave.name]
        await schedule.set_dates(
            state.engine, session.user.actor, pilot_id, wave.name, opens, closes
        )
    return Redirect(f"/staff/pilots/{slug}/schedule", status_code=303, headers=STAFF_HEADERS)


@get("/staff/pilots/{slug:str}/results", include_in_schema=False)
async def results_page(
    state: State,
    session: SignedIn,
    slug: FromPath[str],
    wave: FromQuery[str | None] = None,
    refresh: FromQuery[str | None] = None,
) -> Template:
    pilot_id = await pilot_id_for(session.user, slug, "results.view")
    pilot = await get_pilot(state.engine, slug)
    instrument = await frozen_instrument(state.engine, slug)
    names = [w.name for w in pilot.waves]
    results = await live_results.live_results(
        state.engine, pilot_id, instrument, names, wave if wave in names else None
    )
    return page(
        session,
        "results.html",
        lazy_gettext("Live results – %(name)s", name=pilot.name),
        pilot=pilot,
        results=results,
        wave=wave if wave in names else "",
        min_group=live_results.MIN_GROUP,
        refresh=refresh == "1",  # only when asked: a page must not reload by itself
    )


async def _audited(state: State, session: SignedIn, slug: str, what: str) -> None:
    pilot_id = await pilot_id_for(session.user, slug, "results.download")
    async with write_transaction(state.engine):
        await audit.record(
            session.user.actor,
            "export.download",
            "pilot",
            slug,
            pilot=pilot_id,
            after={"file": what},
        )


def _download(name: str) -> dict[str, str]:
    return {**STAFF_HEADERS, "Content-Disposition": f'attachment; filename="{name}"'}


@get("/staff/pilots/{slug:str}/results/responses.csv", include_in_schema=False)
async def download_csv(state: State, session: SignedIn, slug: FromPath[str]) -> Stream:
    from survey_server.web.staff_api import _responses_csv

    await _audited(state, session, slug, "responses.csv")
    return Stream(
        _responses_csv(state, slug),
        media_type="text/csv; charset=utf-8",
        headers=_download(f"{slug}-responses.csv"),
    )


@get("/staff/pilots/{slug:str}/results/responses.parquet", include_in_schema=False)
async def download_parquet(state: State, session: SignedIn, slug: FromPath[str]) -> Stream:
    from survey_server.web.staff_api import _responses_parquet

    await _audited(state, session, slug, "responses.parquet")
    return Stream(
        _responses_parquet(state, slug),
        media_type="application/vnd.apache.parquet",
        headers=_download(f"{slug}-responses.parquet"),
    )


@get("/staff/pilots/{slug:str}/results/codebook.csv", include_in_schema=False)
async def download_codebook(state: State, session: SignedIn, slug: FromPath[str]) -> Stream:
    from survey_server.services.notes_export import codebook
    from survey_server.web.staff_api import _csv_line

    await _audited(state, session, slug, "codebook.csv")
    book = await codebook(state.engine, slug)

    async def rows():  # type: ignore[no-untyped-def]
        yield _csv_line(tuple(book["columns"]))
        for row in book["items"]:
            yield _csv_line(tuple(row))

    return Stream(
        rows(), media_type="text/csv; charset=utf-8", headers=_download(f"{slug}-codebook.csv")
    )


SCHEDULE_HANDLERS = [
    schedule_page,
    save_schedule,
    results_page,
    download_csv,
    download_parquet,
    download_codebook,
]
