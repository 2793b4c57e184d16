"""The margin form in Debian's chromium against a real server: the pilot page shows the
default, a refused value is named and focused, a change after the follow-up wave has
answers is saved and flagged; axe finds no serious or critical issue, at 360 and 1280 px.

Set PILOTKIT_SCREENSHOTS=DIR to keep screenshots of each page at 360 and 1280 px.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.server.live import live_server
from tests.server.test_browser import CHROMIUM_ARGS
from tests.staff.conftest import PASSWORD
from tests.staff.test_browser import _checker, _seed_report_pilot


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("width", [360, 1280])
def test_margin_form_in_the_browser(tmp_path: Path, width: int) -> None:
    from playwright.sync_api import expect, sync_playwright

    database_url = f"sqlite:///{tmp_path / 'staff.sqlite3'}"
    _seed_report_pilot(database_url)  # a CRM-like pilot answered in both waves
    with live_server(database_url) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
        check = _checker(page, width)
        page.goto(f"{base}/staff/sign-in")
        page.get_by_label("E-mail address").fill("root@example.org")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()

        page.goto(f"{base}/staff/pilots/crm#margin")
        expect(page.locator("#margin-now")).to_contain_text("the default, 0.25 points")
        page.get_by_role("link", name="Change the margin").click()
        expect(page.locator("#margin-warning")).to_contain_text("The post wave already has")
        check("margin-form")

        field = page.get_by_label("Margin in scale points")
        field.fill("9")
        page.get_by_role("button", name="Save the margin").click()
        expect(page.locator("#margin-error")).to_contain_text("at most 4 points")
        expect(field).to_be_focused()
        expect(field).to_have_value("9")
        check("margin-refused")

        field.fill("0.3")
        page.get_by_role("button", name="Save the margin").click()
        expect(page.locator("#margin-now")).to_contain_text("0.3 points, set for this pilot")
        expect(page.locator("#margin-flag")).to_be_visible()
        check("margin-pilot-page")
        browser.close()
