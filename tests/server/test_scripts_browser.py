"""The pilot-core form in Arabic (right to left) and in Simplified Chinese on a 360 px
phone, in Debian's chromium, against a real server: answer, autosave a draft, reload,
resume, submit; the page says its direction, the progress bar grows from the reading
side, the scale's order is stated in words, and axe finds no serious issues."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.helpers import REPO_ROOT
from tests.server.live import live_server, seed_pilot
from tests.server.test_browser import CHROMIUM_ARGS, _answer_page, _serious

LANGUAGES = {
    "ar": {
        "dir": "rtl",
        "start": "ابدأ",
        "step": "الخطوة {n} من 6",
        "next": "التالي",
        "submit": "أرسل الإجابات",
        "saved": "تم حفظ المسودة",
        "done": "شكرًا لك، لقد وصلتنا إجاباتك",
        "order": "الإجابات مرتبة من",
    },
    "zh": {
        "dir": "ltr",
        "start": "开始",
        "step": "第 {n} 步，共 6 步",
        "next": "下一步",
        "submit": "提交回答",
        "saved": "草稿已保存",
        "done": "谢谢，我们已收到您的回答",
        "order": "选项按顺序从",
    },
}


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("lang", sorted(LANGUAGES))
def test_phone_walkthrough_in_another_script(tmp_path, lang):
    from playwright.sync_api import expect, sync_playwright

    words = LANGUAGES[lang]
    database_url = f"sqlite:///{tmp_path / 'browser.sqlite3'}"
    [token] = seed_pilot(database_url, REPO_ROOT / "instruments" / "pilot-core.yaml", 1)
    with live_server(database_url) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        context = browser.new_context(viewport={"width": 360, "height": 740})
        page = context.new_page()
        page.goto(f"{base}/f/{token}?lang={lang}")
        html = page.locator("html")
        expect(html).to_have_attribute("lang", lang)
        expect(html).to_have_attribute("dir", words["dir"])
        assert _serious(page) == []
        page.get_by_role("link", name=words["start"]).click()
        expect(page.get_by_text(words["step"].format(n=1))).to_be_visible()
        expect(html).to_have_attribute("dir", words["dir"])
        expect(page.locator(".scale-order").first).to_contain_text(words["order"])
        assert _serious(page) == []

        _answer_page(page, 3)
        page.get_by_role("button", name=words["next"]).click()
        expect(page.get_by_text(words["step"].format(n=2))).to_be_visible()
        bar = page.locator(".progress-bar").bounding_box()
        track = page.locator(".progress").bounding_box()
        assert bar and track and bar["width"] < track["width"]
        if words["dir"] == "rtl":  # grows from the right edge, where the reader starts
            assert abs((bar["x"] + bar["width"]) - (track["x"] + track["width"])) < 1
        else:
            assert abs(bar["x"] - track["x"]) < 1
        page.locator("fieldset[data-type=likert]").first.locator("label").nth(1).click()
        expect(page.get_by_text(words["saved"])).to_be_visible()  # autosave
        shots = Path(os.environ.get("PILOTKIT_SCREENSHOTS") or tmp_path)  # to look at them
        page.screenshot(path=str(shots / f"form-{lang}-360.png"), full_page=True)
        page.reload()
        first = page.locator("fieldset[data-type=likert]").first.locator("input").nth(1)
        expect(first).to_be_checked()
        page.goto(f"{base}/f/{token}")  # the same link, the language from the cookie
        expect(page.get_by_text(words["step"].format(n=2))).to_be_visible()
        expect(html).to_have_attribute("dir", words["dir"])
        expect(first).to_be_checked()
        assert _serious(page) == []

        for step in range(2, 7):
            _answer_page(page, 4)
            name = words["submit"] if step == 6 else words["next"]
            page.get_by_role("button", name=name).click()
        expect(page.get_by_role("heading", name=words["done"])).to_be_visible()
        expect(html).to_have_attribute("dir", words["dir"])
        assert _serious(page) == []
        browser.close()


@pytest.mark.browser
@pytest.mark.slow
def test_every_platform_language_renders_and_passes_axe(tmp_path):
    """A page made of the platform's own texts (a link that is not valid) in each
    catalog's language: its script renders, its language is declared, axe is clean."""
    from playwright.sync_api import expect, sync_playwright

    from survey_server.i18n import Translator
    from survey_server.i18n.gettext_catalogs import catalog_codes

    database_url = f"sqlite:///{tmp_path / 'browser.sqlite3'}"
    seed_pilot(database_url, REPO_ROOT / "instruments" / "pilot-core.yaml", 1)  # a schema
    with live_server(database_url) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        context = browser.new_context(viewport={"width": 360, "height": 740})
        page = context.new_page()
        for code in catalog_codes():
            page.goto(f"{base}/f/no-such-link?lang={code}")
            expect(page.locator("html")).to_have_attribute("lang", code)
            title = Translator(code)("message.unknown.title")
            expect(page.get_by_role("heading", name=title)).to_be_visible()
            assert _serious(page) == [], code
        browser.close()
