"""`pilotkit report --concerns`: the register is copied with the inputs, read by the
verdict, and shown as "Resolved, and how" and "Risks accepted", every text escaped."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pilotkit.demo.scenarios import crm_notes
from tests.evaluation.test_concerns import ACCEPTED, VERIFIED, concern, write_register
from tests.helpers import run_cli
from tests.reporting.conftest import report_error_line

HOSTILE = "<img src=x onerror=alert(1)> [click](javascript:alert(1))"


@pytest.fixture(scope="module")
def register_files(pilot_files) -> dict[str, Path]:
    folder = pilot_files["folder"]
    notes = crm_notes()
    notes["note_id"] = [str(n) for n in range(1, len(notes) + 1)]
    notes.to_csv(folder / "notes-with-ids.csv", index=False)
    blocker = int(notes.index[notes["severity"] == "blocker"][0]) + 1
    major = int(notes.index[notes["severity"] == "major"][0]) + 1
    register = write_register(
        folder / "concerns.csv",
        concern(
            note_id=str(blocker),
            dimension="effortlessness",
            **{**VERIFIED, "plan": f"Plan {HOSTILE}"},
        ),
        concern(concern_id="2", note_id=str(major), severity="major", **ACCEPTED),
    )
    return {"notes": folder / "notes-with-ids.csv", "concerns": register}


@pytest.mark.slow
def test_a_report_reads_the_register_and_says_how_concerns_were_dealt_with(
    pilot_files, register_files
) -> None:
    out = pilot_files["folder"] / "with-concerns"
    result = run_cli(
        "report",
        "--instrument",
        "pilot-core",
        "--responses",
        str(pilot_files["responses"]),
        "--notes",
        str(register_files["notes"]),
        "--concerns",
        str(register_files["concerns"]),
        "--out",
        str(out),
        "--run-id",
        "run-1",
        "--no-progress",
    )
    assert result.returncode == 0, result.stderr
    run_dir = out / "pilot-core" / "run-1"
    assert (run_dir / "inputs" / "concerns.csv").read_bytes() == (
        register_files["concerns"].read_bytes()
    )
    assert "concerns" in json.loads((run_dir / "run.json").read_text())["inputs"]
    summary = json.loads((run_dir / "summary.json").read_text())
    assert [c["effect"] for c in summary["concerns"]] == ["resolved", "accepted"]
    rules = {f["rule"] for f in summary["readiness"]["findings"]}
    assert "blocker_concern" not in rules and "accepted_risk" in rules
    report = (run_dir / "report.html").read_text()
    assert "Resolved, and how" in report and "Risks accepted" in report
    assert "A follow-up group transferred ten cases without a drop" in report
    assert "Transfers are rare; the old line stays open for them" in report
    assert "executive@example.org (executive)" in report
    assert "<img src=x" not in report and "&lt;img src=x onerror=alert(1)&gt;" in report


def test_concerns_path_is_set_by_the_command_only(pilot_files) -> None:
    line = report_error_line(pilot_files, "concerns_path", "x.csv")
    assert line == "error: parameter 'concerns_path' is set by the report command itself"
