"""Errors on staff pages: HTML pages for people, JSON for the staff API, redirects to sign in."""

from __future__ import annotations

from litestar import Request, Response
from litestar.exceptions import HTTPException
from litestar.response import Redirect, Template

from survey_server.errors import ServiceError
from survey_server.i18n.lazy import as_sentence, lazy_gettext
from survey_server.services.accounts import PermissionDeniedError, ThrottledError
from survey_server.web.errors import errors_of, http_error_handler, service_error_handler, status_of
from survey_server.web.staff_auth import (
    STAFF_HEADERS,
    NotSignedInError,
    page,
)

STAFF_API = "/staff/api/"


def _is_staff_page(request: Request) -> bool:
    path = request.url.path
    return path.startswith("/staff") and not path.startswith(STAFF_API)


def _staff_status(exc: ServiceError) -> int:
    if isinstance(exc, PermissionDeniedError):
        return 403
    if isinstance(exc, ThrottledError):
        return 429
    return status_of(exc)


def _error_page(request: Request, status: int, message: str) -> Template:
    # Exception handlers are synchronous: use the session the request already loaded.
    session = request.scope.get("state", {}).get("staff_session")
    titles = {
        403: lazy_gettext("Not allowed"),
        404: lazy_gettext("Not found"),
        409: lazy_gettext("Not possible now"),
        422: lazy_gettext("Check the form"),
    }
    return page(
        session,
        "error.html",
        titles.get(status, lazy_gettext("Something is not right")),
        status=status,
        message=message,
    )


def staff_service_error(request: Request, exc: ServiceError) -> Response:
    if not request.url.path.startswith("/staff"):
        return service_error_handler(request, exc)
    status = _staff_status(exc)
    if _is_staff_page(request):
        # the first letter up, the rest as written (field names, "NUL")
        return _error_page(request, status, as_sentence(exc.message))
    return Response(
        {"detail": exc.message, "code": exc.code, "errors": errors_of(exc)},
        status_code=status,
        headers=STAFF_HEADERS,
    )


def staff_http_error(request: Request, exc: HTTPException) -> Response:
    if not _is_staff_page(request):
        return http_error_handler(request, exc)
    if isinstance(exc, NotSignedInError):
        target = "/staff/sign-in"
        if request.method == "GET":
            target += f"?next={request.url.path}"
        return Redirect(target, status_code=303, headers=STAFF_HEADERS)
    message: str = as_sentence(str(exc.detail))
    if exc.status_code == 404:
        message = lazy_gettext("There is no page at this address.")
    elif exc.status_code == 405:
        message = lazy_gettext("This page cannot be used that way.")
    return _error_page(request, exc.status_code, message)


STAFF_EXCEPTION_HANDLERS = {
    ServiceError: staff_service_error,
    HTTPException: staff_http_error,
}
