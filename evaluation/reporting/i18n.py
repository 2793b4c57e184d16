"""The report's own words in each language: one YAML catalog per language in `locales/`.

The instrument carries its own texts (items, dimensions, scales) in its languages; every
other word a reader sees (headings, verdicts, reasons, figure labels, the methods
appendix) comes from `locales/<language>.yaml`. A catalog is a nested mapping of texts
with `str.format` placeholders; `texts(language)` loads it as `Messages`:

    m = texts("es")
    m("verdict.ready.title")                       # "Listo para el despliegue"
    m("reasons.high_attrition", rate=0.125, ...)   # numbers written the Spanish way

Numbers are formatted with the placeholder's Python format spec (`{change:+.2f}`,
`{rate:.0%}`, `{level:g}`), then written with the catalog's `number` conventions: its
decimal sign and its percent pattern (Spanish: "12,5 %" with a non-breaking space).
Integers are written as they are (no thousands separator in either language: counts in a
report stay small). A text with a `one`/`other` mapping is a plural form chosen by
`m.plural(key, count, ...)`.

A reader may ask for a language the report's words are not written in yet (a pilot that
asked its questions in Arabic): the report is then written in English, text by text,
never half a sentence in each, while the instrument's questions and answers stay in the
asked language. `texts("ar")` is the English catalog with `asked == "ar"`; a catalog
that lacks one text gives that whole text in English. `report_languages_for` says which
language each part of a report is in, and the report says it in its metadata line.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from pilotkit.errors import PilotkitError

LOCALES = Path(__file__).with_name("locales")

#: Keys of a catalog that configure formatting rather than hold reader-facing text.
SETTINGS_KEY = "number"
#: The language every report text exists in, and the one a missing text falls back to.
FALLBACK = "en"
#: A BCP 47 tag as instruments write them (`ar`, `zh`, `pt-BR`, `zh-Hant`).
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


class UnknownLanguageError(PilotkitError):
    """No catalog exists for the requested report language."""


def report_languages() -> list[str]:
    """The languages the report can be written in (one catalog file each), sorted."""
    return sorted(path.stem for path in LOCALES.glob("*.yaml"))


def _flatten(tree: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Dotted keys for nested mappings; a `{one, other}` mapping is one plural entry."""
    flat: dict[str, Any] = {}
    for key, value in tree.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping) and set(value) <= {"one", "other"} and "other" in value:
            flat[name] = {form: str(text) for form, text in value.items()}
        elif isinstance(value, Mapping):
            flat.update(_flatten(value, f"{name}."))
        else:
            flat[name] = str(value)
    return flat


@dataclass(frozen=True)
class NumberStyle:
    """How a language writes numbers: its decimal sign and where the percent sign goes."""

    decimal: str = "."
    percent: str = "{value}%"


#: Letters of the scripts written right to left (Hebrew, Arabic, Syriac, Thaana, N'Ko...).
RIGHT_TO_LEFT = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")
FIRST_STRONG_ISOLATE, POP_DIRECTIONAL_ISOLATE = "\u2068", "\u2069"


def isolated(text: str) -> str:
    """`text` inside Unicode isolates when it holds right-to-left letters, so that an
    Arabic name inside an English sentence keeps its own order and leaves the sentence's
    punctuation and the names around it where they are."""
    if not RIGHT_TO_LEFT.search(text) or text.startswith(FIRST_STRONG_ISOLATE):
        return text
    return f"{FIRST_STRONG_ISOLATE}{text}{POP_DIRECTIONAL_ISOLATE}"


class _Formatter(string.Formatter):
    """`str.format` whose numbers follow a language's `NumberStyle`; a text holding
    right-to-left letters is isolated (`isolated`)."""

    def __init__(self, style: NumberStyle) -> None:
        self.style = style

    def format_field(self, value: Any, format_spec: str) -> str:
        if isinstance(value, str):
            return isolated(super().format_field(value, format_spec))
        if isinstance(value, bool) or not isinstance(value, int | float):
            return super().format_field(value, format_spec)
        if format_spec.endswith("%"):
            inner = format_spec[:-1]
            # "{x:.1%}" is a share written as a percentage; "{x:%}" shows as many digits as needed
            inner = inner + "f" if inner and inner[-1].isdigit() else inner or "g"
            digits = format(value * 100, inner).replace(".", self.style.decimal)
            return self.style.percent.format(value=digits)
        return format(value, format_spec).replace(".", self.style.decimal)


class Messages:
    """One language's catalog: `m(key, **values)`, `m.plural(key, n, **values)`, numbers.

    `language` is the language the texts are written in; `asked` the one the reader asked
    for (the same unless the report has no texts in it). A text the catalog lacks comes
    whole from `fallback` (English), with English numbers."""

    def __init__(
        self,
        language: str,
        entries: Mapping[str, Any],
        style: NumberStyle,
        *,
        asked: str | None = None,
        fallback: Messages | None = None,
    ) -> None:
        self.language = language
        self.asked = asked or language
        self.entries = dict(entries)
        self.style = style
        self.fallback = fallback
        self._formatter = _Formatter(style)

    @property
    def falls_back(self) -> bool:
        """Whether the reader asked for a language the report's texts are not in."""
        return self.asked != self.language

    def _owner(self, key: str) -> Messages:
        if key not in self.entries and self.fallback is not None and key in self.fallback.entries:
            return self.fallback
        return self

    def __call__(self, key: str, /, **values: Any) -> str:
        owner = self._owner(key)
        entry = owner._entry(key)
        if isinstance(entry, dict):
            raise KeyError(f"'{key}' has plural forms: use plural()")
        return owner._formatter.format(entry, **values)

    def get(self, key: str, default: str, /, **values: Any) -> str:
        """`self(key, **values)`, or `default` when the catalog has no such text (a code
        from the data that the catalog does not know is shown as it is)."""
        return self(key, **values) if key in self._owner(key).entries else default

    def plural(self, key: str, count: float, /, **values: Any) -> str:
        """The `one` form when `count` is 1 (English and Spanish alike), else `other`."""
        owner = self._owner(key)
        entry = owner._entry(key)
        if not isinstance(entry, dict):
            return owner._formatter.format(entry, **values)
        form = "one" if abs(count) == 1 and "one" in entry else "other"
        return owner._formatter.format(entry[form], **values)

    def section(self, prefix: str, /, **values: Any) -> str:
        """A report section's Markdown: `<prefix>.heading`, then `<prefix>.intro` if any."""
        heading = self(f"{prefix}.heading", **values)
        if f"{prefix}.intro" not in self._owner(f"{prefix}.intro").entries:
            return heading
        return f"{heading}\n\n{self(f'{prefix}.intro', **values)}"

    def number(self, value: float, spec: str = ".2f") -> str:
        """A number written in this language, e.g. `number(-0.5, "+.2f")` -> "-0,50"."""
        return self._formatter.format_field(value, spec)

    def percent(self, share: float, digits: int = 0) -> str:
        """A share (0..1) as a percentage, e.g. `percent(0.125, 1)` -> "12,5 %"."""
        return self._formatter.format_field(share, f".{digits}%")

    def date(self, value: date | datetime) -> str:
        """A calendar date the language's way (CLDR via Babel): "4 December 2026",
        "4 de diciembre de 2026"."""
        from babel.dates import format_date

        day = value.date() if isinstance(value, datetime) else value
        return format_date(day, format="long", locale=self.language)

    def time(self, value: datetime) -> str:
        """A time of day the language's way, hours and minutes ("18:03", "6:03 PM")."""
        from babel.dates import format_time

        return format_time(value, format="short", locale=self.language)

    def join(self, names: list[str]) -> str:
        """Names in a sentence: "A, B and C" / "A, B y C"."""
        names = [isolated(name) for name in names]
        if len(names) <= 1:
            return "".join(names)
        return self("words.list", first=", ".join(names[:-1]), last=names[-1])

    def _entry(self, key: str) -> str | dict[str, str]:
        try:
            return self.entries[key]
        except KeyError:
            raise KeyError(f"the '{self.language}' report catalog has no text '{key}'") from None


def load_catalog(path: Path) -> tuple[dict[str, Any], NumberStyle]:
    """A catalog file's texts (dotted keys) and its number conventions."""
    # libyaml's loader where PyYAML has it: a catalog loads in a tenth of the time
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    tree = yaml.load(path.read_text(encoding="utf-8"), Loader=loader) or {}
    settings = tree.pop(SETTINGS_KEY, {}) or {}
    style = NumberStyle(
        decimal=str(settings.get("decimal", ".")),
        percent=str(settings.get("percent", "{value}%")),
    )
    return _flatten(tree), style


@cache
def texts(language: str) -> Messages:
    """The report's texts for a reader of `language`: its catalog, English for the texts
    it lacks, and the English catalog (`asked` = `language`) for a language the report is
    not written in yet. `UnknownLanguageError` for what is not a language code."""
    if not LANGUAGE_CODE.match(language or ""):
        raise UnknownLanguageError(
            f"'{language}' is not a language code (the report has texts in "
            f"{', '.join(report_languages())})"
        )
    path = LOCALES / f"{language}.yaml"
    if language == FALLBACK:
        entries, style = load_catalog(path)
        return Messages(language, entries, style)
    english = texts(FALLBACK)
    if not path.is_file():
        return Messages(FALLBACK, english.entries, english.style, asked=language)
    entries, style = load_catalog(path)
    return Messages(language, entries, style, fallback=english)


@dataclass(frozen=True)
class ReportLanguages:
    """Which language each part of a report is in, for a reader who asked for `asked`."""

    asked: str
    texts: str  # the report's own words: `asked` when it has a catalog, else English
    questions: str  # the instrument's questions and answers

    @property
    def falls_back(self) -> bool:
        return self.texts != self.asked


def report_languages_for(asked: str, instrument_languages: Sequence[str]) -> ReportLanguages:
    """The report's languages for a reader of `asked`: the questions in `asked` when the
    instrument has them, else in its first language."""
    questions = asked if asked in instrument_languages or not instrument_languages else ""
    return ReportLanguages(
        asked=asked,
        texts=texts(asked).language,
        questions=questions or instrument_languages[0],
    )


def page_language(metadata: Mapping[str, Any], page: str) -> tuple[str, str | None]:
    """The language of an executed report notebook's own words, and its page title.

    papermill records the parameters it injected; a run without `language` used the
    notebooks' default, English. The title is `page.<notebook name>` (None if absent).
    """
    parameters = (metadata.get("papermill") or {}).get("parameters") or {}
    language = str(parameters.get("language") or "en")
    try:
        m = texts(language)
    except UnknownLanguageError:
        return "en", None
    owner = m._owner(f"page.{page}")
    title = owner.entries.get(f"page.{page}")
    return owner.language, title if isinstance(title, str) else None


def placeholders(text: str) -> set[str]:
    """The placeholder names a catalog text uses (for checking translations)."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}
