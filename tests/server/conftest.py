"""Server fixtures: an app on a fresh database (SQLite file or PostgreSQL) and seed helpers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient

from pilotkit.instruments import load_instrument_file
from survey_server.app import create_app
from survey_server.services.invitations import invite
from survey_server.services.pilots import create_pilot, set_wave_status
from survey_server.settings import Settings
from tests.helpers import run_service

DATA = Path(__file__).parent / "data"
ALL_TYPES = DATA / "all-types.yaml"


@dataclass
class Site:
    """A running app (in-process test client) and helpers acting on its database."""

    database_url: str
    client: TestClient

    def run(self, action: Callable[[Any], Awaitable[Any]]) -> Any:
        """Run a service function on its own connection, then give the tables back."""
        return run_service(self.database_url, action, self.client.app.state.engine)

    def pilot(
        self,
        slug: str = "demo",
        instrument: Path = ALL_TYPES,
        *,
        anonymous: bool = False,
        open_waves: tuple[str, ...] = ("pre",),
    ) -> None:
        loaded = load_instrument_file(instrument)
        self.run(
            lambda e: create_pilot(e, slug=slug, instrument=loaded, anonymous=anonymous or None)
        )
        for wave in open_waves:
            self.wave(slug, wave, "open")

    def wave(self, slug: str, wave: str, status: str) -> None:
        self.run(lambda e: set_wave_status(e, slug, wave, status))

    def tokens(self, slug: str = "demo", count: int = 1, wave: str | None = None) -> list[str]:
        invitations = self.run(lambda e: invite(e, slug, count, wave=wave))
        return [i.token for i in invitations]


@pytest.fixture
def site(database_url: str) -> Iterator[Site]:
    app = create_app(Settings(database_url=database_url, base_url="http://testserver"))
    with TestClient(app=app) as client:
        yield Site(database_url, client)
