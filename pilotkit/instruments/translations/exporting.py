"""`pilotkit translations export`: the texts of an instrument a translator still has to
translate (or all of them), with their context, as XLIFF 2.0, PO or a spreadsheet."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pilotkit.errors import PilotkitError
from pilotkit.instruments.model import Instrument
from pilotkit.instruments.translations.bundle import Bundle, Unit
from pilotkit.instruments.translations.coverage import language_coverage
from pilotkit.instruments.translations.po import write_po_file
from pilotkit.instruments.translations.texts import translatable_texts
from pilotkit.instruments.translations.xliff import write_xliff
from pilotkit.instruments.translations.xlsx import write_xlsx
from pilotkit.instruments.validation import LANGUAGE

#: format name: (file suffix, writer)
FORMATS: dict[str, tuple[str, Callable[[Bundle, Path], None]]] = {
    "xliff": (".xlf", write_xliff),
    "po": (".po", write_po_file),
    "xlsx": (".xlsx", write_xlsx),
}


def check_target_language(inst: Instrument, lang: str) -> None:
    if not LANGUAGE.match(lang):
        raise PilotkitError(f"'{lang}' is not a language code (like vi, ar, zh-Hans, pt-BR)")
    if lang == inst.default_language:
        raise PilotkitError(
            f"'{lang}' is the source language of {inst.id}: choose the language to translate into"
        )


def build_bundle(inst: Instrument, lang: str, *, include_all: bool = False) -> Bundle:
    """The texts to translate into `lang`: those without a translation, or every text.

    A plain string (the same in every language) is left out unless `include_all`.
    """
    check_target_language(inst, lang)
    default = inst.default_language
    units: list[Unit] = []
    for entry in translatable_texts(inst):
        existing = None if entry.shared else entry.text(lang)
        if not include_all and (entry.shared or existing is not None):
            continue
        units.append(Unit(entry, entry.source(default), existing))
    if not units:
        cov = language_coverage(inst, lang)
        raise PilotkitError(
            f"nothing to translate: '{lang}' has all {cov.total} texts of {inst.id} "
            "(use --all to export every text for review)"
        )
    return Bundle(
        instrument_id=inst.id,
        version=inst.version,
        title=inst.text(inst.title),
        source_lang=default,
        target_lang=lang,
        units=units,
        status=_status(inst, lang),
    )


def _status(inst: Instrument, lang: str) -> str:
    if lang in inst.translation_status:
        return inst.translation_status[lang]
    return "offered" if lang in inst.languages else "not started"


def default_output(inst: Instrument, lang: str, file_format: str) -> Path:
    return Path(f"{inst.id}.{lang}{FORMATS[file_format][0]}")


def export_translations(
    inst: Instrument, lang: str, file_format: str, out: Path, *, include_all: bool = False
) -> Bundle:
    """Write the translation file; returns what it holds."""
    if file_format not in FORMATS:
        raise PilotkitError(f"unknown format '{file_format}' (one of {', '.join(FORMATS)})")
    bundle = build_bundle(inst, lang, include_all=include_all)
    out.parent.mkdir(parents=True, exist_ok=True)
    FORMATS[file_format][1](bundle, out)
    return bundle
