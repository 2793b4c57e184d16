"""`-p language es` gives a report entirely in Spanish; English stays as it was."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

from evaluation.reporting.runner import ReportRequest, run_report
from tests.helpers import REPO_ROOT
from tests.reporting.conftest import evaluate_json, report_error_line

pytestmark = pytest.mark.slow
INSTRUMENT = REPO_ROOT / "instruments" / "pilot-core.yaml"

#: Words of the report itself that must not reach a Spanish reader (data such as the
#: facilitators' notes and quotes stay in the language they were written in).
ENGLISH = [
    "Not ready",
    "Ready for",
    ">Why<",
    "Areas of concern",
    "people answered",
    "both times",
    "Area by area",
    "Each dot is",
    "Everyone's scores",
    "The questions behind each area",
    "Who took part",
    "What the focus groups said",
    "In their words",
    "Follow-up actions",
    "How this report was made",
    "Significance level",
    "Parameters of this run",
    "Improved",
    "Held steady",
    "Got worse",
    "Focus groups raised",
    "declined by",
    "points on a",
    "did not answer after it",
    "Those who left",
    "design;",
    "Reverse-coded items",
    "Rollout readiness report",
    "<th>Area</th>",
    "<th>Status</th>",
    "<th>Severity</th>",
    "major concern",
    "blocker concern",
]
ENGLISH_FOCUS_GROUPS = [
    "Focus groups:",
    "notes from the sessions",
    "Concerns by area and severity",
    "Sentiment balance",
    "Themes per area",
    "Quotes and follow-up actions",
    "negative:",
    "positive:",
]


def _run(pilot_files: dict[str, Path], language: str):
    return run_report(
        ReportRequest(
            pilot="crm",
            instrument=INSTRUMENT,
            responses=pilot_files["responses"],
            notes=pilot_files["notes"],
            overrides={"pilot_name": "Piloto CRM", "language": language},
            out_root=pilot_files["folder"] / "reports",
            run_id=f"run-{language}",
        ),
        progress=False,
    )


@pytest.fixture(scope="module")
def spanish(pilot_files):
    return _run(pilot_files, "es")


@pytest.fixture(scope="module")
def english(pilot_files):
    return _run(pilot_files, "en")


def _text(page: str) -> str:
    """What a reader sees: no style, scripts or tags."""
    page = re.sub(r"<(style|script)\b.*?</\1>", " ", page, flags=re.S)
    page = re.sub(r'<html lang="[^"]*">', " ", page)
    page = re.sub(r"</?span\b[^>]*>", "", page)  # a note marked with its language
    return html.unescape(page)


def test_spanish_report_is_in_spanish(spanish) -> None:
    page = spanish.report_html.read_text(encoding="utf-8")
    assert '<html lang="es">' in page
    assert "<title>Informe de preparación para el despliegue</title>" in page
    text = _text(page)
    for spanish_text in (
        "No está listo para el despliegue",
        "Por qué",
        "Áreas que requieren atención antes del despliegue",
        "Área por área",
        "Las preguntas de cada área",
        "Quiénes participaron",
        "Qué dijeron los grupos focales",
        "Cómo se elaboró este informe",
        "Facilidad para hacer el trabajo: bajó 0,",
        "intervalo de confianza del 95\u00a0%",
    ):
        assert spanish_text in text, spanish_text
    found = [phrase for phrase in ENGLISH if phrase in text]
    assert found == []


def test_spanish_focus_groups_page(spanish) -> None:
    page = spanish.html[1].read_text(encoding="utf-8")
    assert '<html lang="es">' in page
    text = _text(page)
    assert "Grupos focales: Piloto CRM" in text and "Temas por área" in text
    found = [phrase for phrase in ENGLISH_FOCUS_GROUPS if phrase in text]
    assert found == []


def test_summary_is_the_same_bytes_in_every_language(spanish, english, pilot_files) -> None:
    expected = evaluate_json(pilot_files)
    assert spanish.summary.read_bytes() == expected
    assert english.summary.read_bytes() == expected


def test_english_report_keeps_its_words(english) -> None:
    page = english.report_html.read_text(encoding="utf-8")
    assert '<html lang="en">' in page
    assert "<title>Rollout readiness report</title>" in page
    text = _text(page)
    summary = json.loads(english.summary.read_text())
    for reason in summary["readiness"]["reasons"]:
        assert reason in text, reason
    for heading in (
        "Not ready for a wider rollout",
        "Area by area",
        "Everyone's scores, before and after",
        "Who took part",
        "What the focus groups said",
        "How this report was made",
        "people answered before the pilot",
    ):
        assert heading in text, heading


def test_unsupported_language_is_one_clear_error(pilot_files) -> None:
    line = report_error_line(pilot_files, "language", "xx")
    assert (
        "language 'xx' cannot be used: it is not a language code CLDR knows; the report's "
        "texts exist in en, es, the instrument offers en, es, ar, zh" in line
    )


def test_notes_stay_as_written_marked_with_their_language(spanish) -> None:
    page = spanish.report_html.read_text(encoding="utf-8")
    # the facilitators wrote in English (the instrument's default language): their
    # words are kept, marked as English for readers and screen readers
    assert '<span lang="en">Cases for three partner departments' in page
    assert "(escrito en inglés)" in _text(page)
    assert "Informe del " in _text(page) and " de 20" in _text(page)  # a date, Spanish way


@pytest.fixture(scope="module")
def arabic(pilot_files):
    return _run(pilot_files, "ar")


#: Spanish words of the report: a reader of Arabic gets English texts, never Spanish ones.
SPANISH_WORDS = ["Por qué", "Área por área", "Quiénes participaron", "No está listo"]


def test_a_language_without_report_texts_gets_english_texts_and_its_own_questions(
    arabic,
) -> None:
    from pilotkit.instruments import load_instrument

    page = arabic.report_html.read_text(encoding="utf-8")
    assert '<html lang="en">' in page  # the report's own words
    assert "<title>Rollout readiness report</title>" in page
    text = _text(page)
    assert (
        "Report texts: English (Arabic, العربية, not yet available); questions and "
        "answers in Arabic (العربية)." in text
    )
    for heading in ("Not ready for a wider rollout", "Area by area", "Who took part"):
        assert heading in text, heading
    assert [word for word in SPANISH_WORDS if word in text] == []
    instrument = load_instrument("pilot-core")
    for dimension in instrument.dimensions:
        assert instrument.text(dimension.label, "ar") in text
    title = instrument.text(instrument.title, "ar")
    # the title is marked as Arabic (the exporter writes attributes in its own order)
    assert re.search(f'<span (?=[^>]*lang="ar")(?=[^>]*dir="auto")[^>]*>{title}</span>', page)
    assert 'lang="ar"' not in page.split("<body", 1)[0]


def test_the_run_records_which_language_each_part_is_in(arabic, spanish, pilot_files) -> None:
    record = json.loads((arabic.run_dir / "run.json").read_text(encoding="utf-8"))
    assert record["languages"] == {"asked": "ar", "texts": "en", "questions": "ar"}
    spanish_record = json.loads((spanish.run_dir / "run.json").read_text(encoding="utf-8"))
    assert spanish_record["languages"] == {"asked": "es", "texts": "es", "questions": "es"}
    # summary.json stays the same bytes whatever the reader's language
    assert arabic.summary.read_bytes() == evaluate_json(pilot_files)


def test_arabic_labels_in_figures_stay_text(arabic) -> None:
    from pilotkit.instruments import load_instrument

    instrument = load_instrument("pilot-core")
    figure = (arabic.run_dir / "figures" / "change_by_area.svg").read_text(encoding="utf-8")
    label = instrument.text(instrument.dimensions[0].label, "ar")
    assert label in figure and "<text" in figure
    assert "change from before to after the pilot" in figure  # the axis in English


def test_the_arabic_report_has_no_spanish_page_either(arabic) -> None:
    page = arabic.html[1].read_text(encoding="utf-8")
    assert '<html lang="en">' in page
    assert "Focus groups:" in _text(page)
    assert "Report texts: English (Arabic, العربية, not yet available)" in _text(page)
