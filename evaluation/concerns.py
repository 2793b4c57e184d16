"""The pilot's concern register (`pilotkit export-concerns`), read for the verdict.

The register says how far each concern has been dealt with (docs/concerns.md): open →
planned → mitigated → verified, or accepted as a risk by an executive. The readiness
rules read it next to the focus-group notes (docs/readiness.md): a note's concern is
found by the note's id, a verified one no longer holds the verdict back, an accepted
one holds it at "conditional" at most.

The file is a CSV like the notes table; its cells went through `pilotkit.csv_cells`
and are read back through `raw_cell`. Every row is checked; the message names each bad
row by its line (the header is line 1) and what is wrong with it.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from evaluation.errors import EvaluationInputError
from pilotkit.csv_cells import raw_cell

#: The register's columns, in the order `pilotkit export-concerns` writes them.
CONCERN_COLUMNS: tuple[str, ...] = (
    "concern_id",
    "source",
    "note_id",
    "run_id",
    "dimension",
    "severity",
    "title",
    "quote",
    "status",
    "owner",
    "due_on",
    "plan",
    "mitigation",
    "evidence",
    "evidence_note_id",
    "verification",
    "verified_by",
    "verified_by_role",
    "rationale",
    "accepted_by",
    "accepted_by_role",
    "created_at",
    "updated_at",
)
#: Columns a register must have; the others may be missing (read as empty).
REQUIRED_COLUMNS: tuple[str, ...] = (
    "concern_id",
    "source",
    "note_id",
    "severity",
    "status",
    "title",
)
SOURCES: tuple[str, ...] = ("note", "run", "manual")
CONCERN_SEVERITIES: tuple[str, ...] = ("major", "blocker")
STATUSES: tuple[str, ...] = ("open", "planned", "mitigated", "verified", "accepted")
#: Statuses of a concern still being dealt with: it holds the verdict as its note would.
UNRESOLVED: frozenset[str] = frozenset({"open", "planned", "mitigated"})
#: At most this many bad rows are named in one message.
MAX_ROW_ERRORS = 20


@dataclass(frozen=True)
class RegisterConcern:
    """One row of the register."""

    id: int
    source: str
    severity: str
    status: str
    title: str
    note_id: int | None = None
    run_id: str = ""
    dimension: str = ""
    quote: str = ""
    owner: str = ""
    due_on: str = ""
    plan: str = ""
    mitigation: str = ""
    evidence: str = ""
    evidence_note_id: int | None = None
    verification: str = ""
    verified_by: str = ""
    verified_by_role: str = ""
    rationale: str = ""
    accepted_by: str = ""
    accepted_by_role: str = ""
    created_at: str = ""
    updated_at: str = ""

    @property
    def dimensions(self) -> list[str]:
        """The dimension ids the concern names (`general` when none)."""
        from evaluation.notes import note_dimensions

        return note_dimensions(self.dimension)

    @property
    def unresolved(self) -> bool:
        return self.status in UNRESOLVED


def _whole_number(text: str) -> int | None:
    text = text.strip()
    return int(text) if text.isascii() and text.isdigit() and int(text) > 0 else None


def _row_problems(cells: dict[str, str]) -> list[str]:
    """What is wrong with one row (empty when nothing is)."""
    problems = []
    if _whole_number(cells["concern_id"]) is None:
        problems.append(f"concern_id '{cells['concern_id']}' is not a whole number above 0")
    checks = (
        ("source", SOURCES),
        ("severity", CONCERN_SEVERITIES),
        ("status", STATUSES),
    )
    for column, allowed in checks:
        if cells[column] not in allowed:
            problems.append(f"{column} '{cells[column]}' is not one of {', '.join(allowed)}")
    for column in ("note_id", "evidence_note_id"):
        if cells[column] and _whole_number(cells[column]) is None:
            problems.append(f"{column} '{cells[column]}' is not a note id (a whole number)")
    if not cells["title"]:
        problems.append("title is empty (say what the concern is)")
    if cells["source"] == "note" and not cells["note_id"]:
        problems.append("a concern from a note needs its note_id")
    if cells["due_on"]:
        try:
            date.fromisoformat(cells["due_on"])
        except ValueError:
            problems.append(f"due_on '{cells['due_on']}' is not a date written YYYY-MM-DD")
    if cells["status"] == "verified" and not cells["verification"]:
        problems.append("a verified concern needs its verification (how it was verified)")
    if cells["status"] == "accepted" and not cells["rationale"]:
        problems.append("an accepted risk needs its rationale")
    return problems


def _concern(cells: dict[str, str]) -> RegisterConcern:
    return RegisterConcern(
        id=int(cells["concern_id"]),
        source=cells["source"],
        severity=cells["severity"],
        status=cells["status"],
        title=cells["title"],
        note_id=_whole_number(cells["note_id"]),
        run_id=cells["run_id"],
        dimension=cells["dimension"],
        quote=cells["quote"],
        owner=cells["owner"],
        due_on=cells["due_on"],
        plan=cells["plan"],
        mitigation=cells["mitigation"],
        evidence=cells["evidence"],
        evidence_note_id=_whole_number(cells["evidence_note_id"]),
        verification=cells["verification"],
        verified_by=cells["verified_by"],
        verified_by_role=cells["verified_by_role"],
        rationale=cells["rationale"],
        accepted_by=cells["accepted_by"],
        accepted_by_role=cells["accepted_by_role"],
        created_at=cells["created_at"],
        updated_at=cells["updated_at"],
    )


def _text_of(path: Path) -> str:
    if not path.exists():
        raise EvaluationInputError(f"{path}: no such file")
    if path.is_dir():
        raise EvaluationInputError(f"{path}: is a folder, not a concern register")
    try:
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise EvaluationInputError(
            f"{path}: not UTF-8 text (byte {exc.start}); save the register as CSV UTF-8"
        ) from None


def read_concerns(path: str | Path) -> list[RegisterConcern]:
    """Read a concern register CSV; raise `EvaluationInputError` naming every bad row."""
    path = Path(path)
    text = _text_of(path)
    if not text.strip():
        raise EvaluationInputError(f"{path}: the file is empty (a register has a header row)")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [raw_cell(h.strip()) for h in next(reader)]
    except csv.Error as exc:
        raise EvaluationInputError(f"{path}: line 1: not a CSV header ({exc})") from None
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise EvaluationInputError(
            f"{path}: missing column(s) {', '.join(missing)} "
            f"(a concern register needs {', '.join(REQUIRED_COLUMNS)})"
        )
    concerns: list[RegisterConcern] = []
    errors: list[str] = []
    seen: dict[int, int] = {}
    while True:
        line = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            errors.append(f"line {line}: not a CSV row ({exc})")
            break
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            errors.append(f"line {line}: {len(row)} cells where the header has {len(header)}")
            continue
        cells = dict.fromkeys(CONCERN_COLUMNS, "")
        cells.update({h: raw_cell(v).strip() for h, v in zip(header, row, strict=True)})
        cells["source"] = cells["source"].lower()
        cells["severity"] = cells["severity"].lower()
        cells["status"] = cells["status"].lower()
        problems = _row_problems(cells)
        if not problems:
            concern_id = int(cells["concern_id"])
            if concern_id in seen:
                problems.append(f"concern_id {concern_id} is already on line {seen[concern_id]}")
            seen[concern_id] = line
        if problems:
            errors.append(f"line {line}: {'; '.join(problems)}")
            continue
        concerns.append(_concern(cells))
    if errors:
        shown = errors[:MAX_ROW_ERRORS]
        more = len(errors) - len(shown)
        raise EvaluationInputError(
            f"{path}: {len(errors)} bad row{'s' if len(errors) != 1 else ''} in the concern "
            "register, nothing was read:\n"
            + "\n".join(shown)
            + (f"\n... and {more} more" if more else "")
        )
    return concerns
