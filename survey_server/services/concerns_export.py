"""A pilot's concern register as the CSV the evaluation kit reads (`evaluation.concerns`).

One row per concern, in the kit's column order. Who verified a mitigation or accepted a
risk is a staff account, named by its e-mail and its role; no participant or contact
is ever named (a quote was kept only under the report's privacy rules when the concern
was recorded). Cells go through `pilotkit.csv_cells`, so no text runs as a spreadsheet
formula.
"""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from piccolo.engine.base import Engine

from evaluation.concerns import CONCERN_COLUMNS
from pilotkit.csv_cells import SafeCSVWriter
from survey_server.concern_tables import Concern
from survey_server.services.pilots import get_pilot
from survey_server.staff_tables import StaffUser


def _when(epoch: int | None) -> str:
    if not epoch:
        return ""
    return datetime.fromtimestamp(int(epoch), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


async def _roles(emails: set[str]) -> dict[str, str]:
    emails.discard("")
    if not emails:
        return {}
    rows = await StaffUser.select(StaffUser.email, StaffUser.role).where(
        StaffUser.email.is_in(sorted(emails))
    )
    return {row["email"]: row["role"] for row in rows}


async def concern_rows(engine: Engine, pilot_id: int) -> list[tuple[Any, ...]]:
    """The register of one pilot, oldest concern first, in `CONCERN_COLUMNS` order."""
    rows = await Concern.select().where(Concern.pilot == pilot_id).order_by(Concern.id)
    roles = await _roles(
        {r["verified_by_email"] for r in rows} | {r["accepted_by_email"] for r in rows}
    )
    return [
        (
            r["id"],
            r["source"],
            r["note"] if r["note"] is not None else "",
            r["run_id"],
            r["dimension"],
            r["severity"],
            r["title"],
            r["quote"],
            r["status"],
            r["owner_email"],
            r["due_on"],
            r["plan"],
            r["mitigation"],
            r["evidence"],
            r["evidence_note"] if r["evidence_note"] is not None else "",
            r["verification"],
            r["verified_by_email"],
            roles.get(r["verified_by_email"], ""),
            r["rationale"],
            r["accepted_by_email"],
            roles.get(r["accepted_by_email"], ""),
            _when(r["created_at"]),
            _when(r["updated_at"]),
        )
        for r in rows
    ]


async def concerns_csv_chunks(engine: Engine, pilot_id: int) -> AsyncIterator[str]:
    """The register as CSV text, for a download."""
    buffer = io.StringIO()
    writer = SafeCSVWriter(buffer)
    writer.writerow(CONCERN_COLUMNS)
    writer.writerows(await concern_rows(engine, pilot_id))
    yield buffer.getvalue()


async def export_concerns(engine: Engine, slug: str, out: Path) -> int:
    """Write the concern register of pilot `slug` to `out`; returns the number of concerns."""
    pilot = await get_pilot(engine, slug)
    rows = await concern_rows(engine, pilot.id)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = SafeCSVWriter(handle)
        writer.writerow(CONCERN_COLUMNS)
        writer.writerows(rows)
    return len(rows)
