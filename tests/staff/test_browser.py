"""The staff workspace in Debian's chromium against a real server process: sign in, create
a pilot, issue links, record a focus-group note with the keyboard, watch the dashboard
move after a participant submits; axe finds no serious or critical issue on these pages.

Set PILOTKIT_SCREENSHOTS=DIR to keep screenshots of each page at 360 and 1280 px.
"""

from __future__ import annotations

import asyncio
import os
import re
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from survey_server.connection import connected
from survey_server.services.accounts import create_user
from survey_server.services.audit import COMMAND_LINE
from tests.server.live import live_server
from tests.server.test_browser import CHROMIUM_ARGS, _serious
from tests.staff.conftest import PASSWORD


def _seed_admin(database_url: str) -> None:
    async def main() -> None:
        async with connected(database_url) as engine:
            await create_user(
                engine,
                email="root@example.org",
                role="admin",
                password=PASSWORD,
                actor=COMMAND_LINE,
            )

    asyncio.run(main())


def _checker(page: Any, width: int) -> Callable[..., None]:
    """Run axe on the page; with PILOTKIT_SCREENSHOTS=DIR keep it at 360 and 1280 px."""
    folder = os.environ.get("PILOTKIT_SCREENSHOTS")
    shots = Path(folder) if folder else None

    def check(name: str, *, axe: bool = True) -> None:
        if axe:
            assert _serious(page) == [], name
        if shots:
            shots.mkdir(parents=True, exist_ok=True)
            for shot_width in (360, 1280):
                page.set_viewport_size({"width": shot_width, "height": 900})
                page.screenshot(path=str(shots / f"{name}-{shot_width}.png"), full_page=True)
            page.set_viewport_size({"width": width, "height": 900})

    return check


def _submit(base: str, link: str) -> None:
    token = link.rsplit("/f/", 1)[1]
    form = httpx.get(f"{base}/api/v1/forms/{token}").json()
    answers = {i["id"]: 3 for i in form["items"] if i["type"] == "likert"}
    response = httpx.post(
        f"{base}/api/v1/forms/{token}/submissions",
        json={"submission_id": str(uuid.uuid4()), "answers": answers},
    )
    assert response.status_code == 201, response.text


@pytest.mark.browser
@pytest.mark.slow
def test_staff_walkthrough_with_axe(tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    database_url = f"sqlite:///{tmp_path / 'staff.sqlite3'}"
    _seed_admin(database_url)
    with live_server(database_url) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        check = _checker(page, 1280)

        page.goto(f"{base}/staff/pilots")
        expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
        check("sign-in")
        page.get_by_label("E-mail address").fill("root@example.org")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", name="No pilots yet")).to_be_visible()
        check("pilots-empty")

        page.get_by_role("link", name="Create your first pilot").click()
        check("pilot-new")
        page.locator("#instrument-pilot-core").check()
        page.get_by_label("Name", exact=True).fill("Digital permits")
        page.get_by_label("Short name", exact=False).fill("permits")
        page.get_by_label("Technology or programme piloted").fill("online permit desk")
        page.get_by_role("button", name="Create pilot").click()
        expect(page.get_by_role("heading", name="Digital permits")).to_be_visible()
        page.get_by_role("button", name="Open pre").click()
        page.get_by_label("Number of new links").fill("2")
        page.get_by_role("button", name="Issue links").click()
        expect(page.get_by_text("2 links issued")).to_be_visible()
        check("links")
        links = re.findall(r"https?://\S+/f/[A-Za-z0-9_-]+", page.locator("table").inner_text())
        assert len(links) == 2
        page.get_by_role("link", name="Print invitation sheet").click()
        expect(page.locator(".invite-card svg")).to_have_count(2)
        check("sheet")

        page.goto(f"{base}/staff/pilots/permits")
        figures = page.locator("td[data-wave-submitted=pre]")
        expect(figures).to_have_text("0")
        check("dashboard-before")
        _submit(base, links[0])
        page.reload()
        expect(figures).to_have_text("1")
        expect(page.get_by_text("Not answered pre yet: 1")).to_be_visible()

        page.get_by_role("link", name="Record a session").click()
        page.get_by_label("Date").fill("2026-05-04")
        page.get_by_label("Number of attendees").fill("7")
        page.get_by_role("button", name="Start taking notes").click()
        expect(page.get_by_role("heading", name="Discussion guide")).to_be_visible()
        note = page.get_by_label("Note", exact=True)
        expect(note).to_be_focused()
        expect(page.locator("#sentiment input:checked, #severity input:checked")).to_have_count(0)
        note.fill("Queue times are longer")
        note.press("Control+Enter")  # no dimension ticked: an error, and the text is kept
        expect(page.locator("#dimensions-error")).to_be_visible()
        expect(note).to_be_focused()
        page.keyboard.type(" on Mondays")  # the caret is after the text, not before it
        expect(note).to_have_value("Queue times are longer on Mondays")
        page.get_by_label("Processes and procedures").check()
        note.press("Control+Enter")
        expect(page.locator(".badge.uncoded")).to_be_visible()  # no severity chosen
        note.fill("The permit form is much quicker than paper")
        page.get_by_label("Productivity").check()
        page.get_by_label("positive").check()
        page.get_by_label("minor").check()
        note.press("Control+Enter")
        expect(page.get_by_text("Note saved")).to_be_visible()
        expect(page.locator(".note-card")).to_have_count(2)
        expect(page.locator(".badge.uncoded")).to_have_count(1)
        check("session")
        page.goto(f"{base}/staff/audit")
        expect(page.get_by_text("note.create").first).to_be_visible()
        check("audit")
        browser.close()


def _seed_report_pilot(database_url: str) -> None:
    from dataclasses import replace

    from pilotkit.demo.builder import build_linked_pilot
    from pilotkit.demo.scenarios import CRM_SCENARIO
    from pilotkit.instruments import load_instrument

    async def main() -> None:
        async with connected(database_url) as engine:
            await build_linked_pilot(
                engine,
                slug="crm",
                name="311 CRM pilot",
                instrument=load_instrument("pilot-core"),
                scenario=replace(CRM_SCENARIO, participants=24),
            )

    _seed_admin(database_url)
    asyncio.run(main())


@pytest.mark.browser
@pytest.mark.slow
def test_report_started_in_the_browser_shows_progress_then_opens(tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    database_url = f"sqlite:///{tmp_path / 'reports.sqlite3'}"
    _seed_report_pilot(database_url)
    env = {"PILOTKIT_REPORTS_DIR": str(tmp_path / "reports"), "PILOTKIT_REPORT_KERNELS": "1"}
    with (
        live_server(database_url, extra_env=env) as base,
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        page = browser.new_context(viewport={"width": 360, "height": 900}).new_page()
        check = _checker(page, 360)

        page.goto(f"{base}/staff/pilots/crm")
        page.get_by_label("E-mail address").fill("root@example.org")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_text("No finished report yet.")).to_be_visible()
        page.get_by_role("link", name="All reports").click()
        expect(page.get_by_role("heading", name="Readiness reports")).to_be_visible()
        check("reports-empty")
        page.go_back()
        page.get_by_role("button", name="Start a report now").click()
        # queued, then running with a progress bar, then reloaded with its links
        expect(page.locator(".run progress")).to_be_visible()
        check("reports-running")
        opened = page.get_by_role("link", name="Open the report")
        expect(opened).to_be_visible(timeout=240_000)
        check("reports-done")
        opened.click()
        expect(page.get_by_text("311 CRM pilot").first).to_be_visible()
        check("report", axe=False)  # nbconvert's page: checked for code and privacy elsewhere
        browser.close()
