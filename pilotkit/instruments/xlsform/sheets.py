"""Read the sheets of an XLSForm workbook into rows of strings, with their row numbers.

The standard sheets are read by pyxform's own reader (so cells are cleaned exactly as
ODK tooling does); the pilotkit extra sheets, which pyxform skips, with the same helpers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pilotkit.instruments.xlsform.common import (
    DIMENSIONS,
    PILOTKIT,
    XLSFormError,
    split_header,
)

Row = dict[str, str]


@dataclass
class Sheet:
    """Rows keyed by normalized header (`label::English (en)` keeps its language part)."""

    name: str
    rows: list[tuple[int, Row]] = field(default_factory=list)  # (spreadsheet row, cells)


def _normalize(raw: dict[str, str]) -> Row:
    row: Row = {}
    for header, value in raw.items():
        base, language = split_header(str(header))
        base = {"list_name": "list_name", "relevance": "relevant"}.get(base, base)
        key = f"{base}::{language}" if language else base
        if value is not None and str(value).strip():
            row[key] = str(value).strip()
    return row


def _sheet(name: str, raw_rows: list[dict[str, str]]) -> Sheet:
    sheet = Sheet(name)
    for index, raw in enumerate(raw_rows):
        row = _normalize(raw)
        if row:
            sheet.rows.append((index + 2, row))  # row 1 holds the headers
    return sheet


def read_sheets(path: Path) -> dict[str, Sheet]:
    """Every sheet pilotkit reads, by lower-case name; raises XLSFormError if unreadable."""
    from pyxform.errors import PyXFormError
    from pyxform.xls2json_backends import xlsx_to_dict

    if not path.exists():
        raise XLSFormError(f"{path}: no such file")
    if path.is_dir():
        raise XLSFormError(f"{path}: is a folder, not an XLSForm")
    if path.suffix.lower() != ".xlsx":
        raise XLSFormError(f"{path}: not an .xlsx workbook (save the form as .xlsx)")
    try:
        book = xlsx_to_dict(str(path))
    except PyXFormError as exc:
        raise XLSFormError(f"{path}: cannot be read as an XLSForm: {exc}") from None
    sheets = {
        name: _sheet(name, book[name]) for name in ("survey", "choices", "settings") if name in book
    }
    extra_names = [n for n in book.get("sheet_names", []) if n.lower() in (DIMENSIONS, PILOTKIT)]
    if extra_names:
        sheets.update(_extra_sheets(path, extra_names))
    return sheets


def _extra_sheets(path: Path, names: list[str]) -> dict[str, Sheet]:
    from openpyxl import load_workbook
    from pyxform.xls2json_backends import (
        get_excel_column_headers,
        get_excel_rows,
        xlsx_value_to_str,
    )

    def clean(cell: object, row_n: int, key: str) -> str:
        value = cell.value  # type: ignore[attr-defined]
        return xlsx_value_to_str(value.strip() if isinstance(value, str) else value)

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        result = {}
        for name in names:
            sheet = workbook[name]
            first = (c.value for c in next(sheet.iter_rows(max_row=1), []))
            headers = get_excel_column_headers(first)
            rows = get_excel_rows(
                headers=headers,
                rows=sheet.iter_rows(min_row=2, max_col=len(headers)),
                cell_func=clean,
            )
            result[name.lower()] = _sheet(name.lower(), rows)
        return result
    finally:
        workbook.close()
