"""The concern register: where concerns come from, their lifecycle, who may take each step,
the privacy rules of quotes, and that nothing is deleted (both engines)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from piccolo.querystring import QueryString

from survey_server.concern_tables import Concern
from survey_server.services.pilots import set_wave_status
from survey_server.staff_tables import AuditEntry
from tests.staff.conftest import Browser, StaffSite, csrf_of


def _post(browser: Browser, path: str, **data: str) -> Any:
    csrf = csrf_of(browser.get("/staff/password").text)
    return browser.post(path, data={"csrf_token": csrf, **data}, follow_redirects=False)


def _session(
    site: StaffSite, browser: Browser, attendees: str = "8", facilitator: str = "Group lead"
) -> str:
    response = _post(
        browser,
        "/staff/pilots/alpha/sessions/new",
        held_on="2026-11-02",
        kind="focus_group",
        attendees=attendees,
        facilitator=facilitator,
    )
    assert response.status_code == 303, response.text
    return response.headers["location"].rsplit("/", 1)[-1]


def _note(browser: Browser, sid: str, severity: str, text: str, quote: str = "") -> None:
    response = _post(
        browser,
        f"/staff/pilots/alpha/sessions/{sid}/notes",
        text=text,
        dimension="processes",
        sentiment="negative",
        severity=severity,
        quote=quote,
    )
    assert response.status_code == 303, response.text


def _concerns(site: StaffSite) -> list[dict[str, Any]]:
    return site.run(lambda e: Concern.select().order_by(Concern.id))


def test_a_blocker_note_opens_a_concern_linked_to_it(team: StaffSite) -> None:
    facilitator = team.browser("facilitator@example.org")
    sid = _session(team, facilitator, attendees="3")
    _note(facilitator, sid, "minor", "Small annoyance with the menu.")
    _note(facilitator, sid, "blocker", "Calls drop when a case is transferred.", "It drops!")
    rows = _concerns(team)
    assert len(rows) == 1
    concern = rows[0]
    assert (concern["source"], concern["severity"], concern["status"]) == (
        "note",
        "blocker",
        "open",
    )
    assert concern["dimension"] == "processes" and concern["note"] is not None
    assert concern["quote"] == ""  # a group of 3: its quote could point at one person
    page = team.browser("executive@example.org").get("/staff/pilots/alpha/concerns")
    assert page.status_code == 200 and "Calls drop when a case is transferred." in page.text


def test_the_lifecycle_through_the_pages_is_audited(team: StaffSite) -> None:
    facilitator = team.browser("facilitator@example.org")
    manager = team.browser("manager@example.org")
    sid = _session(team, facilitator)
    _note(facilitator, sid, "blocker", "The <b>transfer</b> screen freezes.")
    kid = _concerns(team)[0]["id"]
    base = f"/staff/pilots/alpha/concerns/{kid}"
    page = manager.get(base)
    assert "The &lt;b&gt;transfer&lt;/b&gt; screen freezes." in page.text  # escaped
    # a facilitator cannot plan; a bad date names the field and changes nothing
    assert _post(facilitator, base + "/plan", owner="x", due_on="x", plan="x").status_code == 403
    bad = _post(manager, base + "/plan", owner="manager@example.org", due_on="soon", plan="Fix")
    assert bad.status_code == 422 and "YYYY-MM-DD" in bad.text
    assert _concerns(team)[0]["status"] == "open"
    # verification before a mitigation is not possible
    assert _post(facilitator, base + "/verification", verification="x").status_code == 409
    ok = _post(
        manager, base + "/plan", owner="manager@example.org", due_on="2026-12-01", plan="Patch it"
    )
    assert ok.status_code == 303
    none = _post(manager, base + "/mitigation", mitigation="Patched", evidence="")
    assert none.status_code == 422 and "evidence" in none.text
    assert _post(
        manager, base + "/mitigation", mitigation="Patched 2.1", evidence="https://x.test/r"
    )
    assert _concerns(team)[0]["status"] == "mitigated"
    # the owner does not verify their own action
    own = _post(manager, base + "/verification", verification="Looks fine")
    assert own.status_code == 409 and "someone else" in own.text
    follow_up = _session(team, facilitator)
    _note(facilitator, follow_up, "none", "Transfers work now, the group agreed.")
    note_id = team.run(
        lambda e: e.run_querystring(QueryString('SELECT MAX("id") AS id FROM "note"'))
    )[0]["id"]
    done = _post(
        facilitator,
        base + "/verification",
        verification="Checked in the follow-up group",
        evidence_note=str(note_id),
    )
    assert done.status_code == 303
    row = _concerns(team)[0]
    assert row["status"] == "verified" and row["verified_by_email"] == "facilitator@example.org"
    assert row["evidence_note"] == note_id
    actions = [
        r["action"]
        for r in team.run(
            lambda e: (
                AuditEntry.select(AuditEntry.action)
                .where((AuditEntry.object_type == "concern") & (AuditEntry.object_id == str(kid)))
                .order_by(AuditEntry.id)
            )
        )
    ]
    assert actions == ["concern.open", "concern.plan", "concern.mitigate", "concern.verify"]
    # a verified concern can no longer be accepted as a risk
    assert (
        _post(
            team.browser("executive@example.org"), base + "/acceptance", rationale="r"
        ).status_code
        == 409
    )


def test_only_an_executive_accepts_a_risk_with_a_rationale(team: StaffSite) -> None:
    analyst = team.browser("analyst@example.org")
    added = _post(
        analyst, "/staff/pilots/alpha/concerns", title="Training too short", severity="major"
    )
    assert added.status_code == 303
    base = added.headers["location"]
    for role in ("admin", "manager", "analyst", "facilitator"):
        refused = _post(team.browser(f"{role}@example.org"), base + "/acceptance", rationale="ok")
        assert refused.status_code == 403, role
    executive = team.browser("executive@example.org")
    empty = _post(executive, base + "/acceptance", rationale="  ")
    assert empty.status_code == 422 and "Write why the risk is accepted." in empty.text
    assert (
        _post(executive, base + "/acceptance", rationale="Training follows rollout").status_code
        == 303
    )
    row = _concerns(team)[0]
    assert row["status"] == "accepted" and row["accepted_by_email"] == "executive@example.org"


def test_another_pilots_concern_is_not_found(team: StaffSite) -> None:
    admin = team.browser("admin@example.org")
    added = _post(admin, "/staff/pilots/beta/concerns", title="Beta only", severity="major")
    beta_id = added.headers["location"].rsplit("/", 1)[-1]
    manager = team.browser("manager@example.org")
    assert manager.get(f"/staff/pilots/alpha/concerns/{beta_id}").status_code == 404
    assert manager.get(f"/staff/pilots/beta/concerns/{beta_id}").status_code == 404
    plan = _post(
        manager,
        f"/staff/pilots/alpha/concerns/{beta_id}/plan",
        owner="manager@example.org",
        due_on="2026-12-01",
        plan="x",
    )
    assert plan.status_code == 404
    assert _concerns(team)[0]["status"] == "open"


def _answer_post_wave(site: StaffSite, texts: list[str]) -> None:
    site.run(lambda e: set_wave_status(e, "alpha", "pre", "closed"))
    site.run(lambda e: set_wave_status(e, "alpha", "post", "open"))
    for token, text in zip(site.tokens("alpha", len(texts)), texts, strict=True):
        form = site.client.get(f"/api/v1/forms/{token}").json()
        answers: dict[str, Any] = {i["id"]: 4 for i in form["items"] if i["type"] == "likert"}
        answers["rollout_worries"] = text
        response = site.client.post(
            f"/api/v1/forms/{token}/submissions",
            json={"submission_id": str(uuid.uuid4()), "answers": answers},
        )
        assert response.status_code == 201, response.text


def test_quotes_follow_the_reports_privacy_rules(team: StaffSite) -> None:
    manager = team.browser("manager@example.org")
    path = "/staff/pilots/alpha/concerns"
    no_item = _post(manager, path, title="Worries", severity="major", quote="It is slow")
    assert no_item.status_code == 422 and "open-text question" in no_item.text
    _answer_post_wave(team, ["It is slow", "Too slow", "Fine"])
    few = _post(
        manager,
        path,
        title="Worries",
        severity="major",
        quote="It is slow",
        quote_item="rollout_worries",
    )
    assert few.status_code == 422 and "Fewer than 5 people" in few.text
    _answer_post_wave(team, ["Slow at peak", "Slow"])
    _session(team, manager, facilitator="Rosalind Okafor")
    named = _post(
        manager,
        path,
        title="Worries",
        severity="major",
        quote="Rosalind says it is slow",
        quote_item="rollout_worries",
    )
    assert named.status_code == 422 and "contains a name" in named.text
    assert _concerns(team) == []
    ok = _post(
        manager,
        path,
        title="Worries",
        severity="major",
        quote="Slow at peak",
        quote_item="rollout_worries",
    )
    assert ok.status_code == 303
    assert _concerns(team)[0]["quote"] == "Slow at peak"


@pytest.mark.parametrize("statement", ['DELETE FROM "concern"'])
def test_the_database_refuses_to_delete_a_concern(team: StaffSite, statement: str) -> None:
    _post(
        team.browser("analyst@example.org"),
        "/staff/pilots/alpha/concerns",
        title="T",
        severity="major",
    )
    with pytest.raises(Exception, match="never deleted"):
        team.run(lambda e: e.run_querystring(QueryString(statement)))
    assert len(_concerns(team)) == 1
