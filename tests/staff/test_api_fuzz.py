"""Schemathesis over the staff export API, with a real API token: no 5xx, ever."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from survey_server.connection import connected
from survey_server.services.accounts import add_member, create_user
from survey_server.services.api_tokens import create_token
from survey_server.services.audit import COMMAND_LINE
from tests.hostile import make_hostile, send_hostile
from tests.server.live import live_server, seed_pilot
from tests.staff.conftest import PASSWORD, PILOT_CORE


def _analyst_token(database_url: str) -> str:
    async def main() -> str:
        async with connected(database_url) as engine:
            analyst = await create_user(
                engine,
                email="ana@example.org",
                role="analyst",
                password=PASSWORD,
                actor=COMMAND_LINE,
            )
            await add_member(engine, "live", analyst.email, COMMAND_LINE)
            return await create_token(engine, analyst, "fuzz")

    return asyncio.run(main())


@pytest.mark.slow
def test_staff_api_never_answers_5xx(database_url: str) -> None:
    with _live_staff_api(database_url) as (base, token, operations):
        for operation in operations:
            _fuzz(operation, base, token)


@pytest.mark.slow
def test_staff_api_hostile_payloads_never_answer_5xx(database_url: str) -> None:
    """The payload kinds that once gave 5xx (NUL characters, Unicode and 5,000-digit numbers,
    JSON 10,000 levels deep, texts far over every cap) over the staff API: never 5xx."""
    with _live_staff_api(database_url) as (base, token, operations):
        for operation in operations:
            _fuzz_hostile(operation, base, token)


@contextmanager
def _live_staff_api(database_url: str) -> Iterator[tuple[str, str, list[Any]]]:
    import schemathesis

    links = seed_pilot(database_url, PILOT_CORE, 3)
    token = _analyst_token(database_url)
    with live_server(database_url) as base:
        form = httpx.get(f"{base}/api/v1/forms/{links[0]}").json()
        answers = {i["id"]: 2 for i in form["items"] if i["type"] == "likert"}
        httpx.post(
            f"{base}/api/v1/forms/{links[0]}/submissions",
            json={"submission_id": str(uuid.uuid4()), "answers": answers},
        ).raise_for_status()
        schema = schemathesis.openapi.from_url(f"{base}/schema/openapi.json")
        operations = [
            op
            for op in (result.ok() for result in schema.get_all_operations())
            if op.path.startswith("/staff/api/")
        ]
        assert len(operations) >= 6
        yield base, token, operations


def _fuzz(operation, base: str, token: str) -> None:  # type: ignore[no-untyped-def]
    @settings(
        max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(
        case=operation.as_strategy(),
        slug=st.sampled_from([None, "live", "missing"]),
        auth=st.sampled_from([f"Bearer {token}", "Bearer pk_wrong", "", "Basic x"]),
    )
    def check(case, slug, auth):  # type: ignore[no-untyped-def]
        if slug is not None and "slug" in (case.path_parameters or {}):
            case.path_parameters["slug"] = slug
        headers = {"Authorization": auth} if auth else {}
        response = case.call(base_url=base, headers=headers)
        assert response.status_code < 500, (
            f"{operation.method} {operation.path} -> {response.status_code}: {response.text[:300]}"
        )
        if auth == f"Bearer {token}" and slug == "live":
            assert response.status_code == 200

    check()


def _fuzz_hostile(operation, base: str, token: str) -> None:  # type: ignore[no-untyped-def]
    @settings(
        max_examples=30, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(case=operation.as_strategy(), data=st.data())
    def check(case, data):  # type: ignore[no-untyped-def]
        if "slug" in (case.path_parameters or {}):
            case.path_parameters["slug"] = "live"
        headers = {"Authorization": f"Bearer {token}"}
        place = make_hostile(case, data, keep_path=frozenset({"slug"}))
        response = send_hostile(case, place, base, headers, data)
        assert response.status_code < 500, (
            f"{operation.method} {operation.path} ({place}) -> "
            f"{response.status_code}: {response.text[:300]}"
        )

    check()
