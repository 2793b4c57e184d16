"""A real `pilotkit serve` process on a free loopback port (tests, benchmarks, demos)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

REPO_ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class ServerProcess:
    """A started server: its base URL and its process (a session leader: its workers die
    with it)."""

    base: str
    process: subprocess.Popen

    def stop(self, sig: int = signal.SIGTERM) -> None:
        """Stop the server and its workers; SIGKILL simulates a crash."""
        try:
            os.killpg(self.process.pid, sig)
        except ProcessLookupError:
            return
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def start_server(
    database_url: str,
    *,
    workers: int = 1,
    extra_env: Mapping[str, str] | None = None,
    timeout_s: float = 30.0,
) -> ServerProcess:
    """Start `pilotkit serve` and wait until /healthz answers."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "PILOTKIT_BASE_URL": base,
        **(extra_env or {}),
    }
    # stderr goes to a file: a pipe nobody reads would block a chatty server
    log = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the process
    process = subprocess.Popen(
        [sys.executable, "-m", "pilotkit", "serve", "--port", str(port), "--workers", str(workers)],
        env=env,
        cwd=REPO_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=log,
        start_new_session=True,
    )
    server = ServerProcess(base=base, process=process)
    deadline = time.monotonic() + timeout_s
    while True:
        if process.poll() is not None:
            log.seek(0)
            detail = log.read().decode(errors="replace")[-2000:]
            raise RuntimeError(f"server exited: {detail}")
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            server.stop(signal.SIGKILL)
            raise RuntimeError(f"server did not start within {timeout_s:.0f} s")
        time.sleep(0.1)


@contextmanager
def live_server(
    database_url: str, *, workers: int = 1, extra_env: Mapping[str, str] | None = None
) -> Iterator[str]:
    """Start the server, yield its base URL, stop it."""
    server = start_server(database_url, workers=workers, extra_env=extra_env)
    try:
        yield server.base
    finally:
        server.stop()
