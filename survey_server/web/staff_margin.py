"""Staff page of a pilot's margin for the verdict (managers and admins change it)."""

from __future__ import annotations

from litestar import Request, Response, get, post
from litestar.datastructures import State
from litestar.params import FromPath
from litestar.response import Redirect, Template

from survey_server.i18n.lazy import lazy_gettext
from survey_server.services import pilot_margin
from survey_server.services.accounts import pilot_id_for
from survey_server.services.pilots import get_pilot
from survey_server.web.staff_auth import STAFF_HEADERS, SignedIn, checked_form, field, page

#: Characters of a refused margin shown back in the field.
ECHOED = 100


async def _margin_page(
    state: State,
    session: SignedIn,
    slug: str,
    pilot_id: int,
    *,
    value: str | None = None,
    error: pilot_margin.MarginFieldError | None = None,
) -> Template:
    setting = await pilot_margin.margin_setting(state.engine, pilot_id)
    shown = value if value is not None else ("" if setting.value is None else f"{setting.value:g}")
    return page(
        session,
        "margin.html",
        lazy_gettext("Margin for the verdict"),
        422 if error else 200,
        pilot=await get_pilot(state.engine, slug),
        setting=setting,
        value=shown,
        error=error,
    )


@get("/staff/pilots/{slug:str}/margin", include_in_schema=False)
async def margin_page(state: State, session: SignedIn, slug: FromPath[str]) -> Template:
    pilot_id = await pilot_id_for(session.user, slug, "pilot.manage")
    return await _margin_page(state, session, slug, pilot_id)


@post("/staff/pilots/{slug:str}/margin", include_in_schema=False)
async def save_margin(
    request: Request, state: State, session: SignedIn, slug: FromPath[str]
) -> Response:
    form = await checked_form(request, session)
    pilot_id = await pilot_id_for(session.user, slug, "pilot.manage")
    typed = field(form, "margin")
    try:
        await pilot_margin.set_margin(state.engine, session.user.actor, pilot_id, typed)
    except pilot_margin.MarginFieldError as exc:
        return await _margin_page(state, session, slug, pilot_id, value=typed[:ECHOED], error=exc)
    return Redirect(f"/staff/pilots/{slug}#margin", status_code=303, headers=STAFF_HEADERS)


MARGIN_HANDLERS = [margin_page, save_margin]
