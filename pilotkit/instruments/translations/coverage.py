"""How much of an instrument is translated, per language, and which languages may be offered.

A language is offered to participants only when every text has a translation in it
(100 %). The loader already refuses an instrument whose `languages` lists an incomplete
one; the server offers `offered_languages(instrument)`, so an instrument built any other
way (a browser editor, a database copy) can never show a half-translated form.
A plain string (no language mapping) is shown as written in every language and counts as
translated everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass

from pilotkit.instruments.model import Instrument
from pilotkit.instruments.translations.texts import TextEntry, translatable_texts

#: `status` of the default language: the source every translation is made from.
SOURCE = "source"
#: `status` of an offered language that `translation_status` does not name.
NOT_STATED = "not stated"
#: `status` of a language the instrument has no text in yet.
NOT_STARTED = "not started"


@dataclass(frozen=True)
class LanguageCoverage:
    """One language of one instrument: how many texts it has, which are missing."""

    lang: str
    translated: int
    total: int
    missing: tuple[str, ...]  # paths (see `texts`), in the order of the file
    status: str  # source, draft, reviewed, not stated (offered), not started
    offered: bool  # listed in `languages` and complete: participants may choose it

    @property
    def complete(self) -> bool:
        return self.translated == self.total

    @property
    def percent(self) -> float:
        """Share of texts translated, 0 to 100 (100 for an instrument without texts)."""
        return 100.0 if self.total == 0 else 100.0 * self.translated / self.total

    @property
    def needs_review(self) -> bool:
        return self.status == "draft"


def _status(inst: Instrument, lang: str) -> str:
    if inst.languages and lang == inst.default_language:
        return SOURCE
    if lang in inst.translation_status:
        return inst.translation_status[lang]
    return NOT_STATED if lang in inst.languages else NOT_STARTED


def language_coverage(
    inst: Instrument, lang: str, entries: list[TextEntry] | None = None
) -> LanguageCoverage:
    """Coverage of one language, which need not be declared anywhere yet (then 0 %)."""
    entries = translatable_texts(inst) if entries is None else entries
    missing = tuple(e.path for e in entries if e.text(lang) is None)
    translated = len(entries) - len(missing)
    return LanguageCoverage(
        lang=lang,
        translated=translated,
        total=len(entries),
        missing=missing,
        status=_status(inst, lang),
        offered=lang in inst.languages and not missing,
    )


def coverage(inst: Instrument, extra: list[str] | tuple[str, ...] = ()) -> list[LanguageCoverage]:
    """Every language of the instrument (offered ones first, then those being translated),
    plus the languages of `extra` (a language someone wants to start)."""
    entries = translatable_texts(inst)
    langs = list(dict.fromkeys([*inst.text_languages, *extra]))
    return [language_coverage(inst, lang, entries) for lang in langs]


def offered_languages(inst: Instrument) -> list[str]:
    """The languages participants may choose: in `languages` and 100 % translated.

    The default language always stays first; it is the source, complete by definition.
    """
    entries = translatable_texts(inst)
    return [
        lang
        for n, lang in enumerate(inst.languages)
        if n == 0 or all(e.text(lang) is not None for e in entries)
    ]
