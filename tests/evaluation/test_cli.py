"""`pilotkit evaluate` and `pilotkit plan` run as a user runs them (subprocess)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from tests.evaluation.conftest import SLEEP_ITEMS, scaled_sleep_rows
from tests.helpers import run_cli

CONTRACT_DIMENSION_KEYS = [
    "id", "n_pre", "n_post", "n_paired", "pre_mean", "post_mean", "mean_change", "ci_low",
    "ci_high", "test", "statistic", "df", "p_value", "p_adjusted", "effect_size",
    "effect_size_kind", "reliability_alpha", "verdict",
]  # fmt: skip


def _evaluate(instrument: Path, responses: Path, out: Path, *extra: str) -> dict:
    result = run_cli(
        "evaluate", "--instrument", str(instrument), "--responses", str(responses),
        "--json", str(out), *extra,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    text = out.read_text(encoding="utf-8")
    assert "NaN" not in text and "Infinity" not in text
    return json.loads(text)


def test_paired_sleep_end_to_end_reproduces_r(write_instrument, write_responses, tmp_path):
    """R: t.test(extra ~ group, data = sleep, paired = TRUE): t = -4.0621, df = 9,
    p = 0.002833, 95% CI -2.4598858 -0.7001142 (data x 10 on a -100..100 scale, so the
    CI in summary.json is 10 times R's; tolerance 5e-6 on the CI, 5e-5 on t)."""
    instrument = write_instrument(SLEEP_ITEMS, ["sleep"], scale=(-100, 100))
    responses = write_responses(scaled_sleep_rows(paired=True))
    summary = _evaluate(instrument, responses, tmp_path / "summary.json")
    assert list(summary)[:8] == [
        "instrument", "alpha", "waves", "n_paired", "design", "dimensions", "items", "readiness",
    ]  # fmt: skip
    assert summary["instrument"] == {"id": "test-inst", "version": 1}
    assert summary["waves"] == {"pre": {"n": 10}, "post": {"n": 10}}
    assert summary["n_paired"] == 10 and summary["design"] == "paired"
    (dimension,) = summary["dimensions"]
    assert list(dimension)[: len(CONTRACT_DIMENSION_KEYS)] == CONTRACT_DIMENSION_KEYS
    assert dimension["test"] == "paired_t"
    assert dimension["statistic"] == pytest.approx(-4.0621, abs=5e-5)
    assert dimension["df"] == 9
    assert dimension["p_value"] == pytest.approx(0.002833, abs=5e-7)
    assert dimension["ci_low"] / 10 == pytest.approx(-2.4598858, abs=5e-7)
    assert dimension["ci_high"] / 10 == pytest.approx(-0.7001142, abs=5e-7)
    assert dimension["mean_change"] / 10 == pytest.approx(-1.58, abs=1e-12)
    assert dimension["p_adjusted"] == pytest.approx(dimension["p_value"])  # one dimension
    assert dimension["effect_size_kind"] == "cohen_dz"
    assert dimension["verdict"] == "declined"
    assert dimension["reliability_alpha"] is None  # one item: alpha does not exist
    assert summary["readiness"]["verdict"] == "not_ready"
    assert any(
        "declined by 15.80 points on a -100 to 100 scale" in r
        for r in summary["readiness"]["reasons"]
    )
    (item,) = summary["items"]
    assert item["test"] == "wilcoxon"
    # R: wilcox.test(extra ~ group, data = sleep, paired = TRUE): p-value = 0.009091
    assert item["p_value"] == pytest.approx(0.009091, abs=5e-7)


def test_unpaired_sleep_end_to_end_reproduces_r_welch(write_instrument, write_responses,
                                                     tmp_path):  # fmt: skip
    """R: t.test(extra ~ group, data = sleep): t = -1.8608, df = 17.776, p = 0.07939,
    95% CI -3.3654832 0.2054832 (ids never repeat across waves: unpaired design)."""
    instrument = write_instrument(SLEEP_ITEMS, ["sleep"], scale=(-100, 100))
    responses = write_responses(scaled_sleep_rows(paired=False), name="responses.parquet")
    summary = _evaluate(instrument, responses, tmp_path / "summary.json")
    assert summary["design"] == "unpaired" and summary["n_paired"] == 0
    (dimension,) = summary["dimensions"]
    assert dimension["test"] == "welch_t"
    assert dimension["statistic"] == pytest.approx(-1.8608, abs=5e-5)
    assert dimension["df"] == pytest.approx(17.776, abs=5e-4)
    assert not float(dimension["df"]).is_integer()
    assert dimension["p_value"] == pytest.approx(0.07939, abs=5e-6)
    assert dimension["ci_low"] / 10 == pytest.approx(-3.3654832, abs=5e-7)
    assert dimension["ci_high"] / 10 == pytest.approx(0.2054832, abs=5e-7)
    assert dimension["effect_size_kind"] == "hedges_g"
    assert dimension["verdict"] == "inconclusive"
    assert summary["attrition"]["applicable"] is False
    assert summary["items"][0]["test"] == "mann_whitney"


def test_youth_yes_no_survey_unpaired_fisher(write_responses, tmp_path):
    """The shipped anonymous youth survey: rates, Fisher's exact test, BH-adjusted p,
    text answers counted, one dimension-free instrument (dimensions: [])."""
    rows = []
    for index in range(28):
        rows.append((f"a{index}", "pre", "knows_311", "1" if index < 2 else "0"))
        rows.append((f"a{index}", "pre", "age_group", "14_15"))
    for index in range(26):
        rows.append((f"b{index}", "post", "knows_311", "1" if index < 25 else "0"))
        rows.append((f"b{index}", "post", "post_comment", "great" if index % 2 else ""))
    responses = write_responses(rows)
    summary = _evaluate(Path("youth-civic"), responses, tmp_path / "s.json")
    assert summary["design"] == "unpaired"
    assert summary["dimensions"] == []
    knows = next(i for i in summary["items"] if i["id"] == "knows_311")
    assert list(knows)[:9] == [
        "id", "type", "n_pre", "n_post", "pre_rate", "post_rate", "test", "p_value", "p_adjusted",
    ]  # fmt: skip
    assert knows["test"] == "fisher_exact"
    assert (knows["n_pre"], knows["n_post"]) == (28, 26)
    assert knows["pre_rate"] == pytest.approx(2 / 28) and knows["post_rate"] == pytest.approx(
        25 / 26
    )
    from scipy.stats import fisher_exact

    assert knows["p_value"] == pytest.approx(fisher_exact([[2, 26], [25, 1]]).pvalue, rel=1e-12)
    assert {i["id"] for i in summary["items"]} == {
        "knows_311", "used_311_app", "knows_report_issue", "knows_block_captain",
        "interested_block_captain", "knows_council_member", "shared_idea", "feels_heard",
        "age_group",
    }  # fmt: skip
    assert summary["text_items"] == [{"id": "post_comment", "answered": {"pre": 0, "post": 13}}]
    unanswered = next(i for i in summary["items"] if i["id"] == "feels_heard")
    assert unanswered["p_value"] is None and unanswered["pre_rate"] is None


def test_youth_demo_summary_is_byte_identical_across_runs(tmp_path):
    """The youth-civic demo answers (the demo's own simulation), evaluated twice in two
    processes: the same summary.json bytes. Its `age_group` table is 2 x 4 with expected
    counts below 5, the case whose p-value came from unseeded Monte Carlo: now the exact
    Fisher-Freeman-Halton p-value (0.8234, checked by enumeration in test_exact_rxc.py)."""
    from evaluation.exact_rxc import fisher_rxc
    from pilotkit.demo.scenarios import YOUTH_SCENARIO
    from pilotkit.demo.synthetic import simulate_responses
    from pilotkit.instruments import load_instrument

    frame = simulate_responses(load_instrument("youth-civic"), YOUTH_SCENARIO)
    responses = tmp_path / "youth.csv"
    frame.to_csv(responses, index=False)
    first = _evaluate(Path("youth-civic"), responses, tmp_path / "first.json")
    _evaluate(Path("youth-civic"), responses, tmp_path / "second.json")
    assert (tmp_path / "first.json").read_bytes() == (tmp_path / "second.json").read_bytes()
    age = next(i for i in first["items"] if i["id"] == "age_group")
    assert (age["test"], age["test_method"]) == ("fisher_exact", "exact")
    answers = frame[frame["item_id"] == "age_group"]
    table = answers.groupby(["wave", "value"]).size().unstack(fill_value=0).loc[["pre", "post"]]
    assert age["p_value"] == fisher_rxc(table.to_numpy()).p_value
    assert round(age["p_value"], 4) == 0.8234


def test_terminal_table_and_plan(write_instrument, write_responses):
    instrument = write_instrument(SLEEP_ITEMS, ["sleep"], scale=(-100, 100))
    responses = write_responses(scaled_sleep_rows(paired=True))
    result = run_cli("evaluate", "--instrument", str(instrument), "--responses", str(responses))
    assert result.returncode == 0, result.stderr
    assert "Sleep" in result.stdout and "declined" in result.stdout
    assert "readiness: not ready" in result.stdout
    # one area: G*Power's one test, d = 0.5 -> 34 pairs; six areas under Holm
    # (each area at the Bonferroni level .05 / 6, the same noncentral t: 52 pairs)
    plan = run_cli("plan", "--effect", "0.5", "--areas", "1")
    assert plan.returncode == 0 and plan.stdout.startswith("34 participants")
    plan = run_cli("plan", "--effect", "0.5")
    assert plan.stdout.startswith("52 participants") and "P(ready) = " in plan.stdout
    plan = run_cli("plan", "--effect", "0.5", "--design", "unpaired", "--areas", "1")
    assert plan.stdout.startswith("64 participants per wave")
    # G*Power: two groups, d = 0.3, alpha .05, power .90 -> 235 per group
    plan = run_cli(
        "plan", "--effect", "0.3", "--design", "unpaired", "--power", "0.9", "--areas", "1"
    )
    assert plan.stdout.startswith("235 participants per wave, 470 in all")
    refused = run_cli("plan", "--effect", "0")
    assert refused.returncode != 0 and "the effect must not be 0" in refused.stderr
    assert "Traceback" not in refused.stderr


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([("p1", "mid", "score", "3")], "line 2: unknown wave 'mid'"),
        ([("p1", "pre", "score", "3"), ("p1", "pre", "nope", "3")], "line 3: unknown item 'nope'"),
        (
            [("p1", "pre", "score", "7")],
            "line 2: item 'score': value '7' is outside the scale 1..5",
        ),
        ([("p1", "pre", "score", "x")], "line 2: item 'score': value 'x' is not a number"),
        ([("p1", "pre", "score", "2.5")], "line 2: item 'score': value '2.5' is not a point"),
        (
            [("p1", "pre", "score", "3"), ("p2", "pre", "score", "3"), ("p1", "pre", "score", "4")],
            "line 4: participant 'p1' answered item 'score' in wave 'pre' twice (also line 2)",
        ),
        ([("", "pre", "score", "3")], "line 2: participant_id is empty"),
        ([("p1", "pre", "score", "a\nb")], "line 2: item 'score': value 'a\\nb' is not a number"),
    ],
)
def test_bad_responses_are_refused_with_one_line(write_instrument, write_responses, rows,
                                                message):  # fmt: skip
    instrument = write_instrument([{"id": "score", "type": "likert", "dimension": "d"}], ["d"])
    responses = write_responses(rows)
    result = run_cli("evaluate", "--instrument", str(instrument), "--responses", str(responses))
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert message in lines[0]
    assert str(responses) in lines[0]


def test_bad_parquet_row_is_named_by_row(write_instrument, write_responses):
    instrument = write_instrument([{"id": "score", "type": "likert", "dimension": "d"}], ["d"])
    responses = write_responses(
        [("p1", "pre", "score", "3"), ("p1", "post", "score", "9")], name="r.parquet"
    )
    result = run_cli("evaluate", "--instrument", str(instrument), "--responses", str(responses))
    assert result.returncode != 0
    assert result.stderr.strip() == (
        f"error: {responses}: row 2: item 'score': value '9' is outside the scale 1..5"
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such file"),
        ("", "the file is empty"),
        ("participant_id,wave,item_id,value\n", "the table has no answers"),
        ("participant_id,wave,value\np1,pre,3\n", "missing column(s) 'item_id'"),
        (
            "participant_id,wave,item_id,value\np1,pre,score,3\np2,pre,score,3,9\n",
            "line 3: expected 4 cells, got 5: p2,pre,score,3,9",
        ),
        (b"participant_id,wave,item_id,value\np1,pre,score,\xff\n", "line 2: not UTF-8 text"),
        (
            'participant_id,wave,item_id,value\np0,pre,score,3\np0,post,score,"4\n"\n'
            "p1,pre,score,9\n",
            "line 5: item 'score': value '9' is outside the scale 1..5",
        ),
    ],
)
def test_unusable_files_are_refused_with_one_line(write_instrument, tmp_path, content, message):
    instrument = write_instrument([{"id": "score", "type": "likert", "dimension": "d"}], ["d"])
    responses = tmp_path / "r.csv"
    if isinstance(content, bytes):
        responses.write_bytes(content)
    elif content is not None:
        responses.write_text(content, encoding="utf-8")
    result = run_cli("evaluate", "--instrument", str(instrument), "--responses", str(responses))
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.stderr


def test_missing_instrument_is_refused(write_responses):
    responses = write_responses([("p1", "pre", "score", "3")])
    result = run_cli("evaluate", "--instrument", "no-such-inst", "--responses", str(responses))
    assert result.returncode != 0
    assert len(result.stderr.strip().splitlines()) == 1
    assert "unknown instrument 'no-such-inst'" in result.stderr


def test_json_numbers_are_plain_floats(write_instrument, write_responses, tmp_path):
    """No NaN/Infinity: undefined figures (no spread, single item) are null."""
    instrument = write_instrument(SLEEP_ITEMS, ["sleep"], scale=(-100, 100))
    responses = write_responses(
        [(f"p{i}", w, "score", "5") for i in range(3) for w in ("pre", "post")]
    )
    summary = _evaluate(instrument, responses, tmp_path / "s.json")
    (dimension,) = summary["dimensions"]
    # no spread: the exact sign test, nothing changed for anyone (p = 1)
    assert dimension["test"] == "sign_exact" and dimension["p_value"] == 1.0
    assert dimension["df"] is None and dimension["mean_change"] == 0
    for value in dimension.values():
        assert not (isinstance(value, float) and not math.isfinite(value))
    assert summary["readiness"]["verdict"] == "insufficient_data"


def test_evaluation_never_imports_the_server():
    """architecture.md: `evaluation` reads the responses table, never the server or Piccolo."""
    import subprocess
    import sys

    code = (
        "import sys, evaluation, evaluation.engine, evaluation.render;"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('survey_server', 'piccolo')];"
        "print(bad)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_notes_on_the_command_line(write_instrument, write_responses, tmp_path):
    instrument = write_instrument(SLEEP_ITEMS, ["sleep"], scale=(-100, 100))
    responses = write_responses(scaled_sleep_rows(paired=True))
    notes = tmp_path / "notes.csv"
    notes.write_text("dimension,sentiment,severity,text\nsleep,negative,major,Too tired\n")
    summary = _evaluate(instrument, responses, tmp_path / "s.json", "--notes", str(notes))
    assert (
        "Focus groups raised a major concern about Sleep: Too tired."
        in (summary["readiness"]["reasons"])
    )
    notes.write_text("dimension,sentiment,severity\nsleeep,negative,major\n")
    result = run_cli(
        "evaluate", "--instrument", str(instrument), "--responses", str(responses),
        "--notes", str(notes),
    )  # fmt: skip
    assert result.returncode != 0
    assert result.stderr.strip().startswith(f"error: {notes}: line 2: unknown dimension 'sleeep'")


def test_pilot_core_end_to_end_structure(write_responses, tmp_path):
    """The shipped six-dimension instrument: every dimension and every non-text item is
    reported with the contract keys; text items are counted; JSON has no NaN."""
    from pilotkit.instruments import load_instrument

    instrument = load_instrument("pilot-core")
    rng = np.random.default_rng(11)
    rows = []
    for p in range(30):
        for wave, shift in (("pre", 0), ("post", 1)):
            if wave == "post" and p >= 27:
                continue
            for item in instrument.items_in_wave(wave):
                if item.type == "likert":
                    value = int(np.clip(rng.integers(2, 5) + shift * (not item.reverse), 1, 5))
                    rows.append((f"p{p}", wave, item.id, str(value)))
                elif item.type == "text":
                    rows.append((f"p{p}", wave, item.id, "a comment" if p % 4 == 0 else ""))
    responses = write_responses(rows, name="pilot.parquet")
    summary = _evaluate(Path("pilot-core"), responses, tmp_path / "s.json")
    assert summary["instrument"] == {"id": "pilot-core", "version": 1}
    assert [d["id"] for d in summary["dimensions"]] == [d.id for d in instrument.dimensions]
    for dimension in summary["dimensions"]:
        assert list(dimension)[: len(CONTRACT_DIMENSION_KEYS)] == CONTRACT_DIMENSION_KEYS
        assert dimension["n_pre"] == 30 and dimension["n_post"] == 27
        # 27 pairs and 3 who left: everyone analysed (partially overlapping samples)
        assert dimension["n_paired"] == 27 and dimension["test"] == "partial_overlap_t"
    likert = [i.id for i in instrument.items if i.type == "likert"]
    assert [i["id"] for i in summary["items"]] == likert
    for item in summary["items"]:
        assert list(item)[:6] == ["id", "type", "n_pre", "n_post", "pre_mean", "post_mean"]
        assert item["test"] == "wilcoxon"
    texts = {t["id"] for t in summary["text_items"]}
    assert texts == {i.id for i in instrument.items if i.type == "text"}
    assert summary["attrition"]["rate"] == pytest.approx(3 / 30)
    assert summary["readiness"]["verdict"] in ("ready", "conditional", "not_ready")
