"""The report's catalogs: complete in every language, numbers written each language's way,
reasons rewritten from the findings (English exactly as in summary.json)."""

from __future__ import annotations

import json
import string

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from evaluation import evaluate
from evaluation.reporting import figures, html_blocks, tables
from evaluation.reporting.i18n import (
    LOCALES,
    UnknownLanguageError,
    load_catalog,
    placeholders,
    report_languages,
    texts,
)
from evaluation.reporting.parameters import ReportParameterError, check_language
from evaluation.reporting.reasons import areas_of_concern, readiness_reasons
from evaluation.result import METHODS
from pilotkit.demo.scenarios import CRM_SCENARIO, crm_notes
from pilotkit.demo.synthetic import Scenario, simulate_responses
from pilotkit.instruments import load_instrument

NBSP = "\u00a0"


def _catalogs() -> dict[str, dict]:
    return {lang: load_catalog(LOCALES / f"{lang}.yaml")[0] for lang in report_languages()}


def _fields(entry: str | dict[str, str]) -> set[str]:
    forms = entry.values() if isinstance(entry, dict) else [entry]
    return set().union(*(placeholders(text) for text in forms))


def test_english_and_spanish_catalogs_exist() -> None:
    assert {"en", "es"} <= set(report_languages())


def test_every_key_in_every_language_with_the_same_placeholders() -> None:
    catalogs = _catalogs()
    english = catalogs["en"]
    for lang, catalog in catalogs.items():
        assert sorted(set(english) - set(catalog)) == [], f"missing in {lang}"
        assert sorted(set(catalog) - set(english)) == [], f"only in {lang}"
        for key, entry in catalog.items():
            assert _fields(entry) == _fields(english[key]), f"{lang}: {key}"
            if isinstance(entry, dict):
                assert "other" in entry, f"{lang}: {key} needs an 'other' form"


def test_every_text_formats() -> None:
    """A stray brace in a translation would only fail in a report run; here it fails now."""
    for lang, catalog in _catalogs().items():
        for key, entry in catalog.items():
            for text in entry.values() if isinstance(entry, dict) else [entry]:
                list(string.Formatter().parse(text))  # raises on a bad brace
                assert text.strip(), f"{lang}: {key} is empty"


def test_methods_are_named_and_english_texts_are_summary_texts() -> None:
    m = texts("en")
    for name, text in METHODS.items():
        assert m(f"methods.text.{name}") == text
        for lang in report_languages():
            assert texts(lang)(f"methods.name.{name}")


def test_numbers_the_spanish_way() -> None:
    es, en = texts("es"), texts("en")
    assert es.percent(0.125, 1) == f"12,5{NBSP}%"
    assert en.percent(0.125, 1) == "12.5%"
    assert es.number(-0.5, "+.2f") == "-0,50"
    assert es("reasons.ci", level=0.95, low=-0.74, high=-0.43) == (
        f" (intervalo de confianza del 95{NBSP}%: de -0,74 a -0,43)"
    )
    assert es.plural("reasons.points", 1, value=1.0) == "1,00 punto"
    assert es.plural("reasons.points", 0.5, value=0.5) == "0,50 puntos"
    assert es.join(["A", "B", "C"]) == "A, B y C"


def test_a_code_the_catalog_does_not_know_is_shown_as_it_is() -> None:
    es = texts("es")
    assert es.get("severity.blocker", "blocker") == es("severity.blocker") != "blocker"
    assert es.get("severity.urgent", "urgent") == "urgent"
    with pytest.raises(KeyError, match=r"no text 'severity\.urgent'"):
        es("severity.urgent")


def test_what_is_not_a_language_code_is_one_clear_error() -> None:
    for code in ("", "../en", "EN", "e"):
        with pytest.raises(UnknownLanguageError, match=r"not a language code \(the report has"):
            texts(code)


def test_a_language_without_report_texts_is_read_in_english_text_by_text() -> None:
    arabic = texts("ar")
    assert (arabic.language, arabic.asked, arabic.falls_back) == ("en", "ar", True)
    assert arabic("headline.why") == texts("en")("headline.why") == "Why"
    assert arabic.number(0.5) == "0.50"  # English prose, English numbers
    assert not texts("es").falls_back


def test_a_text_a_catalog_lacks_comes_whole_from_english() -> None:
    from evaluation.reporting.i18n import Messages, NumberStyle

    english = texts("en")
    partial = Messages(
        "es",
        {"headline.why": "Por qué"},
        NumberStyle(decimal=","),
        fallback=english,
    )
    assert partial("headline.why") == "Por qué"
    # the whole sentence in English, its number the English way: never half of each
    assert partial("reasons.margin", margin=0.25) == "0.25"
    assert partial.plural("headline.answered", 2, n_before=2, n_after=1, both="") == (
        "2 people answered before the pilot, 1 after it."
    )


def test_the_report_languages_of_a_reader() -> None:
    from evaluation.reporting.i18n import report_languages_for

    plan = report_languages_for("ar", ["en", "es", "ar", "zh"])
    assert (plan.asked, plan.texts, plan.questions, plan.falls_back) == ("ar", "en", "ar", True)
    spanish = report_languages_for("es", ["en", "es"])
    assert (spanish.texts, spanish.questions, spanish.falls_back) == ("es", "es", False)


def test_a_language_cldr_does_not_know_is_one_clear_error() -> None:
    with pytest.raises(ReportParameterError) as info:
        check_language("xx", ["en", "es"])
    assert str(info.value) == (
        "language 'xx' cannot be used: it is not a language code CLDR knows; the report's "
        "texts exist in en, es, the instrument offers en, es"
    )
    check_language("es", ["en", "es"])
    check_language("ar", ["en", "ar"])  # English texts, Arabic questions
    check_language("km", ["en", "ar"])  # English texts and questions, and the report says so
    with pytest.raises(ReportParameterError):
        check_language("ar", None)  # no instrument: only the report's own languages


@pytest.fixture(scope="module")
def crm():
    inst = load_instrument("pilot-core")
    responses = simulate_responses(inst, CRM_SCENARIO)
    return inst, responses, evaluate(inst, responses, notes=crm_notes())


SCENARIOS = [
    Scenario(participants=1, seed=0),  # too few, untestable areas
    Scenario(participants=2, seed=1),  # inconclusive, weak reliability
    Scenario(participants=3, seed=0),  # mis-keyed item, high attrition
    Scenario(participants=8, seed=0),  # drop-outs differ
    Scenario(participants=60, attrition=0.0, effects=dict.fromkeys(["productivity"], 1.0)),
]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: f"n{s.participants}")
def test_english_reasons_read_as_in_summary(scenario: Scenario) -> None:
    inst = load_instrument("pilot-core")
    result = evaluate(inst, simulate_responses(inst, scenario))
    assert readiness_reasons(result, inst, "en") == result.readiness.reasons
    spanish = readiness_reasons(result, inst, "es")
    assert len(spanish) == len(result.readiness.reasons)
    for english_word in ("participants answered", "points", "Cronbach's alpha", "rule"):
        assert not any(english_word in reason for reason in spanish), english_word


def test_spanish_reasons_and_areas_of_concern(crm) -> None:
    inst, _, result = crm
    assert readiness_reasons(result, inst, "en") == result.readiness.reasons
    reasons = readiness_reasons(result, inst, "es")
    assert reasons[0].startswith("Facilidad para hacer el trabajo: bajó 0,")
    assert f"intervalo de confianza del 95{NBSP}%" in reasons[0]
    assert "preocupación bloqueante sobre Facilidad para hacer el trabajo" in reasons[1]
    areas = dict(areas_of_concern(result, inst, "es"))
    assert set(areas) == {
        "Facilidad para hacer el trabajo",
        "Impacto general en el trabajo",
        "Procesos y procedimientos",
    }
    head = tables.headline(result, inst, "es")
    assert head.title == "No está listo para el despliegue"


def test_findings_values_stay_out_of_summary(crm) -> None:
    _, _, result = crm
    summary = result.to_summary()
    assert all(
        set(f) == {"rule", "verdict", "reason", "dimension"}
        for f in summary["readiness"]["findings"]
    )
    assert "values" not in json.dumps(summary["readiness"])


def test_html_blocks_in_spanish(crm) -> None:
    inst, _, result = crm
    block = html_blocks.headline_block("Piloto", inst, result, "es")
    assert "<h2>Por qué</h2>" in block and "No está listo" in block
    assert "60 personas respondieron antes del piloto" in block
    overview = tables.dimension_overview(result, inst, "es")
    lights = html_blocks.traffic_light_block(overview, "es")
    assert "<th>Área</th>" in lights and "Empeoró" in lights and "+0," in lights
    methods = html_blocks.methods_block(result, {"alpha": 0.05}, "es")
    # 54 pairs and 6 who left: everyone is analysed (partially paired)
    assert "Diseño parcialmente pareado" in methods and "Nivel de significación: 0,05" in methods


def test_figure_words_and_numbers_in_spanish() -> None:
    figures.use_report_style()
    changes = pd.DataFrame(
        {
            "label": ["Productividad", "Facilidad"],
            "mean_change": [0.5, -0.45],
            "ci_low": [0.2, -0.7],
            "ci_high": [0.8, -0.2],
            "verdict": ["improved", "declined"],
        }
    )
    figure = figures.forest_plot(changes, unit="puntos", language="es")
    axis = figure.axes[0]
    figure.canvas.draw()
    assert axis.get_title(loc="left") == "Cómo cambió cada área"
    assert axis.get_xlabel().startswith("cambio entre antes y después del piloto (puntos)")
    ticks = [t.get_text() for t in axis.get_xticklabels() if t.get_text()]
    assert any("," in t for t in ticks) and not any("." in t for t in ticks)
    notes = [t.get_text() for t in axis.texts]
    assert "+0,50 · mejoró" in notes and "-0,45 · empeoró" in notes
    plt.close("all")
