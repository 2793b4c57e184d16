"""The margin a report used, where it came from, and the plain sentence when it was
changed after the follow-up wave had answers, in English and Spanish; every rule of the
verdict written in Spanish (no English reason left in a Spanish report)."""

from __future__ import annotations

import json
import re

import pytest

from evaluation import evaluate
from evaluation.readiness import Finding
from evaluation.reporting import html_blocks
from evaluation.reporting.i18n import texts
from evaluation.reporting.parameters import ReportParameterError, check_report_parameters
from evaluation.reporting.reasons import area_labels, finding_text, readiness_reasons
from evaluation.summary_io import write_summary
from pilotkit.demo.scenarios import CRM_SCENARIO, crm_notes
from pilotkit.demo.synthetic import Scenario, simulate_responses
from pilotkit.instruments import load_instrument

CHANGED_EN = "The margin was changed after answers to the follow-up wave came in."
CHANGED_ES = "El margen se cambió después de que llegaran respuestas de la ronda posterior."


@pytest.fixture(scope="module")
def crm():
    inst = load_instrument("pilot-core")
    return inst, simulate_responses(inst, CRM_SCENARIO)


def test_a_pilots_margin_changed_after_data_is_said_in_both_languages(crm, tmp_path) -> None:
    inst, responses = crm
    result = evaluate(
        inst, responses, margin=0.3, margin_source="pilot", margin_changed_after_data=True
    )
    write_summary(result, tmp_path / "summary.json")
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["margin"] == 0.3
    assert summary["margin_source"] == "pilot"
    assert summary["margin_changed_after_data"] is True
    assert "margin_changed_after_data" in [f["rule"] for f in summary["readiness"]["findings"]]

    english = html_blocks.headline_block("Pilot", inst, result, "en")
    assert "The margin (0.3 points) was changed after answers to the follow-up wave" in english
    methods = html_blocks.methods_block(result, {"margin": 0.3}, "en")
    assert "margin 0.3 points, the pilot&#x27;s setting." in methods or (
        "margin 0.3 points, the pilot's setting." in methods
    )
    assert CHANGED_EN in methods

    spanish = html_blocks.headline_block("Piloto", inst, result, "es")
    assert "El margen (0,3 puntos) se cambió después de que llegaran respuestas" in spanish
    methods_es = html_blocks.methods_block(result, {"margin": 0.3}, "es")
    assert "margen: 0,3 puntos, el valor fijado para el piloto." in methods_es
    assert CHANGED_ES in methods_es


def test_an_unchanged_margin_says_nothing_more(crm) -> None:
    inst, responses = crm
    result = evaluate(inst, responses, margin=0.3, margin_source="pilot")
    assert result.to_summary()["margin_changed_after_data"] is False
    methods = html_blocks.methods_block(result, {"margin": 0.3}, "es")
    assert "el valor fijado para el piloto" in methods and CHANGED_ES not in methods
    assert not any("se cambió después" in r for r in readiness_reasons(result, inst, "es"))
    analyst = evaluate(inst, responses, margin=0.3)
    assert analyst.to_summary()["margin_source"] == "analyst"
    assert "el valor fijado" not in html_blocks.methods_block(analyst, {}, "es")


def test_margin_source_is_checked(tmp_path) -> None:
    responses = tmp_path / "r.csv"
    responses.write_text("participant_id\n")
    with pytest.raises(ReportParameterError, match="margin_source must be pilot or analyst"):
        check_report_parameters(
            responses_path=str(responses), instrument_path="pilot-core", margin_source="boss"
        )


#: A finding of every rule of the verdict, with the values `evaluation.readiness` gives it.
_SCALE = {"scale_min": 1, "scale_max": 5, "level": 0.95}
_CHANGE = {**_SCALE, "change": -0.42, "ci_low": -0.71, "ci_high": -0.13}
EVERY_RULE = [
    Finding(
        "too_few_respondents",
        "insufficient_data",
        "Only 3 ...",
        None,
        {"n": 3, "wave": "pre", "minimum": 10},
    ),
    Finding("too_few_pairs", "insufficient_data", "Only 3 ...", None, {"n": 3, "minimum": 10}),
    Finding(
        "nothing_measured",
        "insufficient_data",
        "Nothing ...",
        None,
        {"n_dimensions": 0, "n_items": 0},
    ),
    Finding(
        "dimension_declined", "not_ready", "x declined", "productivity", {**_CHANGE, "margin": 0.25}
    ),
    Finding(
        "item_declined",
        "not_ready",
        "Question",
        None,
        {"item": "'q1'", "pre_rate": 0.9, "post_rate": 0.2, "p_adjusted": 0.001},
    ),
    Finding(
        "item_declined",
        "conditional",
        "Question",
        "productivity",
        {"item": "'prod_1'", "pre_mean": 3.1, "post_mean": 2.5, "p_adjusted": 0.01},
    ),
    Finding(
        "dimension_inconclusive",
        "conditional",
        "x",
        "productivity",
        {
            **_CHANGE,
            "testable": True,
            "n_pre": 9,
            "n_post": 9,
            "n_paired": 9,
            "n": 9,
            "margin": 0.25,
        },
    ),
    Finding(
        "dimension_inconclusive",
        "conditional",
        "x",
        "productivity",
        {
            **_CHANGE,
            "testable": True,
            "n_pre": 9,
            "n_post": 9,
            "n_paired": 9,
            "n": 9,
            "margin": None,
        },
    ),
    Finding(
        "dimension_inconclusive",
        "conditional",
        "x",
        "productivity",
        {
            **_SCALE,
            "change": None,
            "ci_low": None,
            "ci_high": None,
            "testable": False,
            "n_pre": 1,
            "n_post": 1,
            "n_paired": 1,
            "n": 1,
            "margin": 0.25,
        },
    ),
    Finding("no_positive_evidence", "conditional", "The questionnaire", None, {"tested": 4}),
    Finding(
        "low_response_rate",
        "conditional",
        "Only 30%",
        None,
        {"wave": "pre", "rate": 0.3, "n": 30, "invited": 100, "minimum": 0.5},
    ),
    Finding("margin_changed_after_data", "conditional", "The margin", None, {"margin": 0.3}),
    Finding("margin_changed_after_data", "conditional", "The margin", None, {"margin": None}),
    Finding(
        "weak_reliability",
        "conditional",
        "x",
        "productivity",
        {"reliability": 0.6, "threshold": 0.7},
    ),
    Finding("miskeyed_item", "conditional", "x", "productivity", {"items": ["prod_2"]}),
    Finding(
        "high_attrition",
        "conditional",
        "x",
        None,
        {"rate": 0.4, "n_dropouts": 4, "n_baseline": 10, "level": "red", "threshold": 0.3},
    ),
    Finding(
        "dropout_difference",
        "conditional",
        "x",
        "productivity",
        {"difference": -0.8, "n_dropouts": 4, "n_completers": 20},
    ),
    Finding(
        "major_concern",
        "conditional",
        "Focus groups",
        "productivity",
        {"severity": "major", "dimensions": ["productivity"], "text": ""},
    ),
    Finding(
        "blocker_concern",
        "not_ready",
        "Focus groups",
        "productivity",
        {"severity": "blocker", "dimensions": ["productivity"], "text": ""},
    ),
    Finding("small_decline", "ready", "x fell", "productivity", {**_CHANGE, "margin": 0.5}),
    Finding(
        "positive_evidence",
        "ready",
        "Every area",
        None,
        {"dimensions": {"productivity": "improved", "processes": "no_change"}},
    ),
    Finding("positive_evidence", "ready", "2 of 3", None, {"improved": ["q1", "q2"], "tested": 3}),
    Finding("response_rate_unknown", "ready", "The response rate", None, {"minimum": 0.5}),
]
ENGLISH = re.compile(
    r"\b(the|and|of|was|were|after|before|points?|margin|than|with|answered|people|not|"
    r"could|tested|questions?|area|improved|held|steady|fell|rose|declined|scale|wave|"
    r"focus|concern)\b",
    re.IGNORECASE,
)


@pytest.mark.parametrize("finding", EVERY_RULE, ids=lambda f: f.rule)
def test_every_rule_reads_in_spanish(finding: Finding) -> None:
    inst = load_instrument("pilot-core")
    result = evaluate(inst, simulate_responses(inst, Scenario(participants=12, seed=1)))
    labels = area_labels(result, inst, "es")
    spanish = finding_text(finding, labels, texts("es"))
    english = finding_text(finding, area_labels(result, inst, "en"), texts("en"))
    assert spanish != english
    assert not ENGLISH.findall(spanish), spanish


def test_a_spanish_report_with_notes_keeps_only_the_notes_in_english(crm) -> None:
    inst, responses = crm
    result = evaluate(
        inst, responses, notes=crm_notes(), margin_changed_after_data=True, invited=200
    )
    # English reads as summary.json says, the margin's sentence included
    assert readiness_reasons(result, inst, "en") == result.readiness.reasons
    notes = {str(text) for text in crm_notes()["text"] if text}
    for reason in readiness_reasons(result, inst, "es"):
        for note in notes:
            reason = reason.replace(note, "")
        assert not ENGLISH.findall(reason), reason


def test_an_area_without_a_margin_is_not_given_one_in_words() -> None:
    inst = load_instrument("pilot-core")
    result = evaluate(inst, simulate_responses(inst, Scenario(participants=12, seed=1)))
    (finding,) = [
        f
        for f in EVERY_RULE
        if f.rule == "dimension_inconclusive"
        and f.values.get("testable")
        and f.values.get("margin") is None
    ]
    for language in ("en", "es"):
        text = finding_text(finding, area_labels(result, inst, language), texts(language))
        assert "(n = 9)" in text, text
        assert "margin points" not in text and "no calculable" not in text
