"""A manager adapts and runs a pilot in Debian's chromium, against the app served in this
process (so the test holds the clock the background worker goes by):

upload a real XLSForm (a KoboToolbox export of the instrument corpus), fix the row its
report names, add a pilot-specific item and a Spanish translation, preview the Spanish
form at 360 px through every page, submit a test answer that reaches no export, schedule
the waves, see the post wave open by itself when the clock reaches its date, and see the
live counts move when a participant submits. Axe finds no serious or critical issue on
any editor page.

Set PILOTKIT_SCREENSHOTS=DIR to keep screenshots of each page at 360 and 1280 px.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from pilotkit.instruments import load_instrument_file
from survey_server.connection import connected
from survey_server.outreach_settings import OutreachSettings
from survey_server.services.accounts import add_member, create_user
from survey_server.services.audit import COMMAND_LINE
from survey_server.services.invitations import invite
from survey_server.services.pilots import create_pilot
from survey_server.settings import Settings
from tests.instruments.xlsforms import KOBO_FORM, build_workbook
from tests.server.in_process import MovableClock, served
from tests.server.live import REPO_ROOT
from tests.server.test_browser import CHROMIUM_ARGS
from tests.staff.conftest import PASSWORD
from tests.staff.test_browser import _checker

#: The schedule's dates lie years ahead, so only the moved clock can reach them.
PRE_OPENS = datetime(2031, 3, 2, 9, 0, tzinfo=UTC)
POST_OPENS = datetime(2031, 4, 1, 9, 0, tzinfo=UTC)

SPANISH = {
    "Service feedback": "Opinión sobre el servicio",
    "Do you agree to take part?": "¿Acepta participar?",
    "Age": "Edad",
    "I am satisfied with the service.": "Estoy satisfecho con el servicio.",
    "Remarks": "Observaciones",
    "The new CRM shows a caller's history quickly": (
        "El nuevo CRM muestra rápido el historial de quien llama"
    ),
    "Strongly disagree": "Muy en desacuerdo",
    "Disagree": "En desacuerdo",
    "Agree": "De acuerdo",
    "Strongly agree": "Muy de acuerdo",
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
            return [i.token for i in await invite(engine, "crm", 5)]

    return asyncio.run(main())


def _until(page: Any, ready: Callable[[], bool], what: str, timeout_s: float = 30) -> None:
    """Reload until `ready()`: the background worker looks at the schedule every 2 s."""
    deadline = time.monotonic() + timeout_s
    while not ready():
        assert time.monotonic() < deadline, f"not within {timeout_s:.0f} s: {what}"
        page.wait_for_timeout(250)
        page.reload()


def _answer_and_submit(page: Any, submit: str, done: str) -> None:
    """Answer every page of the real form and submit it. A question shown by skip logic
    on the same page (age once consent is given) comes back with the page's errors."""
    from playwright.sync_api import expect

    heading = page.get_by_role("heading", name=done)
    for _ in range(10):
        for fieldset in page.locator("fieldset[data-type=likert]").all():
            fieldset.locator("label").nth(3).click()
        for fieldset in page.locator("fieldset[data-type=boolean]").all():
            fieldset.locator("label").first.click()
        for number in page.locator("input[data-type=number]").all():
            number.fill("34")
        last = page.get_by_role("button", name=submit)
        button = last if last.count() else page.locator("button[value=next]")
        with page.expect_navigation():
            button.click()
        if heading.count():
            break
    expect(heading).to_be_visible()


def _api_submit(base: str, token: str) -> None:
    form = httpx.get(f"{base}/api/v1/forms/{token}").json()
    answers: dict[str, Any] = {}
    for item in form["items"]:
        if item["type"] == "likert":
            answers[item["id"]] = 2
        elif item["type"] == "boolean":
            answers[item["id"]] = True
        elif item["type"] == "number":
            answers[item["id"]] = 41
    response = httpx.post(
        f"{base}/api/v1/forms/{token}/submissions",
        json={"submission_id": str(uuid.uuid4()), "answers": answers},
    )
    assert response.status_code == 201, response.text


@pytest.mark.browser
@pytest.mark.slow
def test_manager_adapts_and_runs_a_pilot(tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    database_url = f"sqlite:///{tmp_path / 'editor.sqlite3'}"
    tokens = _seed(database_url)
    workbook = build_workbook(tmp_path / "service-feedback.xlsx", KOBO_FORM)
    clock = MovableClock(PRE_OPENS - timedelta(days=1))

    def settings_for(base: str) -> Settings:
        return Settings(
            database_url=database_url,
            base_url=base,
            reports_dir=tmp_path / "reports",
            report_worker=True,
            report_kernels=0,
            clock=clock,
            outreach=OutreachSettings(outbox_dir=tmp_path / "outbox", secret_key="walk"),
        )

    with served(settings_for) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        check = _checker(page, 1280)
        page.goto(f"{base}/staff/sign-in")
        page.get_by_label("E-mail address").fill("mgr@example.org")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.goto(f"{base}/staff/pilots/crm")
        check("pilot")
        page.get_by_role("link", name="Questionnaire").first.click()
        expect(page.locator(".badge.core").first).to_be_visible()
        check("questionnaire-core")

        # 1. Upload the XLSForm: the report names the rows it could not take as they were.
        page.get_by_label("An XLSForm").set_input_files(str(workbook))
        page.get_by_role("button", name="Upload and import").click()
        report = page.locator("#import-report")
        expect(report).to_contain_text("row 13: item 'remarks'")
        expect(report).to_contain_text("function 'if()' is not supported")
        check("questionnaire-import")

        # 2. Fix that row: the condition is checked as it is typed, its error position shown.
        report.get_by_role("link", name="row 13: item 'remarks'").click()
        condition = page.get_by_label("Skip logic")
        condition.fill("${age} > 18 and")
        expect(page.locator("#relevant-status")).to_contain_text("at position")
        expect(page.locator("#relevant-status mark")).to_be_visible()
        check("questionnaire-item")
        condition.fill("${age} > 18")
        expect(page.locator("#relevant-status")).to_contain_text("valid")
        page.get_by_role("button", name="Save the item").click()
        expect(page.locator("#problems")).to_contain_text("No problems")
        assert (
            "${age} > 18" in page.request.get(f"{base}/staff/pilots/crm/questionnaire.yaml").text()
        )

        # Adapt it: one of the six assessment areas, and a pilot-specific item in it.
        page.get_by_label("Add one of the six assessment areas").select_option("productivity")
        page.get_by_role("button", name="Add this dimension").click()
        page.get_by_role("link", name="Productivity").click()
        check("questionnaire-dimension")
        page.go_back()
        page.get_by_role("link", name="Add an item").first.click()
        page.get_by_label("Id (used in exports)").fill("crm_history")
        page.get_by_label("Question text (English)").fill(
            "The new CRM shows a caller's history quickly"
        )
        page.get_by_label("Dimension", exact=True).select_option("productivity")
        check("questionnaire-new-item")
        page.get_by_role("button", name="Save the item").click()
        expect(page.locator("#item-crm_history")).to_be_visible()
        expect(page.locator("#problems")).to_contain_text("No problems")
        check("questionnaire-adapted")
        page.get_by_role("link", name="Title and introduction").click()
        check("questionnaire-details")
        page.go_back()

        # 3. Spanish, side by side: missing texts highlighted, offered once complete.
        page.get_by_role("link", name="Translations").first.click()
        page.get_by_label("Add a language").fill("es")
        page.get_by_role("button", name="Add the language").click()
        expect(page.locator("td.missing").first).to_be_visible()
        check("questionnaire-translations")
        for row in page.locator("table.translations tbody tr").all():
            english, spanish = row.locator("textarea").nth(0), row.locator("textarea").nth(1)
            if not spanish.input_value():
                lines = english.input_value().splitlines()
                spanish.fill("\n".join(SPANISH.get(line, f"{line} (es)") for line in lines))
        page.get_by_role("button", name="Save the translations").click()
        expect(page.locator("td.missing")).to_have_count(0)
        page.get_by_role("link", name="Questionnaire", exact=True).click()
        expect(page.locator("#problems")).to_contain_text("English, Español")

        # 4. Preview the Spanish form at 360 px: every page, then what a participant sees
        # once submitted; nothing is saved.
        page.set_viewport_size({"width": 360, "height": 800})
        page.get_by_role("link", name="Preview and test link").click()
        page.get_by_label("Language").first.select_option("es")
        page.get_by_role("button", name="Show").click()
        frame = page.frame_locator("iframe[name=preview]")
        expect(frame.locator("html")).to_have_attribute("lang", "es")
        check("questionnaire-preview")
        frame.get_by_role("link", name="Comenzar").click()
        expect(frame.get_by_text("Paso 1 de 2")).to_be_visible()
        expect(frame.get_by_text("¿Acepta participar?")).to_be_visible()
        frame.get_by_role("button", name="Siguiente").click()  # nothing answered: still goes
        expect(frame.get_by_text("Paso 2 de 2")).to_be_visible()
        expect(frame.get_by_role("heading", name="Productividad")).to_be_visible()
        frame.get_by_role("button", name="Anterior").click()
        expect(frame.get_by_text("Paso 1 de 2")).to_be_visible()
        page.get_by_role("link", name="Page 2").click()
        expect(frame.get_by_text("Paso 2 de 2")).to_be_visible()
        frame.get_by_role("button", name="Enviar respuestas").click()
        expect(
            frame.get_by_role("heading", name="Gracias, recibimos sus respuestas")
        ).to_be_visible()
        width = page.locator("iframe[name=preview]").evaluate(
            "f => f.contentWindow.document.documentElement.clientWidth"
        )
        assert 300 <= width <= 360, width

        # 5. A test link: the real form, answered on a phone; its answer reaches no export.
        page.get_by_label("Wave", exact=True).last.select_option("pre")
        page.get_by_role("button", name="Make a test link").click()
        link = page.locator("#test-link").get_attribute("href")
        assert link
        tester = context.new_page()
        tester.set_viewport_size({"width": 360, "height": 740})
        tester.goto(link)
        tester.get_by_role("link", name="Start").click()
        _answer_and_submit(tester, "Submit answers", "Thank you, your answers were received")
        tester.close()
        page.reload()
        expect(page.locator("#test-figures")).to_contain_text("1 test answer submitted")
        export = page.request.get(f"{base}/staff/pilots/crm/results/responses.csv").text()
        assert export.strip().splitlines() == ["participant_id,wave,item_id,value,submitted_at"]
        page.set_viewport_size({"width": 1280, "height": 900})

        # 6. Schedule the waves.
        page.goto(f"{base}/staff/pilots/crm/schedule")
        page.locator("#opens-pre").fill("2031-03-02T09:00")
        page.locator("#closes-pre").fill("2031-03-20T18:00")
        page.locator("#opens-post").fill("2031-04-01T09:00")
        page.locator("#closes-post").fill("2031-04-30T18:00")
        page.get_by_role("button", name="Save the schedule").click()
        expect(page.locator("#next-event")).to_contain_text(
            "Next: the pre wave opens on Mar 2, 2031, 09:00 UTC"
        )
        check("schedule")

        # 7. The waves open by themselves when the clock reaches their dates.
        clock.move_to(PRE_OPENS)
        page.goto(f"{base}/staff/pilots/crm")
        _until(page, lambda: "open" in page.locator(".state-open").all_inner_texts(), "pre opens")
        expect(page.locator("#next-event")).to_contain_text("the pre wave closes on Mar 20, 2031")
        clock.move_to(POST_OPENS)
        rows = page.locator("#figures tbody tr")
        _until(
            page,
            lambda: (
                [r.split("\t")[:2] for r in rows.all_inner_texts()]
                == [["pre", "closed"], ["post", "open"]]
            ),
            "pre closes and post opens",
        )
        expect(page.locator("#next-event")).to_contain_text("the post wave closes on Apr 30, 2031")
        check("pilot-post-open")

        # 8. Live results: four participants answer (no figure yet), a fifth on a phone.
        for token in tokens[:4]:
            _api_submit(base, token)
        page.goto(f"{base}/staff/pilots/crm/results?wave=post")
        expect(page.locator("[data-submitted=post]")).to_contain_text("post: 4 submitted")
        satisfied = page.locator("[data-question='post:satisfied']")
        expect(satisfied.locator("[data-respondents=small]")).to_be_visible()
        check("results")
        participant = browser.new_context(viewport={"width": 360, "height": 740}, locale="es-ES")
        phone = participant.new_page()
        phone.goto(f"{base}/f/{tokens[4]}")
        phone.get_by_role("link", name="Comenzar").click()
        _answer_and_submit(phone, "Enviar respuestas", "Gracias, recibimos sus respuestas")
        participant.close()
        page.reload()
        expect(page.locator("[data-submitted=post]")).to_contain_text("post: 5 submitted")
        expect(satisfied.locator("[data-respondents='5']")).to_be_visible()
        check("results-moved")

        # Version 1 was frozen when the pre wave opened: a reworded scored item makes
        # version 2, flagged on the versions page.
        page.goto(f"{base}/staff/pilots/crm/questionnaire/items/satisfied")
        page.get_by_label("Question text (English)").fill("I am happy with the service.")
        page.get_by_role("button", name="Save the item").click()
        page.goto(f"{base}/staff/pilots/crm/questionnaire/versions")
        reworded = page.locator("li.diff-reworded")
        expect(reworded).to_contain_text("satisfied")
        expect(page.locator("li.diff-changed")).to_have_count(0)
        expect(reworded.locator(".badge.flag")).to_contain_text("breaks the pre/post comparison")
        check("questionnaire-versions")
        browser.close()
