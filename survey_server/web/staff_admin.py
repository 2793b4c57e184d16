"""Admin pages (accounts, audit log) and every user's API tokens page."""

from __future__ import annotations

from litestar import Request, Response, get, post
from litestar.datastructures import State
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from survey_server.errors import InvalidInputError
from survey_server.i18n.lazy import as_sentence, lazy_gettext
from survey_server.inputs import MAX_ID, optional_whole_number
from survey_server.services import accounts, api_tokens, audit, audit_view
from survey_server.services.roles import ROLES
from survey_server.services.staff_pilots import pilots_for
from survey_server.web.staff_auth import STAFF_HEADERS, SignedIn, checked_form, field, page


async def _users_page(
    state: State,
    session: SignedIn,
    *,
    values: dict[str, str] | None = None,
    error: str = "",
    created: str = "",
    status: int = 200,
) -> Template:
    users = await accounts.list_users(state.engine)
    return page(
        session,
        "users.html",
        lazy_gettext("Staff accounts"),
        status,
        users=users,
        roles=ROLES,
        values=values or {"role": "manager"},
        error=error,
        created=created,
    )


@get("/staff/users", include_in_schema=False)
async def users_page(state: State, session: SignedIn) -> Template:
    accounts.require(session.user, "users.manage")
    return await _users_page(state, session)


@post("/staff/users", include_in_schema=False)
async def create_user(request: Request, state: State, session: SignedIn) -> Response:
    form = await checked_form(request, session)
    accounts.require(session.user, "users.manage")
    values = {"email": field(form, "email"), "role": field(form, "role")}
    try:
        user = await accounts.create_user(
            state.engine,
            email=values["email"],
            role=values["role"],
            password=form.get("password", [""])[0],
            actor=session.user.actor,
        )
    except InvalidInputError as exc:
        return await _users_page(
            state, session, values=values, error=as_sentence(exc.message), status=422
        )
    return await _users_page(state, session, created=user.email)


@post("/staff/users/{user_id:int}/active", include_in_schema=False)
async def set_active(
    request: Request, state: State, session: SignedIn, user_id: FromPath[int]
) -> Redirect:
    form = await checked_form(request, session)
    accounts.require(session.user, "users.manage")
    await accounts.set_user_active(
        state.engine, user_id, field(form, "active") == "1", session.user.actor
    )
    return Redirect("/staff/users", status_code=303, headers=STAFF_HEADERS)


@get("/staff/audit", include_in_schema=False)
async def audit_page(
    state: State,
    session: SignedIn,
    pilot: FromQuery[str | None] = None,
    user: FromQuery[str | None] = None,
    page_number: FromQuery[int] = 1,
) -> Template:
    accounts.require(session.user, "audit.view")
    pilot_id = optional_whole_number(pilot, "pilot", low=1, high=MAX_ID)
    user_id = optional_whole_number(user, "user", low=1, high=MAX_ID)
    log = await audit.read_log(state.engine, pilot=pilot_id, actor=user_id, page=page_number)
    pilots = await pilots_for(state.engine, session.user)
    names = {p.id: p.name for p in pilots}
    return page(
        session,
        "audit.html",
        lazy_gettext("Audit log"),
        log=log,
        readable=[audit_view.readable(entry, names) for entry in log.entries],
        pilots=pilots,
        users=await accounts.list_users(state.engine),
        pilot_id=pilot_id,
        user_id=user_id,
    )


async def _tokens_page(
    state: State, session: SignedIn, *, new_token: str = "", error: str = "", status: int = 200
) -> Template:
    tokens = await api_tokens.list_tokens(state.engine, session.user)
    return page(
        session,
        "tokens.html",
        lazy_gettext("API tokens"),
        status,
        tokens=tokens,
        new_token=new_token,
        error=error,
    )


@get("/staff/tokens", include_in_schema=False)
async def tokens_page(state: State, session: SignedIn) -> Template:
    accounts.require(session.user, "tokens")
    return await _tokens_page(state, session)


@post("/staff/tokens", include_in_schema=False)
async def create_token(request: Request, state: State, session: SignedIn) -> Template:
    form = await checked_form(request, session)
    try:
        token = await api_tokens.create_token(state.engine, session.user, field(form, "name"))
    except InvalidInputError as exc:
        return await _tokens_page(state, session, error=as_sentence(exc.message), status=422)
    return await _tokens_page(state, session, new_token=token)


@post("/staff/tokens/{token_id:int}/revoke", include_in_schema=False)
async def revoke_token(
    request: Request, state: State, session: SignedIn, token_id: FromPath[int]
) -> Redirect:
    await checked_form(request, session)
    accounts.require(session.user, "tokens")
    await api_tokens.revoke_token(state.engine, session.user, token_id)
    return Redirect("/staff/tokens", status_code=303, headers=STAFF_HEADERS)


ADMIN_HANDLERS = [
    users_page,
    create_user,
    set_active,
    audit_page,
    tokens_page,
    create_token,
    revoke_token,
]
