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


#: pyxform's nested keys (`bind`, `control`, `media` groups) under the names pilotkit reads.
_GROUPED = {
    ("bind", "relevant"): "relevant",
    ("bind", "required"): "required",
    ("bind", "constraint"): "constraint",
    ("bind", "jr:constraintMsg"): "constraint_message",
    ("bind", "jr:requiredMsg"): "required_message",
    ("bind", "jr:noAppErrorString"): "no_app_error_string",
    ("bind", "calculate"): "calculation",
    ("bind", "readonly"): "read_only",
    ("control", "appearance"): "appearance",
    ("control", "jr:count"): "repeat_count",
    ("control", "autoplay"): "autoplay",
    ("control", "rows"): "rows",
    ("instance", "odk:tag"): "compact_tag",
}
#: Settings columns pyxform renames, back to the names written in forms.
_SETTINGS_NAMES = {"title": "form_title", "id_string": "form_id"}
#: Choices columns pyxform renames (`list_name` becomes `list name`).
_CHOICES_NAMES = {"list name": "list_name"}
#: The key pyxform gives a text column without a language (`label` next to `label::x`).
_NO_LANGUAGE = "default"


def _flatten(value: object, path: tuple[str, ...], row: Row) -> None:
    """pyxform's nested row back to flat keys: `label::English (en)`, `relevant`, ..."""
    if isinstance(value, dict):
        for key, inner in value.items():
            _flatten(inner, (*path, str(key)), row)
        return
    text = "" if value is None else str(value).strip()
    if not text:
        return
    head = _GROUPED.get(path[:2]) if len(path) >= 2 else None
    if head is not None:
        path = (head, *path[2:])
    elif path[0] in ("bind", "control", "media", "instance") and len(path) > 1:
        path = path[1:]
    base, *language = path
    language = [part for part in language if part != _NO_LANGUAGE]
    key = "::".join((base, *language))
    row[key] = text


def _normalized_rows(name: str, book: dict) -> list[Row]:
    """A standard sheet's rows with pyxform's header aliases and `::`/`:` grouping applied,
    so pilotkit reads every column exactly as pyxform does (`relevance`, `bind:relevant`,
    `label:English`, `list name`, `caption`, ...)."""
    from pyxform import aliases
    from pyxform.parsing.sheet_headers import dealias_and_group_headers
    from pyxform.question import MultipleChoiceQuestion, Option
    from pyxform.survey import Survey

    specs = {
        "survey": (aliases.survey_header, set(MultipleChoiceQuestion.get_slot_names())),
        "choices": (aliases.list_header, set(Option.get_slot_names())),
        "settings": (aliases.settings_header, set(Survey.get_slot_names())),
    }
    header_aliases, columns = specs[name]
    grouped = dealias_and_group_headers(
        sheet_name=name,
        sheet_data=book[name],
        sheet_header=book.get(f"{name}_header") or [],
        header_aliases=header_aliases,  # type: ignore[arg-type]
        header_columns=columns,
        default_language=_NO_LANGUAGE,
    )
    rows: list[Row] = []
    for raw in grouped.data:
        row: Row = {}
        for key, value in raw.items():
            _flatten(value, (str(key),), row)
        renames = {"settings": _SETTINGS_NAMES, "choices": _CHOICES_NAMES}.get(name, {})
        rows.append({renames.get(k, k): v for k, v in row.items()})
    return rows


def _normalize(raw: dict[str, str]) -> Row:
    row: Row = {}
    for header, value in raw.items():
        base, language = split_header(str(header))
        key = f"{base}::{language}" if language else base
        if value is not None and str(value).strip():
            row[key] = str(value).strip()
    return row


def _sheet(name: str, rows: list[Row]) -> Sheet:
    sheet = Sheet(name)
    for index, row in enumerate(rows):
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
        sheets = {
            name: _sheet(name, _normalized_rows(name, book))
            for name in ("survey", "choices", "settings")
            if name in book
        }
    except PyXFormError as exc:
        raise XLSFormError(f"{path}: cannot be read as an XLSForm: {exc}") from None
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
            result[name.lower()] = _sheet(name.lower(), [_normalize(r) for r in rows])
        return result
    finally:
        workbook.close()
