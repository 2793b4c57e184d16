"""Focus-group notes as the CSV the evaluation kit reads (`evaluation.read_notes`), and the
codebook of a pilot's frozen instrument.

Each note carries its id (`note_id`, the last column), by which the concern register
(`services.concerns_export`) names the note a concern came from. The notes table never
names the facilitator: it feeds reports that executives read. Its
cells go through `pilotkit.csv_cells`, so no note runs as a spreadsheet formula.
"""

from __future__ import annotations

import io
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

from piccolo.engine.base import Engine
from piccolo.querystring import QueryString

from pilotkit.csv_cells import SafeCSVWriter
from pilotkit.instruments import Instrument
from survey_server.services.pilots import frozen_instrument, get_pilot

NOTE_EXPORT_COLUMNS = (
    "session_id",
    "date",
    "kind",
    "attendees",
    "dimension",
    "sentiment",
    "severity",
    "text",
    "quote",
    "follow_up",
    # last, so that readers of the earlier columns by position are unaffected: the
    # concern register names the note it came from by this id
    "note_id",
)
NOTES_PER_BATCH = 1000

_NOTES_SQL = """
SELECT n."id", n."session", s."held_on", s."kind", s."attendees", n."dimensions",
       n."sentiment", n."severity", n."text", n."quote", n."follow_up"
FROM "note" n JOIN "focus_session" s ON s."id" = n."session"
WHERE s."pilot" = {} AND n."id" > {}
  AND n."sentiment" <> '' AND n."severity" <> ''
ORDER BY n."id" LIMIT {}
"""


async def note_rows(engine: Engine, pilot_id: int) -> AsyncIterator[list[tuple[Any, ...]]]:
    last = 0
    while True:
        rows = await engine.run_querystring(
            QueryString(_NOTES_SQL, pilot_id, last, NOTES_PER_BATCH)
        )
        if not rows:
            return
        last = rows[-1]["id"]
        yield [
            (
                r["session"],
                r["held_on"],
                r["kind"],
                r["attendees"],
                r["dimensions"],
                r["sentiment"],
                r["severity"],
                r["text"],
                r["quote"],
                r["follow_up"],
                r["id"],
            )
            for r in rows
        ]


def csv_text(rows: list[tuple[Any, ...]] | tuple[Any, ...]) -> str:
    buffer = io.StringIO()
    writer = SafeCSVWriter(buffer)
    if rows and isinstance(rows[0], tuple | list):
        writer.writerows(rows)  # type: ignore[arg-type]
    else:
        writer.writerow(rows)
    return buffer.getvalue()


async def notes_csv_chunks(engine: Engine, pilot_id: int) -> AsyncIterator[str]:
    yield csv_text(NOTE_EXPORT_COLUMNS)
    async for batch in note_rows(engine, pilot_id):
        yield csv_text(batch)


async def export_notes(engine: Engine, slug: str, out: Path) -> int:
    """Write the notes table of pilot `slug` to `out`; returns the number of notes."""
    pilot = await get_pilot(engine, slug)
    out.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = SafeCSVWriter(handle)
        writer.writerow(NOTE_EXPORT_COLUMNS)
        async for batch in note_rows(engine, pilot.id):
            writer.writerows(batch)
            count += len(batch)
    return count


CODEBOOK_COLUMNS = (
    "item_id",
    "wave",
    "dimension",
    "type",
    "scale_min",
    "scale_max",
    "reverse",
    "required",
    "language",
    "text",
    "value_labels",
)


def codebook_rows(instrument: Instrument) -> Iterator[tuple[Any, ...]]:
    """One row per item and language: what the item asks and how its values read."""
    for item in instrument.items:
        scale = instrument.scale_of(item)
        waves = " ".join(item.waves) if item.waves else " ".join(instrument.wave_ids)
        for lang in instrument.languages:
            labels = ""
            if scale is not None and scale.labels:
                texts = scale.labels.get(lang) or scale.labels.get(instrument.default_language, [])
                labels = "; ".join(
                    f"{p}={label}" for p, label in zip(scale.points, texts, strict=False)
                )
            elif item.type == "boolean":
                labels = "1=yes; 0=no"
            elif item.choices:
                labels = "; ".join(
                    f"{c.value}={instrument.text(c.label, lang)}" for c in item.choices
                )
            yield (
                item.id,
                waves,
                item.dimension or "",
                item.type,
                scale.min if scale else "",
                scale.max if scale else "",
                int(item.reverse),
                int(bool(item.required)),
                lang,
                instrument.text(item.text, lang),
                labels,
            )


async def codebook(engine: Engine, slug: str) -> dict[str, Any]:
    """The codebook as JSON-ready data: dimensions, scales and the item rows."""
    instrument = await frozen_instrument(engine, slug)
    return {
        "instrument": instrument.id,
        "version": instrument.version,
        "languages": instrument.languages,
        "dimensions": [
            {
                "id": d.id,
                "label": {lang: instrument.text(d.label, lang) for lang in instrument.languages},
            }
            for d in instrument.dimensions
        ],
        "columns": list(CODEBOOK_COLUMNS),
        "items": [list(row) for row in codebook_rows(instrument)],
    }
