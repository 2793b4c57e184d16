"""The questionnaire editor in Debian's chromium against a real server process: upload an
XLSForm, fix the row its report names with the condition checked as it is typed, add a
Spanish translation; axe finds no serious or critical issue on these pages. (Preview,
test links, schedule and live results are exercised over HTTP in test_pages.py.)

Set PILOTKIT_SCREENSHOTS=DIR to keep screenshots of each page at 360 and 1280 px.
"""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import httpx
import pytest

from pilotkit.instruments import load_instrument_file
from survey_server.connection import connected
from survey_server.services.accounts import add_member, create_user
from survey_server.services.audit import COMMAND_LINE
from survey_server.services.invitations import invite
from survey_server.services.pilots import create_pilot
from tests.instruments.xlsforms import build_workbook
from tests.server.live import REPO_ROOT, live_server
from tests.server.test_browser import CHROMIUM_ARGS
from tests.staff.conftest import PASSWORD
from tests.staff.test_browser import _checker

FORM = {
    "survey": [
        ["type", "name", "label", "required", "relevant"],
        ["select_one agree", "crm_fast", "The new CRM shows a caller's history quickly", "yes", ""],
        ["select_one yn", "trained", "Were you trained on the new CRM?", "yes", ""],
        [
            "text",
            "training_gaps",
            "What was missing from the training?",
            "no",
            "${trained} = 'no' or",
        ],
    ],
    "choices": [
        ["list_name", "name", "label"],
        *[
            ["agree", str(n), t]
            for n, t in enumerate(
                ["Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree"], start=1
            )
        ],
        ["yn", "yes", "Yes"],
        ["yn", "no", "No"],
    ],
    "settings": [["form_id", "form_title"], ["crm-pilot", "CRM pilot"]],
}


def _seed(database_url: str) -> list[str]:
    async def main() -> list[str]:
        async with connected(database_url) as engine:
            await create_user(
                engine,
                email="mgr@example.org",
                role="manager",
                password=PASSWORD,
                actor=COMMAND_LINE,
            )
            core = load_instrument_file(REPO_ROOT / "instruments" / "pilot-core.yaml")
            await create_pilot(engine, slug="crm", instrument=core, name="CRM pilot")
            await add_member(engine, "crm", "mgr@example.org", COMMAND_LINE)
            return [i.token for i in await invite(engine, "crm", 1)]

    return asyncio.run(main())


@pytest.mark.browser
@pytest.mark.slow
def test_manager_adapts_and_runs_a_pilot(tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    database_url = f"sqlite:///{tmp_path / 'editor.sqlite3'}"
    _seed(database_url)
    workbook = build_workbook(tmp_path / "crm-pilot.xlsx", FORM)
    with live_server(database_url) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        check = _checker(page, 1280)
        page.goto(f"{base}/staff/sign-in")
        page.get_by_label("E-mail address").fill("mgr@example.org")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.goto(f"{base}/staff/pilots/crm")
        page.get_by_role("link", name="Questionnaire").first.click()
        expect(page.locator(".badge.core").first).to_be_visible()
        check("questionnaire-core")

        # Upload the XLSForm: the report names the row whose condition was dropped.
        page.get_by_label("An XLSForm").set_input_files(str(workbook))
        page.get_by_role("button", name="Upload and import").click()
        report = page.locator("#import-report")
        expect(report).to_contain_text("row 4: item 'training_gaps'")
        check("questionnaire-import")
        report.get_by_role("link").first.click()

        # Fix it: the condition is checked as it is typed, the error position shown.
        condition = page.get_by_label("Skip logic")
        condition.fill("${trained} = 'no' or")
        expect(page.locator("#relevant-status")).to_contain_text("at position")
        expect(page.locator("#relevant-status mark")).to_be_visible()
        check("questionnaire-item")
        condition.fill("${trained} = 'no'")
        expect(page.locator("#relevant-status")).to_contain_text("valid")
        page.get_by_role("button", name="Save the item").click()
        assert page.locator(".error-message").count() == 0, page.locator(
            ".error-message"
        ).all_inner_texts()
        expect(page.locator("#problems")).to_contain_text("No problems")

        # Spanish: missing texts highlighted, not offered until complete.
        page.get_by_role("link", name="Translations").first.click()
        page.get_by_label("Add a language").fill("es")
        page.get_by_role("button", name="Add the language").click()
        expect(page.locator("td.missing").first).to_be_visible()
        check("questionnaire-translations")
        spanish = {
            "title": "Piloto del CRM",
            "crm_fast": "El nuevo CRM muestra rápido el historial",
            "trained": "¿Recibió formación sobre el nuevo CRM?",
            "training_gaps": "¿Qué faltó en la formación?",
        }
        for area in page.locator("td.missing textarea").all():
            name = area.get_attribute("name") or ""
            place, field = name.split("|")[1], name.split("|")[2]
            key = place.split(":", 1)[-1] if field == "text" else field
            area.fill(spanish.get(key, "\n".join(["Sí", "No"]) if "yn" in name else f"es {key}"))
        page.get_by_role("button", name="Save the translations").click()
        expect(page.locator("td.missing")).to_have_count(0)

        check("questionnaire-translated")
        browser.close()


def _submit(base: str, link: str) -> None:
    token = link.rsplit("/f/", 1)[1]
    form = httpx.get(f"{base}/api/v1/forms/{token}").json()
    answers = {}
    for item in form["items"]:
        if item["type"] == "likert":
            answers[item["id"]] = 4
        elif item["type"] == "single" and item.get("choices"):
            answers[item["id"]] = item["choices"][0]["value"]
    response = httpx.post(
        f"{base}/api/v1/forms/{token}/submissions",
        json={"submission_id": str(uuid.uuid4()), "answers": answers},
    )
    assert response.status_code == 201, response.text
