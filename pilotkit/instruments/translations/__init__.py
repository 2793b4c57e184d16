"""Translating instruments: the texts to translate, coverage per language, and files
for translators (XLIFF 2.0, gettext PO, spreadsheet) exported and imported back.

This package's own import pulls in only the model-level parts (`texts`, `coverage`), so
the loader and the server can use them cheaply; the file formats live in submodules
(`exporting`, `importing`, `xliff`, `po`, `xlsx`) imported where they are used.
"""

from pilotkit.instruments.translations.coverage import (
    LanguageCoverage,
    coverage,
    language_coverage,
    offered_languages,
)
from pilotkit.instruments.translations.texts import (
    LIMITS,
    TextEntry,
    entries_by_path,
    placeholders,
    translatable_texts,
)

__all__ = [
    "LIMITS",
    "LanguageCoverage",
    "TextEntry",
    "coverage",
    "entries_by_path",
    "language_coverage",
    "offered_languages",
    "placeholders",
    "translatable_texts",
]
