"""Texts built in Python (domain errors, field errors, error titles) in the reader's language.

A service does not know who will read its error: a Spanish page, an English API client, a
log. So it raises an English text that still knows its message id and its placeholders:

    raise InvalidInputError(lazy_gettext("slug %(slug)s is taken", slug=slug))

`LazyText` is a `str` (the English text, so logs, the command line and the JSON API read
it as before); a page shows it in its own language, translated when it is rendered
(`in_language`, called by the templates for every value they print). Placeholders are
named, so a translator may reorder them; a placeholder may itself be a `LazyText` (a
field's name), and a `Count` (a size, a number of rows) is written with the language's
digit grouping (`200,000`, `200.000`) and a date as the language writes it; other
numbers (ids, years) are written as they are. `lazy_gettext` is an extraction keyword
(`babel.cfg`), so `make translations` finds these texts.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from survey_server.i18n import formatting
from survey_server.i18n.gettext_catalogs import SOURCE_LANGUAGE, translations


class Count(int):
    """A quantity shown with the reader's digit grouping."""


class LazyText(str):
    """An English text with its message id and placeholders, translatable later."""

    msgid: str
    params: dict[str, Any]
    sentence: bool

    def __new__(cls, msgid: str, params: dict[str, Any], sentence: bool = False) -> LazyText:
        text = str.__new__(cls, _fill(msgid, params, SOURCE_LANGUAGE, sentence))
        text.msgid = msgid
        text.params = params
        text.sentence = sentence
        return text

    def in_language(self, lang: str, register: str = "formal") -> str:
        """The text in `lang` (English where the catalog has no translation of it)."""
        translated = translations(lang, register).gettext(self.msgid)
        return _fill(translated, self.params, lang, self.sentence, register)

    def as_sentence(self) -> LazyText:
        return LazyText(self.msgid, self.params, sentence=True)

    def __reduce__(self) -> tuple[Any, ...]:
        return (LazyText, (self.msgid, self.params, self.sentence))


def lazy_gettext(msgid: str, /, **params: Any) -> LazyText:
    """Mark an English text (with `%(name)s` placeholders) to be shown in the reader's
    language; the placeholders are filled from `params`."""
    return LazyText(msgid, params)


def lazy_join(parts: list[str], separator: str = "; ") -> LazyText:
    """Texts one after the other, each shown in the reader's language (a pattern of
    placeholders only has no catalog entry: gettext gives it back as it is)."""
    pattern = separator.replace("%", "%%").join(f"%(part{i})s" for i in range(len(parts)))
    return LazyText(pattern, {f"part{i}": part for i, part in enumerate(parts)})


def as_sentence(text: str) -> str:
    """A message as a sentence: the first letter up and a full stop, in whatever language
    it is shown ("must be a whole number" -> "Must be a whole number.")."""
    if isinstance(text, LazyText):
        return text.as_sentence()
    return _sentence(text)


def in_language(value: Any, lang: str, register: str = "formal") -> Any:
    """`value` translated when it is a `LazyText`, else unchanged."""
    return value.in_language(lang, register) if isinstance(value, LazyText) else value


def _sentence(text: str) -> str:
    text = text.rstrip()
    if not text:
        return text
    end = "" if text[-1] in ".!?。" else "."
    return text[:1].upper() + text[1:] + end


def _fill(
    text: str, params: dict[str, Any], lang: str, sentence: bool, register: str = "formal"
) -> str:
    if params:
        text = text % {name: _shown(value, lang, register) for name, value in params.items()}
    return _sentence(text) if sentence else text


def _shown(value: Any, lang: str, register: str) -> Any:
    if isinstance(value, LazyText):
        return value.in_language(lang, register)
    if isinstance(value, Count):
        return formatting.format_number(value, lang)
    if isinstance(value, date):
        return formatting.format_date(value, lang)
    return value
