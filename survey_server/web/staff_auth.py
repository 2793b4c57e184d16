"""Staff sign-in, sign-out, password change, and the request helpers every staff page uses.

Sessions live in the database (see services/staff_sessions.py). CSRF: each session has
a synchronizer token; every staff form carries it in a hidden `csrf_token` field and
`checked_form` refuses a POST without the right one. The sign-in form, before any
session, uses a double-submit cookie. The participant API and form are not involved.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Any

from litestar import Request, Response, get, post
from litestar.datastructures import Cookie, State
from litestar.di import NamedDependency
from litestar.exceptions import HTTPException
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from survey_server.errors import InvalidInputError
from survey_server.i18n.lazy import as_sentence, lazy_gettext
from survey_server.services import accounts, staff_sessions
from survey_server.services.accounts import SignInError, ThrottledError
from survey_server.services.roles import allowed
from survey_server.services.staff_sessions import ActiveSession

#: The signed-in session, injected by the staff router (`require_session`).
SignedIn = NamedDependency[ActiveSession]

SESSION_COOKIE = "pilotkit_staff"
SIGNIN_COOKIE = "pilotkit_signin"
STAFF_HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


class NotSignedInError(HTTPException):
    status_code = 401
    detail = "sign in first"


class CsrfError(HTTPException):
    status_code = 403
    detail = "the form has expired or did not come from this site; reload the page and try again"


def _cookie(request: Request, key: str, value: str, max_age: int | None) -> Cookie:
    return Cookie(
        key=key,
        value=value,
        max_age=max_age,
        path="/staff",
        httponly=True,
        samesite="lax",
        secure=request.app.state.settings.secure_cookies,
    )


async def current_session(request: Request) -> ActiveSession | None:
    cached = request.scope.get("state", {}).get("staff_session")
    if cached is not None:
        return cached
    session = await staff_sessions.load_session(
        request.app.state.engine, request.cookies.get(SESSION_COOKIE)
    )
    if session is not None:
        request.scope.setdefault("state", {})["staff_session"] = session
    return session


async def require_session(request: Request) -> ActiveSession:
    """Dependency of every signed-in page: the session, or a redirect to sign in."""
    session = await current_session(request)
    if session is None:
        raise NotSignedInError()
    return session


async def checked_form(request: Request, session: SignedIn) -> dict[str, list[str]]:
    """The posted form, after checking its CSRF token against the session's."""
    form = await request.form()
    sent = str(form.get("csrf_token", ""))
    if not hmac.compare_digest(sent.encode(), session.csrf_token.encode()):
        raise CsrfError()
    return {key: [str(v) for v in form.getall(key)] for key in form}


def field(form: dict[str, list[str]], name: str, default: str = "") -> str:
    values = form.get(name)
    return values[0].strip() if values else default


def page(
    session: SignedIn | None,
    template: str,
    title: str,
    status: int = 200,
    **context: Any,
) -> Template:
    """A staff page with the navigation, the user and the CSRF token filled in."""
    user = session.user if session else None
    return Template(
        template_name=f"staff/{template}",
        context={
            "title": title,
            "user": user,
            "csrf": session.csrf_token if session else "",
            "can": (lambda permission: bool(user) and allowed(user.role, permission)),
            **context,
        },
        status_code=status,
        headers=STAFF_HEADERS,
    )


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _sign_in_page(
    request: Request, *, error: str = "", email: str = "", status: int = 200, next_url: str = ""
) -> Template:
    token = secrets.token_urlsafe(24)
    response = page(
        None,
        "sign_in.html",
        lazy_gettext("Sign in"),
        status,
        error=error,
        email=email,
        signin_token=token,
        next_url=next_url,
    )
    response.cookies.append(_cookie(request, SIGNIN_COOKIE, token, 3600))
    return response


def _safe_next(next_url: str | None) -> str:
    if next_url and next_url.startswith("/staff/") and not next_url.startswith("//"):
        return next_url
    return "/staff/pilots"


@get("/staff/sign-in", include_in_schema=False)
async def sign_in_form(request: Request, next: FromQuery[str | None] = None) -> Template:
    return _sign_in_page(request, next_url=_safe_next(next))


@post("/staff/sign-in", include_in_schema=False)
async def sign_in(request: Request, state: State) -> Response:
    form = await request.form()
    email = str(form.get("email", "")).strip()
    password = str(form.get("password", ""))
    next_url = _safe_next(str(form.get("next", "")))
    sent = str(form.get("signin_token", ""))
    expected = request.cookies.get(SIGNIN_COOKIE, "")
    if not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        return _sign_in_page(
            request,
            error=lazy_gettext("The sign-in form expired. Please enter your details again."),
            email=email,
            status=403,
            next_url=next_url,
        )
    if not email or not password:
        return _sign_in_page(
            request,
            error=lazy_gettext("Enter your e-mail address and your password."),
            email=email,
            status=422,
            next_url=next_url,
        )
    try:
        user = await accounts.authenticate(state.engine, email, password, client_address(request))
    except ThrottledError as exc:
        response = _sign_in_page(request, error=as_sentence(exc.message), email=email, status=429)
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    except SignInError as exc:
        return _sign_in_page(
            request,
            error=as_sentence(exc.message),
            email=email,
            status=401,
            next_url=next_url,
        )
    session_id = await staff_sessions.start_session(state.engine, user)
    return Redirect(
        next_url,
        status_code=303,
        headers=STAFF_HEADERS,
        cookies=[
            _cookie(request, SESSION_COOKIE, session_id, staff_sessions.SESSION_TTL_S),
            _cookie(request, SIGNIN_COOKIE, "", 0),
        ],
    )


@post("/staff/sign-out", include_in_schema=False)
async def sign_out(request: Request, state: State, session: SignedIn) -> Response:
    await checked_form(request, session)
    await staff_sessions.end_session(state.engine, request.cookies.get(SESSION_COOKIE))
    return Redirect(
        "/staff/sign-in",
        status_code=303,
        headers=STAFF_HEADERS,
        cookies=[_cookie(request, SESSION_COOKIE, "", 0)],
    )


@get("/staff/password", include_in_schema=False)
async def password_form(session: SignedIn) -> Template:
    return page(
        session, "password.html", lazy_gettext("Change your password"), errors={}, done=False
    )


@post("/staff/password", include_in_schema=False)
async def change_password(request: Request, state: State, session: SignedIn) -> Template:
    form = await checked_form(request, session)
    current = form.get("current", [""])[0]
    new = form.get("new", [""])[0]
    repeat = form.get("repeat", [""])[0]
    errors: dict[str, str] = {}
    if new != repeat:
        errors["repeat"] = lazy_gettext("The two new passwords are not the same.")
    else:
        try:
            await accounts.change_password(
                state.engine, session.user, current, new, keep_session=session.id_hash
            )
        except InvalidInputError as exc:
            key = "current" if "current" in exc.message else "new"
            errors[key] = as_sentence(exc.message)
    return page(
        session,
        "password.html",
        lazy_gettext("Change your password"),
        status=422 if errors else 200,
        errors=errors,
        done=not errors,
    )


@get("/staff", include_in_schema=False)
async def staff_home() -> Redirect:
    return Redirect("/staff/pilots", status_code=303)


AUTH_HANDLERS = [sign_in_form, sign_in, sign_out, password_form, change_password, staff_home]
