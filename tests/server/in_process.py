"""The app served by uvicorn in a thread of the test process, on a free loopback port.

Unlike `live_server` (a separate `pilotkit serve` process), the test holds the app's
settings, so it can move the clock the background worker goes by (wave schedules).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime

import uvicorn

from survey_server.app import create_app
from survey_server.process import free_port
from survey_server.settings import Settings


class MovableClock:
    """A clock that stands still until the test moves it."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def move_to(self, moment: datetime) -> None:
        self.now = moment


@contextmanager
def served(settings_for: Callable[[str], Settings], *, timeout_s: float = 30.0) -> Iterator[str]:
    """Serve `create_app(settings_for(base_url))` until the block ends; yields the base URL."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    config = uvicorn.Config(
        create_app(settings_for(base)),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        lifespan="on",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="pilotkit-test-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout_s
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            raise RuntimeError("the in-process server did not start")
        time.sleep(0.05)
    try:
        yield base
    finally:
        server.should_exit = True
        thread.join(timeout=20)
