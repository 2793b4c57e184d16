"""Gettext in the templates, in the language of each request.

The Jinja environment is shared by every request, so its translations cannot be installed
once: the `_()`, `gettext()` and `ngettext()` it calls look up the language of the page
being rendered. A participant page names it (`ui_lang` in its context); a staff page is
in the language its Accept-Language header prefers among those whose catalog is complete
(English otherwise). Texts use new-style placeholders (`_("Hello %(name)s", name=...)`),
escaped like any other value; `ngettext` picks the plural form by CLDR's rules for the
language and passes the count as `num`. A text built in Python and marked with
`lazy_gettext` (an error message, a field error) is translated when it is printed.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from jinja2 import Environment, pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from pilotkit.instruments.translations.languages import is_rtl, own_name
from survey_server.i18n import formatting
from survey_server.i18n.gettext_catalogs import (
    REVIEWED,
    SOURCE_LANGUAGE,
    catalog_for,
    catalog_info,
    translations,
    ui_languages,
)
from survey_server.i18n.lazy import in_language
from survey_server.i18n.staff import staff_language

SCOPE_KEY = "pilotkit.ui_lang"


def page_language(ctx: Context) -> str:
    """The language of the page being rendered (see the module's docstring)."""
    named = ctx.get("ui_lang")
    if named:
        return str(named)
    request = ctx.get("request")
    if request is None:
        return SOURCE_LANGUAGE
    scope = request.scope
    if SCOPE_KEY not in scope:
        scope[SCOPE_KEY] = staff_language(request)
    return str(scope[SCOPE_KEY])


def _translations(ctx: Context) -> Any:
    """A participant page may name its register (`ui_register`, e.g. `informal`)."""
    return translations(page_language(ctx), str(ctx.get("ui_register") or "formal"))


def _finish(ctx: Context, text: str, variables: dict[str, Any]) -> str:
    result: str = Markup(text) if ctx.eval_ctx.autoescape else text
    return result % variables


@pass_context
def _gettext(ctx: Context, message: str, /, **variables: Any) -> str:
    return _finish(ctx, _translations(ctx).gettext(message), variables)


@pass_context
def _ngettext(ctx: Context, singular: str, plural: str, num: int, /, **variables: Any) -> str:
    variables.setdefault("num", num)
    text = _translations(ctx).ngettext(singular, plural, num)
    return _finish(ctx, text, variables)


@pass_context
def _pgettext(ctx: Context, context: str, message: str, /, **variables: Any) -> str:
    return _finish(ctx, _translations(ctx).pgettext(context, message), variables)


@pass_context
def _finalize(ctx: Context, value: Any) -> Any:
    """Every value a template prints: a text built in Python (`LazyText`: an error, a
    title) is shown in the page's language."""
    return in_language(value, page_language(ctx), str(ctx.get("ui_register") or "formal"))


@pass_context
def _text_direction(ctx: Context) -> str:
    return "rtl" if is_rtl(page_language(ctx)) else "ltr"


@pass_context
def _language(ctx: Context) -> str:
    return page_language(ctx)


@pass_context
def _format_number(ctx: Context, value: float | int, digits: int | None = None) -> str:
    return formatting.format_number(value, page_language(ctx), digits)


@pass_context
def _format_percent(ctx: Context, value: float, digits: int = 0) -> str:
    return formatting.format_percent(value, page_language(ctx), digits)


@pass_context
def _format_date(ctx: Context, value: date | datetime, width: str = "medium") -> str:
    return formatting.format_date(value, page_language(ctx), width)


@pass_context
def _format_datetime(ctx: Context, value: datetime, width: str = "medium") -> str:
    return formatting.format_datetime(value, page_language(ctx), width)


def _platform_status(lang: str) -> str:
    """How the platform's own texts (buttons, messages, e-mails) read in `lang`: the
    review status of the catalog that serves it, or "" when none does (English)."""
    code = catalog_for(lang)
    if code == SOURCE_LANGUAGE:
        return "" if lang.split("-")[0] != SOURCE_LANGUAGE else REVIEWED
    info = catalog_info(code)
    return info.status if info else ""


def _platform_languages() -> list[tuple[str, str, str]]:
    """(code, own name, review status) of every language the platform's texts are in."""
    return [(code, own_name(code), _platform_status(code)) for code in ui_languages()]


def _code(text: str) -> Markup:
    """`<code>` around a command or a path inside a translated sentence."""
    return Markup("<code>%s</code>") % text


@pass_context
def _format_day(ctx: Context, value: Any) -> str:
    return formatting.format_day(value, page_language(ctx))


@pass_context
def _format_moment(ctx: Context, value: Any) -> str:
    return formatting.format_moment(value, page_language(ctx))


def install(environment: Environment) -> None:
    """Add the i18n extension (for `{% trans %}` and extraction) and the per-page callables."""
    environment.add_extension("jinja2.ext.i18n")
    environment.finalize = _finalize
    environment.globals.update(
        _=_gettext,
        gettext=_gettext,
        ngettext=_ngettext,
        pgettext=_pgettext,
        page_lang=_language,
        text_dir=_text_direction,
        format_number=_format_number,
        format_percent=_format_percent,
        format_date=_format_date,
        format_datetime=_format_datetime,
        code=_code,
        format_day=_format_day,
        format_moment=_format_moment,
        platform_status=_platform_status,
        platform_languages=_platform_languages,
    )
