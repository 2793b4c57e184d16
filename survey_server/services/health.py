"""The health check: can the database take a write right now?

A `SELECT 1` answers while every write fails (a full disk, a read-only file, a database
in recovery). The check therefore writes a row and rolls it back, in a write transaction
like every other write, and names the error when the write fails.
"""

from __future__ import annotations

import time

from piccolo.engine.base import Engine
from piccolo.querystring import QueryString

from survey_server.database import write_transaction


class _RollbackError(Exception):
    """Raised inside the transaction so that the probe row is never committed."""


async def write_problem(engine: Engine) -> str | None:
    """None when a write goes through; else the database's error, in one line."""
    try:
        async with write_transaction(engine):
            await engine.run_querystring(
                QueryString(
                    'INSERT INTO "health_check" ("id", "at") VALUES ({}, {})', 1, int(time.time())
                )
            )
            raise _RollbackError
    except _RollbackError:
        return None
    except Exception as exc:  # whatever the driver raises is the answer
        lines = str(exc).strip().splitlines()
        return f"{type(exc).__name__}: {lines[0] if lines else ''}"[:300]
