"""The door every request passes: input rules that hold for all handlers alike.

Runs before each handler (`before_request`): a NUL character in a query parameter, a
path parameter, a form's text field or a JSON string is refused with 422 naming the
field (`code` `nul_character`); a JSON body nested deeper than `MAX_JSON_DEPTH` gets 400;
an integer path parameter beyond any row id (`MAX_ID`) gets 404.
The body read here stays cached for the handler. Files uploaded in a multipart form may
hold any bytes; only their form's text fields are checked.
"""

from __future__ import annotations

from litestar import Request
from litestar.enums import RequestEncodingType

from survey_server.errors import InvalidFieldsError, MalformedBodyError, NotFoundError
from survey_server.i18n.lazy import lazy_gettext
from survey_server.inputs import (
    MAX_ID,
    MAX_JSON_DEPTH,
    JsonTooDeepError,
    bounded,
    fields_with_nul,
    json_problems,
)

_WITH_BODY = frozenset({"POST", "PUT", "PATCH", "DELETE"})


async def refuse_hostile_input(request: Request) -> None:
    for value in request.path_params.values():
        # an id no row can have: the database's integers stop far earlier than Python's
        if isinstance(value, int) and not 0 <= value <= MAX_ID:
            raise NotFoundError(lazy_gettext("there is nothing at this address"))
    problems = fields_with_nul(request.query_params.multi_items())
    problems |= fields_with_nul(request.path_params.items())
    if request.method in _WITH_BODY:
        problems |= await _body_problems(request)
    if problems:
        raise InvalidFieldsError(bounded(problems), code="nul_character")


async def _body_problems(request: Request) -> dict[str, str]:
    content_type = request.content_type[0]
    if content_type == RequestEncodingType.JSON or content_type.endswith("+json"):
        try:
            return json_problems(await request.body())
        except JsonTooDeepError:
            raise MalformedBodyError(
                lazy_gettext(
                    "the JSON body is nested too deeply (at most %(limit)s levels)",
                    limit=MAX_JSON_DEPTH,
                )
            ) from None
    if content_type == RequestEncodingType.URL_ENCODED:
        body = await request.body()
        if b"%00" not in body and b"\x00" not in body:
            return {}
    elif content_type != RequestEncodingType.MULTI_PART:
        return {}
    form = await request.form()
    return fields_with_nul(form.multi_items())
