"""The platform's own texts in the participant's language, through gettext.

The texts live in gettext catalogs (`survey_server/locale/<code>/LC_MESSAGES/messages.po`,
see `gettext_catalogs`); templates mark theirs with `_()`, and the code asks for the
participant-facing ones by key (`t("page.step", current=2, total=6)`), each key naming an
English message id in `participant_texts.TEXTS`. A catalog that lacks a text shows that
whole text in English.

A language may have a second register (Spanish "tú" beside the catalog's "usted"): the
catalog `informal.po` beside `messages.po` holds the texts that differ, and an instrument
asks for it with `register: {es: informal}` so its own texts and the platform's speak to
the participant one way.
"""

from __future__ import annotations

from datetime import date, datetime

from babel.core import UnknownLocaleError
from babel.dates import format_date

from pilotkit.instruments.translations.languages import babel_code, own_name
from survey_server.i18n import gettext_catalogs
from survey_server.i18n.negotiation import negotiate
from survey_server.i18n.participant_texts import TEXTS

FALLBACK = gettext_catalogs.SOURCE_LANGUAGE


class Translator:
    """`t(key, **params)` in one language and register: the key's text, translated by
    the language's catalog (English where it has none), placeholders filled."""

    def __init__(self, lang: str, register: str = "formal") -> None:
        self.lang = lang
        self.register = register
        self._translations = gettext_catalogs.translations(lang, register)

    def __call__(self, key: str, **params: object) -> str:
        text = self._translations.gettext(TEXTS[key])  # an unknown key is a bug: KeyError
        return text % params if params else text


def ui_languages() -> list[str]:
    """English and every language with a catalog of the platform's texts."""
    return gettext_catalogs.ui_languages()


def language_name(lang: str) -> str:
    """A language's own name for itself from CLDR (`Español`, `العربية`), else the code."""
    name = own_name(lang)
    return name[:1].upper() + name[1:]


def best_language(accept_language: str | None, offered: list[str]) -> str | None:
    """The offered language an Accept-Language header prefers (Babel's negotiation)."""
    return negotiate(accept_language, offered)


def long_date(value: date | datetime | None, lang: str) -> str:
    """A day as the language writes it ("4 de diciembre de 2026"); "" for no date."""
    if value is None:
        return ""
    day = value.date() if isinstance(value, datetime) else value
    try:
        return format_date(day, format="long", locale=babel_code(lang))
    except (UnknownLocaleError, ValueError):
        return format_date(day, format="long", locale="en")
