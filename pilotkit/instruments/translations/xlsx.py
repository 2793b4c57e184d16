"""Spreadsheet translation files (openpyxl): one row per text, for translators who work
in Excel, LibreOffice or Google Sheets.

Sheet `translations`: `id` (the text's path), `shown` (where it is shown), `limit`
(characters), `source (<lang>)`, `translation (<lang>)`, `notes`. The sheet is protected
without a password so that only the translation column can be edited by accident-free
hands; sheet `about` names the instrument, its version and both languages. Every text is
written as a text cell, never as a formula; a formula typed into a translation cell is
reported, not evaluated.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, Protection
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.worksheet import Worksheet

from pilotkit.instruments.translations.bundle import Bundle, Row, TranslationFile
from pilotkit.instruments.translations.languages import english_name, is_rtl

SHEET, ABOUT = "translations", "about"
_LANG_IN_HEADER = re.compile(r"^(source|translation)\s*\(([^()]+)\)\s*$", re.IGNORECASE)
_WIDTHS = {"A": 34, "B": 40, "C": 8, "D": 60, "E": 60, "F": 40}


def _text_cell(sheet: Worksheet, row: int, column: int, value: str | int | None) -> None:
    cell = sheet.cell(row=row, column=column, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # text, not a formula (a text may start with "=")
    cell.alignment = Alignment(wrap_text=True, vertical="top")


def write_xlsx(bundle: Bundle, path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = SHEET
    headers = [
        "id",
        "shown",
        "limit",
        f"source ({bundle.source_lang})",
        f"translation ({bundle.target_lang})",
        "notes",
    ]
    for column, header in enumerate(headers, start=1):
        _text_cell(sheet, 1, column, header)
        sheet.cell(row=1, column=column).font = Font(bold=True)
    rtl = is_rtl(bundle.target_lang)
    for number, unit in enumerate(bundle.units, start=2):
        notes = "; ".join(text for category, text in unit.notes() if category != "location")
        values = [unit.path, unit.entry.context(), unit.entry.limit, unit.source, unit.target]
        for column, value in enumerate([*values, notes], start=1):
            _text_cell(sheet, number, column, value)
        target = sheet.cell(row=number, column=5)
        target.protection = Protection(locked=False)
        if rtl:
            target.alignment = Alignment(wrap_text=True, vertical="top", readingOrder=2)
    for letter, width in _WIDTHS.items():
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    # protected against slips, not against people: no password; columns stay resizable
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False
    about = book.create_sheet(ABOUT)
    facts = [
        ("instrument", bundle.instrument_id),
        ("version", str(bundle.version)),
        ("title", bundle.title),
        ("source language", bundle.source_lang),
        ("target language", bundle.target_lang),
        ("target language name", english_name(bundle.target_lang)),
        ("status in the instrument", bundle.status),
        ("texts", str(len(bundle.units))),
        ("instructions", bundle.instructions()),
    ]
    for number, (key, value) in enumerate(facts, start=1):
        _text_cell(about, number, 1, key)
        _text_cell(about, number, 2, value)
    about.column_dimensions["A"].width = 26
    about.column_dimensions["B"].width = 90
    about.protection.sheet = True
    book.save(path)


def _cell_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _about(book: object) -> dict[str, str]:
    if ABOUT not in book.sheetnames:  # type: ignore[attr-defined]
        return {}
    facts: dict[str, str] = {}
    for key, value, *_ in book[ABOUT].iter_rows(values_only=True):  # type: ignore[index]
        if key is not None and value is not None:
            facts[str(key).strip().lower()] = str(value).strip()
    return facts


def read_xlsx(path: Path) -> TranslationFile:
    result = TranslationFile(path, "xlsx", None, None, None, None)
    try:
        book = load_workbook(path, read_only=False, data_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        result.problems.append(f"not an Excel workbook (.xlsx): {exc}")
        return result
    facts = _about(book)
    result.instrument_id = facts.get("instrument")
    result.version = facts.get("version")
    result.source_lang = facts.get("source language")
    result.target_lang = facts.get("target language")
    if SHEET not in book.sheetnames:
        result.problems.append(f"no sheet named '{SHEET}'")
        return result
    sheet = book[SHEET]
    header = [str(c.value or "").strip() for c in sheet[1]]
    columns: dict[str, int] = {}
    for index, name in enumerate(header):
        match = _LANG_IN_HEADER.match(name)
        if match:
            kind, lang = match.group(1).lower(), match.group(2).strip()
            columns[kind] = index
            lang_key = "source_lang" if kind == "source" else "target_lang"
            if getattr(result, lang_key) is None:
                setattr(result, lang_key, lang)
        elif name.lower() == "id":
            columns["id"] = index
    for needed in ("id", "source", "translation"):
        if needed not in columns:
            label = needed if needed == "id" else f"{needed} (<language>)"
            result.problems.append(f"sheet '{SHEET}' has no column '{label}'")
    if result.problems:
        return result
    for number, cells in enumerate(sheet.iter_rows(min_row=2), start=2):
        path_value = _cell_text(cells[columns["id"]].value)
        if path_value is None or not path_value.strip():
            if any(c.value not in (None, "") for c in cells):
                result.problems.append(f"row {number}: no id")
            continue
        text_path = path_value.strip()
        target_cell = cells[columns["translation"]]
        problems: tuple[str, ...] = ()
        if target_cell.data_type == "f":
            problems = ("the translation is a formula, not a text",)
        result.rows.append(
            Row(
                text_path,
                f"row {number} ({text_path})",
                _cell_text(cells[columns["source"]].value),
                _cell_text(target_cell.value) if not problems else None,
                problems,
            )
        )
    return result
