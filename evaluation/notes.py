"""Focus-group notes next to the numbers: checked against the instrument, then counted.

A note row names one or more dimensions (separated by spaces or ';'; `general` or an
empty cell for notes about the pilot as a whole), a sentiment (positive, negative,
neutral, mixed) and a severity (none, minor, major, blocker). Blocker and major notes
are the concerns the readiness rules read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from evaluation.errors import EvaluationInputError
from evaluation.io import SENTIMENTS, SEVERITIES
from pilotkit.instruments import Instrument

GENERAL = "general"
_SEPARATORS = re.compile(r"[;\s,]+")


@dataclass(frozen=True)
class Concern:
    """A major or blocker note."""

    severity: str
    dimensions: list[str]
    text: str
    follow_up: str
    session_id: str
    #: the note's id in the notes table (`note_id`, empty in tables without it): the
    #: concern register names the note it came from by this id
    note_id: str = ""


@dataclass(frozen=True)
class NotesSummary:
    """Counts of notes per dimension by sentiment and severity, and the concerns."""

    n_notes: int
    by_dimension: dict[str, dict[str, dict[str, int]]]
    concerns: list[Concern] = field(default_factory=list)


def note_dimensions(cell: str) -> list[str]:
    """The dimension ids of a note's `dimension` cell (`general` when empty)."""
    parts = [p for p in _SEPARATORS.split(str(cell).strip()) if p]
    return parts or [GENERAL]


def summarize_notes(instrument: Instrument, notes: pd.DataFrame) -> NotesSummary:
    """Check the notes' dimensions against the instrument and count them."""
    known = [d.id for d in instrument.dimensions]
    source = notes.attrs.get("source", "notes")
    first = int(notes.attrs.get("first_row", 2))
    by_dimension: dict[str, dict[str, dict[str, int]]] = {
        d: {"sentiment": dict.fromkeys(SENTIMENTS, 0), "severity": dict.fromkeys(SEVERITIES, 0)}
        for d in [*known, GENERAL]
    }
    concerns = []
    for position, row in enumerate(notes.to_dict("records")):
        dimensions = note_dimensions(row.get("dimension", ""))
        for dimension in dimensions:
            if dimension not in by_dimension:
                raise EvaluationInputError(
                    f"{source}: line {position + first}: unknown dimension '{dimension}' "
                    f"(instrument '{instrument.id}' has {', '.join(known)}; or '{GENERAL}')"
                )
        sentiment = str(row["sentiment"]).strip().lower()
        severity = str(row["severity"]).strip().lower()
        if sentiment not in SENTIMENTS or severity not in SEVERITIES:
            raise EvaluationInputError(
                f"{source}: line {position + first}: sentiment must be one of "
                f"{', '.join(SENTIMENTS)} and severity one of {', '.join(SEVERITIES)}"
            )
        for dimension in dimensions:
            by_dimension[dimension]["sentiment"][sentiment] += 1
            by_dimension[dimension]["severity"][severity] += 1
        if severity in ("major", "blocker"):
            concerns.append(
                Concern(
                    severity=severity,
                    dimensions=dimensions,
                    text=str(row.get("text", "") or "").strip(),
                    follow_up=str(row.get("follow_up", "") or "").strip(),
                    session_id=str(row.get("session_id", "") or "").strip(),
                    note_id=str(row.get("note_id", "") or "").strip(),
                )
            )
    return NotesSummary(n_notes=len(notes), by_dimension=by_dimension, concerns=concerns)
