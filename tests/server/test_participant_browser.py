"""The participant's pages in Debian's chromium at 360 px and 1280 px: the short numbered
error summary takes the focus, a returning participant lands on their page, the
confirmation offers to copy the link for the second round, and a closed round names the
survey and whom to ask. Screenshots go to the test's folder for a person to look at."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from survey_server.connection import connected
from survey_server.tables import Pilot, Wave
from tests.helpers import REPO_ROOT
from tests.server.live import live_server, seed_pilot
from tests.server.test_browser import CHROMIUM_ARGS, _answer_page, _serious

PILOT_CORE = REPO_ROOT / "instruments" / "pilot-core.yaml"


def _schedule(database_url: str) -> None:
    async def main() -> None:
        async with connected(database_url):
            await Pilot.update({Pilot.contact: "Ana Ruiz, 555-0100"}).where(Pilot.slug == "live")
            await Wave.update({Wave.opens_at: datetime(2030, 3, 2, tzinfo=UTC)}).where(
                Wave.name == "post"
            )

    asyncio.run(main())


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("width", [360, 1280])
def test_errors_resume_second_round_and_closed_page(tmp_path, width):
    from playwright.sync_api import expect, sync_playwright

    database_url = f"sqlite:///{tmp_path / 'participant.sqlite3'}"
    [token] = seed_pilot(database_url, PILOT_CORE, 1)
    _schedule(database_url)
    shots = tmp_path / "shots"
    shots.mkdir()
    with live_server(database_url) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        context = browser.new_context(viewport={"width": width, "height": 800}, locale="es-ES")
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
        page = context.new_page()
        page.goto(f"{base}/f/{token}")
        page.screenshot(path=shots / f"intro-{width}.png", full_page=True)
        page.get_by_role("link", name="Comenzar").click()
        page.get_by_role("button", name="Siguiente").click()
        summary = page.locator("#error-summary")
        expect(summary.get_by_role("link").first).to_have_text("Pregunta 1: elija una respuesta")
        assert page.evaluate("document.activeElement.id") == "error-summary"
        # a short summary: it leaves room for the first question on a phone
        assert summary.bounding_box()["height"] < 420
        page.screenshot(path=shots / f"errors-{width}.png")
        summary.get_by_role("link").nth(1).click()
        assert page.evaluate("location.hash") == "#q-prod_2-field"
        assert _serious(page) == []

        _answer_page(page, 3)
        page.get_by_role("button", name="Siguiente").click()
        expect(page.get_by_text("Paso 2 de 6")).to_be_visible()
        page.goto(f"{base}/f/{token}")  # the bare link: back where we stopped
        expect(page.get_by_text("Hola de nuevo: sus respuestas están guardadas.")).to_be_visible()
        expect(page.get_by_text("Paso 2 de 6")).to_be_visible()
        page.screenshot(path=shots / f"welcome-{width}.png")

        for step in range(2, 7):
            _answer_page(page, 4)
            name = "Enviar respuestas" if step == 6 else "Siguiente"
            page.get_by_role("button", name=name).click()
        expect(page.get_by_role("heading", name="Habrá una segunda ronda")).to_be_visible()
        expect(page.get_by_text("Se abre el 2 de marzo de 2030.")).to_be_visible()
        expect(page.get_by_text("no se vuelve a mostrar")).to_have_count(0)
        page.get_by_role("button", name="Copiar el enlace").click()
        expect(page.get_by_text("Enlace copiado")).to_be_visible()
        assert page.evaluate("navigator.clipboard.readText()") == f"{base}/f/{token}"
        with page.expect_download() as download:
            page.get_by_role("link", name="Añadir al calendario (.ics)").click()
        assert "DTSTART;VALUE=DATE:20300302" in download.value.path().read_text()
        assert _serious(page) == []
        page.screenshot(path=shots / f"done-{width}.png", full_page=True)

        page.goto(f"{base}/f/{'Z' * 32}")
        expect(page).to_have_title("Enlace no válido")
        browser.close()
