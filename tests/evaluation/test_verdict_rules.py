"""The verdict's rules: items count, positive evidence, non-inferiority with a margin,
response rate, attrition on scored answers, anonymous waves, ids, zero spread, and the
partially overlapping samples t-test against its published example."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from evaluation import evaluate
from evaluation.overlap import partial_overlap_t
from evaluation.prepare import prepare_answers
from evaluation.scoring import decide_design
from tests.evaluation.conftest import responses_frame
from tests.evaluation.test_engine import FOUR, _likert_rows

YES_NO = [{"id": "heard", "type": "boolean"}, {"id": "knows", "type": "boolean"}]


def _yes_no_rows(n: int, heard: tuple[int, int], knows: tuple[int, int]) -> list:
    rows = []
    for p in range(n):
        for wave, index in (("pre", 0), ("post", 1)):
            rows.append((f"{wave}{p}", wave, "heard", str(heard[index])))
            rows.append((f"{wave}{p}", wave, "knows", str(knows[index] if p % 2 else 0)))
    return rows


def test_partial_overlap_t_reproduces_the_published_example():
    """Derrick, Toher & White (2017), The Quantitative Methods in Psychology 13(2),
    120-126, the example of R's Partiallyoverlapping::Partover.test: Tnew1
    (var.equal=TRUE) p = 0.026; by hand from the paper's formulas T = 2.4207, df = 18.5."""
    a_unpaired = [20, 21, 16, 18, 14, 12, 14, 17]
    a_paired = [14, 15, 18, 20, 11, 19, 14, 15]
    b_unpaired = [10, 16, 18, 16, 15, 14, 13, 10]
    b_paired = [15, 10, 15, 17, 13, 19, 12, 13]
    # sample 1 ("a") is the follow-up, sample 2 ("b") the baseline: change = mean a - mean b
    equal = partial_overlap_t(b_unpaired, a_unpaired, b_paired, a_paired, equal_var=True)
    assert equal.mean_change == pytest.approx(2.0)
    assert equal.statistic == pytest.approx(2.4207, abs=5e-4)
    assert equal.df == pytest.approx(18.5, abs=1e-12)
    assert equal.p_value == pytest.approx(0.026, abs=5e-4)
    welch = partial_overlap_t(b_unpaired, a_unpaired, b_paired, a_paired)
    assert welch.test == "partial_overlap_t" and welch.p_value == pytest.approx(0.026, abs=5e-4)
    # no singles: exactly the paired t-test (scipy.stats.ttest_rel)
    from scipy import stats

    paired = partial_overlap_t([], [], b_paired, a_paired)
    reference = stats.ttest_rel(a_paired, b_paired)
    assert paired.statistic == pytest.approx(reference.statistic, rel=1e-10)
    assert paired.df == pytest.approx(7)


def test_a_collapsing_yes_no_item_is_not_ready(make_instrument):
    instrument = make_instrument(YES_NO, anonymous=True)
    result = evaluate(instrument, responses_frame(_yes_no_rows(20, (1, 0), (0, 0))))
    assert result.readiness.verdict == "not_ready"
    assert any(f.rule == "item_declined" for f in result.readiness.findings)


def test_yes_no_without_any_clear_change_is_conditional_not_ready(make_instrument):
    instrument = make_instrument(YES_NO, anonymous=True)
    result = evaluate(instrument, responses_frame(_yes_no_rows(20, (1, 1), (1, 1))))
    assert result.readiness.verdict == "conditional"
    assert "no_positive_evidence" in {f.rule for f in result.readiness.findings}
    better = evaluate(instrument, responses_frame(_yes_no_rows(20, (0, 1), (1, 1))))
    assert better.readiness.verdict == "ready"


def test_nothing_measured_is_insufficient_data(make_instrument):
    instrument = make_instrument([{"id": "say", "type": "text"}, {"id": "q0", "type": "likert"}])
    rows = [(f"p{i}", w, "say", "fine") for i in range(12) for w in ("pre", "post")]
    rows += [("p0", "pre", "q0", "3")]
    result = evaluate(instrument, responses_frame(rows))
    assert result.readiness.verdict == "insufficient_data"
    assert "nothing_measured" in {f.rule for f in result.readiness.findings}


def test_a_trivial_decline_within_the_margin_does_not_block(make_instrument):
    instrument = make_instrument(FOUR, ["work"])
    rows = _likert_rows(400, 3.0, 2.93, noise=0.3)
    result = evaluate(instrument, responses_frame(rows), margin=0.25, invited=400)
    (dimension,) = result.dimensions
    assert dimension.comparison.p_value < 0.05 and dimension.comparison.mean_change < 0
    assert dimension.verdict == "no_change" and dimension.small_decline
    assert result.readiness.verdict != "not_ready"
    assert "small_decline" in {f.rule for f in result.readiness.findings}
    # the same data under a margin smaller than the decline: declined, not ready
    strict = evaluate(instrument, responses_frame(rows), margin=0.02, invited=400)
    assert strict.dimensions[0].verdict == "declined"
    assert strict.readiness.verdict == "not_ready"


def test_low_response_rate_is_conditional_with_the_figure(make_instrument):
    instrument = make_instrument(FOUR, ["work"])
    rows = _likert_rows(40, 2.5, 3.5)
    result = evaluate(instrument, responses_frame(rows), invited={"pre": 50, "post": 100})
    assert result.readiness.verdict == "conditional"
    assert any(
        "Only 40% of the people invited answered the 'post' wave" in r
        for r in (result.readiness.reasons)
    )
    assert result.to_summary()["response_rates"]["post"] == {"invited": 100, "n": 40, "rate": 0.4}
    fine = evaluate(instrument, responses_frame(rows), invited=60)
    assert fine.readiness.verdict == "ready"


def test_free_text_alone_is_not_presence(make_instrument):
    items = [*FOUR, {"id": "say", "type": "text"}]
    instrument = make_instrument(items, ["work"])
    rows = _likert_rows(20, 3, 3.5)
    # 8 of 20 answered only the free-text question after the pilot
    rows = [r for r in rows if not (r[1] == "post" and int(r[0][1:]) < 8)]
    rows += [(f"p{p}", "post", "say", "no time") for p in range(8)]
    result = evaluate(instrument, responses_frame(rows))
    assert result.attrition.rate == pytest.approx(0.4)
    assert result.design.n["post"] == 12


def test_anonymous_instruments_are_never_linked(make_instrument):
    instrument = make_instrument(FOUR, ["work"], anonymous=True)
    answers = prepare_answers(instrument, responses_frame(_likert_rows(20, 3, 3.5)))
    design = decide_design(answers)
    assert design.name == "unpaired" and design.n_paired == 0
    result = evaluate(instrument, responses_frame(_likert_rows(20, 3, 3.5)))
    assert result.dimensions[0].comparison.test == "welch_t"
    assert result.attrition.note.startswith("Not measurable: the instrument is anonymous, so")


def test_participant_ids_are_stripped(make_instrument):
    instrument = make_instrument(FOUR, ["work"])
    rows = [(f" {p} " if w == "post" else p, w, i, v) for p, w, i, v in _likert_rows(12, 3, 4)]
    design = decide_design(prepare_answers(instrument, responses_frame(rows)))
    assert design.name == "paired" and design.n_paired == 12


def test_every_pair_rising_by_one_is_improved(make_instrument):
    instrument = make_instrument(FOUR[:1], ["work"])
    rows = [
        (f"p{p}", w, "q0", "3" if w == "pre" else "4") for p in range(12) for w in ("pre", "post")
    ]
    result = evaluate(instrument, responses_frame(rows))
    (dimension,) = result.dimensions
    assert dimension.comparison.test == "sign_exact"
    assert dimension.comparison.p_value == pytest.approx(2 * 0.5**12)
    assert dimension.verdict == "improved"


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (["--margin", "inf"], "--margin must be a positive number"),
        (["--reliability-threshold", "nan"], "reliability_threshold must be a finite number"),
        (["--attrition-amber", "0.4", "--attrition-red", "0.3"], "must not be above"),
        (["--attrition-amber", "2"], "attrition_amber must lie between 0 and 1"),
        (["--min-response-rate", "1.5"], "min_response_rate must lie between 0 and 1"),
        (["--reliability-threshold", "1.2"], "reliability_threshold must lie between 0 and 1"),
    ],
)
def test_bad_thresholds_are_refused_in_one_line(option, message, tmp_path):
    responses = tmp_path / "r.csv"
    responses.write_text("participant_id,wave,item_id,value\np1,pre,prod_1,3\n", "utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "pilotkit", "evaluate", "--instrument", "pilot-core",
         "--responses", str(responses), *option],
        capture_output=True, text=True,
    )  # fmt: skip
    assert run.returncode != 0
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], run.stderr


def test_default_margin_scales_with_the_scale():
    from evaluation.dimensions import default_margin

    assert default_margin(1, 5) == 0.25
    assert default_margin(1, 7) == pytest.approx(0.375)
    assert default_margin(None, 5) is None
    assert np.isclose(default_margin(0, 10), 0.625)
