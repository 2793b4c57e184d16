"""From a blocker note to a recorded rollout decision, in Debian's chromium against the
app served in the test process (its report worker runs the reports):

a facilitator's blocker note opens a concern; a manager plans and records a mitigation; a
facilitator verifies it in a follow-up session; the next report run is no longer held back
by it and says how it was resolved; an executive records "go with conditions" and
downloads the memo; the portfolio shows the decision. axe finds no serious or critical
issue on the new pages. Set PILOTKIT_SCREENSHOTS=DIR to keep them at 360 and 1280 px.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from pilotkit.demo.builder import build_linked_pilot
from pilotkit.demo.scenarios import CRM_SCENARIO
from pilotkit.instruments import load_instrument_file
from survey_server.connection import connected
from survey_server.outreach_settings import OutreachSettings
from survey_server.services.accounts import add_member, create_user
from survey_server.services.audit import COMMAND_LINE
from survey_server.settings import Settings
from tests.server.in_process import served
from tests.server.test_browser import CHROMIUM_ARGS
from tests.staff.conftest import PASSWORD, PILOT_CORE
from tests.staff.test_browser import _checker

ROLES = ("manager", "facilitator", "executive")


def _seed(database_url: str) -> None:
    """Pilot `crm`: 24 people answered both waves, every area clearly better."""
    instrument = load_instrument_file(PILOT_CORE)
    scenario = replace(
        CRM_SCENARIO,
        participants=24,
        effects={d.id: 0.8 for d in instrument.dimensions},
        attrition=0.0,
    )

    async def main() -> None:
        async with connected(database_url) as engine:
            await build_linked_pilot(
                engine, slug="crm", name="311 CRM pilot", instrument=instrument, scenario=scenario
            )
            for role in ROLES:
                email = f"{role}@example.org"
                await create_user(
                    engine, email=email, role=role, password=PASSWORD, actor=COMMAND_LINE
                )
                await add_member(engine, "crm", email, COMMAND_LINE)

    asyncio.run(main())


def _sign_in(page: Any, base: str, role: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/staff/sign-in")
    page.get_by_label("E-mail address").fill(f"{role}@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def _session_note(page: Any, base: str, day: str, text: str, severity: str) -> None:
    """A focus group of 8 with one note, recorded from the pilot page."""
    from playwright.sync_api import expect

    page.goto(f"{base}/staff/pilots/crm")
    page.get_by_role("link", name="Record a session").click()
    page.get_by_label("Date").fill(day)
    page.get_by_label("Number of attendees").fill("8")
    page.get_by_role("button", name="Start taking notes").click()
    note = page.get_by_label("Note", exact=True)
    note.fill(text)
    page.get_by_label("Processes and procedures").check()
    page.get_by_label("negative" if severity != "none" else "positive").check()
    page.get_by_label(severity, exact=True).check()
    note.press("Control+Enter")
    expect(page.get_by_text("Note saved")).to_be_visible()


@pytest.mark.browser
@pytest.mark.slow
def test_from_a_blocker_note_to_a_rollout_decision(tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    database_url = f"sqlite:///{tmp_path / 'decision.sqlite3'}"
    _seed(database_url)

    def settings_for(base: str) -> Settings:
        return Settings(
            database_url=database_url,
            base_url=base,
            reports_dir=tmp_path / "reports",
            report_worker=True,
            report_kernels=0,
            outreach=OutreachSettings(outbox_dir=tmp_path / "outbox", secret_key="walk"),
        )

    with served(settings_for) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        context = browser.new_context(
            viewport={"width": 1280, "height": 900}, accept_downloads=True
        )
        page = context.new_page()
        check = _checker(page, 1280)

        # 1. A facilitator's blocker note opens a concern by itself.
        _sign_in(page, base, "facilitator")
        _session_note(page, base, "2026-11-02", "Transfers freeze the case screen.", "blocker")
        page.goto(f"{base}/staff/pilots/crm/concerns")
        concern = page.get_by_role("link", name="Transfers freeze the case screen.")
        expect(concern).to_be_visible()
        concern_url = concern.get_attribute("href")

        # 2. A manager plans the action and records what was done.
        _sign_in(page, base, "manager")
        page.goto(base + concern_url)
        page.get_by_label("Due date").fill("2026-12-01")
        page.get_by_label("What will be done").fill("Ship release 2.1 with the transfer fix.")
        page.get_by_role("button", name="Save the plan").click()
        page.get_by_label("What was done").fill("Release 2.1 is live on every desk.")
        page.get_by_label("Evidence: a text or a link").fill("https://releases.example.org/2.1")
        page.get_by_role("button", name="Record the mitigation").click()
        expect(page.get_by_role("heading", name="Verify the mitigation")).to_be_visible()

        # 3. A facilitator checks it in a follow-up group and verifies it.
        _sign_in(page, base, "facilitator")
        _session_note(page, base, "2026-11-20", "Transfers work now, the group agreed.", "none")
        page.goto(base + concern_url)
        page.get_by_label("How you verified it").fill("Asked the follow-up group: no freezes.")
        page.get_by_label("A follow-up session's note (optional)").select_option(index=1)
        page.get_by_role("button", name="Mark as verified").click()
        expect(page.locator("h1")).to_contain_text("Verified")

        # 4. The next report run is no longer held back and says how it was resolved.
        _sign_in(page, base, "manager")
        page.goto(f"{base}/staff/pilots/crm")
        page.get_by_role("button", name="Start a report now").click()
        opened = page.get_by_role("link", name="Open the report")
        expect(opened).to_be_visible(timeout=300_000)
        run_id = page.locator(".run[data-status=succeeded]").first.get_attribute("data-run")
        summary = json.loads(
            page.request.get(f"{base}/staff/pilots/crm/reports/{run_id}/summary.json").text()
        )
        assert summary["readiness"]["verdict"] == "ready"
        (entry,) = summary["concerns"]
        assert (entry["status"], entry["effect"]) == ("verified", "resolved")
        opened.click()
        expect(page.get_by_text("Resolved, and how")).to_be_visible()
        expect(page.get_by_text("Release 2.1 is live on every desk.").first).to_be_visible()

        # 5. An executive decides "go with conditions" on that report.
        _sign_in(page, base, "executive")
        page.goto(f"{base}/staff/pilots/crm")
        page.get_by_role("link", name="Decide on the latest report").click()
        expect(page.locator(".badge.verdict-ready")).to_be_visible()
        check("decision-new")
        page.get_by_label("Go with conditions").check()
        page.get_by_role("button", name="Record the decision").click()
        expect(page.locator("#conditions-error")).to_be_visible()  # conditions are required
        page.get_by_label("Conditions, in plain words").fill(
            "Night-shift on-call contact in place before rollout."
        )
        page.get_by_role("button", name="Record the decision").click()
        expect(
            page.get_by_role("heading", name="Rollout decision: Go with conditions")
        ).to_be_visible()
        expect(page.get_by_text("Transfers freeze the case screen.")).to_be_visible()
        check("decision")
        with page.expect_download() as download:
            page.get_by_role("link", name="Download the memo (PDF, English)").click()
        pdf = Path(download.value.path()).read_bytes()
        assert pdf.startswith(b"%PDF")
        page.get_by_role("link", name="Open the memo (English)").click()
        expect(page.get_by_role("heading", name="Rollout decision memo")).to_be_visible()
        expect(
            page.get_by_text("Night-shift on-call contact in place before rollout.")
        ).to_be_visible()
        check("memo", axe=False)  # its own page with scripts forbidden (CSP): axe cannot run
        page.go_back()
        page.goto(f"{base}/staff/pilots/crm/decisions")
        check("decisions")

        # 6. The portfolio, from the staff navigation, shows the decision.
        page.get_by_role("navigation", name="Staff").get_by_role("link", name="Portfolio").click()
        row = page.locator("table.portfolio tbody tr", has_text="311 CRM pilot")
        expect(row).to_contain_text("Go with conditions")
        expect(row.locator(".badge.verdict-ready")).to_be_visible()
        expect(row).to_contain_text("None open")
        check("portfolio")
        page.get_by_role("link", name="Decision (sort by this column)").first.focus()
        page.keyboard.press("Enter")
        expect(page.locator('th[aria-sort="ascending"]')).to_contain_text("Decision")
        browser.close()
