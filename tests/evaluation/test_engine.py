"""`evaluation.evaluate` through its Python API: scoring, design, verdicts, items, notes,
attrition and readiness on small tables whose right answers are worked out by hand."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from evaluation import EvaluationInputError, ReadinessRules, evaluate, scores_frame
from evaluation.prepare import prepare_answers
from evaluation.scoring import decide_design
from tests.evaluation.conftest import responses_frame

FOUR = [{"id": f"q{i}", "type": "likert", "dimension": "work"} for i in range(4)]


def _likert_rows(
    n: int,
    pre_mean: float,
    post_mean: float,
    *,
    seed: int = 7,
    prefix: str = "p",
    post_prefix: str | None = None,
    noise: float = 0.6,
):
    """n participants x 4 items (dimension `work`), both waves, fixed seed."""
    rng = np.random.default_rng(seed)
    rows = []
    person = rng.normal(0, 0.9, n)
    for wave, mean, pfx in (("pre", pre_mean, prefix), ("post", post_mean, post_prefix or prefix)):
        values = np.clip(np.rint(mean + person[:, None] + rng.normal(0, noise, (n, 4))), 1, 5)
        for p in range(n):
            for i in range(4):
                rows.append((f"{pfx}{p}", wave, f"q{i}", str(int(values[p, i]))))
    return rows


def test_reverse_coding_and_the_half_rule(make_instrument):
    items = [*FOUR[:3], {"id": "q3", "type": "likert", "dimension": "work", "reverse": True}]
    instrument = make_instrument(items, ["work"])
    rows = [
        # p1: q0=2, q3=5 (reverse: 1) -> 2 of 4 answered -> score (2 + 1) / 2
        ("p1", "pre", "q0", "2"),
        ("p1", "pre", "q3", "5"),
        ("p1", "pre", "q1", ""),
        # p2: only q0 answered -> 1 of 4, below half -> no score
        ("p2", "pre", "q0", "4"),
        # p3: "4.0" is the scale point 4
        ("p3", "pre", "q0", "4.0"),
        ("p3", "pre", "q1", "4"),
        ("p3", "pre", "q2", "3"),
    ]
    scores = scores_frame(prepare_answers(instrument, responses_frame(rows)), ("pre", "post"))
    by_person = dict(zip(scores["participant_id"], scores["score"], strict=True))
    assert by_person == {"p1": pytest.approx(1.5), "p3": pytest.approx(11 / 3)}


def test_design_uses_everyone_when_only_some_are_linked(make_instrument):
    instrument = make_instrument(FOUR, ["work"])
    rows = _likert_rows(10, 3, 3, prefix="a") + _likert_rows(10, 3, 3, prefix="b", seed=2)
    # 10 linked pairs a*, plus 10 linked pairs b*: 20 pairs of 20 -> paired
    design = decide_design(prepare_answers(instrument, responses_frame(rows)))
    assert design.paired and design.n_paired == 20
    # 4 linked of 10 pre / 14 post -> partially paired: everyone is analysed
    rows = [r for r in _likert_rows(10, 3, 3, post_prefix="x") if True]
    rows += [(f"p{p}", "post", "q0", "3") for p in range(4)]
    answers = prepare_answers(instrument, responses_frame(rows))
    design = decide_design(answers)
    assert (design.n_paired, design.partial, design.n_pre_only) == (4, True, 6)
    assert design.name == "partially_paired"
    assert design.n == {"pre": 10, "post": 14} and design.n_post_only == 10
    # the earlier rule (kept for comparison) switched to unpaired below half
    assert decide_design(answers, legacy=True).name == "unpaired"


def test_clear_improvement_is_improved_and_ready(make_instrument):
    instrument = make_instrument(FOUR, ["work"])
    result = evaluate(instrument, responses_frame(_likert_rows(40, 2.5, 3.5)))
    (dimension,) = result.dimensions
    assert dimension.verdict == "improved"
    summary = result.to_summary()
    assert summary["dimensions"][0]["mean_change"] == pytest.approx(
        summary["dimensions"][0]["post_mean"] - summary["dimensions"][0]["pre_mean"]
    )
    assert result.readiness.verdict == "ready"
    assert result.readiness.reasons[0].startswith("Every area improved or was shown not to")


def test_decline_is_not_ready_with_a_plain_reason(make_instrument):
    instrument = make_instrument(FOUR, ["work"])
    result = evaluate(instrument, responses_frame(_likert_rows(40, 3.8, 3.2)))
    (dimension,) = result.dimensions
    assert dimension.verdict == "declined"
    c = dimension.comparison
    expected = (
        f"Work declined by {abs(c.mean_change):.2f} points on a 1-5 scale "
        f"(95% CI {c.ci_low:.2f} to {c.ci_high:.2f})"
    )
    assert result.readiness.verdict == "not_ready"
    assert any(r.startswith(expected) for r in result.readiness.reasons)
    assert result.readiness.areas_of_concern[0].dimension == "work"


def test_equivalence_gives_no_change_and_margin_is_overridable(make_instrument):
    instrument = make_instrument(FOUR, ["work"])
    rows = _likert_rows(300, 3, 3, noise=0.3)
    result = evaluate(instrument, responses_frame(rows))
    (dimension,) = result.dimensions
    c = dimension.comparison
    assert dimension.verdict == "no_change"
    assert -dimension.margin < c.equivalence_ci_low
    # the default margin: 0.25 points on a 1-5 scale
    assert dimension.margin == 0.25 and dimension.margin_source == "default"
    tiny = evaluate(instrument, responses_frame(rows), margin=1e-4)
    assert tiny.dimensions[0].verdict == "inconclusive"
    assert tiny.to_summary()["dimensions"][0]["equivalence_margin"] == 1e-4


def test_dimension_without_items_or_data_is_inconclusive_with_nulls(make_instrument):
    items = [*FOUR, {"id": "free", "type": "text", "dimension": "empty"}]
    instrument = make_instrument(items, ["work", "empty"])
    summary = evaluate(instrument, responses_frame(_likert_rows(12, 3, 4))).to_summary()
    empty = summary["dimensions"][1]
    assert empty["id"] == "empty" and empty["verdict"] == "inconclusive"
    assert empty["n_pre"] == 0 and empty["pre_mean"] is None and empty["p_value"] is None
    assert empty["p_adjusted"] is None and empty["reliability_alpha"] is None
    json.dumps(summary, allow_nan=False)


def test_item_types_paired(make_instrument):
    items = [
        *FOUR,
        {"id": "yes", "type": "boolean"},
        {
            "id": "pick",
            "type": "single",
            "choices": [{"value": "a", "label": "A"}, {"value": "b", "label": "B"}],
        },
        {
            "id": "many",
            "type": "multi",
            "choices": [{"value": "x", "label": "X"}, {"value": "y", "label": "Y"}],
        },
        {"id": "hours", "type": "number", "min": 0, "max": 80},
        {"id": "say", "type": "text"},
        {"id": "intro", "type": "note"},
    ]
    instrument = make_instrument(items, ["work"])
    rows = _likert_rows(12, 3, 3)
    for p in range(12):
        rows += [
            (f"p{p}", "pre", "yes", "no" if p < 10 else "1"),
            (f"p{p}", "post", "yes", "true" if p < 9 else "0"),
            (f"p{p}", "pre", "pick", "a"),
            (f"p{p}", "post", "pick", "b" if p % 2 else "a"),
            (f"p{p}", "pre", "many", "x y" if p < 6 else "x"),
            (f"p{p}", "post", "many", "y"),
            (f"p{p}", "pre", "hours", "40"),
            (f"p{p}", "post", "hours", "38.5"),
            (f"p{p}", "post", "say", "ok" if p < 3 else ""),
        ]
    summary = evaluate(instrument, responses_frame(rows)).to_summary()
    items_by_id = {i["id"]: i for i in summary["items"]}
    assert set(items_by_id) == {"q0", "q1", "q2", "q3", "yes", "pick", "many", "hours"}
    yes = items_by_id["yes"]
    assert yes["test"] == "mcnemar_exact"
    assert (yes["pre_rate"], yes["post_rate"]) == (pytest.approx(2 / 12), pytest.approx(9 / 12))
    # discordant pairs: 9 became yes (p0..p8), 2 became no (p10, p11) -> binomial(2; 11)
    from scipy.stats import binomtest

    assert yes["p_value"] == pytest.approx(binomtest(9, 11, 0.5).pvalue)
    pick = items_by_id["pick"]
    assert pick["pre_distribution"] == {"a": 1.0, "b": 0.0}
    assert pick["post_distribution"] == {"a": 0.5, "b": 0.5}
    assert pick["test"] == "fisher_exact"  # expected counts below 5
    # Stuart-Maxwell on 2 choices is McNemar's chi-square without correction: 6 a->b, 0 b->a
    from scipy.stats import chi2

    marginal = pick["marginal_homogeneity"]
    assert (marginal["statistic"], marginal["df"]) == (pytest.approx(6.0), 1.0)
    assert marginal["p_value"] == pytest.approx(chi2.sf(6.0, 1))
    many = items_by_id["many"]
    assert many["pre_choice_rates"] == {"x": 1.0, "y": 0.5}
    assert many["post_choice_rates"] == {"x": 0.0, "y": 1.0}
    assert many["test"] is None and many["p_value"] is None
    hours = items_by_id["hours"]
    assert (hours["pre_mean"], hours["post_mean"]) == (40.0, 38.5)
    assert hours["test"] == "wilcoxon" and hours["share_declined"] == 1.0
    assert summary["text_items"] == [{"id": "say", "answered": {"pre": 0, "post": 3}}]
    tested = [i["p_value"] for i in summary["items"]]
    from evaluation.multiplicity import benjamini_hochberg

    assert [i["p_adjusted"] for i in summary["items"]] == benjamini_hochberg(tested)


def test_attrition_rate_flag_and_completer_comparison(make_instrument):
    instrument = make_instrument(FOUR, ["work"])
    rows = _likert_rows(40, 3, 3.6)
    rows = [r for r in rows if not (r[1] == "post" and int(r[0][1:]) >= 30)]  # 10 of 40 leave
    result = evaluate(instrument, responses_frame(rows))
    attrition = result.to_summary()["attrition"]
    assert attrition["applicable"] and attrition["rate"] == 0.25 and attrition["level"] == "amber"
    assert attrition["dimensions"][0]["n_completers"] == 30
    assert attrition["dimensions"][0]["n_dropouts"] == 10
    assert result.readiness.verdict == "conditional"
    assert any("25% of the participants" in r for r in result.readiness.reasons)
    lenient = evaluate(instrument, responses_frame(rows), rules=ReadinessRules(attrition_amber=0.3))
    assert not any("did not answer after" in r for r in lenient.readiness.reasons)


def test_too_few_respondents_is_insufficient_data(make_instrument):
    instrument = make_instrument(FOUR, ["work"])
    result = evaluate(instrument, responses_frame(_likert_rows(6, 2, 4)))
    assert result.readiness.verdict == "insufficient_data"
    assert result.readiness.reasons[0].startswith("Only 6 participants answered the 'pre' wave")


def test_focus_group_notes_drive_readiness(make_instrument, tmp_path):
    from evaluation import read_notes

    instrument = make_instrument(FOUR, ["work"])
    notes_path = tmp_path / "notes.csv"
    pd.DataFrame(
        {
            "dimension": ["work", "work; general", "general"],
            "sentiment": ["negative", "Negative", "positive"],
            "severity": ["major", "blocker", "none"],
            "text": ["Queue screen freezes", "No offline mode at the depots", ""],
        }
    ).to_csv(notes_path, index=False)
    notes = read_notes(notes_path)
    result = evaluate(instrument, responses_frame(_likert_rows(40, 2.5, 3.5)), notes=notes)
    assert result.readiness.verdict == "not_ready"
    reasons = result.readiness.reasons
    assert reasons[0] == (
        "Focus groups raised a blocker concern about Work, the pilot in general: "
        "No offline mode at the depots."
    )
    assert any("major concern about Work: Queue screen freezes" in r for r in reasons)
    areas = {a.dimension for a in result.readiness.areas_of_concern}
    assert areas == {"work", "general"}
    summary = result.to_summary()
    assert summary["notes"]["by_dimension"]["work"]["severity"]["blocker"] == 1


def test_notes_with_unknown_dimension_or_severity_are_refused(make_instrument, tmp_path):
    from evaluation import read_notes

    instrument = make_instrument(FOUR, ["work"])
    bad = tmp_path / "bad.csv"
    bad.write_text("dimension,sentiment,severity\nwork,negative,minor\nwrk,negative,major\n")
    with pytest.raises(EvaluationInputError, match=r"bad.csv: line 3: unknown dimension 'wrk'"):
        evaluate(instrument, responses_frame(_likert_rows(12, 3, 3)), notes=read_notes(bad))
    bad.write_text("dimension,sentiment,severity\nwork,negative,critical\n")
    with pytest.raises(EvaluationInputError, match=r"line 2: severity 'critical' is not one of"):
        read_notes(bad)
    bad.write_text("dimension,sentiment\nwork,negative\n")
    with pytest.raises(EvaluationInputError, match=r"missing column\(s\) 'severity'"):
        read_notes(bad)


def test_other_refusals(make_instrument):
    instrument = make_instrument(
        [*FOUR, {"id": "intro", "type": "note"}, {"id": "yes", "type": "boolean"}], ["work"]
    )
    with pytest.raises(EvaluationInputError, match="row 1: item 'intro' is a note"):
        evaluate(instrument, responses_frame([("p1", "pre", "intro", "hello")]))
    with pytest.raises(EvaluationInputError, match="row 1: item 'yes': value '2' is not a yes/no"):
        evaluate(instrument, responses_frame([("p1", "pre", "yes", "2")]))
    with pytest.raises(EvaluationInputError, match=r"alpha must lie between 0 and 0\.5"):
        evaluate(instrument, responses_frame([("p1", "pre", "q0", "2")]), alpha=0.7)


def test_instrument_waves_name_the_baseline_and_follow_up(make_instrument):
    from pilotkit.instruments import instrument_from_mapping
    from tests.evaluation.conftest import instrument_mapping

    mapping = instrument_mapping(FOUR, ["work"])
    mapping["waves"] = [{"id": "baseline"}, {"id": "mid"}, {"id": "followup"}]
    instrument = instrument_from_mapping(mapping, "test")
    rows = [
        (p, {"pre": "baseline", "post": "followup"}[w], i, v)
        for p, w, i, v in _likert_rows(15, 2.5, 3.5)
    ]
    summary = evaluate(instrument, responses_frame(rows)).to_summary()
    assert summary["waves"] == {"baseline": {"n": 15}, "mid": {"n": 0}, "followup": {"n": 15}}
    assert (summary["baseline_wave"], summary["follow_up_wave"]) == ("baseline", "followup")
    with pytest.raises(EvaluationInputError, match="unknown wave 'pre'"):
        evaluate(instrument, responses_frame(_likert_rows(3, 3, 3)))


def test_summary_is_reproducible(make_instrument):
    instrument = make_instrument(FOUR, ["work"])
    frame = responses_frame(_likert_rows(25, 3, 3.3))
    first = json.dumps(evaluate(instrument, frame).to_summary(), allow_nan=False)
    second = json.dumps(evaluate(instrument, frame.sample(frac=1, random_state=3)).to_summary())
    assert first == second


def test_dropouts_who_differed_at_baseline_make_the_verdict_conditional(make_instrument):
    instrument = make_instrument(FOUR, ["work"])
    rows = _likert_rows(40, 3.5, 4, seed=3)
    # the 12 who leave had rated the work low before the pilot
    rows += [(f"d{p}", "pre", f"q{i}", "1") for p in range(12) for i in range(4)]
    result = evaluate(instrument, responses_frame(rows))
    comparison = result.attrition.comparisons[0]
    assert comparison.n_dropouts == 12 and comparison.difference < 0
    assert comparison.p_adjusted == comparison.p_value  # one dimension: Holm changes nothing
    assert any(
        r.startswith("Those who dropped out had rated Work") and "lower" in r
        for r in result.readiness.reasons
    )
    assert result.to_summary()["dimensions"][0]["flags"] == []


def test_low_reliability_is_flagged(make_instrument):
    instrument = make_instrument(FOUR, ["work"])
    rng = np.random.default_rng(5)
    rows = [
        (f"p{p}", wave, f"q{i}", str(int(rng.integers(1, 6))))
        for p in range(30)
        for wave in ("pre", "post")
        for i in range(4)
    ]
    result = evaluate(instrument, responses_frame(rows))
    summary = result.to_summary()["dimensions"][0]
    assert summary["reliability_alpha"] < 0.7
    assert "low_reliability" in summary["flags"]
    assert any("agree weakly" in r for r in result.readiness.reasons)


def test_an_instrument_with_one_wave_has_nothing_to_compare(make_instrument):
    from pilotkit.instruments import instrument_from_mapping
    from tests.evaluation.conftest import instrument_mapping

    mapping = instrument_mapping(FOUR, ["work"])
    mapping["waves"] = [{"id": "only"}]
    instrument = instrument_from_mapping(mapping, "test")
    with pytest.raises(EvaluationInputError, match="has only one wave"):
        evaluate(instrument, responses_frame([("p1", "only", "q0", "3")]))


def test_sparse_value_lookup_gives_the_same_summary(make_instrument, monkeypatch):
    """Many distinct free-text answers switch the value lookup to the sparse path."""
    import evaluation.prepare

    items = [*FOUR, {"id": "yes", "type": "boolean"}, {"id": "say", "type": "text"}]
    instrument = make_instrument(items, ["work"])
    rows = _likert_rows(20, 3, 3.5)
    rows += [(f"p{p}", "post", "say", f"answer {p}") for p in range(20)]
    rows += [(f"p{p}", w, "yes", str(p % 2)) for p in range(20) for w in ("pre", "post")]
    dense = evaluate(instrument, responses_frame(rows)).to_summary()
    monkeypatch.setattr(evaluation.prepare, "DENSE_LOOKUP_LIMIT", 0)
    sparse = evaluate(instrument, responses_frame(rows)).to_summary()
    assert json.dumps(dense) == json.dumps(sparse)
    with pytest.raises(EvaluationInputError, match="row 3: item 'q2': value '9'"):
        bad = list(rows)
        bad[2] = ("p0", "pre", "q2", "9")
        evaluate(instrument, responses_frame(bad))


def test_result_frames_for_notebooks(make_instrument):
    items = [
        *FOUR,
        {"id": "yes", "type": "boolean"},
        {"id": "later", "type": "likert", "waves": ["post"]},
    ]
    instrument = make_instrument(items, ["work"])
    rows = _likert_rows(15, 3, 3.5) + [(f"p{p}", "pre", "yes", "1") for p in range(15)]
    rows += [(f"p{p}", w, "yes", "1") for p in range(15) for w in ("post",)]
    rows += [(f"p{p}", "post", "later", "4") for p in range(15)]
    result = evaluate(instrument, responses_frame(rows))
    dimensions = result.dimensions_frame()
    assert list(dimensions["id"]) == ["work"]
    assert dimensions.loc[0, "p_value"] == result.dimension("work").comparison.p_value
    items = result.items_frame()
    assert list(items["id"]) == ["q0", "q1", "q2", "q3", "yes", "later"]
    by_id = items.set_index("id")
    assert by_id.loc["yes", "pre_rate"] == 1.0 and by_id.loc["yes", "p_value"] == 1.0
    # asked after the pilot only: described, not tested
    assert by_id.loc["later", "post_mean"] == 4.0 and by_id.loc["later", "test"] is None
