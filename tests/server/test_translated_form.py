"""A language added through a translation file is offered by the participant form; one
still being translated is not, and the form says so."""

from __future__ import annotations

from pathlib import Path

import pytest

from pilotkit.instruments import load_instrument_file
from pilotkit.instruments.translations.exporting import export_translations
from pilotkit.instruments.translations.importing import (
    apply_translations,
    read_translation_file,
    write_instrument,
)
from tests.helpers import REPO_ROOT
from tests.instruments.translators import FILLERS, SUFFIX
from tests.server.conftest import ALL_TYPES

VIETNAMESE = {
    "title": "Mọi loại câu hỏi",
    "items.work_1.text": "Công việc của tôi dễ dàng.",
    "dimensions.work.label": "Công việc",
    "scale.labels.1": "Hoàn toàn không đồng ý",
}


def vietnamese(path: str, source: str) -> str:
    return VIETNAMESE.get(path, f"(vi) {source}")


def translated(tmp_path: Path, file_format: str, translate=vietnamese) -> Path:
    """export -> a translator's edit -> import, into a copy of the instrument file."""
    instrument = tmp_path / "all-types.yaml"
    instrument.write_bytes(ALL_TYPES.read_bytes())
    inst = load_instrument_file(instrument)
    out = tmp_path / f"all-types.vi{SUFFIX[file_format]}"
    export_translations(inst, "vi", file_format, out)
    FILLERS[file_format](out, translate)
    outcome = apply_translations(inst, read_translation_file(out))
    write_instrument(outcome.instrument, instrument, header_from=instrument)
    return instrument


@pytest.mark.parametrize("file_format", ["xliff", "po", "xlsx"])
def test_an_imported_language_is_offered_by_the_form(site, tmp_path, file_format):
    site.pilot(instrument=translated(tmp_path, file_format))
    [token] = site.tokens()
    intro = site.client.get(f"/f/{token}").text
    assert 'href="?lang=vi" lang="vi" hreflang="vi">Tiếng Việt</a>' in intro
    page = site.client.get(f"/f/{token}?page=1&lang=vi")
    assert '<html lang="vi" dir="ltr">' in page.text
    assert "<legend>Công việc của tôi dễ dàng.</legend>" in page.text
    assert "<h1>Công việc</h1>" in page.text and "Hoàn toàn không đồng ý" in page.text
    body = site.client.get(f"/api/v1/forms/{token}?lang=vi").json()
    assert body["languages"] == ["en", "es", "vi"] and body["language"] == "vi"
    assert body["title"] == "Mọi loại câu hỏi"


def test_a_language_still_being_translated_is_not_offered(site, tmp_path):
    half = translated(tmp_path, "po", lambda p, s: vietnamese(p, s) if "work" in p else None)
    inst = load_instrument_file(half)
    assert "vi" not in inst.languages and inst.translation_status == {"vi": "draft"}
    site.pilot(instrument=half)
    [token] = site.tokens()
    intro = site.client.get(f"/f/{token}?lang=vi")
    assert intro.status_code == 200 and '<html lang="en" dir="ltr">' in intro.text
    assert "?lang=vi" not in intro.text
    assert (
        '<p class="notice" role="status">This questionnaire is not available in Tiếng Việt yet, '
        "so it is shown in English.</p>"
    ) in intro.text
    spanish = site.client.get(f"/f/{token}?lang=vi", headers={"accept-language": "es"}).text
    assert "todavía no está disponible en Tiếng Việt; por eso se muestra en Español" in spanish
    body = site.client.get(f"/api/v1/forms/{token}?lang=vi").json()
    assert body["language"] == "en" and body["languages"] == ["en", "es"]


def test_a_language_of_the_platform_the_questionnaire_lacks_is_named_not_skipped(site):
    site.pilot(instrument=REPO_ROOT / "instruments" / "pilot-core.yaml")
    [token] = site.tokens()
    intro = site.client.get(f"/f/{token}?lang=km").text
    assert '<html lang="en" dir="ltr">' in intro
    assert "This questionnaire is not available in ខ្មែរ yet, so it is shown in English." in intro
    unknown = site.client.get(f"/f/{token}?lang=xx").text
    assert "not available in" not in unknown


@pytest.mark.parametrize(("lang", "word"), [("ar", "الإنتاجية"), ("zh", "工作效率")])
def test_pilot_core_offers_its_arabic_and_chinese_drafts(site, lang, word):
    site.pilot(instrument=REPO_ROOT / "instruments" / "pilot-core.yaml")
    [token] = site.tokens()
    intro = site.client.get(f"/f/{token}").text
    assert f'href="?lang={lang}" lang="{lang}"' in intro
    page = site.client.get(f"/f/{token}?page=1&lang={lang}").text
    direction = "rtl" if lang == "ar" else "ltr"
    assert f'<html lang="{lang}" dir="{direction}">' in page and f"<h1>{word}</h1>" in page
