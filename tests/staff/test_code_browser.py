"""Invitation cards in Debian's chromium against a real server process: print a sheet, then
on a 360 px phone go from the home page to /c, type a card's code in small letters and
land on the form; a wrong code is one message. axe finds no serious or critical issue.

Set PILOTKIT_SCREENSHOTS=DIR to keep the sheet (A4-wide, and as printed) and the code
page at 360 and 1280 px.
"""

from __future__ import annotations

import asyncio
import os
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pilotkit.instruments import load_instrument_file
from survey_server.connection import connected
from survey_server.services.accounts import create_user
from survey_server.services.audit import COMMAND_LINE
from survey_server.services.pilots import create_pilot, set_wave_status
from survey_server.tables import Pilot, Wave
from tests.server.live import REPO_ROOT, live_server
from tests.server.test_browser import CHROMIUM_ARGS, _serious
from tests.staff.conftest import PASSWORD

A4_WIDTH_PX = 794  # 210 mm at 96 px per inch


def _seed(database_url: str) -> None:
    async def main() -> None:
        async with connected(database_url) as engine:
            await create_user(
                engine,
                email="root@example.org",
                role="admin",
                password=PASSWORD,
                actor=COMMAND_LINE,
            )
            instrument = load_instrument_file(REPO_ROOT / "instruments" / "pilot-core.yaml")
            pilot = await create_pilot(
                engine, slug="permits", instrument=instrument, name="Digital permits"
            )
            await set_wave_status(engine, "permits", "pre", "open")
            closes = datetime(2030, 3, 31, 23, 59, tzinfo=UTC)
            await Wave.update({Wave.closes_at: closes}).where(
                (Wave.pilot == pilot.id) & (Wave.name == "pre")
            )
            await Pilot.update({Pilot.contact: "Permit desk, permits@city.example.org"}).where(
                Pilot.id == pilot.id
            )

    asyncio.run(main())


@pytest.mark.browser
@pytest.mark.slow
def test_a_card_code_typed_on_a_phone_opens_the_form(tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    folder = os.environ.get("PILOTKIT_SCREENSHOTS")
    shots = Path(folder) if folder else None
    database_url = f"sqlite:///{tmp_path / 'codes.sqlite3'}"
    _seed(database_url)
    with live_server(database_url) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        staff = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        staff.goto(f"{base}/staff/pilots/permits")
        staff.get_by_label("E-mail address").fill("root@example.org")
        staff.get_by_label("Password").fill(PASSWORD)
        staff.get_by_role("button", name="Sign in").click()
        staff.get_by_label("Number of new links").fill("4")
        staff.get_by_role("button", name="Issue links").click()
        staff.get_by_role("link", name="Print invitation sheet").click()
        cards = staff.locator(".invite-card")
        expect(cards).to_have_count(4)
        expect(cards.first.locator("[lang=es]")).to_contain_text("31 de marzo de 2030")
        expect(cards.first.locator("[lang=ar]")).to_contain_text("permits@city.example.org")
        assert _serious(staff) == []
        code = cards.first.locator(".code").inner_text()
        assert len(code) == 11 and code[5] == "-"
        if shots:
            shots.mkdir(parents=True, exist_ok=True)
            staff.set_viewport_size({"width": A4_WIDTH_PX, "height": 1123})
            staff.screenshot(path=str(shots / "sheet-a4.png"), full_page=True)
            staff.emulate_media(media="print")
            staff.screenshot(path=str(shots / "sheet-print.png"), full_page=True)
            staff.pdf(path=str(shots / "sheet.pdf"), format="A4")
            staff.emulate_media(media="screen")
            for width in (360, 1280):
                staff.set_viewport_size({"width": width, "height": 900})
                staff.screenshot(path=str(shots / f"sheet-{width}.png"), full_page=True)

        phone = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
        phone.goto(f"{base}/")
        phone.get_by_role("link", name="Type your code").click()
        expect(phone.get_by_role("heading", name="Open your questionnaire")).to_be_visible()
        field = phone.get_by_label("Your code")
        assert phone.evaluate("document.documentElement.scrollWidth") <= 360
        assert _serious(phone) == []
        if shots:
            for width in (360, 1280):
                phone.set_viewport_size({"width": width, "height": 740})
                phone.screenshot(path=str(shots / f"code-{width}.png"), full_page=True)
            phone.set_viewport_size({"width": 360, "height": 740})
        field.fill("k7qmx-3td9r")  # the example: no card has it
        phone.get_by_role("button", name="Open the questionnaire").click()
        expect(phone.locator(".error-message")).to_have_text(
            "This code is not valid. Check it against your card and type it again. If it "
            "still does not work, contact the person who invited you."
        )
        expect(phone.get_by_label("Your code")).to_have_attribute("aria-invalid", "true")
        assert _serious(phone) == []
        if shots:
            phone.screenshot(path=str(shots / "code-wrong-360.png"), full_page=True)
        phone.get_by_label("Your code").fill(code.lower().replace("-", ""))
        phone.get_by_role("button", name="Open the questionnaire").click()
        expect(phone).to_have_url(re.compile(r"/f/[A-Za-z0-9_-]{32}"))
        expect(phone.get_by_role("link", name="Start")).to_be_visible()
        browser.close()
