"""Read the responses table (contracts.md section 2) and the focus-group notes table.

Every column is read as text (`dtype=str`, no NA guessing): "1" and "1.0" and the
empty answer are then interpreted deliberately, per item type, by `evaluation.prepare`.
CSV files are parsed with pyarrow's multi-threaded reader and the four contract columns
are dictionary-encoded on the way in, so a table of millions of answers costs a few
hundred megabytes, not gigabytes.

Row numbers in messages: for a CSV, the 1-based line of the file counting the header
(the first answer is line 2); for Parquet, the 1-based row. The position is kept in
`DataFrame.attrs` (`source`, `row_word`, `first_row`), so the validation downstream can
name the row without an extra column.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from evaluation.errors import EvaluationInputError
from pilotkit.csv_cells import raw_cell

RESPONSE_COLUMNS: tuple[str, ...] = ("participant_id", "wave", "item_id", "value")
NOTE_COLUMNS: tuple[str, ...] = ("dimension", "sentiment", "severity")
SENTIMENTS: tuple[str, ...] = ("positive", "negative", "neutral", "mixed")
SEVERITIES: tuple[str, ...] = ("none", "minor", "major", "blocker")


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file, recorded in summary.json so a result names its input."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _check_file(path: Path) -> None:
    if not path.exists():
        raise EvaluationInputError(f"{path}: no such file")
    if path.is_dir():
        raise EvaluationInputError(f"{path}: is a folder, not a table")
    if path.stat().st_size == 0:
        raise EvaluationInputError(f"{path}: the file is empty")


def _read_csv_table(path: Path) -> pa.Table:
    from pyarrow import csv

    bad_rows: list[csv.InvalidRow] = []

    def remember(row: csv.InvalidRow) -> str:
        bad_rows.append(row)
        return "skip"

    _check_utf8_start(path)
    try:
        with _undecodable_rows(path):
            names = _csv_header(path)
        column_types = {
            name: (
                pa.dictionary(pa.int32(), pa.string()) if name in RESPONSE_COLUMNS else pa.string()
            )
            for name in names
        }
        with _undecodable_rows(path):
            table = csv.read_csv(
                path,
                read_options=csv.ReadOptions(block_size=1 << 24),
                parse_options=csv.ParseOptions(
                    newlines_in_values=True, invalid_row_handler=remember
                ),
                convert_options=csv.ConvertOptions(
                    column_types=column_types,
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                    null_values=[],
                ),
            )
    except pa.ArrowInvalid as exc:
        if "invalid UTF8" in str(exc):
            raise EvaluationInputError(f"{path}: {_NOT_UTF8} ({_first_line(exc)})") from None
        raise EvaluationInputError(
            f"{path}: not a readable CSV table: {_first_line(exc)}"
        ) from None
    if bad_rows:  # a row with too many or too few cells: name the first one
        first = bad_rows[0]
        number = first.number or _line_of(path, first.text)
        where = f"line {number}" if number is not None else "a line"
        raise EvaluationInputError(
            f"{path}: {where}: expected {first.expected_columns} cells, got "
            f"{first.actual_columns}: {first.text[:80]}"
        )
    return table


_NOT_UTF8 = "not UTF-8 text; save the table as CSV UTF-8"


def _check_utf8_start(path: Path) -> None:
    """A binary file or a Latin-1 export named at once, with the line of the first bad byte."""
    with path.open("rb") as handle:
        head = handle.read(1 << 16)
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data" and exc.start >= len(head) - 3:
            return  # a character cut by the end of the block, not a bad one
        line = head[: exc.start].count(b"\n") + 1
        raise EvaluationInputError(f"{path}: line {line}: {_NOT_UTF8}") from None


@contextmanager
def _undecodable_rows(path: Path) -> Iterator[None]:
    """The reader hands a malformed row to its handler as text; a row that is not UTF-8
    fails inside the reader, which then prints "Exception ignored ... Traceback". Keep
    those out of the user's terminal and report the file as not UTF-8 instead."""
    failures: list[BaseException] = []
    previous = sys.unraisablehook

    def collect(unraisable: Any) -> None:
        if isinstance(unraisable.exc_value, UnicodeDecodeError):
            failures.append(unraisable.exc_value)
        else:
            previous(unraisable)

    sys.unraisablehook = collect
    try:
        yield
    except pa.ArrowInvalid:
        if failures:
            raise EvaluationInputError(f"{path}: {_NOT_UTF8}") from None
        raise
    finally:
        sys.unraisablehook = previous
    if failures:
        raise EvaluationInputError(f"{path}: {_NOT_UTF8}")


def _line_of(path: Path, text: str) -> int | None:
    """The 1-based line number of a line of the file (the reader does not count lines)."""
    with path.open(encoding="utf-8", errors="replace", newline="") as handle:
        for number, line in enumerate(handle, start=1):
            if line.rstrip("\r\n") == text:
                return number
    return None


def _csv_header(path: Path) -> list[str]:
    from pyarrow import csv

    first = csv.open_csv(
        path,
        read_options=csv.ReadOptions(block_size=1 << 16),
        parse_options=csv.ParseOptions(invalid_row_handler=lambda row: "skip"),
    )
    return [str(name) for name in first.schema.names]


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def _read_parquet_table(path: Path) -> pa.Table:
    import pyarrow.parquet as pq

    try:
        names = pq.read_schema(path).names
        # string columns come back dictionary-encoded straight from the file
        table = pq.read_table(path, read_dictionary=[c for c in RESPONSE_COLUMNS if c in names])
    except (pa.ArrowInvalid, OSError) as exc:
        raise EvaluationInputError(
            f"{path}: not a readable Parquet file: {_first_line(exc)}"
        ) from None
    columns = []
    for name, column in zip(table.column_names, table.columns, strict=True):
        if name in RESPONSE_COLUMNS and pa.types.is_dictionary(column.type):
            column = _dictionary_without_nulls(column)
        else:
            if pa.types.is_dictionary(column.type):
                column = column.cast(column.type.value_type)
            if not pa.types.is_string(column.type) and not pa.types.is_large_string(column.type):
                column = column.cast(pa.string())
            column = column.fill_null("")
            if name in RESPONSE_COLUMNS:
                column = column.dictionary_encode()
        columns.append(column)
    return pa.table(columns, names=table.column_names)


def _dictionary_without_nulls(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """A dictionary column of text whose nulls (missing cells) read as "" (not answered)."""
    if column.null_count == 0 and pa.types.is_string(column.type.value_type):
        return column
    plain = column.cast(column.type.value_type).cast(pa.string()).fill_null("")
    return plain.dictionary_encode()


def read_responses(path: str | Path) -> pd.DataFrame:
    """Read a responses table (CSV or Parquet) with every column as text.

    The four contract columns come back as pandas categoricals (dictionary-encoded); any
    extra column is carried along as text. Refuses a missing or empty file, a file with
    no answer rows and a missing contract column, each with one line naming the file.
    """
    path = Path(path)
    _check_file(path)
    is_parquet = path.suffix.lower() in (".parquet", ".pq")
    table = _read_parquet_table(path) if is_parquet else _read_csv_table(path)
    missing = [c for c in RESPONSE_COLUMNS if c not in table.column_names]
    if missing:
        raise EvaluationInputError(
            f"{path}: missing column(s) {', '.join(repr(c) for c in missing)} "
            f"(a responses table needs {', '.join(RESPONSE_COLUMNS)})"
        )
    if table.num_rows == 0:
        raise EvaluationInputError(f"{path}: the table has no answers (only a header)")
    frame = table.to_pandas()
    for column in frame.columns:
        if column not in RESPONSE_COLUMNS:
            frame[column] = frame[column].astype(str)
        if not is_parquet:
            frame[column] = _raw_cells(frame[column])
    frame.attrs.update(
        source=str(path),
        row_word="row" if is_parquet else "line",
        first_row=1 if is_parquet else 2,
        sha256=file_sha256(path),
    )
    if not is_parquet:
        frame.attrs["csv_path"] = str(path)
    return frame


def csv_line_of_record(path: str | Path, record: int) -> int | None:
    """The 1-based line where data record `record` (0-based) starts in a CSV file.

    Differs from `record + 2` only when a quoted answer spans several lines; used on the
    error path only, so the fast reader never has to count lines.
    """
    import csv

    with Path(path).open(encoding="utf-8", errors="replace", newline="") as handle:
        reader = csv.reader(handle)
        next(reader, None)  # header
        line = reader.line_num + 1
        for index, _ in enumerate(reader):
            if index == record:
                return line
            line = reader.line_num + 1
    return None


def _raw_cells(column: pd.Series) -> pd.Series:
    """A CSV column with the apostrophe that kept a cell from running as a spreadsheet
    formula removed (`pilotkit.csv_cells`); only the few texts that carry one change."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        categories = [str(c) for c in column.cat.categories]
        raw = [raw_cell(c) for c in categories]
        if raw == categories:
            return column
        if len(set(raw)) == len(raw):
            return column.cat.rename_categories(raw)
        return column.astype(str).map(raw_cell).astype("category")
    if not column.str.startswith("'").any():
        return column
    return column.map(raw_cell)


def read_notes(path: str | Path) -> pd.DataFrame:
    """Read a focus-group notes CSV: `dimension`, `sentiment`, `severity` (+ optional columns).

    `dimension` may hold several dimension ids separated by spaces or ';'. The vocabulary
    of `sentiment` (positive, negative, neutral, mixed) and `severity` (none, minor,
    major, blocker) is checked here; dimension ids are checked against the instrument by
    `evaluation.notes.validate_notes`.
    """
    path = Path(path)
    _check_file(path)
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise EvaluationInputError(
            f"{path}: not a readable CSV table: {_first_line(exc)}"
        ) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    for column in frame.columns:
        frame[column] = _raw_cells(frame[column])
    missing = [c for c in NOTE_COLUMNS if c not in frame.columns]
    if missing:
        raise EvaluationInputError(
            f"{path}: missing column(s) {', '.join(repr(c) for c in missing)} "
            f"(a notes table needs {', '.join(NOTE_COLUMNS)})"
        )
    for position, row in enumerate(frame.itertuples(index=False), start=2):
        sentiment = str(row.sentiment).strip().lower()
        severity = str(row.severity).strip().lower()
        if sentiment not in SENTIMENTS:
            raise EvaluationInputError(
                f"{path}: line {position}: sentiment '{row.sentiment}' is not one of "
                f"{', '.join(SENTIMENTS)}"
            )
        if severity not in SEVERITIES:
            raise EvaluationInputError(
                f"{path}: line {position}: severity '{row.severity}' is not one of "
                f"{', '.join(SEVERITIES)}"
            )
    frame["sentiment"] = frame["sentiment"].str.strip().str.lower()
    frame["severity"] = frame["severity"].str.strip().str.lower()
    frame.attrs.update(source=str(path), row_word="line", first_row=2)
    return frame
