"""The responses table (contracts.md section 2), streamed from the database in batches.

Columns: participant_id, wave, item_id, value, then submitted_at. One row per item asked
in the submission's wave (notes excluded), in instrument order; `value` is empty when the
item was not answered (skipped or hidden by skip logic). Rows go to the file batch by
batch, so an export never holds the whole table in memory. CSV cells that a spreadsheet
would run as a formula get an apostrophe in front (`pilotkit.csv_cells`); Parquet keeps
the raw values.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from typing import Any

from piccolo.engine.base import Engine
from piccolo.querystring import QueryString

from pilotkit.csv_cells import SafeCSVWriter
from survey_server.errors import InvalidInputError
from survey_server.services.answers import answerable_items
from survey_server.services.pilots import frozen_instrument, get_pilot

COLUMNS = ("participant_id", "wave", "item_id", "value", "submitted_at")
SUBMISSIONS_PER_BATCH = 400  # x ~25 items: about 10,000 rows per batch

Row = tuple[str, str, str, str, datetime]

_SUBMISSIONS_SQL = """
SELECT s."id", p."pseudonym", w."name" AS wave, s."created_at"
FROM "submission" s
JOIN "participant" p ON p."id" = s."participant"
JOIN "wave" w ON w."id" = s."wave"
WHERE w."pilot" = {} AND s."id" > {} AND NOT p."test"
ORDER BY s."id"
LIMIT {}
"""


async def response_batches(engine: Engine, slug: str) -> AsyncIterator[list[Row]]:
    """The responses table of a pilot, a batch of rows at a time."""
    pilot = await get_pilot(engine, slug)
    instrument = await frozen_instrument(engine, slug)
    items_by_wave = {w.name: list(answerable_items(instrument, w.name)) for w in pilot.waves}
    last_id = 0
    while True:
        submissions = await engine.run_querystring(
            QueryString(_SUBMISSIONS_SQL, pilot.id, last_id, SUBMISSIONS_PER_BATCH)
        )
        if not submissions:
            return
        last_id = submissions[-1]["id"]
        ids = [s["id"] for s in submissions]
        placeholders = ", ".join("{}" for _ in ids)
        answers = await engine.run_querystring(
            QueryString(
                f'SELECT "submission", "item_id", "value" FROM "answer" '
                f'WHERE "submission" IN ({placeholders})',
                *ids,
            )
        )
        values: dict[int, dict[str, str]] = {}
        for answer in answers:
            values.setdefault(answer["submission"], {})[answer["item_id"]] = answer["value"]
        batch: list[Row] = []
        for s in submissions:
            given = values.get(s["id"], {})
            submitted_at = s["created_at"]
            if isinstance(submitted_at, str):
                submitted_at = datetime.fromisoformat(submitted_at)
            batch.extend(
                (s["pseudonym"], s["wave"], item_id, given.get(item_id, ""), submitted_at)
                for item_id in items_by_wave.get(s["wave"], [])
            )
        yield batch


async def export_responses(engine: Engine, slug: str, out: Path) -> int:
    """Write the responses table to `out` (.csv or .parquet); returns the number of rows."""
    suffix = out.suffix.lower()
    if suffix not in (".csv", ".parquet"):
        raise InvalidInputError(f"--out '{out}' must end in .csv or .parquet")
    await get_pilot(engine, slug)  # unknown slug: fail before creating the file
    out.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".csv":
        return await _write_csv(engine, slug, out)
    return await _write_parquet(engine, slug, out)


async def _write_csv(engine: Engine, slug: str, out: Path) -> int:
    count = 0
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = SafeCSVWriter(handle)
        writer.writerow(COLUMNS)
        async for batch in response_batches(engine, slug):
            writer.writerows((p, w, i, v, at.isoformat()) for p, w, i, v, at in batch)
            count += len(batch)
    return count


def parquet_schema() -> Any:
    """The responses table's Parquet schema (submitted_at a UTC timestamp)."""
    import pyarrow as pa

    return pa.schema(
        [
            ("participant_id", pa.string()),
            ("wave", pa.string()),
            ("item_id", pa.string()),
            ("value", pa.string()),
            ("submitted_at", pa.timestamp("us", tz="UTC")),
        ]
    )


async def parquet_tables(engine: Engine, slug: str) -> AsyncIterator[Any]:
    """The responses as Arrow tables of `parquet_schema()`, one per batch."""
    import pyarrow as pa

    schema = parquet_schema()
    async for batch in response_batches(engine, slug):
        columns = [list(c) for c in zip(*batch, strict=True)]
        yield pa.Table.from_arrays(columns, schema=schema)


async def _write_parquet(engine: Engine, slug: str, out: Path) -> int:
    import pyarrow.parquet as pq

    count = 0
    with pq.ParquetWriter(out, parquet_schema()) as writer:
        async for table in parquet_tables(engine, slug):
            writer.write_table(table)
            count += table.num_rows
    return count
