"""Domain and request errors as JSON: {"detail", "code", "errors"}; never a 500 body leak."""

from __future__ import annotations

import logging

from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from survey_server.errors import (
    ConflictError,
    InvalidAnswersError,
    InvalidInputError,
    NotFoundError,
    ServiceError,
)
from survey_server.inputs import bounded

logger = logging.getLogger("survey_server")


def status_of(error: ServiceError) -> int:
    if isinstance(error, NotFoundError):
        return 404
    if isinstance(error, ConflictError):
        return 409
    if isinstance(error, InvalidAnswersError | InvalidInputError):
        return 422
    return 400


def errors_of(exc: ServiceError) -> dict[str, str]:
    """The per-field messages of an error, at most MAX_LISTED_ERRORS of them."""
    errors = getattr(exc, "errors", None)
    return bounded(errors) if isinstance(errors, dict) else {}


def service_error_handler(request: Request, exc: ServiceError) -> Response:
    return Response(
        {"detail": exc.message, "code": exc.code, "errors": errors_of(exc)},
        status_code=status_of(exc),
    )


def validation_error_handler(request: Request, exc: ValidationException) -> Response:
    """Malformed JSON or a body of the wrong shape: 400, with the fields named."""
    errors: dict[str, str] = {}
    for entry in exc.extra or []:
        if isinstance(entry, dict):
            key = str(entry.get("key") or "body")
            errors[key] = str(entry.get("message", "invalid"))
    detail = exc.detail or "invalid request"
    if "Malformed" in detail or not errors:
        detail = "the request body is not valid JSON of the expected shape"
    return Response({"detail": detail, "code": "bad_request", "errors": errors}, status_code=400)


def http_error_handler(request: Request, exc: HTTPException) -> Response:
    return Response(
        {"detail": exc.detail, "code": "http_error", "errors": {}},
        status_code=exc.status_code,
        headers=exc.headers,
    )


def unexpected_error_handler(request: Request, exc: Exception) -> Response:
    logger.exception("unexpected error on %s %s", request.method, request.url.path)
    return Response(
        {"detail": "something went wrong on our side; please try again", "code": "server_error"},
        status_code=HTTP_500_INTERNAL_SERVER_ERROR,
    )


EXCEPTION_HANDLERS = {
    ServiceError: service_error_handler,
    ValidationException: validation_error_handler,
    HTTPException: http_error_handler,
    Exception: unexpected_error_handler,
}
