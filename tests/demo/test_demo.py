"""The demo pilots are built through the participant services, on every engine, and the
demo command writes both readiness reports."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pandas as pd
import pytest

from pilotkit.demo.builder import build_demo, demo_answer_count, demo_link
from pilotkit.demo.scenarios import CRM_PILOT_SLUG, CRM_SCENARIO, YOUTH_SLUG
from survey_server.connection import connected
from survey_server.services.forms import open_form
from survey_server.services.report_inputs import export_pilot_inputs
from tests.helpers import run_cli


async def _build_and_export(url: str, folder: Path) -> dict:
    async with connected(url) as engine:
        expected = await demo_answer_count(engine)
        ticks: list[int] = []
        first = (await build_demo(engine, folder, tick=lambda: ticks.append(1))).built
        left = await demo_answer_count(engine)
        again = await build_demo(engine, folder)
        crm = await export_pilot_inputs(engine, CRM_PILOT_SLUG, folder / "export")
        youth = await export_pilot_inputs(engine, YOUTH_SLUG, folder / "export")
        form = await open_form(engine, demo_link(folder) or "")
        return {
            "first": first,
            "again": again,
            "crm": crm,
            "youth": youth,
            "form": form,
            "bar": (expected, len(ticks), left),
        }


def test_demo_pilots_on_every_engine(database_url: str, tmp_path: Path) -> None:
    out = asyncio.run(_build_and_export(database_url, tmp_path))
    assert [p.slug for p in out["first"]] == [CRM_PILOT_SLUG, YOUTH_SLUG]
    assert out["again"].built == []  # a second run reuses the pilots
    expected, ticks, left = out["bar"]
    assert expected == ticks > 0 and left == 0  # the progress bar ends full, or is not shown
    assert {a.role for a in out["again"].staff.accounts} == {
        "admin",
        "manager",
        "facilitator",
        "analyst",
        "executive",
    }
    crm = pd.read_csv(out["crm"].responses, dtype=str, keep_default_na=False)
    assert crm.groupby("wave").participant_id.nunique()["pre"] == CRM_SCENARIO.participants
    assert out["crm"].invited == CRM_SCENARIO.participants + 2
    youth = pd.read_csv(out["youth"].responses, dtype=str, keep_default_na=False)
    pre, post = (set(youth[youth.wave == w].participant_id) for w in ("pre", "post"))
    assert pre and post and not pre & post  # anonymous: nothing links the waves
    assert out["form"].wave.name == "post" and not out["form"].submitted
    notes = pd.read_csv(out["crm"].notes, dtype=str, keep_default_na=False)
    assert len(notes) == 11 and notes.session_id.nunique() == 2
    assert out["youth"].notes is None


@pytest.mark.slow
def test_demo_command_writes_both_reports(tmp_path: Path) -> None:
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        "PILOTKIT_DATA_DIR": str(tmp_path / "data"),
        "PILOTKIT_REPORTS_DIR": str(tmp_path / "reports"),
        "PILOTKIT_BASE_URL": "http://127.0.0.1:8123",
    }
    result = run_cli("demo", "--no-serve", env=env)
    assert result.returncode == 0, result.stderr
    assert "participant form (post-pilot wave open): http://127.0.0.1:8123/f/" in result.stdout
    reports = [
        line.split(": ", 1)[1] for line in result.stdout.splitlines() if line.startswith("  file: ")
    ]
    assert len(reports) == 2
    urls = [line for line in result.stdout.splitlines() if line.startswith("readiness report: ")]
    assert urls[0].startswith(
        f"readiness report: http://127.0.0.1:8123/staff/pilots/{CRM_PILOT_SLUG}/reports/"
        f"{Path(reports[0]).parent.name}/report.html"
    )
    crm_html = Path(reports[0]).read_text()
    assert "Not ready for a wider rollout" in crm_html
    assert "Every Parks case, I type twice." in crm_html  # a quote from the notes in the DB
    assert "staff sign-in: http://127.0.0.1:8123/staff/sign-in" in result.stdout
    assert (
        f"e-mail invitations sent: http://127.0.0.1:8123/staff/pilots/{CRM_PILOT_SLUG}/outreach"
        in result.stdout
    )
    invitations = list((tmp_path / "data" / "outbox" / CRM_PILOT_SLUG).glob("*.eml"))
    assert len(invitations) == 2 * (CRM_SCENARIO.participants + 2)  # both waves
    assert "311 contact center: new CRM pilot" in crm_html
    youth_html = Path(reports[1]).read_text()
    assert "Before → after" in youth_html or "before → after" in youth_html
    again = run_cli("demo", "--no-serve", env=env)
    assert again.returncode == 0 and "already there" in again.stdout


@pytest.mark.slow
def test_report_for_a_pilot_in_the_database(tmp_path: Path) -> None:
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        "PILOTKIT_DATA_DIR": str(tmp_path / "data"),
        "PILOTKIT_REPORTS_DIR": str(tmp_path / "reports"),
    }
    assert run_cli("demo", "--no-serve", "--no-reports", env=env).returncode == 0
    result = run_cli(
        "report", "--pilot", CRM_PILOT_SLUG, "-p", "alpha", "0.01", "--no-progress", env=env
    )
    assert result.returncode == 0, result.stderr
    summary = Path(result.stdout.split("summary: ")[1].splitlines()[0])
    assert '"alpha": 0.01' in summary.read_text()
    missing = run_cli("report", "--pilot", "nope", "--no-progress", env=env)
    assert missing.returncode != 0 and "no pilot with slug 'nope'" in missing.stderr
