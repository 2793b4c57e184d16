"""Database engines: SQLite (embedded default) and PostgreSQL (production).

SQLite is set up for several writers: WAL journal (readers never block the writer), a
busy timeout (a writer waits for the lock instead of failing), and `IMMEDIATE` write
transactions (the write lock is taken at BEGIN; Piccolo's default DEFERRED ones fail
with "database is locked" when two readers both try to upgrade to writers).
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiosqlite
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType, dict_factory
from piccolo.querystring import QueryString

from survey_server.settings import parse_database_url

SQLITE_BUSY_TIMEOUT_S = 30.0


class _PooledConnection:
    """An aiosqlite connection borrowed from the pool: `close()` gives it back."""

    def __init__(self, connection: aiosqlite.Connection, pool: _SQLitePool) -> None:
        self._connection = connection
        self._pool = pool

    def __getattr__(self, name: str) -> Any:
        return getattr(self._connection, name)

    async def close(self) -> None:
        await self._pool.release(self._connection)


class _SQLitePool:
    """A few long-lived connections per event loop, instead of one per query.

    Piccolo's SQLite engine opens a new connection (and a thread) for every query;
    opening costs more than most of our queries. Connections stay in autocommit mode
    (`isolation_level=None`), so a borrowed connection carries no open transaction.
    """

    def __init__(self, connect: Any, size: int) -> None:
        self._connect = connect
        self._size = size
        self._idle: asyncio.Queue[aiosqlite.Connection] = asyncio.Queue()
        self._opened = 0
        self._all: list[aiosqlite.Connection] = []

    async def acquire(self) -> aiosqlite.Connection:
        if self._idle.empty() and self._opened < self._size:
            self._opened += 1
            try:
                connection = await self._connect()
            except BaseException:
                self._opened -= 1
                raise
            self._all.append(connection)
            return connection
        return await self._idle.get()

    async def release(self, connection: aiosqlite.Connection) -> None:
        if connection.in_transaction:  # a failed rollback must not leak into the next user
            await connection.rollback()
        self._idle.put_nowait(connection)

    async def close(self) -> None:
        for connection in self._all:
            await connection.close()
        self._all.clear()


class PilotkitSQLiteEngine(SQLiteEngine):
    """Piccolo's SQLite engine with pooled connections, the pragmas they need, and one
    writer at a time per process.

    Writers queue on an asyncio lock before `BEGIN IMMEDIATE`: inside one process they
    wait in order instead of sleeping in SQLite's busy handler (which backs off up to
    100 ms per try and makes the slowest requests very slow); between processes the busy
    timeout still applies.
    """

    POOL_SIZE = 8

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pools: dict[asyncio.AbstractEventLoop, _SQLitePool] = {}
        self._write_locks: dict[asyncio.AbstractEventLoop, asyncio.Lock] = {}

    async def _open(self) -> aiosqlite.Connection:
        connection = await aiosqlite.connect(**self.connection_kwargs)
        connection.row_factory = dict_factory  # type: ignore[assignment]
        await connection.execute("PRAGMA foreign_keys = 1")
        await connection.execute(f"PRAGMA busy_timeout = {int(SQLITE_BUSY_TIMEOUT_S * 1000)}")
        # WAL + NORMAL: a commit survives the process being killed (not a power cut).
        await connection.execute("PRAGMA synchronous = NORMAL")
        return connection

    def _pool(self) -> _SQLitePool:
        loop = asyncio.get_running_loop()
        pool = self._pools.get(loop)
        if pool is None:
            # connections belong to the loop that opened them; a new loop gets new ones
            self._pools = {k: v for k, v in self._pools.items() if not k.is_closed()}
            pool = self._pools[loop] = _SQLitePool(self._open, self.POOL_SIZE)
        return pool

    def write_lock(self) -> asyncio.Lock:
        loop = asyncio.get_running_loop()
        lock = self._write_locks.get(loop)
        if lock is None:
            self._write_locks = {k: v for k, v in self._write_locks.items() if not k.is_closed()}
            lock = self._write_locks[loop] = asyncio.Lock()
        return lock

    async def get_connection(self) -> Any:
        """A connection for a transaction; closing it returns it to the pool."""
        pool = self._pool()
        return _PooledConnection(await pool.acquire(), pool)

    async def _run_in_new_connection(
        self,
        query: str,
        args: list[Any] | None = None,
        query_type: str = "generic",
        table: Any = None,
    ) -> Any:
        pool = self._pool()
        connection = await pool.acquire()
        try:
            async with connection.execute(query, args or []) as cursor:
                return await cursor.fetchall()
        finally:
            await pool.release(connection)

    async def run_batch(self, statements: list[QueryString]) -> list[list[dict[str, Any]]]:
        """Run `statements` in one `BEGIN IMMEDIATE` transaction, in one trip to the
        connection's thread, holding the process's writer queue; their rows, in order.

        A transaction made of separate awaits crosses between the event loop and the
        connection's thread once per statement while holding SQLite's write lock; under
        load every crossing waits behind other requests, and the lock is held that long.
        """
        compiled = [qs.compile_string(engine_type=self.engine_type) for qs in statements]

        def run(raw: sqlite3.Connection) -> list[list[dict[str, Any]]]:
            raw.execute("BEGIN IMMEDIATE")
            try:
                results = [raw.execute(sql, args).fetchall() for sql, args in compiled]
            except BaseException:
                raw.execute("ROLLBACK")
                raise
            raw.execute("COMMIT")
            return results

        pool = self._pool()
        async with self.write_lock():
            connection = await pool.acquire()
            try:
                return await connection._execute(run, connection._conn)
            finally:
                await pool.release(connection)

    async def close_pools(self) -> None:
        loop = asyncio.get_running_loop()
        pool = self._pools.pop(loop, None)
        if pool is not None:
            await pool.close()


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
    if isinstance(engine, PilotkitSQLiteEngine):
        return _sqlite_write(engine)
    if isinstance(engine, SQLiteEngine):
        return engine.transaction(transaction_type=TransactionType.immediate)
    return engine.transaction()


@asynccontextmanager
async def _sqlite_write(engine: PilotkitSQLiteEngine) -> AsyncIterator[Any]:
    if engine.current_transaction.get() is not None:  # nested: the outer one holds the lock
        async with engine.transaction(transaction_type=TransactionType.immediate) as tx:
            yield tx
        return
    async with (
        engine.write_lock(),
        engine.transaction(transaction_type=TransactionType.immediate) as tx,
    ):
        yield tx


async def run_write_batch(
    engine: Engine, statements: list[QueryString]
) -> list[list[dict[str, Any]]]:
    """Statements that must commit together, as one write transaction; their rows."""
    if isinstance(engine, PilotkitSQLiteEngine):
        return await engine.run_batch(statements)
    results: list[list[dict[str, Any]]] = []
    async with write_transaction(engine):
        for statement in statements:
            results.append([dict(row) for row in await engine.run_querystring(statement)])
    return results


async def start_engine(engine: Engine) -> None:
    """Open the PostgreSQL connection pool (SQLite needs none)."""
    if isinstance(engine, PostgresEngine):
        await engine.start_connection_pool(min_size=1, max_size=20)


async def stop_engine(engine: Engine) -> None:
    if isinstance(engine, PostgresEngine):
        await engine.close_connection_pool()
    elif isinstance(engine, PilotkitSQLiteEngine):
        await engine.close_pools()
