"""Domain errors raised by the services; the web layer maps them to HTTP answers.

None of them says whether a token other than the caller's exists.
"""

from __future__ import annotations

from pilotkit.errors import PilotkitError
from survey_server.i18n.lazy import lazy_gettext, lazy_join


class ServiceError(PilotkitError):
    """Base of the errors a caller can act on; `code` is a stable machine-readable name."""

    code = "error"


class NotFoundError(ServiceError):
    """Unknown or malformed token, unknown pilot or wave."""

    code = "not_found"


class ConflictError(ServiceError):
    """The request clashes with the current state (closed wave, already submitted...)."""

    code = "conflict"


class WaveNotOpenError(ConflictError):
    """No wave of the pilot accepts answers now; `reason` is `not_yet_open` or `closed`."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason

    @property
    def code(self) -> str:  # type: ignore[override]
        return f"wave_{self.reason}"


class AlreadySubmittedError(ConflictError):
    code = "already_submitted"


class SubmissionMismatchError(ConflictError):
    """The same submission id came back with different answers."""

    code = "submission_id_reused"


class InvalidAnswersError(ServiceError):
    """One message per item id (unknown item, wrong type, out of range, required)."""

    code = "invalid_answers"

    def __init__(self, errors: dict[str, str], message: str | None = None) -> None:
        self.errors = errors
        names = sorted(errors)
        shown = ", ".join(names[:20]) + (f" and {len(names) - 20} more" if len(names) > 20 else "")
        super().__init__(message or f"invalid answers: {shown}")


class InvalidInputError(ServiceError):
    """Bad arguments of a command (count < 1, existing slug...)."""

    code = "invalid_input"


class InvalidFieldsError(InvalidInputError):
    """Fields of a request that break the input rules: one message per field name."""

    def __init__(self, errors: dict[str, str], code: str = "invalid_input") -> None:
        self.errors = errors
        self.code = code
        shown = list(errors.items())[:20]
        # TRANSLATORS: a field's name as the form calls it, then what is wrong with it
        parts = [lazy_gettext("%(field)s: %(problem)s", field=k, problem=v) for k, v in shown]
        super().__init__(lazy_join(parts))


class MalformedBodyError(ServiceError):
    """A request body the server will not read (JSON nested too deeply...): 400."""

    code = "bad_request"
