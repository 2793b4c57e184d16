"""Shared fixtures: a fresh database per test on every engine, markers, browser gating.

PostgreSQL tests run when PILOTKIT_TEST_POSTGRES_URL names a server database the tests
may create databases from (CI sets it and fails when it is unreachable); without it
they are skipped with a one-line reason. Browser tests need Debian's chromium.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

POSTGRES_ENV = "PILOTKIT_TEST_POSTGRES_URL"
CHROMIUM = "/usr/bin/chromium"
REPO_ROOT = Path(__file__).resolve().parent.parent


def postgres_server_url() -> str | None:
    return os.environ.get(POSTGRES_ENV) or None


def _with_database(url: str, database: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{database}"))


async def _admin(url: str, statement: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(dsn=url, timeout=10)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


def create_postgres_database(prefix: str = "pk_test") -> str:
    """Create a throwaway database on the test server and return its URL."""
    server = postgres_server_url()
    assert server is not None
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    asyncio.run(_admin(server, f'CREATE DATABASE "{name}"'))
    return _with_database(server, name)


def drop_postgres_database(url: str) -> None:
    server = postgres_server_url()
    assert server is not None
    name = urlsplit(url).path.lstrip("/")
    asyncio.run(_admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def pytest_configure(config: pytest.Config) -> None:
    """Report commands run by the tests start their own kernels and leave no report
    daemon behind; the daemon's own tests turn it on for the commands they run."""
    os.environ["PILOTKIT_REPORT_DAEMON"] = "off"
    _hypothesis_profile()


def _hypothesis_profile() -> None:
    """Property and fuzz tests draw the same examples on every run, so a red run can be
    repeated and a green one means the same thing twice; `PILOTKIT_HYPOTHESIS=explore`
    draws new ones each time (for looking for defects, not for CI)."""
    from hypothesis import settings

    settings.register_profile("repeatable", derandomize=True)
    settings.register_profile("explore", derandomize=False)
    settings.load_profile(os.environ.get("PILOTKIT_HYPOTHESIS", "repeatable"))


def pytest_sessionstart(session: pytest.Session) -> None:
    """With PostgreSQL asked for, an unreachable server fails the run at once."""
    url = postgres_server_url()
    if url is None:
        return
    try:
        asyncio.run(_admin(url, "SELECT 1"))
    except Exception as exc:  # any failure to connect must stop the run, not skip
        raise pytest.UsageError(f"{POSTGRES_ENV}={url} is unreachable: {exc}") from exc


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip browser tests on a laptop without chromium; in CI they run and fail instead."""
    in_ci = os.environ.get("CI", "").lower() in ("1", "true", "yes")
    if in_ci or Path(CHROMIUM).exists():
        return
    skip = pytest.mark.skip(reason=f"browser tests need Debian's chromium at {CHROMIUM}")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


ENGINES = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
]


@pytest.fixture(params=ENGINES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database URL: a SQLite temp file, or a throwaway PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'pilotkit.sqlite3'}"
        return
    if postgres_server_url() is None:
        pytest.skip(f"PostgreSQL tests need {POSTGRES_ENV}=postgresql://USER@HOST:PORT/DB")
    url = create_postgres_database()
    try:
        yield url
    finally:
        drop_postgres_database(url)
