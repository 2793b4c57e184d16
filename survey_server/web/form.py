"""The participant's HTML form at /f/{token}: server-rendered, works without JavaScript.

GET shows the intro (page 0), a question page (?page=N) or the confirmation; POST saves
the page as a draft and redirects (Back / Next), or submits on the last page. The
language comes from ?lang= (then remembered in a cookie), the cookie, Accept-Language,
else the instrument's first language.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from litestar import Request, Response, get, post
from litestar.datastructures import Cookie, State
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from pilotkit.instruments import Instrument, Item
from pilotkit.instruments.piping import pipe
from pilotkit.instruments.translations import offered_languages
from survey_server.errors import InvalidFieldsError, NotFoundError, WaveNotOpenError
from survey_server.i18n import (
    Translator,
    best_language,
    language_name,
    long_date,
    ui_languages,
)
from survey_server.inputs import MAX_PAGE, optional_whole_number, whole_number
from survey_server.services import forms
from survey_server.services.calendar import round_event
from survey_server.services.pages import (
    FIELD_PREFIX,
    FieldError,
    PageOutcome,
    form_pages,
    page_values,
    save_page,
)
from survey_server.services.tokens import hash_token
from survey_server.services.waves import WaveInfo
from survey_server.web.presenters import scale_labels

LANG_COOKIE = "pilotkit_lang"
PRIVATE_HEADERS = {
    # The token is in the URL: never leak it to other sites or caches.
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}
ACTIONS = ("back", "next", "submit", "save")


def _language(request: Request, offered: list[str], asked: str | None) -> str:
    for candidate in (asked, request.cookies.get(LANG_COOKIE)):
        if candidate and candidate in offered:
            return candidate
    return best_language(request.headers.get("accept-language"), offered) or offered[0]


def _unavailable(instrument: Instrument, asked: str | None, chosen: str) -> str | None:
    """A language asked for that the form cannot be shown in: one the instrument is being
    translated into (below 100 %), or one the platform's own texts are in (Khmer for a
    questionnaire without Khmer). The form says so instead of switching silently."""
    if not asked or asked == chosen:
        return None
    if asked in instrument.text_languages or asked in ui_languages():
        return asked
    return None


def _lang_cookie(request: Request, lang: str) -> list[Cookie]:
    settings = request.app.state.settings
    return [
        Cookie(
            key=LANG_COOKIE,
            value=lang,
            max_age=365 * 24 * 3600,
            path="/",
            httponly=True,
            samesite="lax",
            secure=settings.secure_cookies,
        )
    ]


def translator(instrument: Instrument | None, lang: str) -> Translator:
    """The platform's texts in `lang`, in the register the instrument asks for."""
    register = instrument.register.get(lang, "formal") if instrument else "formal"
    return Translator(lang, register)


def _round_dates(t: Translator, wave: WaveInfo, kind: str, lang: str) -> str:
    """The round's dates as the language writes them, for the closed and not-yet pages."""
    opens = long_date(wave.opens_at, lang)
    closes = long_date(wave.closes_at, lang)
    if kind == "not_yet_open" and opens and closes:
        return t("message.window", opens=opens, closes=closes)
    if kind == "not_yet_open" and opens:
        return t("message.opens", date=opens)
    if kind == "closed" and closes:
        return t("message.closed_on", date=closes)
    return ""


def _message_page(
    request: Request,
    kind: str,
    status: int,
    asked: str | None,
    form: forms.ClosedForm | None = None,
) -> Template:
    instrument = form.instrument if form else None
    offered = offered_languages(instrument) if instrument else ui_languages()
    lang = _language(request, offered, asked)
    t = translator(instrument, lang)
    return Template(
        template_name="form/message.html",
        context={
            "t": t,
            "ui_lang": lang,
            "ui_register": t.register,
            "lang": lang,
            "title": t(f"message.{kind}.title"),
            "text": t(f"message.{kind}.text"),
            "dates": _round_dates(t, form.wave, kind, lang) if form else "",
            "form_title": instrument.text(instrument.title, lang) if instrument else "",
            "contact": form.contact if form else "",
            "languages": ([(code, language_name(code)) for code in offered] if instrument else []),
            "page": 0,
        },
        status_code=status,
        headers=PRIVATE_HEADERS,
    )


def _closed_page(request: Request, exc: WaveNotOpenError, asked: str | None) -> Template:
    form = exc.form if isinstance(exc, forms.FormNotOpenError) else None
    return _message_page(request, exc.reason, 409, asked, form)


def _error_text(t: Translator, error: FieldError) -> str:
    return t(f"error.{error.code}", **error.params)


def _short_error(t: Translator, error: FieldError, item_type: str) -> str:
    """A few words for the error summary ("choose an answer"), by error and answer type."""
    if error.code == "required":
        kind = {"number": "number", "text": "text"}.get(item_type, "choice")
        return t(f"short.required.{kind}")
    short = t(f"short.{error.code}", **error.params)
    return short if short != f"short.{error.code}" else _error_text(t, error)


def _without_optional(hint: str, t: Translator) -> str:
    """A hint that starts with "Optional." says again what the "(optional)" mark says."""
    word = t("field.optional_word")
    head = hint[: len(word)]
    if head.casefold() == word.casefold() and hint[len(word) : len(word) + 1] in (".", ":"):
        return hint[len(word) + 1 :].lstrip()
    return hint


def _item_view(
    instrument: Instrument,
    item: Item,
    lang: str,
    t: Translator,
    values: dict[str, list[str]],
    errors: dict[str, FieldError],
    answers: Mapping[str, object] | None = None,
) -> dict[str, Any]:
    yes_no = (t("field.yes"), t("field.no"))

    def show(text: str) -> str:  # `${item}` in a text shows the answer given earlier
        return pipe(instrument, text, answers or {}, lang, yes_no)

    options: list[tuple[str, str]] = []
    order = ""  # the scale's direction in words: left and right swap in right-to-left pages
    if item.type == "likert":
        scale = instrument.scale_of(item)
        assert scale is not None
        labels = scale_labels(instrument, item, lang)
        options = [(str(p), label) for p, label in zip(scale.points, labels, strict=False)]
        order = t("scale.order", first=labels[0], last=labels[-1]) if labels else ""
    elif item.type == "boolean":
        options = [("1", t("field.yes")), ("0", t("field.no"))]
    elif item.choices:
        options = [(c.value, show(instrument.text(c.label, lang))) for c in item.choices]
    hint = show(instrument.text(item.hint, lang)) if item.hint else ""
    if not item.required:
        hint = _without_optional(hint, t)
    if item.type == "number":
        if item.min is not None and item.max is not None:
            hint = hint or t("field.number_range", min=_plain(item.min), max=_plain(item.max))
        else:
            hint = hint or t("field.number_hint")
    elif item.type == "multi":
        hint = hint or t("field.choose_any")
    elif item.type == "text":
        hint = hint or t("field.text_limit")
    error = errors.get(item.id)
    return {
        "id": item.id,
        "name": FIELD_PREFIX + item.id,
        "dom_id": "q-" + item.id,
        "type": item.type,
        "text": show(instrument.text(item.text, lang)),
        "hint": hint,
        "required": item.required,
        "options": options,
        "values": values.get(item.id, []),
        "error": _error_text(t, error) if error else "",
        "short_error": _short_error(t, error, item.type) if error else "",
        "scale_size": len(options),
        "scale_order": order,
    }


def _place_scale_orders(items: list[dict[str, Any]]) -> None:
    """Say a scale's order once, above the first question that uses it on the page; the
    questions after it point to that sentence (aria-describedby)."""
    shown, shown_id = "", ""
    for item in items:
        order = item["scale_order"]
        item["show_order"] = bool(order) and order != shown
        if item["show_order"]:
            shown, shown_id = order, item["dom_id"] + "-order"
        item["order_id"] = shown_id if order else ""


def _plain(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)


def _section_title(instrument: Instrument, key: str, lang: str, t: Translator) -> tuple[str, str]:
    if not key:
        return t("page.other"), ""
    try:
        dimension = instrument.dimension(key)
    except KeyError:
        pass
    else:
        description = instrument.text(dimension.description, lang)
        return instrument.text(dimension.label, lang), description
    try:
        section = instrument.section(key)
    except KeyError:  # a page without a title of its own: its key, readable
        return key.replace("_", " ").capitalize(), ""
    return instrument.text(section.title, lang), instrument.text(section.description, lang)


def _render(
    request: Request,
    context: forms.FormContext,
    token: str,
    lang: str,
    page: int,
    *,
    errors: dict[str, FieldError] | None = None,
    raw: dict[str, list[str]] | None = None,
    status: int = 200,
    set_cookie: bool = False,
    unavailable: str | None = None,
    fresh: bool = False,
    welcome: bool = False,
) -> Template:
    instrument = context.instrument
    t = translator(instrument, lang)
    base = {
        "t": t,
        "ui_lang": lang,
        "ui_register": t.register,
        "lang": lang,
        "token": token,
        "pilot": context.pilot_name,
        "form_title": instrument.text(instrument.title, lang),
        "languages": [(code, language_name(code)) for code in offered_languages(instrument)],
        "contact": context.contact,
        "unavailable": (
            t(
                "language.unavailable",
                language=language_name(unavailable),
                shown=language_name(lang),
            )
            if unavailable
            else ""
        ),
    }
    cookies = _lang_cookie(request, lang) if set_cookie else []
    if context.submitted:
        return Template(
            template_name="form/done.html",
            context={
                **base,
                **_next_round(request, context, token, lang, t),
                "title": t("done.title"),
                "date": long_date(context.submitted_at, lang),
                "fresh": fresh,
                "page": 0,
            },
            headers=PRIVATE_HEADERS,
            cookies=cookies,
        )
    pages = form_pages(instrument, context.wave.name, context.draft_answers)
    page = min(max(page, 0), len(pages))
    privacy = "anonymous" if context.anonymous else "linked"
    if page == 0:
        return Template(
            template_name="form/intro.html",
            context={
                **base,
                "title": instrument.text(instrument.title, lang),
                "intro": instrument.text(instrument.intro, lang) if instrument.intro else "",
                "privacy_heading": t(f"privacy.{privacy}.heading"),
                "privacy_text": t(f"privacy.{privacy}.text"),
                "saving": t("intro.saving" if len(pages) > 1 else "intro.saving_one_page"),
                "resume": bool(context.draft_answers),
                "resume_page": max(context.draft_page, 1),
                "page": 0,
            },
            headers=PRIVATE_HEADERS,
            cookies=cookies,
        )
    errors = errors or {}
    values = page_values(context.draft_answers, raw or {})
    current = pages[page - 1]
    heading, description = _section_title(instrument, current.key, lang, t)
    answers = context.draft_answers or {}
    items = [_item_view(instrument, i, lang, t, values, errors, answers) for i in current.items]
    _place_scale_orders(items)
    questions = [i for i in items if i["type"] != "note"]  # numbered as the page shows them
    error_list = [
        (number, i["dom_id"], i["short_error"])
        for number, i in enumerate(questions, start=1)
        if i["error"]
    ]
    title = heading
    if len(pages) > 1:
        title = t("page.step", current=page, total=len(pages)) + " – " + heading
    if error_list:
        title = t("page.error_title_prefix") + title
    return Template(
        template_name="form/page.html",
        context={
            **base,
            "title": title,
            "heading": heading,
            "description": description,
            "items": items,
            "errors": error_list,
            "page": page,
            "total": len(pages),
            "welcome": welcome,
            "is_last": page == len(pages),
            "submission_id": str(uuid.uuid4()),
        },
        status_code=status,
        headers=PRIVATE_HEADERS,
        cookies=cookies,
    )


@get("/f/{token:str}", include_in_schema=False)
async def show_form(
    request: Request,
    state: State,
    token: FromPath[str],
    page: FromQuery[str | None] = None,
    lang: FromQuery[str | None] = None,
    sent: FromQuery[str | None] = None,
) -> Template:
    try:
        context = await forms.open_form(state.engine, token)
    except NotFoundError:
        return _message_page(request, "unknown", 404, lang)
    except WaveNotOpenError as exc:
        return _closed_page(request, exc, lang)
    chosen = _language(request, offered_languages(context.instrument), lang)
    try:
        number = optional_whole_number(page, "page", low=0, high=MAX_PAGE)
    except InvalidFieldsError:
        return _message_page(request, "unknown", 422, lang)
    # Someone coming back with the bare link (a draft saved) goes to where they stopped.
    welcome = number is None and context.has_draft and not context.submitted
    if number is None:
        number = max(context.draft_page, 1) if welcome else 0
    return _render(
        request,
        context,
        token,
        chosen,
        number,
        set_cookie=lang == chosen,
        unavailable=_unavailable(context.instrument, lang, chosen),
        fresh=sent == "1",
        welcome=welcome,
    )


def _link(request: Request, token: str) -> str:
    return f"{request.app.state.settings.base_url}/f/{token}"


def _wave_label(instrument: Instrument, wave: str, lang: str) -> str:
    for declared in instrument.waves or []:
        if declared.id == wave and declared.label is not None:
            return instrument.text(declared.label, lang)
    return ""


def _next_round(
    request: Request, context: forms.FormContext, token: str, lang: str, t: Translator
) -> dict[str, str]:
    """What a linked participant needs to come back for the next round: the same link,
    and the day it opens when the round has a date (then a calendar entry too)."""
    upcoming = context.next_wave
    if upcoming is None or context.anonymous or token == "preview":
        return {"next_text": ""}
    opens = long_date(upcoming.opens_at, lang)
    label = _wave_label(context.instrument, upcoming.name, lang)
    return {
        "next_heading": t("done.next.heading"),
        "next_text": t("done.next.text", round=label) if label else t("done.next.text_plain"),
        "next_when": t("done.next.when", date=opens) if opens else t("done.next.undated"),
        "link": _link(request, token),
        "ics_url": f"/f/{token}/next.ics?lang={lang}" if opens else "",
    }


@get("/f/{token:str}/next.ics", include_in_schema=False)
async def next_round_calendar(
    request: Request, state: State, token: FromPath[str], lang: FromQuery[str | None] = None
) -> Response[bytes] | Template:
    """A calendar entry for the day the link's next round opens (404 when none is set)."""
    try:
        context = await forms.resolve_token(state.engine, token)
        upcoming, instrument = context.next_wave, context.instrument
    except NotFoundError:
        return _message_page(request, "unknown", 404, lang)
    except forms.FormNotOpenError as exc:
        upcoming = exc.form.wave if exc.reason == "not_yet_open" else None
        instrument = exc.form.instrument
    if upcoming is None or upcoming.opens_at is None:
        return _message_page(request, "unknown", 404, lang)
    chosen = _language(request, offered_languages(instrument), lang)
    t = translator(instrument, chosen)
    title = instrument.text(instrument.title, chosen)
    body = round_event(
        uid=f"{hash_token(token)[:24]}-{upcoming.name}@pilotkit",
        summary=t("calendar.summary", title=title),
        description=t("calendar.description", link=_link(request, token)),
        url=_link(request, token),
        opens_on=upcoming.opens_at.date(),
        closes_on=upcoming.closes_at.date() if upcoming.closes_at else None,
    )
    return Response(
        content=body.encode("utf-8"),
        media_type="text/calendar; charset=utf-8",
        headers={
            **PRIVATE_HEADERS,
            "Content-Disposition": 'attachment; filename="survey-next-round.ics"',
        },
    )


@post("/f/{token:str}", include_in_schema=False)
async def post_form(request: Request, state: State, token: FromPath[str]) -> Response:
    form = await request.form()
    fields = {key: [str(v) for v in form.getall(key)] for key in form}
    action = str(form.get("action", "next"))
    action = action if action in ACTIONS else "next"
    page_text = str(form.get("page", "1"))
    submission_text = str(form.get("submission_id", ""))
    asked_lang = str(form.get("lang", "")) or None
    try:
        submission_id = uuid.UUID(submission_text) if submission_text else None
    except ValueError:
        submission_id = None
    try:
        page_number = whole_number(page_text, "page", low=0, high=MAX_PAGE)
    except InvalidFieldsError:
        return _message_page(request, "unknown", 422, asked_lang)
    try:
        outcome: PageOutcome = await save_page(
            state.engine,
            token,
            page=page_number,
            action=action,
            fields=fields,
            submission_id=submission_id,
        )
    except NotFoundError:
        return _message_page(request, "unknown", 404, asked_lang)
    except WaveNotOpenError as exc:
        return _closed_page(request, exc, asked_lang)
    lang = _language(request, offered_languages(outcome.context.instrument), asked_lang)
    if outcome.errors and not outcome.submitted:
        return _render(
            request,
            outcome.context,
            token,
            lang,
            outcome.page,
            errors=outcome.errors,
            raw=outcome.raw,
            status=422,
        )
    target = (
        f"/f/{token}?lang={lang}&sent=1"
        if outcome.submitted
        else (f"/f/{token}?page={outcome.page}&lang={lang}")
    )
    return Redirect(target, status_code=303, headers=PRIVATE_HEADERS)


FORM_HANDLERS = [show_form, post_form, next_round_calendar]
