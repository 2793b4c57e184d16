"""Submission throughput and latency of the survey server, next to its own ceiling.

For each engine (SQLite always; PostgreSQL when PILOTKIT_BENCH_POSTGRES_URL or
PILOTKIT_TEST_POSTGRES_URL names a server to create a throwaway database on), real
`pilotkit serve` processes are started on loopback (SQLite: 1 worker, PostgreSQL: 2),
a load generator in its own process (bench/server_load.py) sends one pilot-core
submission per participant from 50 concurrent clients, then the same number of
GET /ping requests (a JSON route without the database: the framework's ceiling).
Printed: submissions/s, p50, p99, the ratio to the ceiling, and lost/duplicated
submissions checked in the database (both must be 0). Finally the durability check: the
server is killed with SIGKILL mid-load, restarted, and every acknowledged submission
must be stored.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from survey_server.process import ServerProcess, start_server

REPO_ROOT = Path(__file__).resolve().parent.parent
PARTICIPANTS = int(os.environ.get("PILOTKIT_BENCH_SUBMISSIONS", "3000"))
CONCURRENCY = 50
SQLITE_WORKERS = int(os.environ.get("PILOTKIT_BENCH_SQLITE_WORKERS", "1"))


def _start_server(database_url: str, workers: int) -> ServerProcess:
    return start_server(database_url, workers=workers)


def _load(base: str, tokens_file: Path, mode: str, ack_file: Path | None = None) -> dict:
    command = [
        sys.executable, "-m", "bench.server_load", "--base", base, "--tokens", str(tokens_file),
        "--concurrency", str(CONCURRENCY), "--mode", mode,
    ]  # fmt: skip
    if ack_file:
        command += ["--ack-file", str(ack_file)]
    output = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, check=True)
    return json.loads(output.stdout)


def _seed(database_url: str, count: int, slug: str) -> list[str]:
    from pilotkit.instruments import load_instrument
    from survey_server.connection import connected
    from survey_server.services.invitations import invite
    from survey_server.services.pilots import create_pilot, set_wave_status

    async def main() -> list[str]:
        async with connected(database_url) as engine:
            await create_pilot(engine, slug=slug, instrument=load_instrument("pilot-core"))
            await set_wave_status(engine, slug, "pre", "open")
            return [i.token for i in await invite(engine, slug, count)]

    return asyncio.run(main())


def _stored_ids(database_url: str) -> list[str]:
    from piccolo.querystring import QueryString

    from survey_server.connection import connected

    async def main() -> list[str]:
        async with connected(database_url) as engine:
            rows = await engine.run_querystring(
                QueryString('SELECT "submission_id" FROM "submission"')
            )
            return [str(r["submission_id"]) for r in rows]

    return asyncio.run(main())


def _postgres_database() -> tuple[str, str] | None:
    server = os.environ.get("PILOTKIT_BENCH_POSTGRES_URL") or os.environ.get(
        "PILOTKIT_TEST_POSTGRES_URL"
    )
    if not server:
        return None
    import asyncpg

    name = f"pk_bench_{uuid.uuid4().hex[:10]}"

    async def create() -> None:
        connection = await asyncpg.connect(dsn=server)
        await connection.execute(f'CREATE DATABASE "{name}"')
        await connection.close()

    asyncio.run(create())
    return server, urlunsplit(urlsplit(server)._replace(path=f"/{name}"))


def _drop_postgres(server: str, url: str) -> None:
    import asyncpg

    name = urlsplit(url).path.lstrip("/")

    async def drop() -> None:
        connection = await asyncpg.connect(dsn=server)
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await connection.close()

    asyncio.run(drop())


def _throughput(label: str, database_url: str, workers: int, folder: Path) -> None:
    tokens = _seed(database_url, PARTICIPANTS, "bench")
    tokens_file = folder / f"{label}-tokens.txt"
    tokens_file.write_text("\n".join(tokens))
    server = _start_server(database_url, workers)
    base = server.base
    try:
        _load(base, tokens_file, "ping")  # warm-up: connections, caches
        submit = _load(base, tokens_file, "submit")
        ceiling = _load(base, tokens_file, "ping")
    finally:
        server.stop()
    stored = _stored_ids(database_url)
    acked = set(submit["acked"])
    lost = len(acked - set(stored))
    duplicated = len(stored) - len(set(stored)) + max(0, len(stored) - len(tokens))
    ratio = submit["per_s"] / ceiling["per_s"] if ceiling["per_s"] else 0.0
    print(
        f"{label:<22} workers={workers}  submissions: {submit['per_s']:7.0f}/s  "
        f"p50 {submit['p50_ms']:6.1f} ms  p99 {submit['p99_ms']:6.1f} ms  "
        f"statuses {submit['statuses']}"
    )
    print(
        f"{'':<22} ceiling /ping:    {ceiling['per_s']:7.0f}/s  p50 {ceiling['p50_ms']:6.1f} ms"
        f"  p99 {ceiling['p99_ms']:6.1f} ms   ratio submission/ceiling {ratio:.2f}"
    )
    print(f"{'':<22} acknowledged {len(acked)}, stored {len(stored)}, lost {lost}, "
          f"duplicated {duplicated}")  # fmt: skip


def _durability(label: str, database_url: str, workers: int, folder: Path) -> None:
    tokens = _seed(database_url, 1500, "durability")
    tokens_file = folder / f"{label}-durability-tokens.txt"
    tokens_file.write_text("\n".join(tokens))
    ack_file = folder / f"{label}-acked.txt"
    server = _start_server(database_url, workers)
    base = server.base
    command = [
        sys.executable, "-m", "bench.server_load", "--base", base, "--tokens", str(tokens_file),
        "--concurrency", str(CONCURRENCY), "--ack-file", str(ack_file),
    ]  # fmt: skip
    load = subprocess.Popen(command, cwd=REPO_ROOT, stdout=subprocess.PIPE, text=True)
    time.sleep(1.5)
    server.stop(signal.SIGKILL)
    load.communicate(timeout=120)
    acked = set(ack_file.read_text().split()) if ack_file.exists() else set()
    restarted = _start_server(database_url, workers)  # recovery on restart
    restarted.stop()
    stored = set(_stored_ids(database_url))
    missing = len(acked - stored)
    verdict = "ok" if missing == 0 else "FAILED"
    print(
        f"{label:<22} kill -9 mid-load: acknowledged {len(acked)}, all present after "
        f"restart: {verdict} (missing {missing}, stored {len(stored)})"
    )


def main() -> None:
    print(
        f"{PARTICIPANTS} submissions of pilot-core (24 answers) from {CONCURRENCY} concurrent "
        "clients; ceiling = GET /ping (JSON, no database) of the same app, same harness"
    )
    with tempfile.TemporaryDirectory(prefix="pilotkit-bench-") as tmp:
        folder = Path(tmp)
        sqlite_url = f"sqlite:///{folder / 'bench.sqlite3'}"
        _throughput("SQLite", sqlite_url, SQLITE_WORKERS, folder)
        _durability("SQLite", f"sqlite:///{folder / 'durable.sqlite3'}", 1, folder)
        postgres = _postgres_database()
        if postgres is None:
            print("PostgreSQL: skipped (set PILOTKIT_BENCH_POSTGRES_URL=postgresql://...)")
            return
        server, url = postgres
        try:
            _throughput("PostgreSQL", url, 2, folder)
        finally:
            _drop_postgres(server, url)
        postgres = _postgres_database()
        assert postgres is not None
        server, url = postgres
        try:
            _durability("PostgreSQL", url, 2, folder)
        finally:
            _drop_postgres(server, url)


if __name__ == "__main__":
    main()
