"""`pilotkit translations import`: translations from a file back into the instrument.

Every row is checked before anything is written: the text exists in the instrument
(known ids only), its source text is still the one translated, the translation is not
empty, keeps every placeholder of the source and adds none, stays within the character
limit, and a scale gets a label for each of its points. Each bad row is one problem line
naming the file, the unit and the problem; with any problem nothing is written. Rows
left empty (or marked unfinished) are simply not translated yet.

A language reaching 100 % is added to the instrument's `languages` (offered to
participants) unless the caller holds it back. Its `translation_status` becomes `draft`
whenever an import adds or changes a text, and `reviewed` only when the import says so
(after a native speaker has reviewed the whole translation).
"""

from __future__ import annotations

import os
import re
import stat
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pilotkit.errors import PilotkitError
from pilotkit.instruments.loader import InstrumentError, instrument_from_mapping
from pilotkit.instruments.model import I18nText, Instrument
from pilotkit.instruments.translations.bundle import Row, TranslationFile, TranslationFileError
from pilotkit.instruments.translations.coverage import LanguageCoverage, language_coverage
from pilotkit.instruments.translations.po import read_po_file
from pilotkit.instruments.translations.texts import TextEntry, entries_by_path, placeholders
from pilotkit.instruments.translations.xliff import read_xliff
from pilotkit.instruments.translations.xlsx import read_xlsx
from pilotkit.instruments.validation import LANGUAGE
from pilotkit.instruments.yaml_io import dump_instrument

READERS = {".xlf": read_xliff, ".xliff": read_xliff, ".po": read_po_file, ".xlsx": read_xlsx}


class TranslationImportError(PilotkitError):
    """Translations that cannot be imported; one problem line per bad row."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class ImportOutcome:
    instrument: Instrument
    lang: str
    changed: int  # texts added or changed
    unchanged: int  # rows whose translation was already the instrument's
    untranslated: int  # rows left empty (or marked unfinished)
    coverage: LanguageCoverage
    newly_offered: bool


def read_translation_file(path: Path) -> TranslationFile:
    """Read a translation file by its suffix (.xlf/.xliff, .po, .xlsx)."""
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise TranslationFileError(
            f"{path}: unknown kind of file (expected .xlf, .xliff, .po or .xlsx)"
        )
    if not path.is_file():
        raise TranslationFileError(f"{path}: no such file")
    return reader(path)


def _same(a: str, b: str) -> bool:
    """Source texts compare equal across tools that reflow whitespace."""
    return " ".join(a.split()) == " ".join(b.split())


def _row_problems(row: Row, entry: TextEntry, default: str) -> list[str]:
    assert row.target is not None
    source = entry.source(default)
    problems = list(row.problems)
    if row.source is not None and not _same(row.source, source):
        shown = source if len(source) <= 60 else source[:57] + "..."
        problems.append(
            f"the source text is no longer the instrument's ('{shown}'): it changed after "
            "the export, so export again and translate the new text"
        )
    target = row.target.strip()
    if not target:
        problems.append("the translation is empty")
        return problems
    wanted, given = placeholders(source), placeholders(target)
    for code in sorted((wanted - given).elements()):
        problems.append(f"placeholder {code} of the source is missing from the translation")
    for code in sorted((given - wanted).elements()):
        problems.append(f"placeholder {code} is not in the source text")
    if entry.limit is not None and len(target) > entry.limit:
        problems.append(
            f"the translation has {len(target)} characters; "
            f"at most {entry.limit} fit where it is shown"
        )
    return problems


def _file_problems(tfile: TranslationFile, inst: Instrument, explicit: bool) -> list[str]:
    problems = list(tfile.problems)
    lang = tfile.target_lang
    if lang and not LANGUAGE.match(lang):
        problems.append(f"'{lang}' is not a language code (like vi, ar, zh-Hans)")
    elif lang and lang == inst.default_language:
        problems.append(f"translates into '{lang}', the source language of {inst.id}")
    if tfile.source_lang and tfile.source_lang != inst.default_language:
        problems.append(
            f"translates from '{tfile.source_lang}' but {inst.id} is written in "
            f"'{inst.default_language}'"
        )
    if tfile.instrument_id and tfile.instrument_id != inst.id:
        how = "--instrument names" if explicit else "was found as"
        problems.append(f"is a translation of '{tfile.instrument_id}', but {how} '{inst.id}'")
    return problems


def _scale_problems(
    entries: dict[str, TextEntry], lang: str, good: dict[str, tuple[Row, TextEntry]]
) -> list[tuple[str, str]]:
    """A scale's labels come as a whole: every point translated, in the file or before."""
    touched: dict[tuple[str | int, ...], list[Row]] = defaultdict(list)
    for row, entry in good.values():
        if entry.kind == "scale_label":
            touched[entry.location].append(row)
    problems: list[tuple[str, str]] = []
    for location, rows in touched.items():
        points = [e for e in entries.values() if e.location == location]
        missing = [e for e in points if e.path not in good and e.text(lang) is None]
        if missing:
            names = ", ".join(str(e.point) for e in missing)
            problems.append(
                (
                    rows[0].path,
                    f"{rows[0].where}: the scale has {len(points)} points but "
                    f"{len(points) - len(missing)} labels are translated (none for point "
                    f"{names}): a scale needs a label for every point",
                )
            )
    return problems


def _node(data: Any, location: tuple[str | int, ...]) -> Any:
    for key in location:
        data = data[key]
    return data


def _set_text(data: dict, entry: TextEntry, lang: str, text: str, default: str) -> bool:
    """Set one translation in the plain data; True when it changed anything."""
    parent = _node(data, entry.location[:-1])
    key = entry.location[-1]
    value: I18nText = parent[key]
    mapping = {default: value} if isinstance(value, str) else dict(value)
    if mapping.get(lang) == text:
        return False
    mapping[lang] = text
    parent[key] = mapping
    return True


def _set_label(data: dict, entry: TextEntry, lang: str, text: str, size: int) -> bool:
    labels = _node(data, entry.location)
    current = list(labels.get(lang) or [""] * size)
    assert entry.index is not None
    if current[entry.index] == text:
        return False
    current[entry.index] = text
    labels[lang] = current
    return True


def apply_translations(
    inst: Instrument,
    tfile: TranslationFile,
    *,
    explicit_instrument: bool = False,
    status: str | None = None,
    offer: bool = True,
) -> ImportOutcome:
    """The instrument with the file's translations; raises TranslationImportError listing
    every problem (and changes nothing) when any row is wrong."""
    name = tfile.path.name
    problems = [f"{name}: {p}" for p in _file_problems(tfile, inst, explicit_instrument)]
    lang = tfile.target_lang
    if problems or lang is None:
        raise TranslationImportError(problems or [f"{name}: no target language"])
    default = inst.default_language
    entries = entries_by_path(inst)
    first_seen: dict[str, str] = {}
    good: dict[str, tuple[Row, TextEntry]] = {}
    untranslated = 0
    for row in tfile.rows:
        entry = entries.get(row.path)
        if entry is None:
            problems.append(
                f"{name}: {row.where}: unknown text: {inst.id} has no '{row.path}' "
                "(an id that is not in the instrument)"
            )
            continue
        if row.path in first_seen:
            problems.append(f"{name}: {row.where}: translated twice (also {first_seen[row.path]})")
            continue
        first_seen[row.path] = row.where
        if row.target is None:
            untranslated += 1
            problems.extend(f"{name}: {row.where}: {p}" for p in row.problems)
            continue
        row_problems = _row_problems(row, entry, default)
        problems.extend(f"{name}: {row.where}: {p}" for p in row_problems)
        if not row_problems:
            good[row.path] = (row, entry)
    problems.extend(f"{name}: {line}" for _, line in _scale_problems(entries, lang, good))
    if problems:
        raise TranslationImportError(problems)
    if not good:
        raise TranslationImportError(
            [f"{name}: no translated text ({untranslated} left empty): nothing to import"]
        )

    data = inst.to_builtins()
    changed = 0
    for row, entry in good.values():
        text = (row.target or "").strip()
        if entry.kind == "scale_label":
            size = sum(1 for e in entries.values() if e.location == entry.location)
            changed += _set_label(data, entry, lang, text, size)
        else:
            changed += _set_text(data, entry, lang, text, default)
    statuses = dict(data.get("translation_status") or {})
    if status is not None:
        statuses[lang] = status
    elif changed or lang not in (*inst.languages, *statuses):
        statuses[lang] = "draft"  # new texts nobody has reviewed yet
    if statuses:
        data["translation_status"] = statuses
    draft = _build(data, name)
    cov = language_coverage(draft, lang)
    newly_offered = False
    if offer and cov.complete and lang not in draft.languages:
        data["languages"] = [*draft.languages, lang]
        draft = _build(data, name)
        newly_offered = True
    return ImportOutcome(
        instrument=draft,
        lang=lang,
        changed=changed,
        unchanged=len(good) - changed,
        untranslated=untranslated,
        coverage=language_coverage(draft, lang),
        newly_offered=newly_offered,
    )


def _build(data: dict, name: str) -> Instrument:
    try:
        return instrument_from_mapping(data, name)
    except InstrumentError as exc:
        raise TranslationImportError(exc.problems) from None


_COMMENT = re.compile(r"^#\s?(.*)$")


def leading_comment(text: str) -> str | None:
    """The comment block at the top of an instrument file, without its `#` marks."""
    lines: list[str] = []
    for line in text.splitlines():
        match = _COMMENT.match(line)
        if not match:
            break
        lines.append(match.group(1))
    return "\n".join(lines) if lines else None


def write_instrument(inst: Instrument, target: Path, header_from: Path | None = None) -> None:
    """Write through the project's YAML writer, keeping the file's top comment, atomically
    (a reader never sees half a file)."""
    header = None
    if header_from is not None and header_from.is_file():
        header = leading_comment(header_from.read_text(encoding="utf-8"))
    text = dump_instrument(inst, header=header)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        # the file keeps its permissions (mkstemp's are owner-only)
        mode = stat.S_IMODE(target.stat().st_mode) if target.exists() else 0o644
        Path(temporary).chmod(mode)
        Path(temporary).replace(target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


__all__ = [
    "READERS",
    "ImportOutcome",
    "TranslationImportError",
    "apply_translations",
    "read_translation_file",
    "write_instrument",
]
