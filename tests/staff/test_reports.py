"""Readiness reports in the staff workspace: the list, starting a run, the background
worker, and serving a run's files, on both engines."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient

from pilotkit.demo.builder import build_linked_pilot
from pilotkit.demo.scenarios import CRM_SCENARIO
from pilotkit.instruments import load_instrument_file
from survey_server.app import create_app
from survey_server.services import report_jobs
from survey_server.services.accounts import add_member
from survey_server.services.audit import COMMAND_LINE, read_log
from survey_server.settings import Settings
from survey_server.staff_tables import ReportJob
from survey_server.web.staff_reports import verdict_words
from tests.staff.conftest import PILOT_CORE, StaffSite, csrf_of


def write_run_folder(pilot_folder: Path, run_id: str, verdict: str = "conditional") -> Path:
    """A finished run as `pilotkit report` leaves it (only the files the server reads)."""
    folder = pilot_folder / run_id
    folder.mkdir(parents=True)
    (folder / "parameters.json").write_text("{}")
    (folder / "run.json").write_text(
        json.dumps(
            {
                "run_id": run_id,
                "started_at": "2026-11-01T09:00:00+00:00",
                "finished_at": "2026-11-01T09:00:05+00:00",
                "overrides": {"language": "en"},
            }
        )
    )
    (folder / "summary.json").write_text(json.dumps({"readiness": {"verdict": verdict}}))
    (folder / "report.html").write_text("<!doctype html><title>r</title><h1>The verdict</h1>")
    return folder


def _submit(site: StaffSite, token: str) -> None:
    form = site.client.get(f"/api/v1/forms/{token}").json()
    answers = {item["id"]: 4 for item in form["items"] if item["type"] == "likert"}
    response = site.client.post(
        f"/api/v1/forms/{token}/submissions",
        json={"submission_id": str(uuid.uuid4()), "answers": answers},
    )
    assert response.status_code == 201, response.text


def _start(browser: Any, slug: str, **data: str) -> Any:
    csrf = csrf_of(browser.get(f"/staff/pilots/{slug}/reports").text)
    return browser.post(
        f"/staff/pilots/{slug}/reports",
        data={"csrf_token": csrf, "language": "en", "alpha": "0.05", **data},
        follow_redirects=False,
    )


def test_executive_lists_and_opens_a_command_line_run(team: StaffSite) -> None:
    write_run_folder(team.reports_dir / "alpha", "20261101-090000-abcd", verdict="conditional")
    executive = team.browser("executive@example.org")

    listing = executive.get("/staff/pilots/alpha/reports")
    assert listing.status_code == 200
    assert "Ready with conditions" in listing.text
    assert "Start a new report" not in listing.text  # executives read, they do not run
    link = "/staff/pilots/alpha/reports/20261101-090000-abcd/report.html"
    assert link in listing.text
    assert "Latest report" in executive.get("/staff/pilots/alpha").text
    assert link in executive.get("/staff/pilots").text
    assert link not in team.browser("facilitator@example.org").get("/staff/pilots").text

    opened = executive.get(link)
    assert opened.status_code == 200
    assert opened.headers["content-type"].startswith("text/html")
    assert "The verdict" in opened.text
    assert "script-src" not in opened.headers["content-security-policy"]
    assert "default-src 'none'" in opened.headers["content-security-policy"]


@pytest.mark.parametrize(
    "path",
    [
        "/staff/pilots/alpha/reports/20261101-090000-abcd/run.json",
        "/staff/pilots/alpha/reports/20261101-090000-abcd/parameters.json",
        "/staff/pilots/alpha/reports/..%2F..%2Fbeta/report.html",
        "/staff/pilots/alpha/reports/.hidden/report.html",
        "/staff/pilots/alpha/reports/20261101-000000-ffff/report.html",
    ],
)
def test_only_a_runs_report_files_are_served(team: StaffSite, path: str) -> None:
    write_run_folder(team.reports_dir / "alpha", "20261101-090000-abcd")
    write_run_folder(team.reports_dir / "beta", "20261101-090000-abcd")
    assert team.browser("analyst@example.org").get(path).status_code == 404


def test_starting_a_report_without_answers_says_why(team: StaffSite) -> None:
    response = _start(team.browser("manager@example.org"), "alpha")
    assert response.status_code == 409
    assert "no submitted answers yet" in response.text


def test_start_form_errors_name_the_field(team: StaffSite) -> None:
    response = _start(team.browser("analyst@example.org"), "alpha", language="xx", alpha="0.5")
    assert response.status_code == 422
    assert "Choose one of the report&#39;s languages" in response.text
    assert "Choose a significance level" in response.text
    assert 'aria-invalid="true"' in response.text


def test_one_report_at_a_time_per_pilot_and_the_start_is_audited(team: StaffSite) -> None:
    for token in team.tokens("alpha", 2):
        _submit(team, token)
    analyst = team.browser("analyst@example.org")
    first = _start(analyst, "alpha")
    assert first.status_code == 303
    run_id = first.headers["location"].rsplit("#run-", 1)[1]
    page = analyst.get("/staff/pilots/alpha/reports").text
    assert f'id="run-{run_id}"' in page and "Waiting to start" in page
    progress = analyst.get("/staff/pilots/alpha/reports/progress").json()
    assert progress["jobs"][0]["run_id"] == run_id
    assert progress["jobs"][0]["status"] == "queued"

    second = _start(team.browser("manager@example.org"), "alpha")
    assert second.status_code == 409
    assert "already being prepared" in second.text

    log = team.run(lambda e: read_log(e))
    starts = [entry for entry in log.entries if entry["action"] == "report.start"]
    assert [entry["object_id"] for entry in starts] == [run_id]


def _queue(site: StaffSite, slugs: list[str]) -> None:
    async def insert(engine: Any) -> None:
        from survey_server.tables import Pilot

        for number, slug in enumerate(slugs):
            pilot = await Pilot.select(Pilot.id).where(Pilot.slug == slug).first()
            await ReportJob.insert(
                ReportJob(
                    pilot=pilot["id"],
                    run_id=f"job-{number}",
                    status="queued",
                    requested_by_email="analyst@example.org",
                    parameters='{"language": "en"}',
                    created_at=int(time.time()),
                )
            )

    site.run(insert)


def test_concurrent_workers_never_claim_a_job_twice(team: StaffSite) -> None:
    for number in range(6):
        team.pilot(f"p{number}", open_pre=False)
    _queue(team, [f"p{number}" for number in range(6)])

    async def claim_all(engine: Any) -> list[str]:
        claimed: list[str] = []

        async def worker(name: str) -> None:
            while (job := await report_jobs.claim_next(engine, name)) is not None:
                claimed.append(job.run_id)
                await asyncio.sleep(0)

        await asyncio.gather(*(worker(f"w{n}") for n in range(4)))
        return claimed

    claimed = team.run(claim_all)
    assert sorted(claimed) == [f"job-{n}" for n in range(6)]


def test_jobs_of_a_vanished_worker_fail_with_a_message(team: StaffSite) -> None:
    _queue(team, ["alpha"])

    async def abandon(engine: Any) -> int:
        job = await report_jobs.claim_next(engine, "gone")
        assert job is not None
        await ReportJob.update({ReportJob.heartbeat_at: int(time.time()) - 3600}).where(
            ReportJob.id == job.id
        )
        return await report_jobs.fail_abandoned(engine)

    assert team.run(abandon) == 1
    page = team.browser("analyst@example.org").get("/staff/pilots/alpha/reports").text
    assert "The server stopped before the report was finished; start it again." in page


@pytest.fixture
def worker_site(database_url: str, tmp_path: Path) -> Any:
    settings = Settings(
        database_url=database_url,
        base_url="http://testserver",
        reports_dir=tmp_path / "reports",
        report_worker=True,
        report_kernels=1,
    )
    with TestClient(app=create_app(settings)) as client:
        site = StaffSite(database_url, client)
        site.user("analyst@example.org", "analyst")
        site.user("executive@example.org", "executive")
        instrument = load_instrument_file(PILOT_CORE)
        scenario = replace(CRM_SCENARIO, participants=24)
        site.run(
            lambda e: build_linked_pilot(
                e, slug="crm", name="CRM pilot", instrument=instrument, scenario=scenario
            )
        )
        for email in ("analyst@example.org", "executive@example.org"):
            site.run(lambda e, email=email: add_member(e, "crm", email, COMMAND_LINE))
        yield site


@pytest.mark.slow
def test_a_report_started_from_the_pilot_page_runs_in_the_background(
    worker_site: StaffSite,
) -> None:
    analyst = worker_site.browser("analyst@example.org")
    started = time.monotonic()
    response = _start(analyst, "crm", pdf="")
    assert response.status_code == 303
    assert time.monotonic() - started < 5  # the request only queues the run
    run_id = response.headers["location"].rsplit("#run-", 1)[1]

    seen: list[float] = []
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        job = analyst.get("/staff/pilots/crm/reports/progress").json()["jobs"][0]
        seen.append(job["progress"])
        if job["status"] in ("succeeded", "failed"):
            break
        time.sleep(0.5)
    assert job["status"] == "succeeded", job
    assert seen == sorted(seen) and seen[-1] == 1.0

    executive = worker_site.browser("executive@example.org")
    listing = executive.get("/staff/pilots/crm/reports").text
    assert f"/staff/pilots/crm/reports/{run_id}/report.html" in listing
    report = executive.get(f"/staff/pilots/crm/reports/{run_id}/report.html")
    assert report.status_code == 200 and "CRM pilot" in report.text
    summary = json.loads((worker_site.reports_dir / "crm" / run_id / "summary.json").read_text())
    assert verdict_words()[summary["readiness"]["verdict"]] in listing


def test_each_run_records_its_language_and_readers_see_the_latest_in_theirs(
    team: StaffSite,
) -> None:
    spanish = write_run_folder(team.reports_dir / "alpha", "20261101-090000-eses")
    (spanish / "parameters.json").write_text(
        json.dumps({"readiness_report.ipynb": {"language": "es"}})
    )
    english = write_run_folder(team.reports_dir / "alpha", "20261102-090000-enen")
    record = json.loads((english / "run.json").read_text())
    record["started_at"] = "2026-11-02T09:00:00+00:00"
    (english / "run.json").write_text(json.dumps(record))
    executive = team.browser("executive@example.org")
    link = "/staff/pilots/alpha/reports/{}/report.html"
    # a Spanish reader gets the latest Spanish report, though an English one is newer
    for page in ("/staff/pilots/alpha", "/staff/pilots"):
        text = executive.get(page, headers={"Accept-Language": "es-MX,es;q=0.9"}).text
        assert link.format("20261101-090000-eses") in text
        assert link.format("20261102-090000-enen") not in text
        # anyone else the newest, whatever its language
        text = executive.get(page, headers={"Accept-Language": "fr"}).text
        assert link.format("20261102-090000-enen") in text
