"""50 participants submitting at once, each sending its submission 3 times concurrently,
against a real server process: exactly one stored submission each, never a 5xx."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter

import httpx
import pytest
from piccolo.querystring import QueryString

from survey_server.connection import connected
from tests.server.conftest import ALL_TYPES
from tests.server.live import live_server, seed_pilot

PARTICIPANTS = 50
RETRIES = 3
ANSWERS = {"work_1": 4, "hours": 30, "uses_tool": True, "tool_freq": "weekly"}


async def _storm(base: str, tokens: list[str]) -> list[tuple[str, int]]:
    limits = httpx.Limits(max_connections=PARTICIPANTS * RETRIES)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as client:

        async def post(token: str, body: dict) -> tuple[str, int]:
            response = await client.post(f"/api/v1/forms/{token}/submissions", json=body)
            return token, response.status_code

        jobs = []
        for token in tokens:
            body = {"submission_id": str(uuid.uuid4()), "answers": ANSWERS}
            jobs.extend(post(token, body) for _ in range(RETRIES))
        return await asyncio.gather(*jobs)


async def _stored(database_url: str) -> tuple[int, int, int]:
    async with connected(database_url) as engine:
        counts = []
        for sql in (
            'SELECT COUNT(*) AS n FROM "submission"',
            'SELECT COUNT(DISTINCT "participant") AS n FROM "submission"',
            'SELECT COUNT(*) AS n FROM "answer"',
        ):
            counts.append((await engine.run_querystring(QueryString(sql)))[0]["n"])
        return counts[0], counts[1], counts[2]


@pytest.mark.slow
@pytest.mark.parametrize("workers", [1, 2])
def test_concurrent_retried_submissions_store_exactly_one_each(database_url, workers):
    tokens = seed_pilot(database_url, ALL_TYPES, PARTICIPANTS)
    with live_server(database_url, workers=workers) as base:
        results = asyncio.run(_storm(base, tokens))
    by_token: dict[str, Counter] = {}
    for token, status in results:
        by_token.setdefault(token, Counter())[status] += 1
    for counts in by_token.values():
        assert counts[201] == 1, counts
        assert counts[200] == RETRIES - 1, counts
    assert asyncio.run(_stored(database_url)) == (PARTICIPANTS, PARTICIPANTS, PARTICIPANTS * 4)
