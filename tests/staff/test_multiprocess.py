"""Sessions and sign-in throttling are shared by server processes (two uvicorn workers)."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import httpx
import pytest

from survey_server.connection import connected
from survey_server.services.accounts import MAX_FAILURES_PER_ACCOUNT, create_user
from survey_server.services.audit import COMMAND_LINE
from tests.server.live import live_server
from tests.staff.conftest import PASSWORD

#: A worker's first request compiles templates and warms its pool: on a busy machine
#: that takes longer than httpx's 5 s default, and this test is about sharing, not speed.
TIMEOUT = 60.0


def _sign_in(client: httpx.Client, password: str) -> httpx.Response:
    form = client.get("/staff/sign-in")
    token = re.search(r'name="signin_token" value="([^"]+)"', form.text).group(1)  # type: ignore[union-attr]
    return client.post(
        "/staff/sign-in",
        data={"email": "ana@example.org", "password": password, "signin_token": token},
    )


@pytest.mark.slow
def test_two_workers_share_sessions_and_failure_counts(tmp_path: Path) -> None:
    database_url = f"sqlite:///{tmp_path / 'workers.sqlite3'}"

    async def seed() -> None:
        async with connected(database_url) as engine:
            await create_user(
                engine,
                email="ana@example.org",
                role="analyst",
                password=PASSWORD,
                actor=COMMAND_LINE,
            )

    asyncio.run(seed())
    with live_server(database_url, workers=2) as base:
        # A new connection per request spreads the requests over both workers.
        with httpx.Client(base_url=base, timeout=TIMEOUT) as signed_in:
            assert _sign_in(signed_in, PASSWORD).status_code == 303
            cookies = signed_in.cookies
        for _ in range(12):
            with httpx.Client(base_url=base, cookies=cookies, timeout=TIMEOUT) as fresh:
                assert fresh.get("/staff/pilots").status_code == 200
        for _ in range(MAX_FAILURES_PER_ACCOUNT):
            with httpx.Client(base_url=base, timeout=TIMEOUT) as attacker:
                assert _sign_in(attacker, "wrong password!!").status_code == 401
        for _ in range(4):
            with httpx.Client(base_url=base, timeout=TIMEOUT) as attacker:
                assert _sign_in(attacker, PASSWORD).status_code == 429
