"""The database scaffolding works on every engine: connect, WAL on SQLite, fresh per test."""

from __future__ import annotations

import asyncio
import sqlite3

from piccolo.querystring import QueryString

from survey_server.database import create_engine, start_engine, stop_engine, write_transaction
from survey_server.settings import parse_database_url


async def _roundtrip(url: str) -> list[dict]:
    engine = create_engine(url)
    await start_engine(engine)
    try:
        await engine.run_querystring(QueryString("CREATE TABLE probe (n INTEGER)"))
        async with write_transaction(engine):
            await engine.run_querystring(QueryString("INSERT INTO probe (n) VALUES ({})", 41))
            await engine.run_querystring(QueryString("UPDATE probe SET n = n + 1"))
        return await engine.run_querystring(QueryString("SELECT n FROM probe"))
    finally:
        await stop_engine(engine)


def test_fresh_database_round_trip(database_url: str) -> None:
    rows = asyncio.run(_roundtrip(database_url))
    assert [dict(row) for row in rows] == [{"n": 42}]


def test_sqlite_uses_wal_and_busy_timeout(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'sub' / 'db.sqlite3'}"
    asyncio.run(_roundtrip(url))
    path = parse_database_url(url).sqlite_path
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
