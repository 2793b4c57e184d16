"""The concern register in the kit: reading its CSV (bad rows named line by line), what a
verified, accepted or unresolved concern does to the verdict, summary.json's `concerns`,
and `pilotkit evaluate --concerns`."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from evaluation import evaluate, read_concerns
from evaluation.concerns import CONCERN_COLUMNS
from evaluation.errors import EvaluationInputError
from evaluation.reporting.concern_blocks import accepted_block, resolved_block
from evaluation.reporting.reasons import readiness_reasons
from pilotkit.cli.main import main
from pilotkit.csv_cells import SafeCSVWriter
from tests.evaluation.conftest import responses_frame
from tests.evaluation.test_verdict_rules import YES_NO, _yes_no_rows

BLOCKER_NOTE = "7"


def write_register(path: Path, *rows: dict[str, Any], columns=CONCERN_COLUMNS) -> Path:
    """A register as `pilotkit export-concerns` writes it (cells neutralised)."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = SafeCSVWriter(handle)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([row.get(c, "") for c in columns])
    return path


def concern(**values: Any) -> dict[str, Any]:
    base = {
        "concern_id": "1",
        "source": "note",
        "note_id": BLOCKER_NOTE,
        "dimension": "",
        "severity": "blocker",
        "status": "open",
        "title": "Calls drop when a case is transferred.",
    }
    return {**base, **values}


VERIFIED = {
    "status": "verified",
    "owner": "manager@example.org",
    "due_on": "2026-12-01",
    "plan": "Patch the transfer screen",
    "mitigation": "Release 2.1 fixed the transfer",
    "evidence": "https://tickets.example.org/r/21",
    "verification": "A follow-up group transferred ten cases without a drop",
    "verified_by": "facilitator@example.org",
    "verified_by_role": "facilitator",
}
ACCEPTED = {
    "status": "accepted",
    "rationale": "Transfers are rare; the old line stays open for them",
    "accepted_by": "executive@example.org",
    "accepted_by_role": "executive",
}


@pytest.fixture
def ready_pilot(make_instrument) -> tuple[Any, pd.DataFrame, pd.DataFrame]:
    """A pilot whose answers alone are ready, and notes with one blocker (note 7)."""
    instrument = make_instrument(YES_NO, anonymous=True)
    responses = responses_frame(_yes_no_rows(20, (0, 1), (1, 1)))
    notes = pd.DataFrame(
        {
            "note_id": ["6", BLOCKER_NOTE],
            "dimension": ["general", "general"],
            "sentiment": ["positive", "negative"],
            "severity": ["none", "blocker"],
            "text": ["Fast.", "Calls drop when a case is transferred."],
        }
    )
    return instrument, responses, notes


def _evaluate(ready_pilot, tmp_path: Path, *rows: dict[str, Any]):
    instrument, responses, notes = ready_pilot
    register = None
    if rows:
        register = read_concerns(write_register(tmp_path / "concerns.csv", *rows))
    return evaluate(instrument, responses, notes=notes, concerns=register)


# --- reading ------------------------------------------------------------------------


def test_the_register_reads_back_as_written(tmp_path: Path) -> None:
    path = write_register(
        tmp_path / "c.csv",
        concern(**{**VERIFIED, "title": '=HYPERLINK("http://x")', "plan": "-fix it"}),
        concern(concern_id="2", source="manual", note_id="", dimension="a b", **ACCEPTED),
    )
    assert "'=HYPERLINK" in path.read_text()  # neutralised in the file
    first, second = read_concerns(path)
    assert first.id == 1 and first.note_id == 7 and first.title == '=HYPERLINK("http://x")'
    assert first.plan == "-fix it" and first.verified_by_role == "facilitator"
    assert second.note_id is None and second.dimensions == ["a", "b"]
    assert second.accepted_by == "executive@example.org"
    assert read_concerns(write_register(tmp_path / "empty.csv")) == []


def test_bad_rows_are_named_line_by_line_and_nothing_is_read(tmp_path: Path) -> None:
    path = write_register(
        tmp_path / "bad.csv",
        concern(),
        concern(concern_id="x", status="done"),
        concern(concern_id="3", source="note", note_id=""),
        concern(concern_id="4", status="verified"),
        concern(concern_id="5", status="accepted", due_on="soon"),
        concern(concern_id="1"),
        concern(concern_id="6", severity="minor", title=""),
    )
    with pytest.raises(EvaluationInputError) as info:
        read_concerns(path)
    lines = str(info.value).splitlines()
    assert lines[0] == f"{path}: 6 bad rows in the concern register, nothing was read:"
    assert lines[1].startswith("line 3: concern_id 'x' is not a whole number above 0; ")
    assert "status 'done' is not one of open, planned, mitigated, verified, accepted" in lines[1]
    assert lines[2] == "line 4: a concern from a note needs its note_id"
    assert lines[3] == "line 5: a verified concern needs its verification (how it was verified)"
    assert "line 6: due_on 'soon' is not a date written YYYY-MM-DD" in lines[4]
    assert "an accepted risk needs its rationale" in lines[4]
    assert lines[5] == "line 7: concern_id 1 is already on line 2"
    assert lines[6].startswith("line 8: severity 'minor' is not one of major, blocker")
    assert "title is empty" in lines[6]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"concern_id,source,severity\n1,note,blocker\n", "missing column(s) note_id, status"),
        (b"concern_id,source\n\xff\xfe\n", "not UTF-8 text"),
        (
            ",".join(CONCERN_COLUMNS).encode() + b"\n1,note,7\n",
            "line 2: 3 cells where the header has 23",
        ),
    ],
)
def test_unreadable_registers_are_one_clear_error(tmp_path: Path, content, message) -> None:
    path = tmp_path / "c.csv"
    path.write_bytes(content)
    with pytest.raises(EvaluationInputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_concerns(path)
    with pytest.raises(EvaluationInputError, match="no such file"):
        read_concerns(tmp_path / "missing.csv")


# --- the verdict --------------------------------------------------------------------


def test_without_a_register_a_blocker_note_blocks_as_before(ready_pilot, tmp_path) -> None:
    result = _evaluate(ready_pilot, tmp_path)
    assert result.readiness.verdict == "not_ready"
    assert result.to_summary()["concerns"] is None
    assert "blocker_concern" in {f.rule for f in result.readiness.findings}


@pytest.mark.parametrize(
    "step",
    [{}, {"status": "planned", "plan": "Patch"}, {"status": "mitigated", "mitigation": "Done"}],
)
def test_an_open_or_unverified_blocker_keeps_not_ready(ready_pilot, tmp_path, step) -> None:
    result = _evaluate(ready_pilot, tmp_path, concern(**step))
    assert result.readiness.verdict == "not_ready"
    assert "blocker_concern" in {f.rule for f in result.readiness.findings}
    assert result.to_summary()["concerns"][0]["effect"] == "holds"


def test_a_verified_blocker_no_longer_blocks_and_says_how(ready_pilot, tmp_path) -> None:
    result = _evaluate(ready_pilot, tmp_path, concern(**VERIFIED))
    assert result.readiness.verdict == "ready"
    assert "blocker_concern" not in {f.rule for f in result.readiness.findings}
    (entry,) = result.to_summary()["concerns"]
    assert entry == {
        "id": 1,
        "source": "note",
        "note_id": 7,
        "run_id": "",
        "dimension": "",
        "severity": "blocker",
        "status": "verified",
        "title": "Calls drop when a case is transferred.",
        "effect": "resolved",
        "plan": "Patch the transfer screen",
        "mitigation": "Release 2.1 fixed the transfer",
        "evidence": "https://tickets.example.org/r/21",
        "verification": "A follow-up group transferred ten cases without a drop",
        "verified_by": "facilitator@example.org",
        "verified_by_role": "facilitator",
    }
    html = resolved_block(result, ready_pilot[0], "en")
    for text in ("Patch the transfer screen", "Release 2.1 fixed the transfer", "ten cases"):
        assert text in html
    assert "facilitator@example.org (facilitator)" in html
    assert "Verificado por" in resolved_block(result, ready_pilot[0], "es")


def test_an_accepted_risk_lifts_a_blocker_to_conditional_at_most(ready_pilot, tmp_path) -> None:
    result = _evaluate(ready_pilot, tmp_path, concern(**ACCEPTED))
    assert result.readiness.verdict == "conditional"
    (finding,) = [f for f in result.readiness.findings if f.rule == "accepted_risk"]
    assert finding.verdict == "conditional"
    assert finding.reason == (
        "A blocker concern about the pilot in general was accepted as a risk by "
        "executive@example.org (executive): Calls drop when a case is transferred."
    )
    instrument = ready_pilot[0]
    assert readiness_reasons(result, instrument, "en") == result.readiness.reasons
    spanish = readiness_reasons(result, instrument, "es")
    assert any("executive@example.org (directivo)" in r for r in spanish)
    (entry,) = result.to_summary()["concerns"]
    assert entry["effect"] == "accepted" and entry["rationale"] == ACCEPTED["rationale"]
    assert entry["accepted_by"] == "executive@example.org" and "plan" not in entry
    html = accepted_block(result, instrument, "en")
    assert "Transfers are rare" in html and "executive@example.org (executive)" in html


def test_a_major_accepted_risk_stays_conditional(ready_pilot, tmp_path) -> None:
    instrument, responses, notes = ready_pilot
    notes = notes.assign(severity=["none", "major"])
    path = write_register(tmp_path / "c.csv", concern(severity="major", **ACCEPTED))
    result = evaluate(instrument, responses, notes=notes, concerns=read_concerns(path))
    assert result.readiness.verdict == "conditional"


def test_a_hand_added_concern_counts_until_dealt_with(ready_pilot, tmp_path) -> None:
    manual = concern(source="manual", note_id="", title="Open-text answers: <b>logins</b> fail")
    result = _evaluate(ready_pilot, tmp_path, concern(**VERIFIED), {**manual, "concern_id": "2"})
    assert result.readiness.verdict == "not_ready"
    (finding,) = [f for f in result.readiness.findings if f.rule == "register_entry"]
    assert finding.reason == (
        "The concern register lists a blocker concern about the pilot in general, still "
        "open: Open-text answers: <b>logins</b> fail."
    )
    assert readiness_reasons(result, ready_pilot[0], "en") == result.readiness.reasons
    verified = _evaluate(
        ready_pilot, tmp_path, concern(**VERIFIED), {**manual, **VERIFIED, "concern_id": "2"}
    )
    assert verified.readiness.verdict == "ready"


def test_a_runs_own_concern_and_an_unmatched_note_concern_are_not_read(
    ready_pilot, tmp_path
) -> None:
    result = _evaluate(
        ready_pilot,
        tmp_path,
        concern(**VERIFIED),
        concern(concern_id="2", source="run", note_id="", run_id="r1", dimension="general"),
        concern(concern_id="3", note_id="99"),
    )
    assert result.readiness.verdict == "ready"
    effects = [c["effect"] for c in result.to_summary()["concerns"]]
    assert effects == ["resolved", "none", "none"]


def test_register_texts_are_escaped_in_the_report(ready_pilot, tmp_path) -> None:
    hostile = "<img src=x onerror=alert(1)> [x](javascript:alert(1))"
    result = _evaluate(
        ready_pilot, tmp_path, concern(**{**VERIFIED, "plan": hostile, "verification": hostile})
    )
    html = resolved_block(result, ready_pilot[0], "en")
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


# --- summary.json and the command line ----------------------------------------------


def test_summary_keys_are_unchanged_but_for_concerns(ready_pilot, tmp_path) -> None:
    before = _evaluate(ready_pilot, tmp_path).to_summary()
    after = _evaluate(ready_pilot, tmp_path, concern(**ACCEPTED)).to_summary()
    assert list(before) == list(after)
    assert list(before)[list(before).index("notes") + 1] == "concerns"
    assert set(before["readiness"]) == set(after["readiness"])


def test_evaluate_command_reads_the_register(
    write_instrument, write_responses, tmp_path, capsys
) -> None:
    instrument = write_instrument(YES_NO, anonymous=True)
    responses = write_responses(_yes_no_rows(20, (0, 1), (1, 1)))
    notes = tmp_path / "notes.csv"
    with notes.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["dimension", "sentiment", "severity", "text", "note_id"])
        writer.writerow(["general", "negative", "blocker", "Calls drop.", BLOCKER_NOTE])
    register = write_register(tmp_path / "concerns.csv", concern(**VERIFIED))
    summary = tmp_path / "summary.json"
    base = ["evaluate", "--instrument", str(instrument), "--responses", str(responses)]
    base += ["--notes", str(notes), "--json", str(summary), "--quiet"]
    with pytest.raises(SystemExit) as done:
        main([*base, "--concerns", str(register)])
    assert done.value.code == 0
    data = json.loads(summary.read_text())
    assert data["readiness"]["verdict"] == "ready" and data["concerns"][0]["effect"] == "resolved"
    with pytest.raises(SystemExit) as done:
        main([*base[:-1], "--concerns", str(register)])  # printed: how it was resolved
    assert done.value.code == 0
    assert "resolved: concern 1 (blocker): Calls drop" in capsys.readouterr().out
    with pytest.raises(SystemExit) as done:
        main(base)
    assert done.value.code == 0
    assert json.loads(summary.read_text())["readiness"]["verdict"] == "not_ready"


def test_evaluate_command_names_the_bad_rows(
    write_instrument, write_responses, tmp_path, capsys
) -> None:
    instrument = write_instrument(YES_NO, anonymous=True)
    responses = write_responses(_yes_no_rows(20, (0, 1), (1, 1)))
    register = write_register(tmp_path / "concerns.csv", concern(status="closed"))
    with pytest.raises(SystemExit) as done:
        main(
            [
                "evaluate",
                "--instrument",
                str(instrument),
                "--responses",
                str(responses),
                "--concerns",
                str(register),
            ]
        )
    assert done.value.code != 0
    err = capsys.readouterr().err.splitlines()
    assert err[0].endswith("1 bad row in the concern register, nothing was read:")
    assert err[1].startswith("error: line 2: status 'closed' is not one of")
    assert "Traceback" not in "\n".join(err)
