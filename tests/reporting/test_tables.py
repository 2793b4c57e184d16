"""Report tables: numbers match the evaluation, privacy rules hold (groups under 5 hidden)."""

from __future__ import annotations

import pandas as pd
import pytest

from evaluation import evaluate
from evaluation.reporting import tables
from pilotkit.demo.scenarios import CRM_SCENARIO, YOUTH_SCENARIO, crm_notes
from pilotkit.demo.synthetic import Scenario, simulate_responses
from pilotkit.instruments import load_instrument


@pytest.fixture(scope="module")
def crm():
    inst = load_instrument("pilot-core")
    responses = simulate_responses(inst, CRM_SCENARIO)
    return inst, responses, evaluate(inst, responses, notes=crm_notes())


def test_overview_matches_the_result(crm) -> None:
    inst, _, result = crm
    overview = tables.dimension_overview(result, inst, "es")
    assert list(overview["id"]) == [d.id for d in inst.dimensions]
    ease = overview.set_index("id").loc["effortlessness"]
    assert ease["verdict"] == "declined" and ease["light"] == "red"
    assert ease["label"] == "Facilidad para hacer el trabajo"
    assert ease["mean_change"] == pytest.approx(
        result.dimension("effortlessness").comparison.mean_change
    )


def test_headline_in_plain_words(crm) -> None:
    _, _, result = crm
    head = tables.headline(result)
    assert head.verdict == "not_ready"
    assert head.title == "Not ready for a wider rollout"
    assert head.reasons == result.readiness.reasons


def test_likert_distribution_keeps_answers_as_given_and_sums_to_one(crm) -> None:
    inst, responses, _ = crm
    dist = tables.likert_distribution(inst, responses, "processes", "en")
    sums = dist.groupby(["label", "wave"])["share"].sum()
    assert sums.to_numpy() == pytest.approx(1.0)
    assert set(dist["wave"]) == {"before", "after"}
    # proc_3 is negatively worded: its raw 5s ("strongly agree I redo work") stay level 5,
    # "Strongly agree", and the question is marked as reversed
    raw = responses[(responses.item_id == "proc_3") & (responses.wave == "pre")]
    raw = raw[raw.value != ""].value.astype(int)
    label = inst.text(inst.item("proc_3").text, "en")
    rows = dist[(dist.label == label) & (dist.wave == "before")].set_index("level")
    assert rows.loc[5, "share"] == pytest.approx((raw == 5).mean())
    assert rows.loc[1, "share"] == pytest.approx((raw == 1).mean())
    assert rows["reverse"].all()
    assert not dist[dist.label != label]["reverse"].any()


def test_small_groups_are_suppressed() -> None:
    inst = load_instrument("pilot-core")
    responses = simulate_responses(inst, Scenario(participants=4, seed=3))
    assert tables.likert_distribution(inst, responses, "productivity", "en").empty
    assert tables.score_distribution(inst, responses, "en").empty
    result = evaluate(inst, responses)
    overview = tables.dimension_overview(result, inst, "en")
    assert overview["mean_change"].isna().all()
    assert set(overview["light"]) == {"none"}


def test_boolean_changes_youth_style() -> None:
    inst = load_instrument("youth-civic")
    responses = simulate_responses(inst, YOUTH_SCENARIO)
    result = evaluate(inst, responses)
    rates = tables.boolean_changes(result, inst, "en").set_index("id")
    knows = rates.loc["knows_311"]
    assert knows["pre_rate"] < 0.5 < knows["post_rate"]
    assert knows["verdict"] == "a real change"
    item = result.item("knows_311")
    assert knows["post_rate"] == pytest.approx(item.figures["post_rate"])


def test_boolean_rates_hidden_below_five() -> None:
    inst = load_instrument("youth-civic")
    responses = simulate_responses(inst, Scenario(participants=4, anonymous=True, seed=9))
    result = evaluate(inst, responses)
    rates = tables.boolean_changes(result, inst, "en")
    assert result.design.paired is False
    assert rates["pre_rate"].isna().all() and rates["post_rate"].isna().all()
    assert set(rates["verdict"]) == {"too few answers to show"}


def test_quotes_carry_no_names_and_skip_small_sessions() -> None:
    inst = load_instrument("pilot-core")
    notes = pd.DataFrame(
        {
            "dimension": ["productivity", "processes", "communication", "organization"],
            "sentiment": ["positive", "negative", "negative", "mixed"],
            "severity": ["none", "blocker", "major", "minor"],
            "text": ["a", "b", "c", "d"],
            "quote": ["Faster calls.", "Maria keeps fixing it for us.", "Too slow.", ""],
            "facilitator": ["Maria Lopez", "Maria Lopez", "Maria Lopez", "Maria Lopez"],
            "attendees": ["8", "8", "1", "8"],
        }
    )
    quotes = tables.selected_quotes(notes, inst, "en")
    assert quotes["quote"].tolist() == ["Faster calls."]
    assert set(quotes.columns) == {"label", "severity", "quote"}


def test_follow_up_actions_most_severe_first(crm) -> None:
    inst, _, _ = crm
    actions = tables.follow_up_actions(crm_notes(), inst, "en")
    assert actions["severity"].iloc[0] == "blocker"
    assert len(actions) == crm_notes()["follow_up"].ne("").sum()
