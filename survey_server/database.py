"""Database engines: SQLite (embedded default) and PostgreSQL (production).

SQLite is set up for several writers: WAL journal (readers never block the writer), a
busy timeout (a writer waits for the lock instead of failing), and `IMMEDIATE` write
transactions (the write lock is taken at BEGIN; Piccolo's default DEFERRED ones fail
with "database is locked" when two readers both try to upgrade to writers).
"""

from __future__ import annotations

import sqlite3
from typing import Any

from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType

from survey_server.settings import parse_database_url

SQLITE_BUSY_TIMEOUT_S = 30.0


class PilotkitSQLiteEngine(SQLiteEngine):
    """Piccolo's SQLite engine with the pragmas every connection needs."""

    async def get_connection(self) -> Any:
        connection = await super().get_connection()
        await connection.execute(f"PRAGMA busy_timeout = {int(SQLITE_BUSY_TIMEOUT_S * 1000)}")
        # WAL + NORMAL: a commit survives the process being killed (not a power cut).
        await connection.execute("PRAGMA synchronous = NORMAL")
        return connection


def prepare_sqlite_file(path: str) -> None:
    """Create the folder and switch the file to WAL (a persistent setting of the file)."""
    from pathlib import Path

    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(path, timeout=SQLITE_BUSY_TIMEOUT_S) as connection:
        connection.execute("PRAGMA journal_mode = WAL")
    connection.close()


def create_engine(database_url: str, *, log_queries: bool = False) -> Engine:
    """A Piccolo engine for a DATABASE_URL; for PostgreSQL the pool is started separately."""
    location = parse_database_url(database_url)
    if location.engine == "sqlite":
        assert location.sqlite_path is not None
        prepare_sqlite_file(str(location.sqlite_path))
        return PilotkitSQLiteEngine(
            path=str(location.sqlite_path),
            log_queries=log_queries,
            timeout=SQLITE_BUSY_TIMEOUT_S,
        )
    return PostgresEngine(config={"dsn": location.url}, log_queries=log_queries)


def write_transaction(engine: Engine) -> Any:
    """A transaction for writes: `IMMEDIATE` on SQLite, the default on PostgreSQL."""
    if isinstance(engine, SQLiteEngine):
        return engine.transaction(transaction_type=TransactionType.immediate)
    return engine.transaction()


async def start_engine(engine: Engine) -> None:
    """Open the PostgreSQL connection pool (SQLite needs none)."""
    if isinstance(engine, PostgresEngine):
        await engine.start_connection_pool(min_size=1, max_size=20)


async def stop_engine(engine: Engine) -> None:
    if isinstance(engine, PostgresEngine):
        await engine.close_connection_pool()
