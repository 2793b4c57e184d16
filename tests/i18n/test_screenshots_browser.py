"""The participant form and the report in Arabic, Chinese and Khmer on a 360 px phone, in
Debian's chromium: the page is in the reader's language and direction, axe finds no
serious issue, and nothing is wider than the phone. With `PILOTKIT_SCREENSHOTS=docs/img`
the pictures of docs/i18n.md are written again (`make screenshots`).

pilot-core has Arabic and Chinese drafts and no Khmer: a Khmer reader of it gets the form
in English with the platform's Khmer sentence saying so. The Khmer pictures come from a
small questionnaire with a Khmer draft (tests/i18n/data/khmer-check.yaml): the platform's
Khmer texts and the questions in Khmer on the form; the report's texts in English (there
are no Khmer report texts) with its questions and answers in Khmer, a line saying so."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import REPO_ROOT
from tests.server.live import live_server, seed_pilot

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
LANGUAGES = ("ar", "zh", "km")
#: the language of the form's questions and direction for each reader
FORM = {"ar": ("ar", "rtl"), "zh": ("zh", "ltr"), "km": ("km", "ltr")}
PILOT_CORE = REPO_ROOT / "instruments" / "pilot-core.yaml"
KHMER = Path(__file__).parent / "data" / "khmer-check.yaml"
#: the questionnaire each reader's pictures are taken of
INSTRUMENT = {"ar": PILOT_CORE, "zh": PILOT_CORE, "km": KHMER}

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _folder(tmp_path: Path) -> Path:
    chosen = os.environ.get("PILOTKIT_SCREENSHOTS")
    folder = (REPO_ROOT / chosen) if chosen else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _serious(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page).response["violations"]
    return [f"{v['id']}: {v['help']}" for v in violations if v["impact"] in ("serious", "critical")]


def _fits_the_phone(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


@contextmanager
def _chromium() -> Iterator[Any]:
    """Debian's chromium, started after the test's data is ready (Playwright's sync API
    runs an event loop, and the seeding runs its own)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        try:
            yield launched
        finally:
            launched.close()


def test_the_form_on_a_phone_in_arabic_chinese_and_khmer(tmp_path):
    database_url = f"sqlite:///{tmp_path / 'shots.sqlite3'}"
    core = seed_pilot(database_url, PILOT_CORE, 3)
    khmer = seed_pilot(database_url, KHMER, 1, slug="khmer")
    tokens = {"ar": core[0], "zh": core[1], "km": khmer[0]}
    folder = _folder(tmp_path)
    with live_server(database_url) as base, _chromium() as browser:
        # pilot-core has no Khmer: the form says so in Khmer and is shown in English
        context = browser.new_context(viewport={"width": 360, "height": 740})
        page = context.new_page()
        page.goto(f"{base}/f/{core[2]}?lang=km")
        assert page.locator("html").get_attribute("lang") == "en"
        assert "ខ្មែរ" in page.locator("main").inner_text()
        assert _serious(page) == []
        context.close()
        for lang, token in tokens.items():
            context = browser.new_context(viewport={"width": 360, "height": 740})
            page = context.new_page()
            page.goto(f"{base}/f/{token}?lang={lang}")
            shown, direction = FORM[lang]
            assert page.locator("html").get_attribute("lang") == shown
            assert page.locator("html").get_attribute("dir") == direction
            assert _serious(page) == [], lang
            page.locator("a.button-primary").click()
            page.wait_for_load_state()
            assert _serious(page) == [], lang
            _fits_the_phone(page)
            if lang == "km":
                assert "ខ្ញុំបញ្ចប់ការងារ" in page.locator("main").inner_text()
            page.screenshot(path=str(folder / f"form-{lang}-360.png"), full_page=False)
            context.close()


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    from evaluation.reporting.runner import ReportRequest, run_report
    from pilotkit.demo.scenarios import CRM_SCENARIO, crm_notes
    from pilotkit.demo.synthetic import simulate_responses
    from pilotkit.instruments import load_instrument_file

    folder = tmp_path_factory.mktemp("reports")
    answers = {}
    for path in (PILOT_CORE, KHMER):
        answers[path] = folder / f"{path.stem}-responses.csv"
        simulate_responses(load_instrument_file(path), CRM_SCENARIO).to_csv(
            answers[path], index=False
        )
    notes = folder / "notes.csv"
    crm_notes().to_csv(notes, index=False)
    runs = {}
    for lang in LANGUAGES:
        runs[lang] = run_report(
            ReportRequest(
                pilot="crm",
                instrument=INSTRUMENT[lang],
                responses=answers[INSTRUMENT[lang]],
                notes=notes if INSTRUMENT[lang] == PILOT_CORE else None,
                overrides={"pilot_name": "CRM pilot", "language": lang},
                out_root=folder,
                run_id=f"run-{lang}",
            ),
            progress=False,
        )
    return runs


#: what the report's metadata line says to each reader
SAYS = {
    "ar": "questions and answers in Arabic (العربية)",
    "zh": "questions and answers in Chinese (中文)",
    "km": "questions and answers in Khmer (ខ្មែរ)",
}


def test_the_report_on_a_phone_in_arabic_chinese_and_khmer(reports, tmp_path):
    folder = _folder(tmp_path)
    with _chromium() as browser:
        for lang in LANGUAGES:
            # twice the pixels: the figures' small letters stay legible in the docs
            context = browser.new_context(
                viewport={"width": 360, "height": 740}, device_scale_factor=2
            )
            page = context.new_page()
            page.goto(reports[lang].report_html.as_uri())
            assert page.locator("html").get_attribute("lang") == "en"
            assert SAYS[lang] in page.locator(".languages").inner_text()
            assert _serious(page) == [], lang
            _fits_the_phone(page)
            page.screenshot(path=str(folder / f"report-{lang}-360.png"), full_page=False)
            # the first figure of the questions (in the asked language when the
            # questionnaire has it)
            figure = page.locator("img[alt]").nth(2)
            figure.scroll_into_view_if_needed()
            figure.screenshot(path=str(folder / f"report-{lang}-360-figure.png"))
            context.close()
