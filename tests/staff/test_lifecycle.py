"""Secrets and their lifecycle, on every engine: API tokens die with a password change or a
deactivation, sign-in throttling holds under concurrent guessing, and /healthz reports a
database that refuses writes."""

from __future__ import annotations

import asyncio
import re

import httpx
import pytest
from piccolo.querystring import QueryString

from survey_server.connection import connected
from survey_server.services.accounts import MAX_FAILURES_PER_ACCOUNT, create_user
from survey_server.services.audit import COMMAND_LINE
from tests.server.live import live_server
from tests.staff.conftest import PASSWORD, StaffSite, csrf_of
from tests.staff.test_exports import _token_for

NEW_PASSWORD = "a brand new long password"


def _user_id(site: StaffSite, email: str) -> int:
    rows = site.run(
        lambda e: e.run_querystring(
            QueryString('SELECT "id" FROM "staff_user" WHERE "email" = {}', email)
        )
    )
    return int(rows[0]["id"])


def test_password_change_revokes_api_tokens(staff_site: StaffSite) -> None:
    staff_site.user("ana@example.org", "analyst")
    token = _token_for(staff_site, "ana@example.org")
    auth = {"Authorization": f"Bearer {token}"}
    assert staff_site.client.get("/staff/api/v1/pilots", headers=auth).status_code == 200
    browser = staff_site.browser("ana@example.org")
    csrf = csrf_of(browser.get("/staff/password").text)
    changed = browser.post(
        "/staff/password",
        data={"csrf_token": csrf, "current": PASSWORD, "new": NEW_PASSWORD, "repeat": NEW_PASSWORD},
    )
    assert changed.status_code == 200
    assert staff_site.client.get("/staff/api/v1/pilots", headers=auth).status_code == 401
    assert "revoked" in browser.get("/staff/tokens").text


def test_deactivation_revokes_api_tokens_for_good(staff_site: StaffSite) -> None:
    staff_site.user("root@example.org", "admin")
    staff_site.user("ana@example.org", "analyst")
    token = _token_for(staff_site, "ana@example.org")
    auth = {"Authorization": f"Bearer {token}"}
    admin = staff_site.browser("root@example.org")
    csrf = csrf_of(admin.get("/staff/users").text)
    ana_id = _user_id(staff_site, "ana@example.org")
    for active in ("0", "1"):
        done = admin.post(
            f"/staff/users/{ana_id}/active", data={"csrf_token": csrf, "active": active}
        )
        assert done.status_code == 200, done.text
    # Active again, and signing in works, but the old token stays dead.
    assert staff_site.browser("ana@example.org").get("/staff/pilots").status_code == 200
    assert staff_site.client.get("/staff/api/v1/pilots", headers=auth).status_code == 401


def _seed_account(database_url: str) -> None:
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


async def _guess_concurrently(base: str, attempts: int) -> list[int]:
    async with httpx.AsyncClient(base_url=base, timeout=120.0) as client:
        form = await client.get("/staff/sign-in")
        token = re.search(r'name="signin_token" value="([^"]+)"', form.text)
        assert token

        async def guess(number: int) -> int:
            response = await client.post(
                "/staff/sign-in",
                data={
                    "email": "ana@example.org",
                    "password": f"wrong password {number}",
                    "signin_token": token.group(1),
                },
            )
            return response.status_code

        return list(await asyncio.gather(*(guess(n) for n in range(attempts))))


@pytest.mark.slow
def test_concurrent_wrong_passwords_are_throttled(database_url: str) -> None:
    """40 wrong passwords at once against a real server: only the allowed few are checked."""
    _seed_account(database_url)
    with live_server(database_url) as base:
        statuses = asyncio.run(_guess_concurrently(base, 40))
        assert statuses.count(401) == MAX_FAILURES_PER_ACCOUNT, statuses
        assert statuses.count(429) == 40 - MAX_FAILURES_PER_ACCOUNT, statuses
        with httpx.Client(base_url=base, timeout=60.0) as client:
            form = client.get("/staff/sign-in")
            token = re.search(r'name="signin_token" value="([^"]+)"', form.text)
            assert token
            right = client.post(
                "/staff/sign-in",
                data={
                    "email": "ana@example.org",
                    "password": PASSWORD,
                    "signin_token": token.group(1),
                },
            )
            assert right.status_code == 429  # the right password waits too


def test_healthz_reports_a_database_that_refuses_writes(staff_site: StaffSite) -> None:
    healthy = staff_site.client.get("/healthz")
    assert healthy.status_code == 200
    assert healthy.json()["status"] == "ok"
    engine = staff_site.client.app.state.engine
    sqlite = staff_site.database_url.startswith("sqlite")
    refuse = (
        [
            'CREATE TRIGGER "refuse_writes" BEFORE INSERT ON "health_check" '
            "BEGIN SELECT RAISE(ABORT, 'disk full'); END"
        ]
        if sqlite
        else [
            'CREATE FUNCTION "refuse_writes"() RETURNS trigger LANGUAGE plpgsql AS '
            "$$ BEGIN RAISE EXCEPTION 'disk full'; END $$",
            'CREATE TRIGGER "refuse_writes" BEFORE INSERT ON "health_check" '
            'FOR EACH ROW EXECUTE FUNCTION "refuse_writes"()',
        ]
    )

    async def apply(e: object) -> None:
        for statement in refuse:
            await e.run_querystring(QueryString(statement))  # type: ignore[attr-defined]

    staff_site.run(apply)
    failing = staff_site.client.get("/healthz")
    assert failing.status_code == 503
    body = failing.json()
    assert body["status"] == "failing"
    assert "write" in body["detail"]
    assert engine is staff_site.client.app.state.engine
