"""Versioned schema migrations, applied in order by `upgrade(engine)`.

Each migration is a module `mNNNN_name.py` in this package with `STATEMENTS`, the DDL for
each engine (`sqlite`, `postgres`): hand-written so that the same versioned steps apply
cleanly on both, whatever engine DATABASE_URL names at run time. Applied ids are
recorded in `schema_migration`. Several processes may start at once (uvicorn workers, a
CLI command next to a running server): the whole upgrade runs in one write transaction,
`BEGIN IMMEDIATE` on SQLite and under a transaction-scoped advisory lock on PostgreSQL,
so each migration is applied exactly once.
"""

from __future__ import annotations

import importlib
import pkgutil
from datetime import UTC, datetime
from types import ModuleType

from piccolo.engine.base import Engine
from piccolo.engine.sqlite import SQLiteEngine
from piccolo.querystring import QueryString

from survey_server.database import write_transaction

#: Arbitrary constant naming the advisory lock taken while upgrading on PostgreSQL.
ADVISORY_LOCK_KEY = 7_316_002

_LEDGER_DDL = (
    'CREATE TABLE IF NOT EXISTS "schema_migration" '
    '("id" VARCHAR(100) PRIMARY KEY NOT NULL, "applied_at" VARCHAR(40) NOT NULL)'
)


def migration_modules() -> list[ModuleType]:
    """Every migration of this package, in id order."""
    names = sorted(
        info.name for info in pkgutil.iter_modules(__path__) if info.name.startswith("m")
    )
    return [importlib.import_module(f"{__name__}.{name}") for name in names]


def _engine_key(engine: Engine) -> str:
    return "sqlite" if isinstance(engine, SQLiteEngine) else "postgres"


def migration_id(module: ModuleType) -> str:
    return module.__name__.rsplit(".", 1)[-1].removeprefix("m")


async def applied_migrations(engine: Engine) -> set[str]:
    rows = await engine.run_querystring(QueryString('SELECT "id" FROM "schema_migration"'))
    return {row["id"] for row in rows}


async def pending_migrations(engine: Engine) -> list[str]:
    """Ids not applied yet (all of them on a fresh database)."""
    wanted = [migration_id(m) for m in migration_modules()]
    try:
        done = await applied_migrations(engine)
    except Exception:  # no ledger table yet: a fresh database
        return wanted
    return [m for m in wanted if m not in done]


async def upgrade(engine: Engine) -> list[str]:
    """Apply the pending migrations; returns the ids applied by this call."""
    if not await pending_migrations(engine):
        return []
    applied: list[str] = []
    async with write_transaction(engine):
        if not isinstance(engine, SQLiteEngine):
            await engine.run_querystring(
                QueryString(f"SELECT pg_advisory_xact_lock({ADVISORY_LOCK_KEY})")
            )
        await engine.run_querystring(QueryString(_LEDGER_DDL))
        done = await applied_migrations(engine)
        for module in migration_modules():
            ident = migration_id(module)
            if ident in done:
                continue
            for statement in module.STATEMENTS[_engine_key(engine)]:
                await engine.run_querystring(QueryString(statement))
            await engine.run_querystring(
                QueryString(
                    'INSERT INTO "schema_migration" ("id", "applied_at") VALUES ({}, {})',
                    ident,
                    datetime.now(UTC).isoformat(),
                )
            )
            applied.append(ident)
    return applied
