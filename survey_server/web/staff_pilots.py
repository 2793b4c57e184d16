"""Staff pages of pilots: list, create, dashboard, waves, links (issue, CSV, QR sheet)."""

from __future__ import annotations

import io

import segno
from litestar import Request, Response, get, post
from litestar.datastructures import State
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from pilotkit.csv_cells import SafeCSVWriter
from survey_server.errors import InvalidFieldsError, InvalidInputError, NotFoundError
from survey_server.i18n import best_language, language_name
from survey_server.i18n.lazy import as_sentence, lazy_gettext
from survey_server.inputs import MAX_ECHOED, whole_number
from survey_server.services import (
    accounts,
    decisions,
    pilot_margin,
    report_jobs,
    schedule,
    staff_pilots,
)
from survey_server.services import invitation_sheet as sheets
from survey_server.services.accounts import pilot_id_for
from survey_server.services.focus_groups import list_sessions
from survey_server.services.roles import allowed
from survey_server.web.keys import installation_key
from survey_server.web.staff_auth import STAFF_HEADERS, SignedIn, checked_form, field, page
from survey_server.web.staff_reports import verdict_words


def reader_languages(request: Request) -> list[str]:
    """The report language the reader's browser prefers (Accept-Language), if the report
    is written in it: the latest report shown is the latest in that language."""
    from evaluation.reporting.i18n import report_languages

    best = best_language(request.headers.get("accept-language"), report_languages())
    return [best] if best else []


@get("/staff/pilots", include_in_schema=False)
async def pilots_page(request: Request, state: State, session: SignedIn) -> Template:
    pilots = await staff_pilots.pilots_for(state.engine, session.user)
    reports = (
        await report_jobs.latest_reports(
            state.engine,
            [(p.id, p.slug) for p in pilots],
            state.settings.reports_dir,
            reader_languages(request),
        )
        if allowed(session.user.role, "reports.view")
        else {}
    )
    return page(
        session,
        "pilots.html",
        lazy_gettext("Pilots"),
        pilots=pilots,
        reports=reports,
        verdicts=verdict_words(),
    )


def _new_pilot_page(
    session: SignedIn, values: dict[str, str], errors: dict[str, str], status: int = 200
) -> Template:
    instruments = staff_pilots.instrument_choices()
    wave_names = list(dict.fromkeys(w for choice in instruments for w in choice.waves))
    return page(
        session,
        "pilot_new.html",
        lazy_gettext("New pilot"),
        status,
        instruments=instruments,
        wave_names=wave_names,
        values=values,
        errors=errors,
    )


@get("/staff/pilots/new", include_in_schema=False)
async def new_pilot_form(session: SignedIn) -> Template:
    accounts.require(session.user, "pilot.create")
    return _new_pilot_page(session, {}, {})


_LABELS = {
    "name": lazy_gettext("The name"),
    "technology": lazy_gettext("The technology"),
    "objectives": lazy_gettext("The objectives"),
}
_FIELD_OF_MESSAGE = (
    ("slug", "slug"),
    ("instrument", "instrument"),
    ("opens", "dates"),
    ("closes", "dates"),
)


def _field_problem(key: str, problem: str) -> str:
    # TRANSLATORS: a field of the new pilot form ("The name"), then what is wrong with it
    # ("must be at most 200 characters (this one has 250)")
    return lazy_gettext("%(field)s %(problem)s.", field=_LABELS.get(key, key), problem=problem)


@post("/staff/pilots/new", include_in_schema=False)
async def create_pilot(request: Request, state: State, session: SignedIn) -> Response:
    accounts.require(session.user, "pilot.create")
    form = await checked_form(request, session)
    values = {key: field(form, key) for key in form if key != "csrf_token"}
    errors: dict[str, str] = {}
    if not values.get("instrument"):
        errors["instrument"] = lazy_gettext("Choose the questionnaire of the pilot.")
    if not values.get("name"):
        errors["name"] = lazy_gettext("Give the pilot a name.")
    if not values.get("slug"):
        errors["slug"] = lazy_gettext("Give the pilot a short address name (slug).")
    if not errors:
        waves = {
            key.removeprefix("opens_"): (
                values.get(key, ""),
                values.get("closes_" + key.removeprefix("opens_"), ""),
            )
            for key in values
            if key.startswith("opens_")
        }
        try:
            pilot = await staff_pilots.create_pilot_as(
                state.engine,
                session.user,
                instrument_id=values["instrument"],
                slug=values["slug"],
                name=values["name"],
                technology=values.get("technology", ""),
                objectives=values.get("objectives", ""),
                anonymous=values.get("design") == "anonymous",
                wave_dates=waves,
            )
        except InvalidFieldsError as exc:
            errors.update({k: _field_problem(k, v) for k, v in exc.errors.items()})
        except InvalidInputError as exc:
            key = next((f for word, f in _FIELD_OF_MESSAGE if word in exc.message), "slug")
            errors[key] = as_sentence(exc.message)
        else:
            return Redirect(f"/staff/pilots/{pilot.slug}", status_code=303, headers=STAFF_HEADERS)
    # the form comes back filled in, but not with 200,000 characters of one field
    shown = {key: value[:MAX_ECHOED] for key, value in values.items()}
    return _new_pilot_page(session, shown, errors, 422)


@get("/staff/pilots/{slug:str}", include_in_schema=False)
async def pilot_page(
    request: Request,
    state: State,
    session: SignedIn,
    slug: FromPath[str],
    refresh: FromQuery[str | None] = None,
) -> Template:
    return await _pilot_page(request, state, session, slug, refresh=refresh == "1")


async def _pilot_page(
    request: Request,
    state: State,
    session: SignedIn,
    slug: str,
    *,
    refresh: bool = False,
    reissue_error: str = "",
    reissue_value: str = "",
) -> Template:
    """The pilot's dashboard; a refused reissue shows its error on the form (422)."""
    pilot_id = await pilot_id_for(session.user, slug, "pilot.view")
    manage = allowed(session.user.role, "pilot.manage")
    board = await staff_pilots.dashboard(state.engine, pilot_id, with_names=manage)
    sessions = (
        await list_sessions(state.engine, pilot_id)
        if allowed(session.user.role, "sessions.view")
        else []
    )
    members = await accounts.members(state.engine, pilot_id)
    latest_report = (
        await report_jobs.latest_report(
            state.engine, pilot_id, slug, state.settings.reports_dir, reader_languages(request)
        )
        if allowed(session.user.role, "reports.view")
        else None
    )
    report_choices = (
        await report_jobs.report_choices(state.engine, pilot_id)
        if allowed(session.user.role, "reports.run")
        else None
    )
    decision = (
        (await decisions.current_decisions(state.engine, [pilot_id])).get(pilot_id)
        if allowed(session.user.role, "decisions.view")
        else None
    )
    return page(
        session,
        "pilot.html",
        board.pilot.name,
        status=422 if reissue_error else 200,
        reissue_error=reissue_error,
        reissue_value=reissue_value,
        board=board,
        sessions=sessions,
        members=members,
        max_batch=staff_pilots.MAX_BATCH,
        refresh=refresh,
        latest_report=latest_report,
        report_choices=report_choices,
        decision=decision,
        verdicts=verdict_words(),
        next_event=schedule.next_event(board.pilot.waves, state.settings.clock()),
        margin=await pilot_margin.margin_setting(state.engine, pilot_id),
    )


@post("/staff/pilots/{slug:str}/waves/{wave:str}", include_in_schema=False)
async def change_wave(
    request: Request, state: State, session: SignedIn, slug: FromPath[str], wave: FromPath[str]
) -> Redirect:
    form = await checked_form(request, session)
    pilot_id = await pilot_id_for(session.user, slug, "pilot.manage")
    status = field(form, "status")
    if status == "closed" and field(form, "confirm") != "1":
        # closing stops every link of the wave: say how many have not answered, and ask
        board = await staff_pilots.dashboard(state.engine, pilot_id, with_names=False)
        figures = next((w for w in board.waves if w.name == wave), None)
        if figures is not None and figures.state == "open":
            return page(
                session,
                "wave_close.html",
                board.pilot.name,
                pilot=board.pilot,
                wave=figures,
                waiting=max(figures.invited - figures.submitted, 0),
            )
    await staff_pilots.change_wave(state.engine, session.user, slug, wave, status)
    return Redirect(f"/staff/pilots/{slug}#waves", status_code=303, headers=STAFF_HEADERS)


@post("/staff/pilots/{slug:str}/invitations", include_in_schema=False)
async def issue_invitations(
    request: Request, state: State, session: SignedIn, slug: FromPath[str]
) -> Redirect:
    form = await checked_form(request, session)
    await pilot_id_for(session.user, slug, "pilot.manage")
    count = whole_number(field(form, "count"), "count", low=1, high=staff_pilots.MAX_BATCH)
    key = await staff_pilots.issue_links(
        state.engine,
        session.user,
        slug,
        count,
        state.settings.base_url,
        installation_key(state),
        wave=field(form, "wave") or None,
    )
    return Redirect(
        f"/staff/pilots/{slug}/invitations/{key}", status_code=303, headers=STAFF_HEADERS
    )


@post("/staff/pilots/{slug:str}/reissue", include_in_schema=False)
async def reissue(
    request: Request, state: State, session: SignedIn, slug: FromPath[str]
) -> Response:
    form = await checked_form(request, session)
    pilot_id = await pilot_id_for(session.user, slug, "pilot.manage")
    asked = field(form, "participant_id")
    try:
        key = await staff_pilots.reissue_link(
            state.engine,
            session.user,
            pilot_id,
            asked,
            state.settings.base_url,
            installation_key(state),
        )
    except NotFoundError as exc:  # an unknown id: said on the form, which keeps what was typed
        return await _pilot_page(
            request, state, session, slug, reissue_error=exc.message, reissue_value=asked
        )
    return Redirect(
        f"/staff/pilots/{slug}/invitations/{key}", status_code=303, headers=STAFF_HEADERS
    )


@get("/staff/pilots/{slug:str}/invitations/{key:str}", include_in_schema=False)
async def invitation_batch(
    state: State, session: SignedIn, slug: FromPath[str], key: FromPath[str]
) -> Template:
    pilot_id = await pilot_id_for(session.user, slug, "pilot.manage")
    links = await staff_pilots.batch_links(state.engine, session.user, pilot_id, key)
    return page(
        session,
        "invitations.html",
        lazy_gettext("New participant links"),
        slug=slug,
        key=key,
        links=links,
    )


@get("/staff/pilots/{slug:str}/invitations/{key:str}/links.csv", include_in_schema=False)
async def invitation_csv(
    state: State, session: SignedIn, slug: FromPath[str], key: FromPath[str]
) -> Response[str]:
    pilot_id = await pilot_id_for(session.user, slug, "pilot.manage")
    links = await staff_pilots.batch_links(state.engine, session.user, pilot_id, key)
    buffer = io.StringIO()
    writer = SafeCSVWriter(buffer)
    writer.writerow(("participant_id", "wave", "link", "code"))
    writer.writerows((link.participant_id, link.wave, link.url, link.code) for link in links)
    return Response(
        buffer.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={
            **STAFF_HEADERS,
            "Content-Disposition": f'attachment; filename="{slug}-links.csv"',
        },
    )


@get("/staff/pilots/{slug:str}/invitations/{key:str}/sheet", include_in_schema=False)
async def invitation_sheet(
    request: Request,
    state: State,
    session: SignedIn,
    slug: FromPath[str],
    key: FromPath[str],
) -> Template:
    pilot_id = await pilot_id_for(session.user, slug, "pilot.manage")
    sheet = await sheets.invitation_sheet(
        state.engine,
        session.user,
        pilot_id,
        key,
        state.settings.base_url,
        request.query_params.getall("lang", []),
    )
    title = "QR code of the link for {id}"
    qr_codes = [
        segno.make(card.url, error="m").svg_inline(
            scale=3,
            title=title.format(id=card.participant_id)
            if card.participant_id
            else "QR code of the link",
        )
        for card in sheet.cards
    ]
    return page(
        session,
        "sheet.html",
        lazy_gettext("Invitation sheet – %(pilot_name)s", pilot_name=sheet.pilot_name),
        slug=slug,
        key=key,
        sheet=sheet,
        cards=list(zip(sheet.cards, qr_codes, strict=True)),
        offered=[(code, language_name(code)) for code in sheet.offered],
    )


@post("/staff/pilots/{slug:str}/members", include_in_schema=False)
async def add_member(
    request: Request, state: State, session: SignedIn, slug: FromPath[str]
) -> Redirect:
    form = await checked_form(request, session)
    await pilot_id_for(session.user, slug, "members.manage")
    await accounts.add_member(state.engine, slug, field(form, "email"), session.user.actor)
    return Redirect(f"/staff/pilots/{slug}#members", status_code=303, headers=STAFF_HEADERS)


@post("/staff/pilots/{slug:str}/members/{user_id:int}/remove", include_in_schema=False)
async def remove_member(
    request: Request,
    state: State,
    session: SignedIn,
    slug: FromPath[str],
    user_id: FromPath[int],
) -> Redirect:
    await checked_form(request, session)
    pilot_id = await pilot_id_for(session.user, slug, "members.manage")
    await accounts.remove_member(state.engine, pilot_id, user_id, session.user.actor)
    return Redirect(f"/staff/pilots/{slug}#members", status_code=303, headers=STAFF_HEADERS)


PILOT_HANDLERS = [
    pilots_page,
    new_pilot_form,
    create_pilot,
    pilot_page,
    change_wave,
    issue_invitations,
    reissue,
    invitation_batch,
    invitation_csv,
    invitation_sheet,
    add_member,
    remove_member,
]
