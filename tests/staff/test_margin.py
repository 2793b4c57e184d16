"""The pilot's margin for the verdict: shown to everyone on the pilot, set by managers
and admins, refused values change nothing, every change audited, a change once the
follow-up wave has answers flagged; on both engines."""

from __future__ import annotations

import html
import json
import time
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient

from pilotkit.demo.builder import build_linked_pilot
from pilotkit.demo.scenarios import CRM_SCENARIO
from pilotkit.instruments import load_instrument_file
from survey_server.app import create_app
from survey_server.services.accounts import add_member
from survey_server.services.audit import COMMAND_LINE, read_log
from survey_server.services.pilots import set_wave_status
from survey_server.services.report_inputs import PilotInputs, pilot_report_request
from survey_server.settings import Settings
from survey_server.tables import Pilot
from tests.staff.conftest import PILOT_CORE, StaffSite, csrf_of


def _stored(site: StaffSite, slug: str = "alpha") -> dict[str, Any]:
    async def read(engine: Any) -> dict[str, Any]:
        row = (
            await Pilot.select(Pilot.margin, Pilot.margin_changed_after_data)
            .where(Pilot.slug == slug)
            .first()
        )
        return {"margin": row["margin"], "flag": bool(row["margin_changed_after_data"])}

    return site.run(read)


def _margin_entries(site: StaffSite) -> list[dict[str, Any]]:
    entries = site.run(lambda e: read_log(e)).entries
    return [entry for entry in entries if entry["action"] == "pilot.margin"]


def _post(browser: Any, value: str, slug: str = "alpha") -> Any:
    csrf = csrf_of(browser.get("/staff/pilots").text)
    return browser.post(
        f"/staff/pilots/{slug}/margin",
        data={"csrf_token": csrf, "margin": value},
        follow_redirects=False,
    )


def _answer_follow_up(site: StaffSite, slug: str = "alpha") -> None:
    """One participant answers the post wave (the follow-up the verdict compares with)."""
    site.run(lambda e: set_wave_status(e, slug, "pre", "closed"))
    site.run(lambda e: set_wave_status(e, slug, "post", "open"))
    token = site.tokens(slug)[0]
    form = site.client.get(f"/api/v1/forms/{token}").json()
    answers = {item["id"]: 4 for item in form["items"] if item["type"] == "likert"}
    response = site.client.post(
        f"/api/v1/forms/{token}/submissions",
        json={"submission_id": str(uuid.uuid4()), "answers": answers},
    )
    assert response.status_code == 201, response.text


def test_everyone_sees_the_default_and_only_managers_and_admins_change_it(
    team: StaffSite,
) -> None:
    executive = team.browser("executive@example.org")
    page = executive.get("/staff/pilots/alpha").text
    assert "Margin for the verdict" in page
    assert "Now: the default, 0.25 points (1/16 of the 1–5 scale" in page
    assert "/staff/pilots/alpha/margin" not in page
    for role in ("executive", "analyst", "facilitator"):
        browser = team.browser(f"{role}@example.org")
        assert browser.get("/staff/pilots/alpha/margin").status_code == 403
        assert _post(browser, "0.3").status_code == 403
    assert _stored(team) == {"margin": None, "flag": False}
    assert _margin_entries(team) == []

    manager = team.browser("manager@example.org")
    assert "/staff/pilots/alpha/margin" in manager.get("/staff/pilots/alpha").text
    form = manager.get("/staff/pilots/alpha/margin")
    assert form.status_code == 200 and 'name="margin"' in form.text
    saved = _post(manager, "0.3")
    assert saved.status_code == 303 and saved.headers["location"].endswith("/alpha#margin")
    assert _stored(team) == {"margin": 0.3, "flag": False}
    assert "Now: 0.3 points, set for this pilot." in executive.get("/staff/pilots/alpha").text
    # a manager who is not a member of a pilot is told it does not exist
    assert _post(manager, "0.3", slug="beta").status_code == 404

    admin = team.browser("admin@example.org")
    assert _post(admin, "0,5").status_code == 303  # a decimal comma reads as a point
    assert _stored(team)["margin"] == 0.5
    assert _post(admin, "0.5").status_code == 303  # the same value: nothing to record
    assert _post(admin, "").status_code == 303  # empty: back to the default
    assert _stored(team) == {"margin": None, "flag": False}

    entries = _margin_entries(team)  # newest first
    assert [(e["actor_email"], e["before"]["margin"], e["after"]["margin"]) for e in entries] == [
        ("admin@example.org", "0.5 points", "default (0.25 points)"),
        ("admin@example.org", "0.3 points", "0.5 points"),
        ("manager@example.org", "default (0.25 points)", "0.3 points"),
    ]
    assert all(e["before"]["slug"] == e["after"]["slug"] == "alpha" for e in entries)
    # the audit page reads it as old -> new
    audit_page = admin.get("/staff/audit").text
    assert "pilot.margin" in audit_page and "pilot alpha" in audit_page
    assert "0.3 points" in audit_page and "0.5 points" in audit_page


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("abc", "Enter the margin as a number of scale points, for example 0.25."),
        ("0.2.5", "Enter the margin as a number of scale points, for example 0.25."),
        ("0x1", "Enter the margin as a number of scale points, for example 0.25."),
        ("٣", "Enter the margin as a number of scale points, for example 0.25."),
        ("1" * 40, "Enter the margin as a number of scale points, for example 0.25."),
        ("0", "The margin must be a number above 0."),
        ("-0.5", "The margin must be a number above 0."),
        ("nan", "Enter the margin as a number of scale points, for example 0.25."),
        ("inf", "Enter the margin as a number of scale points, for example 0.25."),
        ("1e400", "Enter the margin as a number of scale points, for example 0.25."),
        ("4.01", "The margin must be at most 4 points, the range of the 1–5 scale."),
    ],
)
def test_a_refused_margin_is_named_on_the_form_and_changes_nothing(
    team: StaffSite, typed: str, message: str
) -> None:
    manager = team.browser("manager@example.org")
    assert _post(manager, "0.3").status_code == 303
    refused = _post(manager, typed)
    assert refused.status_code == 422
    assert message in refused.text
    assert 'aria-invalid="true"' in refused.text and "Nothing was changed." in refused.text
    assert _stored(team) == {"margin": 0.3, "flag": False}
    assert len(_margin_entries(team)) == 1


def test_the_whole_scale_range_is_accepted(team: StaffSite) -> None:
    manager = team.browser("manager@example.org")
    assert _post(manager, "4").status_code == 303
    assert _stored(team)["margin"] == 4.0


def test_a_change_once_the_follow_up_has_answers_is_flagged_and_audited(
    team: StaffSite,
) -> None:
    manager = team.browser("manager@example.org")
    assert _post(manager, "0.3").status_code == 303  # decided before the follow-up
    assert _stored(team) == {"margin": 0.3, "flag": False}
    _answer_follow_up(team)

    form = manager.get("/staff/pilots/alpha/margin").text
    assert "The post wave already has 1 answer." in form  # said before the change
    assert _post(manager, "0.4").status_code == 303
    assert _stored(team) == {"margin": 0.4, "flag": True}
    latest = _margin_entries(team)[0]
    assert latest["before"] == {"slug": "alpha", "margin": "0.3 points"}
    assert latest["after"] == {
        "slug": "alpha",
        "margin": "0.4 points",
        "changed_after_data": True,
        "follow_up_answers": "post: 1",
    }
    page = team.browser("executive@example.org").get("/staff/pilots/alpha").text
    assert "The margin was changed after answers to the follow-up wave came in." in page
    # the flag stays, even when the margin goes back to what it was
    assert _post(manager, "0.3").status_code == 303
    assert _stored(team) == {"margin": 0.3, "flag": True}


def test_the_margin_pages_speak_spanish(team: StaffSite) -> None:
    spanish = {"Accept-Language": "es"}
    manager = team.browser("manager@example.org")
    page = manager.get("/staff/pilots/alpha", headers=spanish).text
    assert "Margen para el veredicto" in page and "Cambiar el margen" in page
    form = manager.get("/staff/pilots/alpha/margin", headers=spanish).text
    assert "Margen en puntos de la escala" in form
    csrf = csrf_of(form)
    refused = manager.post(
        "/staff/pilots/alpha/margin",
        data={"csrf_token": csrf, "margin": "9"},
        headers=spanish,
        follow_redirects=False,
    )
    assert refused.status_code == 422
    assert "El margen debe ser como mucho 4 puntos" in refused.text


def _inputs(margin: float | None, changed: bool) -> PilotInputs:
    return PilotInputs(
        slug="alpha",
        name="Alpha",
        instrument=Path("i.yaml"),
        responses=Path("r.csv"),
        invited=10,
        rows=20,
        margin=margin,
        margin_changed_after_data=changed,
    )


def test_a_report_run_receives_the_pilots_margin_unless_the_analyst_gives_one() -> None:
    request = pilot_report_request(_inputs(0.3, True), {"language": "es"})
    assert request.overrides["margin"] == "0.3"
    assert request.overrides["margin_source"] == "pilot"
    assert request.overrides["margin_changed_after_data"] == "true"
    unset = pilot_report_request(_inputs(None, False), {})
    assert "margin" not in unset.overrides and "margin_source" not in unset.overrides
    assert unset.overrides["margin_changed_after_data"] == "false"
    analyst = pilot_report_request(_inputs(0.3, True), {"margin": "0.5"})
    assert analyst.overrides["margin"] == "0.5"
    assert "margin_source" not in analyst.overrides
    assert "margin_changed_after_data" not in analyst.overrides


@pytest.fixture
def report_site(database_url: str, tmp_path: Path) -> Iterator[StaffSite]:
    """A server with its report worker and a CRM-like pilot answered in both waves."""
    settings = Settings(
        database_url=database_url,
        base_url="http://testserver",
        reports_dir=tmp_path / "reports",
        report_worker=True,
        report_kernels=1,
    )
    with TestClient(app=create_app(settings)) as client:
        site = StaffSite(database_url, client)
        site.user("manager@example.org", "manager")
        instrument = load_instrument_file(PILOT_CORE)
        scenario = replace(CRM_SCENARIO, participants=24)
        site.run(
            lambda e: build_linked_pilot(
                e, slug="crm", name="CRM pilot", instrument=instrument, scenario=scenario
            )
        )
        site.run(lambda e: add_member(e, "crm", "manager@example.org", COMMAND_LINE))
        yield site


@pytest.mark.slow
def test_a_server_report_uses_the_pilots_margin_and_says_it_was_changed_after_data(
    report_site: StaffSite,
) -> None:
    manager = report_site.browser("manager@example.org")
    assert _post(manager, "0.3", slug="crm").status_code == 303  # the post wave has answers
    assert _stored(report_site, "crm") == {"margin": 0.3, "flag": True}
    csrf = csrf_of(manager.get("/staff/pilots/crm/reports").text)
    started = manager.post(
        "/staff/pilots/crm/reports",
        data={"csrf_token": csrf, "language": "es", "alpha": "0.05"},
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

    folder = report_site.reports_dir / "crm" / run_id
    parameters = json.loads((folder / "parameters.json").read_text())["readiness_report.ipynb"]
    assert parameters["margin"] == 0.3
    assert parameters["margin_source"] == "pilot"
    assert parameters["margin_changed_after_data"] is True
    summary = json.loads((folder / "summary.json").read_text())
    assert summary["margin"] == 0.3 and summary["margin_source"] == "pilot"
    assert summary["margin_changed_after_data"] is True
    assert all(d["margin"] == 0.3 for d in summary["dimensions"])
    report = html.unescape((folder / "report.html").read_text(encoding="utf-8"))
    assert "El margen (0,3 puntos) se cambió después de que llegaran respuestas" in report
    assert "margen: 0,3 puntos, el valor fijado para el piloto." in report
