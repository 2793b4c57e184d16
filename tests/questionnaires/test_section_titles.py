"""The editor gives a page that is not a dimension its title in every language, and the
Translations page lists it; through HTTP, on both engines."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.instruments.test_sections import GROUPED_FORM
from tests.instruments.xlsforms import build_workbook
from tests.staff.conftest import StaffSite, csrf_of

BASE = "/staff/pilots/gamma/questionnaire"


def _uploaded(team: StaffSite, tmp_path):  # type: ignore[no-untyped-def]
    browser = team.browser("manager@example.org")
    csrf = csrf_of(browser.get("/staff/password").text)
    team.pilot("gamma", members=("manager@example.org",), open_pre=False)
    path = build_workbook(tmp_path / "grouped.xlsx", GROUPED_FORM)
    upload = {"file": ("grouped.xlsx", path.read_bytes(), "application/octet-stream")}
    page = browser.post(BASE + "/upload", data={"csrf_token": csrf}, files=upload)
    assert page.status_code == 200, page.text[-2000:]
    return browser, csrf, page.text


def test_a_section_title_is_edited_and_translated(team: StaffSite, tmp_path) -> None:  # type: ignore[no-untyped-def]
    browser, csrf, overview = _uploaded(team, tmp_path)
    # The group's label is the section's title; a group without one shows its name.
    assert "Section: Work tools <code>work_tools</code>" in overview
    assert "Section: no_title</h3>" in overview
    assert 'name="title_es" lang="es" value="Herramientas de trabajo"' in overview

    # Retitled in English only: Spanish is then missing and highlighted for translation.
    saved = browser.post(
        BASE + "/sections/work_tools",
        data={"csrf_token": csrf, "action": "title", "title_en": "Your <tools>", "title_es": ""},
    )
    assert saved.status_code == 200, saved.text[-2000:]
    assert "Section: Your &lt;tools&gt; <code>work_tools</code>" in saved.text  # escaped
    # the form's title (from the file name) and the section's title
    assert "Español is not offered to participants: 2 texts have no translation." in saved.text
    page = browser.get(BASE + "/translations").text
    assert "<code>work_tools</code> title</th>" in page
    assert 'class="missing"><label class="visually-hidden" for="tr-' in page
    assert 'name="tr|section:work_tools|title|es" rows="2" lang="es" aria-invalid="true"' in page

    # Translated on the Translations page: the form's page shows it in Spanish.
    browser.post(
        BASE + "/translations",
        data={
            "csrf_token": csrf,
            "tr|top|title|es": "Agrupado",
            "tr|section:work_tools|title|es": "Sus herramientas",
        },
    )
    yaml_text = browser.get("/staff/pilots/gamma/questionnaire.yaml").text
    assert 'title: {en: "Your <tools>", es: "Sus herramientas"}' in yaml_text
    frame = browser.get(BASE + "/preview/pre/frame", params={"page": "1", "lang": "es"}).text
    assert "<h1>Sus herramientas</h1>" in frame

    # A rename takes the title along; an empty title removes it and the name shows again.
    browser.post(BASE + "/sections/work_tools", data={"csrf_token": csrf, "name": "kit"})
    yaml_text = browser.get("/staff/pilots/gamma/questionnaire.yaml").text
    assert "  - id: kit\n" in yaml_text and "section: kit" in yaml_text
    browser.post(
        BASE + "/sections/kit",
        data={"csrf_token": csrf, "action": "title", "title_en": "", "title_es": ""},
    )
    yaml_text = browser.get("/staff/pilots/gamma/questionnaire.yaml").text
    assert "sections:" not in yaml_text and "Section: kit</h3>" in browser.get(BASE).text


def test_refused_section_titles_change_nothing(team: StaffSite, tmp_path) -> None:  # type: ignore[no-untyped-def]
    browser, csrf, _ = _uploaded(team, tmp_path)
    before = browser.get("/staff/pilots/gamma/questionnaire.yaml").text
    for key, fields, message in [
        ("nowhere", {"title_en": "X"}, "No section &#39;nowhere&#39; in the questionnaire"),
        ("work_tools", {"description_en": "Text"}, "Title_en: give the section a title"),
    ]:
        refused = browser.post(
            BASE + f"/sections/{key}", data={"csrf_token": csrf, "action": "title", **fields}
        )
        assert refused.status_code == 422 and message in refused.text, refused.text[-1500:]
    assert browser.get("/staff/pilots/gamma/questionnaire.yaml").text == before


@pytest.mark.browser
@pytest.mark.slow
def test_section_title_in_the_browser(tmp_path: Path) -> None:
    """The retitle form opens from the section, saves, and the Spanish preview shows the
    title; axe finds no serious issue (PILOTKIT_SCREENSHOTS=DIR keeps the pages)."""
    from playwright.sync_api import expect, sync_playwright

    from survey_server.settings import Settings
    from tests.questionnaires.test_browser import _seed
    from tests.server.in_process import served
    from tests.server.test_browser import CHROMIUM_ARGS
    from tests.staff.conftest import PASSWORD
    from tests.staff.test_browser import _checker

    database_url = f"sqlite:///{tmp_path / 'sections.sqlite3'}"
    _seed(database_url)
    workbook = build_workbook(tmp_path / "grouped.xlsx", GROUPED_FORM)

    def settings_for(base: str) -> Settings:
        return Settings(database_url=database_url, base_url=base)

    with served(settings_for) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        check = _checker(page, 1280)
        page.goto(f"{base}/staff/sign-in")
        page.get_by_label("E-mail address").fill("mgr@example.org")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.goto(f"{base}/staff/pilots/crm/questionnaire")
        page.get_by_label("An XLSForm").set_input_files(str(workbook))
        page.get_by_role("button", name="Upload and import").click()
        section = page.locator(".q-section", has=page.locator("code", has_text="work_tools"))
        section.get_by_text("Rename or retitle this section").click()
        section.get_by_label("Title (Español)").fill("Sus herramientas")
        section.get_by_label("Text under the title (Español, optional)").fill("Sobre ellas.")
        check("questionnaire-section-title")
        section.get_by_role("button", name="Save the title").click()
        expect(page.locator("#problems")).to_contain_text("No problems")
        page.goto(f"{base}/staff/pilots/crm/questionnaire/translations")
        expect(page.locator("textarea[name='tr|section:work_tools|title|es']")).to_have_value(
            "Sus herramientas"
        )
        page.locator("textarea[name='tr|top|title|es']").fill("Agrupado")
        check("questionnaire-translations-sections")
        page.get_by_role("button", name="Save the translations").click()
        page.goto(f"{base}/staff/pilots/crm/questionnaire/preview/pre/frame?page=1&lang=es")
        expect(page.locator("h1")).to_have_text("Sus herramientas")
        check("preview-section-title")
        browser.close()
