"""Fixture data of the report tests: a CRM-like pilot's responses and notes as files."""

from __future__ import annotations

from pathlib import Path

import pytest

from pilotkit.demo.scenarios import CRM_SCENARIO, crm_notes
from pilotkit.demo.synthetic import simulate_responses
from pilotkit.instruments import load_instrument
from tests.helpers import run_cli


@pytest.fixture(scope="module")
def pilot_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("pilot")
    responses = folder / "responses.csv"
    simulate_responses(load_instrument("pilot-core"), CRM_SCENARIO).to_csv(responses, index=False)
    notes = folder / "notes.csv"
    crm_notes().to_csv(notes, index=False)
    return {"responses": responses, "notes": notes, "folder": folder}


def report_error_line(pilot_files: dict[str, Path], name: str, value: str) -> str:
    """`pilotkit report -p NAME VALUE` on the fixture data: it must fail with one error
    line and no traceback; returns that line.

    The reports folder is given relative to the working directory, as typed at a prompt
    (the kernels start in a folder of their own: the run must not lose its way)."""
    result = run_cli(
        "report",
        "--instrument",
        "pilot-core",
        "--responses",
        str(pilot_files["responses"]),
        "--out",
        "bad",
        "-p",
        name,
        value,
        "--no-progress",
        cwd=pilot_files["folder"],
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = [ln for ln in result.stderr.splitlines() if ln.startswith("error:")]
    assert len(lines) == 1
    return lines[0]


def input_args(pilot_files: dict[str, Path]) -> list[str]:
    """The command-line options naming the fixture pilot's instrument, responses, notes."""
    return [
        "--instrument",
        "pilot-core",
        "--responses",
        str(pilot_files["responses"]),
        "--notes",
        str(pilot_files["notes"]),
    ]


def evaluate_json(pilot_files: dict[str, Path]) -> bytes:
    """What `pilotkit evaluate --json` writes for the fixture data (responses and notes)."""
    out = pilot_files["folder"] / "evaluate.json"
    result = run_cli("evaluate", *input_args(pilot_files), "--json", str(out), "--quiet")
    assert result.returncode == 0, result.stderr
    return out.read_bytes()
