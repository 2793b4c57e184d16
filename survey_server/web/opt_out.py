"""The opt-out link of every invitation and reminder: `/o/{token}`.

GET shows one button (mail scanners open links, so a GET changes nothing); POST stops the
messages at once. A POST with the body `List-Unsubscribe=One-Click` is the one-click
unsubscribe of RFC 8058 that mail programs send from the `List-Unsubscribe` header.
"""

from __future__ import annotations

from litestar import Request, get, post
from litestar.datastructures import State
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from survey_server.errors import NotFoundError
from survey_server.i18n import Translator, language_name
from survey_server.services import contacts
from survey_server.web.form import PRIVATE_HEADERS, _language, _message_page


def _page(
    request: Request, target: contacts.OptOutTarget, token: str, asked: str | None, done: bool
) -> Template:
    offered = target.languages
    lang = asked if asked in offered else target.language
    lang = _language(request, offered, lang)
    t = Translator(lang)
    key = "optout.done" if done else "optout"
    return Template(
        template_name="form/opt_out.html",
        context={
            "t": t,
            "ui_lang": lang,
            "ui_register": t.register,
            "lang": lang,
            "title": t(f"{key}.title"),
            "text": t(f"{key}.text", pilot=target.pilot_name),
            "form_title": target.pilot_name,
            "languages": [(code, language_name(code)) for code in offered],
            "token": token,
            "done": done,
            "page": 0,
        },
        headers=PRIVATE_HEADERS,
    )


@get("/o/{token:str}", include_in_schema=False)
async def opt_out_form(
    request: Request, state: State, token: FromPath[str], lang: FromQuery[str | None] = None
) -> Template:
    try:
        target = await contacts.opt_out_target(state.engine, token)
    except NotFoundError:
        return _message_page(request, "unknown", 404, lang)
    return _page(request, target, token, lang, done=target.opted_out)


@post("/o/{token:str}", include_in_schema=False)
async def opt_out(request: Request, state: State, token: FromPath[str]) -> Template:
    form = await request.form()
    asked = str(form.get("lang", "")) or None
    try:
        target = await contacts.opt_out(state.engine, token)
    except NotFoundError:
        return _message_page(request, "unknown", 404, asked)
    return _page(request, target, token, asked, done=True)


OPT_OUT_HANDLERS = [opt_out_form, opt_out]
