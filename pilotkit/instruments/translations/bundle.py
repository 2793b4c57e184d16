"""What a translation file holds, whatever its format: written from a `Bundle`, read back
as a `TranslationFile` of rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pilotkit.errors import PilotkitError
from pilotkit.instruments.translations.texts import TextEntry, placeholders


class TranslationFileError(PilotkitError):
    """A translation file that cannot be read at all (not its rows: those are reported
    one by one); the message names the file."""


@dataclass(frozen=True)
class Unit:
    """One text to translate: its entry in the instrument, source text, and the
    translation the instrument already has (exported with `--all`), if any."""

    entry: TextEntry
    source: str
    target: str | None = None

    @property
    def path(self) -> str:
        return self.entry.path

    def notes(self) -> list[tuple[str, str]]:
        """(category, text) lines for the translator."""
        notes = [("location", self.entry.context())]
        if self.entry.limit is not None:
            notes.append(("limit", f"at most {self.entry.limit} characters"))
        kept = sorted(placeholders(self.source))
        if kept:
            notes.append(("placeholders", "keep as written: " + " ".join(kept)))
        if self.entry.shared:
            notes.append(("shared", "written once for every language; a translation adds one"))
        return notes


@dataclass(frozen=True)
class Bundle:
    """The texts of one instrument to translate into one language."""

    instrument_id: str
    version: int
    title: str  # in the source language
    source_lang: str
    target_lang: str
    units: list[Unit]
    status: str  # the target language's status in the instrument (draft, reviewed, ...)

    def instructions(self) -> str:
        return (
            f"Translate the texts of the questionnaire '{self.title}' ({self.instrument_id}, "
            f"version {self.version}) from {self.source_lang} into {self.target_lang}. "
            "Keep placeholders such as {name}, ${item} or %(name)s exactly as written, "
            "stay within the character limits given, and leave a text empty rather than "
            "guess: an empty text stays untranslated. A new translation is a draft until "
            "a native speaker has reviewed it."
        )


@dataclass(frozen=True)
class Row:
    """One translated (or untranslated) text as read from a file."""

    path: str
    where: str  # for messages: "unit 'items.q1.text'", "row 7 (items.q1.text)", ...
    source: str | None
    target: str | None  # None: not translated (empty, or marked unfinished)
    problems: tuple[str, ...] = ()  # found while reading (a broken inline code, ...)
    unfinished: bool = False  # a text the translator marked as not done (PO fuzzy)


@dataclass
class TranslationFile:
    """A translation file as read: where it claims to come from, and its rows."""

    path: Path
    format: str
    instrument_id: str | None
    version: str | None
    source_lang: str | None
    target_lang: str | None
    rows: list[Row] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # file-level, without the file name
