"""A real `pilotkit serve` process on a free loopback port, for end-to-end tests."""

from __future__ import annotations

import asyncio
from pathlib import Path

from pilotkit.instruments import load_instrument_file
from survey_server.connection import connected
from survey_server.process import free_port, live_server
from survey_server.services.invitations import invite
from survey_server.services.pilots import create_pilot, set_wave_status

__all__ = ["REPO_ROOT", "free_port", "live_server", "seed_pilot"]

REPO_ROOT = Path(__file__).resolve().parents[2]


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
