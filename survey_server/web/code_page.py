"""`/c`: where a person types the short code of their invitation card.

GET shows the field; POST looks the code up and redirects to the participant's form
(`/f/{token}`). A code that cannot be one, an unknown code and too many wrong codes from
one address each get one message on the same page (422, 404, 429). The page speaks the
language asked for (?lang=, then the cookie), else the browser's, among the languages
of the platform's texts.
"""

from __future__ import annotations

from litestar import Request, Response, get, post
from litestar.datastructures import State
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from survey_server.i18n import Translator, language_name, ui_languages
from survey_server.services import invitation_codes
from survey_server.services.invitation_codes import CodeThrottledError, UnknownCodeError
from survey_server.web.form import PRIVATE_HEADERS, _language
from survey_server.web.keys import installation_key
from survey_server.web.staff_auth import client_address

EXAMPLE = "K7QMX-3TD9R"
MAX_TYPED = 40  # a code is 11 characters with its dash: more is not worth echoing


def _page(
    request: Request, asked: str | None, *, typed: str = "", error: str = "", status: int = 200
) -> Template:
    offered = ui_languages()
    lang = _language(request, offered, asked)
    t = Translator(lang)
    return Template(
        template_name="form/code.html",
        context={
            "t": t,
            "ui_lang": lang,
            "ui_register": t.register,
            "lang": lang,
            "title": (t("page.error_title_prefix") if error else "") + t("code.title"),
            "form_title": "",
            # a list of every language would crowd the header on a phone: a menu instead
            "languages": [],
            "choices": [(code, language_name(code)) for code in offered],
            "example": EXAMPLE,
            "typed": typed[:MAX_TYPED],
            "error": error,
            "page": 0,
        },
        status_code=status,
        headers=PRIVATE_HEADERS,
    )


@get("/c", include_in_schema=False)
async def code_form(request: Request, lang: FromQuery[str | None] = None) -> Template:
    return _page(request, lang)


@post("/c", include_in_schema=False)
async def open_code(request: Request, state: State) -> Response:
    form = await request.form()
    typed = str(form.get("code", ""))
    asked = str(form.get("lang", "")) or None
    t = Translator(_language(request, ui_languages(), asked))
    code = invitation_codes.normalise_code(typed[:MAX_TYPED])
    if code is None:
        return _page(
            request, asked, typed=typed, error=t("code.shape", example=EXAMPLE), status=422
        )
    try:
        token = await invitation_codes.open_code(
            state.engine, installation_key(state), code, client_address(request)
        )
    except UnknownCodeError:
        return _page(request, asked, typed=typed, error=t("code.unknown"), status=404)
    except CodeThrottledError as exc:
        minutes = exc.retry_after // 60
        response = _page(
            request, asked, typed=typed, error=t("code.throttled", minutes=minutes), status=429
        )
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    target = f"/f/{token}" + (f"?lang={asked}" if asked in ui_languages() else "")
    return Redirect(target, status_code=303, headers=PRIVATE_HEADERS)


CODE_HANDLERS = [code_form, open_code]
