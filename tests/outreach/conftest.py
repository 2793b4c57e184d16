"""Outreach fixtures: a database with a pilot, staff, contacts, a real SMTP server, a
movable clock, and a worker that sends through it."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest

from pilotkit.instruments import load_instrument_file
from survey_server.connection import connected
from survey_server.outreach_settings import OutreachSettings
from survey_server.outreach_worker import OutreachWorker
from survey_server.services import contacts, outreach
from survey_server.services.accounts import StaffAccount, create_user
from survey_server.services.audit import COMMAND_LINE
from survey_server.services.outreach_keys import server_key
from survey_server.services.pilots import create_pilot, set_wave_status
from survey_server.settings import Settings
from tests.outreach.smtp import SmtpTestServer

REPO_ROOT = Path(__file__).resolve().parents[2]
#: Real time at start: answers are stamped by the real clock, schedules by the movable one.
START = int(time.time())
DAY = 86_400
SECRET = "a test key for contact links"


class Clock:
    """Movable time (Unix seconds) for schedules: tests move it instead of sleeping."""

    def __init__(self, start: float = START) -> None:
        self.now = float(start)

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class Harness:
    engine: Any
    settings: Settings
    clock: Clock
    manager: StaffAccount
    key: bytes

    def worker(self, **overrides: Any) -> OutreachWorker:
        settings = replace(self.settings, outreach=replace(self.settings.outreach, **overrides))
        return OutreachWorker(self.engine, settings, clock=self.clock)

    async def pilot(
        self, slug: str, *, instrument: str = "pilot-core", anonymous: bool = False
    ) -> int:
        loaded = load_instrument_file(REPO_ROOT / "instruments" / f"{instrument}.yaml")
        summary = await create_pilot(self.engine, slug=slug, instrument=loaded, anonymous=anonymous)
        await set_wave_status(self.engine, slug, loaded.wave_ids[0], "open")
        return summary.id

    async def contacts(self, pilot_id: int, csv_text: str) -> contacts.ImportReport:
        return await contacts.import_contacts(
            self.engine, self.manager.actor, pilot_id, self.key, csv_text.encode()
        )

    async def contacts_raw(self, pilot_id: int, data: bytes) -> contacts.ImportReport:
        return await contacts.import_contacts(
            self.engine, self.manager.actor, pilot_id, self.key, data
        )

    async def send(self, pilot_id: int, wave: str, kind: str, **kwargs: Any) -> int:
        now = int(self.clock())
        batch = await outreach.plan_batch(
            self.engine, pilot_id, wave, kind, send_at=kwargs.get("send_at", now), now=now
        )
        return await outreach.send_batch(
            self.engine,
            self.manager.actor,
            pilot_id,
            wave_name=wave,
            kind=kind,
            send_at=kwargs.get("send_at"),
            previewed_digest=batch.digest,
            sender=self.settings.outreach.mail_from,
            link_key=self.key,
            now=now,
        )


def outreach_settings(
    database_url: str, tmp_path: Path, smtp_url: str = "", **extra: Any
) -> Settings:
    return Settings(
        database_url=database_url,
        base_url="http://survey.test",
        reports_dir=tmp_path / "reports",
        outreach=OutreachSettings(
            smtp_url=smtp_url,
            mail_from="City pilots <pilots@city.example.org>",
            outbox_dir=tmp_path / "outbox",
            rate_per_s=0,
            secret_key=SECRET,
            **extra,
        ),
    )


@asynccontextmanager
async def harness(settings: Settings, clock: Clock | None = None) -> AsyncIterator[Harness]:
    async with connected(settings.database_url) as engine:
        manager = await create_user(
            engine,
            email="manager@example.org",
            role="manager",
            password="correct horse battery staple",
            actor=COMMAND_LINE,
        )
        yield Harness(
            engine=engine,
            settings=settings,
            clock=clock or Clock(),
            manager=manager,
            key=server_key(settings.outreach, settings.database_url),
        )


@pytest.fixture
def smtp() -> Iterator[SmtpTestServer]:
    with SmtpTestServer() as server:
        yield server
