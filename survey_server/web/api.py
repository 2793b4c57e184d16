"""Participant JSON API (contracts.md section 4) under /api/v1."""

from __future__ import annotations

from litestar import Response, get, post, put
from litestar.datastructures import State
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, FromQuery, JSONBody

from survey_server.services import forms
from survey_server.web.presenters import form_out, pick_language
from survey_server.web.schemas import (
    DraftIn,
    DraftOut,
    ErrorOut,
    FormOut,
    SubmissionIn,
    SubmissionOut,
)

_NOT_FOUND = ResponseSpec(ErrorOut, description="Unknown or malformed token")
_CLOSED = ResponseSpec(ErrorOut, description="The wave is closed or not open yet")
_INVALID = ResponseSpec(ErrorOut, description="Invalid answers, one message per item")
_TOO_LARGE = ResponseSpec(ErrorOut, description="Request body too large")


@get(
    "/api/v1/forms/{token:str}",
    summary="The form of a participant link",
    responses={404: _NOT_FOUND, 409: _CLOSED},
    tags=["participant"],
)
async def get_form(
    state: State, token: FromPath[str], lang: FromQuery[str | None] = None
) -> FormOut:
    """Items of the open wave in the requested language, saved draft answers, and
    whether this link already submitted in this wave."""
    context = await forms.open_form(state.engine, token)
    return form_out(context, pick_language(context.instrument, lang))


@put(
    "/api/v1/forms/{token:str}/draft",
    summary="Save partial answers",
    responses={404: _NOT_FOUND, 409: _CLOSED, 413: _TOO_LARGE, 422: _INVALID},
    tags=["participant"],
)
async def put_draft(state: State, token: FromPath[str], data: JSONBody[DraftIn]) -> DraftOut:
    """Merges the given answers into the saved draft (null clears one)."""
    context = await forms.save_draft(state.engine, token, data.answers)
    return DraftOut(wave=context.wave.name, answers=context.draft_answers)


@post(
    "/api/v1/forms/{token:str}/submissions",
    summary="Submit the answers (idempotent by submission_id)",
    responses={
        200: ResponseSpec(SubmissionOut, description="Identical retry: the first answer again"),
        404: _NOT_FOUND,
        409: ResponseSpec(
            ErrorOut,
            description="Wave closed, already submitted, or submission_id reused with "
            "different answers",
        ),
        413: _TOO_LARGE,
        422: _INVALID,
    },
    status_code=201,
    tags=["participant"],
)
async def post_submission(
    state: State, token: FromPath[str], data: JSONBody[SubmissionIn]
) -> Response[SubmissionOut]:
    """First submission 201; the same submission_id and answers again 200, same body."""
    result = await forms.submit(state.engine, token, data.submission_id, data.answers)
    return Response(result.body, status_code=201 if result.created else 200)  # type: ignore[arg-type]


API_HANDLERS = [get_form, put_draft, post_submission]
