"""Submissions collected in KoboToolbox or ODK Central, read into the responses table.

Both tools export one row per submission ("wide"), one column per question. A column is
named by the question's path: its groups and name joined by `/` (KoboToolbox, ODK
Briefcase) or `-` (ODK Central), e.g. `speed/fast_answers` or `speed-fast_answers`, or
the name alone when groups are left out of the headers. A select_multiple question is
one column of choice names joined by spaces, or one 0/1 column per choice named
`<question>/<choice>`, or both. Bookkeeping columns (`_uuid`, `_submission_time`,
`_index`, `SubmissionDate`, `KEY`, `meta/instanceID`, ...) are not answers: the
submission's id and time are taken from them, the rest are listed once.

Each cell is read through the instrument the form was imported as: a likert answer given
as a point's name (`agree`) becomes its number, a choice given by its label becomes its
name, a yes/no answer becomes 1/0. Everything that is not kept (a column that is no
question of the instrument, a value that does not fit, a row without a participant id,
a repeated submission) is reported with its row and column; nothing is dropped silently.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

import pandas as pd

from evaluation.errors import EvaluationInputError
from pilotkit.csv_cells import SafeCSVWriter
from pilotkit.instruments import Instrument, Item

#: Separators of a question's path in column headers (KoboToolbox `/`, ODK Central `-`).
PATH_SEPARATORS = "/-"
#: Separators between a select_multiple column and a choice in split columns.
SPLIT_SEPARATORS = "/-."
SUBMISSION_ID_COLUMNS = ("_uuid", "meta/instanceID", "meta-instanceID", "KEY", "instanceID")
SUBMITTED_AT_COLUMNS = ("_submission_time", "SubmissionDate")
#: Bookkeeping columns of the two tools, and the metadata questions they record.
BOOKKEEPING = frozenset(
    {
        "start", "end", "today", "deviceid", "username", "phonenumber", "simserial",
        "subscriberid", "email", "audit", "__version__", "formhub/uuid", "SubmitterID",
        "SubmitterName", "AttachmentsPresent", "AttachmentsExpected", "Status",
        "ReviewState", "DeviceID", "Edits", "FormVersion", "isValidated", "instanceName",
    }
)  # fmt: skip
TRUE_WORDS = frozenset({"1", "true", "yes"})
FALSE_WORDS = frozenset({"0", "false", "no"})


@dataclass
class ImportedSubmissions:
    """The tidy responses table (contracts.md section 2) and what was not kept."""

    table: pd.DataFrame
    report: list[str] = field(default_factory=list)
    submissions: int = 0
    bookkeeping: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Column:
    index: int
    header: str
    item: Item | None = None
    choice: str | None = None  # a split select_multiple column: this choice's 0/1
    #: a ranking question's column (choice names in ranked order): each choice's item
    ranked: dict[str, Item] | None = None


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value).strip()


def read_export(path: Path) -> tuple[list[str], list[list[str]]]:
    """(headers, rows of cell texts) of a CSV or an .xlsx export (its first sheet)."""
    if not path.exists():
        raise EvaluationInputError(f"{path}: no such file")
    if path.is_dir():
        raise EvaluationInputError(f"{path}: is a folder, not an export")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        try:
            with path.open(encoding="utf-8-sig", newline="") as handle:
                sample = handle.read(65536)
                handle.seek(0)
                delimiter = ";" if sample.count(";") > sample.count(",") else ","
                rows = [
                    [_cell_text(c) for c in row] for row in csv.reader(handle, delimiter=delimiter)
                ]
        except (UnicodeDecodeError, csv.Error) as exc:
            raise EvaluationInputError(f"{path}: cannot be read as a UTF-8 CSV: {exc}") from None
    elif suffix == ".xlsx":
        rows = _xlsx_rows(path)
    else:
        raise EvaluationInputError(f"{path}: an export is a .csv or .xlsx file")
    if not rows or not any(rows[0]):
        raise EvaluationInputError(f"{path}: no header row")
    headers = rows[0]
    return headers, [r + [""] * (len(headers) - len(r)) for r in rows[1:]]


def _xlsx_rows(path: Path) -> list[list[str]]:
    from zipfile import BadZipFile

    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (BadZipFile, KeyError, OSError) as exc:
        raise EvaluationInputError(f"{path}: cannot be read as a workbook: {exc}") from None
    try:
        sheet = book.worksheets[0]
        return [[_cell_text(c) for c in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()


class _Columns:
    """Which item (or item and choice) each header holds."""

    def __init__(self, instrument: Instrument) -> None:
        self.items = {i.id: i for i in instrument.items}
        self.ranks: dict[str, dict[str, Item]] = {}
        for item in instrument.items:
            if item.rank_of is not None:
                self.ranks.setdefault(item.rank_of.question, {})[item.rank_of.choice] = item

    def ranked_of(self, header: str) -> dict[str, Item] | None:
        """The items of a ranking question a header names (its name or a group path)."""
        for name, items in self.ranks.items():
            if header == name or (
                header.endswith(name) and header[-len(name) - 1] in PATH_SEPARATORS
            ):
                return items
        return None

    def item_of(self, header: str) -> Item | None:
        """The item a header names: its id, or a group path ending in it."""
        if header in self.items:
            return self.items[header]
        for index, char in enumerate(header):  # longest suffix first
            if char in PATH_SEPARATORS and header[index + 1 :] in self.items:
                return self.items[header[index + 1 :]]
        return None

    def split_of(self, header: str) -> tuple[Item, str] | None:
        """(multi item, choice) of a split select_multiple column `<question>/<choice>`."""
        for index in range(len(header) - 1, 0, -1):
            if header[index] not in SPLIT_SEPARATORS:
                continue
            item = self.item_of(header[:index])
            choice = header[index + 1 :]
            if (
                item is not None
                and item.type == "multi"
                and choice in {c.value for c in item.choices or []}
            ):
                return item, choice
        return None


def _is_bookkeeping(header: str) -> bool:
    last = re.split(r"[/-]", header)[-1]
    return (
        header.startswith("_")
        or header in BOOKKEEPING
        or header in SUBMISSION_ID_COLUMNS
        or header in SUBMITTED_AT_COLUMNS
        or last in BOOKKEEPING
        or header.split("/")[0] == "meta"
        or header.split("-")[0] == "meta"
    )


def _rows_text(rows: list[int]) -> str:
    """`rows 2-5, 9` from [2, 3, 4, 5, 9]."""
    spans: list[str] = []
    start = previous = rows[0]
    for row in [*rows[1:], None]:
        if row is not None and row == previous + 1:
            previous = row
            continue
        spans.append(str(start) if start == previous else f"{start}-{previous}")
        if row is not None:
            start = previous = row
    return ("row " if len(rows) == 1 else "rows ") + ", ".join(spans)


class _Values:
    """A cell of one item, as the responses table records it (or why it cannot be)."""

    def __init__(self, instrument: Instrument) -> None:
        self.instrument = instrument

    def value(self, item: Item, text: str) -> tuple[str | None, str | None]:
        """(value, None) or (None, why it is dropped); ("", None) when not answered."""
        if text == "":
            return "", None
        reader = getattr(self, f"_{item.type}", None)
        if reader is None:
            return None, f"'{item.id}' is a {item.type} and takes no answer"
        return reader(item, text)

    def _likert(self, item: Item, text: str) -> tuple[str | None, str | None]:
        scale = self.instrument.scale_of(item)
        assert scale is not None
        number = _number(text)
        if number is not None and number.is_integer() and scale.min <= number <= scale.max:
            return str(int(number)), None
        point = scale.point_of(text)
        if point is None:
            for labels in (scale.labels or {}).values():
                if text in labels:
                    point = scale.min + labels.index(text)
                    break
        if point is not None:
            return str(point), None
        names = f" ({', '.join(scale.names)})" if scale.names else ""
        return None, f"'{text}' is not a point of the scale {scale.min}..{scale.max}{names}"

    def _boolean(self, item: Item, text: str) -> tuple[str | None, str | None]:
        lowered = text.lower()
        if lowered in TRUE_WORDS:
            return "1", None
        if lowered in FALSE_WORDS:
            return "0", None
        return None, f"'{text}' is not a yes/no answer"

    def _choice(self, item: Item, text: str) -> str | None:
        values = [c.value for c in item.choices or []]
        if text in values:
            return text
        for choice in item.choices or []:
            labels = [choice.label] if isinstance(choice.label, str) else choice.label.values()
            if text in labels:
                return choice.value
        return None

    def _single(self, item: Item, text: str) -> tuple[str | None, str | None]:
        value = self._choice(item, text)
        if value is None:
            return None, f"'{text}' is not one of the choices of '{item.id}'"
        return value, None

    def _multi(self, item: Item, text: str) -> tuple[str | None, str | None]:
        picked = text.split()
        unknown = [v for v in picked if self._choice(item, v) is None]
        if unknown:
            return None, f"'{unknown[0]}' is not one of the choices of '{item.id}'"
        return " ".join(dict.fromkeys(self._choice(item, v) or v for v in picked)), None

    def _number(self, item: Item, text: str) -> tuple[str | None, str | None]:
        number = _number(text)
        if number is None:
            return None, f"'{text}' is not a number"
        if (item.min is not None and number < item.min) or (
            item.max is not None and number > item.max
        ):
            return None, f"{text} is outside {item.min:g}..{item.max:g}".replace("None", "")
        return str(int(number)) if number.is_integer() else repr(number), None

    def _text(self, item: Item, text: str) -> tuple[str | None, str | None]:
        return text, None


def _number(text: str) -> float | None:
    try:
        number = float(text)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _first_present(headers: list[str], names: Iterable[str]) -> int | None:
    for name in names:
        if name in headers:
            return headers.index(name)
    return None


def read_submissions(
    instrument: Instrument,
    path: str | Path,
    *,
    wave: str,
    participant_column: str | None = None,
) -> ImportedSubmissions:
    """Read a KoboToolbox or ODK Central export of one wave into the responses table."""
    path = Path(path)
    if wave not in instrument.wave_ids:
        raise EvaluationInputError(
            f"unknown wave '{wave}' (the instrument's waves: {', '.join(instrument.wave_ids)})"
        )
    headers, rows = read_export(path)
    if not rows:
        raise EvaluationInputError(f"{path}: no submissions (only a header row)")
    columns = _Columns(instrument)
    asked = {i.id for i in instrument.items_in_wave(wave)}
    report: list[str] = []
    bookkeeping: list[str] = []
    kept: list[_Column] = []
    combined: set[str] = set()
    id_col = _first_present(headers, SUBMISSION_ID_COLUMNS)
    time_col = _first_present(headers, SUBMITTED_AT_COLUMNS)
    person_col: int | None = None
    if participant_column is not None:
        person_col = _participant_column(headers, participant_column, columns, path)
    for index, header in enumerate(headers):
        if index in (id_col, time_col, person_col) or not header:
            continue
        item = columns.item_of(header)
        ranked = columns.ranked_of(header) if item is None else None
        if ranked is not None:
            first = next(iter(ranked.values()))
            if first.id not in asked:
                why = f"'{first.rank_of.question}' is not asked in '{wave}'"  # type: ignore[union-attr]
                _report_column(report, rows, index, header, why)
            else:
                kept.append(_Column(index, header, ranked=ranked))
            continue
        split = columns.split_of(header) if item is None else None
        if item is not None and item.type == "multi":
            combined.add(item.id)
        if item is None and split is None:
            if _is_bookkeeping(header):
                bookkeeping.append(header)
                continue
            _report_column(report, rows, index, header, "is not a question of the instrument")
            continue
        target = item or split[0]  # type: ignore[index]
        if target.type == "note":
            continue
        if target.id not in asked:
            _report_column(report, rows, index, header, f"'{target.id}' is not asked in '{wave}'")
            continue
        kept.append(_Column(index, header, target, split[1] if split else None))
    # split columns are read only where the export has no combined column
    kept = [c for c in kept if c.choice is None or (c.item and c.item.id not in combined)]
    values = _Values(instrument)
    records: list[dict[str, str]] = []
    seen: dict[str, int] = {}
    for number, row in enumerate(rows, start=2):
        if not any(row):
            continue
        submission = row[id_col].removeprefix("uuid:") if id_col is not None else ""
        person = row[person_col] if person_col is not None else submission
        if person_col is None and not person:
            person = f"{wave}-{number}"  # an anonymous wave: ids that never repeat
        if not person:
            report.append(
                f"row {number}: column '{headers[person_col]}' is empty: no participant id; "  # type: ignore[index]
                "the row is dropped"
            )
            continue
        key = person if person_col is not None else (submission or person)
        if key in seen:
            what = "participant" if person_col is not None else "submission"
            report.append(
                f"row {number}: {what} '{key}' already answered in row {seen[key]}; "
                "the row is dropped"
            )
            continue
        seen[key] = number
        extra = {"submitted_at": row[time_col]} if time_col is not None else {}
        records.extend(
            {"participant_id": person, "wave": wave, "item_id": item_id, "value": value, **extra}
            for item_id, value in _row_answers(row, number, kept, values, report)
        )
    table = pd.DataFrame.from_records(
        records,
        columns=["participant_id", "wave", "item_id", "value"]
        + (["submitted_at"] if time_col is not None else []),
    )
    return ImportedSubmissions(table, report, len(seen), bookkeeping)


def _participant_column(headers: list[str], name: str, columns: _Columns, path: Path) -> int:
    if name in headers:
        return headers.index(name)
    for index, header in enumerate(headers):
        item = columns.item_of(header)
        if item is not None and item.id == name:
            return index
    raise EvaluationInputError(f"{path}: no column '{name}' for the participant ids")


def _report_column(
    report: list[str], rows: list[list[str]], index: int, header: str, why: str
) -> None:
    filled = [n for n, row in enumerate(rows, start=2) if row[index] != ""]
    if filled:
        report.append(
            f"column '{header}' {why}: {len(filled)} cell(s) dropped ({_rows_text(filled)})"
        )


def _row_answers(
    row: list[str], number: int, kept: list[_Column], values: _Values, report: list[str]
) -> list[tuple[str, str]]:
    answers: dict[str, str] = {}
    split: dict[str, list[str]] = {}
    for column in kept:
        text = row[column.index]
        if column.ranked is not None:
            answers.update(_ranks(text, column, number, report))
            continue
        item = column.item
        assert item is not None
        if column.choice is not None:
            if text == "":
                continue
            lowered = text.lower()
            if lowered in TRUE_WORDS or lowered in FALSE_WORDS:
                picked = split.setdefault(item.id, [])
                if lowered in TRUE_WORDS:
                    picked.append(column.choice)
                continue
            report.append(
                f"row {number}, column '{column.header}': '{text}' is not 0 or 1; dropped"
            )
            continue
        value, why = values.value(item, text)
        if why is not None:
            report.append(f"row {number}, column '{column.header}': {why}; dropped")
        elif value:
            answers[item.id] = value
    for item_id, picked in split.items():
        if picked:
            answers.setdefault(item_id, " ".join(picked))
    order = {column.item.id: n for n, column in enumerate(kept) if column.item}
    for n, column in enumerate(kept):
        for position, item in enumerate((column.ranked or {}).values()):
            order[item.id] = n + position / 1000
    return sorted(answers.items(), key=lambda pair: order[pair[0]])


def _ranks(text: str, column: _Column, number: int, report: list[str]) -> dict[str, str]:
    """A ranking answer (choice names, first ranked first) as each choice's position;
    the whole cell is dropped when a name is unknown or repeated."""
    assert column.ranked is not None
    names = text.split()
    unknown = [name for name in names if name not in column.ranked]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if unknown or repeated:
        why = (
            f"'{unknown[0]}' is not a choice of the ranking"
            if unknown
            else f"'{repeated[0]}' is ranked twice"
        )
        report.append(f"row {number}, column '{column.header}': {why}; dropped")
        return {}
    return {column.ranked[name].id: str(position) for position, name in enumerate(names, 1)}


def write_table(table: pd.DataFrame, out: Path) -> None:
    """Write the responses table as CSV (UTF-8) or Parquet, every column as text."""
    table = table.astype(str)
    if out.suffix.lower() == ".parquet":
        table.to_parquet(out, index=False)
    else:
        with out.open("w", newline="", encoding="utf-8") as handle:
            writer = SafeCSVWriter(handle)
            writer.writerow(table.columns)
            writer.writerows(table.itertuples(index=False, name=None))
