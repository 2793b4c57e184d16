"""The pilot-core form in Spanish on a 360 px phone, in Debian's chromium, against a real
server: answer, autosave a draft, reload, resume, submit; axe finds no serious issues."""

from __future__ import annotations

import pytest

from tests.helpers import REPO_ROOT
from tests.server.live import live_server, seed_pilot

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def _serious(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page).response["violations"]
    return [f"{v['id']}: {v['help']}" for v in violations if v["impact"] in ("serious", "critical")]


def _answer_page(page, choice: int) -> None:
    for fieldset in page.locator("fieldset[data-type=likert]").all():
        fieldset.locator("label").nth(choice).click()


@pytest.mark.browser
@pytest.mark.slow
def test_spanish_phone_walkthrough_with_draft_and_axe(tmp_path):
    from playwright.sync_api import expect, sync_playwright

    database_url = f"sqlite:///{tmp_path / 'browser.sqlite3'}"
    [token] = seed_pilot(database_url, REPO_ROOT / "instruments" / "pilot-core.yaml", 1)
    with live_server(database_url) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        context = browser.new_context(viewport={"width": 360, "height": 740}, locale="es-ES")
        page = context.new_page()
        page.goto(f"{base}/f/{token}")
        expect(page.locator("html")).to_have_attribute("lang", "es")
        expect(
            page.get_by_role("heading", name="Sus respuestas son confidenciales")
        ).to_be_visible()
        assert _serious(page) == []
        page.get_by_role("link", name="Comenzar").click()
        expect(page.get_by_text("Paso 1 de 6")).to_be_visible()
        assert _serious(page) == []

        page.get_by_role("button", name="Siguiente").click()  # nothing answered: errors
        expect(page.get_by_role("heading", name="Hay un problema")).to_be_visible()
        assert page.evaluate("document.activeElement.id") == "error-summary"
        assert _serious(page) == []

        _answer_page(page, 3)
        page.get_by_role("button", name="Siguiente").click()
        expect(page.get_by_text("Paso 2 de 6")).to_be_visible()
        page.locator("fieldset[data-type=likert]").first.locator("label").nth(1).click()
        expect(page.get_by_text("Borrador guardado")).to_be_visible()  # autosave
        page.reload()
        first = page.locator("fieldset[data-type=likert]").first.locator("input").nth(1)
        expect(first).to_be_checked()
        page.goto(f"{base}/f/{token}")  # the same link opens where we stopped
        expect(page.get_by_text("Paso 2 de 6")).to_be_visible()
        expect(first).to_be_checked()

        for step in range(2, 7):
            _answer_page(page, 4)
            name = "Enviar respuestas" if step == 6 else "Siguiente"
            page.get_by_role("button", name=name).click()
        expect(
            page.get_by_role("heading", name="Gracias, recibimos sus respuestas")
        ).to_be_visible()
        expect(page.get_by_role("heading", name="Habrá una segunda ronda")).to_be_visible()
        page.goto(f"{base}/f/{token}")
        expect(page.get_by_text("no se vuelve a mostrar")).to_be_visible()
        browser.close()
