"""A real `pilotkit serve` process on a free loopback port, for end-to-end tests."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from pilotkit.instruments import load_instrument_file
from survey_server.connection import connected
from survey_server.services.invitations import invite
from survey_server.services.pilots import create_pilot, set_wave_status

REPO_ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def live_server(database_url: str, *, workers: int = 1) -> Iterator[str]:
    """Start the server, wait until /healthz answers, yield its base URL, stop it."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "DATABASE_URL": database_url, "PILOTKIT_BASE_URL": base}
    process = subprocess.Popen(
        [sys.executable, "-m", "pilotkit", "serve", "--port", str(port), "--workers", str(workers)],
        env=env,
        cwd=REPO_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"server exited: {process.stderr.read().decode()[-2000:]}")
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("server did not start within 30 s")
            time.sleep(0.1)
        yield base
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def seed_pilot(
    database_url: str, instrument: Path, count: int, *, slug: str = "live", lang_open: str = "pre"
) -> list[str]:
    """Create a pilot with `lang_open` open and `count` links; returns the tokens."""

    async def main() -> list[str]:
        async with connected(database_url) as engine:
            loaded = load_instrument_file(instrument)
            await create_pilot(engine, slug=slug, instrument=loaded)
            await set_wave_status(engine, slug, lang_open, "open")
            return [i.token for i in await invite(engine, slug, count)]

    return asyncio.run(main())
