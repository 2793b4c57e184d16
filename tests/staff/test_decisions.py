"""Rollout decisions: what a decision pins, who records one, that a later one supersedes it
and that nothing (no route, no page, no SQL) changes one, on both engines."""

from __future__ import annotations

import hashlib
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from piccolo.querystring import QueryString

from survey_server.concern_tables import Decision
from survey_server.services.accounts import add_member
from survey_server.services.audit import COMMAND_LINE
from survey_server.staff_tables import AuditEntry
from tests.staff.conftest import ROLES, Browser, StaffSite, csrf_of
from tests.staff.test_reports import write_run_folder

RUN = "20261101-090000-abcd"


def decided_run(pilot_folder: Path, run_id: str = RUN, verdict: str = "conditional") -> Path:
    """A finished run whose summary.json has the figures of the report's first screen."""
    folder = write_run_folder(pilot_folder, run_id, verdict=verdict)
    summary = {
        "waves": {"pre": {"n": 40}, "post": {"n": 37}},
        "n_paired": 35,
        "baseline_wave": "pre",
        "follow_up_wave": "post",
        "readiness": {"verdict": verdict, "reasons": []},
    }
    (folder / "summary.json").write_text(json.dumps(summary, indent=2))
    return folder


def post(browser: Browser, path: str, **data: str) -> Any:
    csrf = csrf_of(browser.get("/staff/password").text)
    return browser.post(path, data={"csrf_token": csrf, **data}, follow_redirects=False)


def decide(browser: Browser, slug: str = "alpha", run_id: str = RUN, **data: str) -> Any:
    fields = {"run_id": run_id, "outcome": "go", "conditions": "", "current": "", **data}
    return post(browser, f"/staff/pilots/{slug}/decisions", **fields)


def decisions(site: StaffSite) -> list[dict[str, Any]]:
    return site.run(lambda e: Decision.select().order_by(Decision.id))


def add_concern(browser: Browser, title: str, severity: str = "major", slug: str = "alpha") -> str:
    added = post(browser, f"/staff/pilots/{slug}/concerns", title=title, severity=severity)
    assert added.status_code == 303, added.text
    return added.headers["location"].rsplit("/", 1)[-1]


def test_an_executive_records_a_decision_that_pins_the_run(team: StaffSite) -> None:
    folder = decided_run(team.reports_dir / "alpha")
    analyst = team.browser("analyst@example.org")
    add_concern(analyst, "Night shift has <no> one to ask", "blocker")
    add_concern(analyst, "Training too short")
    executive = team.browser("executive@example.org")

    form = executive.get(f"/staff/pilots/alpha/decisions/new?run={RUN}")
    assert form.status_code == 200
    assert "Ready with conditions" in form.text and ">40<" in form.text and ">35<" in form.text
    assert "1 blocker, 1 major" in form.text
    missing = decide(executive, outcome="go_with_conditions", conditions="  ")
    assert missing.status_code == 422
    assert "Write the conditions of the go, in plain words." in missing.text
    assert decide(executive, outcome="maybe").status_code == 422
    assert decisions(team) == []

    done = decide(executive, outcome="go_with_conditions", conditions="Night <b>on-call</b> first.")
    assert done.status_code == 303, done.text
    (row,) = decisions(team)
    assert (
        row["summary_sha256"] == hashlib.sha256((folder / "summary.json").read_bytes()).hexdigest()
    )
    assert (row["verdict"], row["outcome"], row["run_id"]) == (
        "conditional",
        "go_with_conditions",
        RUN,
    )
    figures = row["figures"] if isinstance(row["figures"], dict) else json.loads(row["figures"])
    assert figures == {
        "before_wave": "pre",
        "after_wave": "post",
        "n_before": 40,
        "n_after": 37,
        "n_both": 35,
    }
    register = row["register"] if isinstance(row["register"], list) else json.loads(row["register"])
    assert [(c["title"], c["severity"], c["status"]) for c in register] == [
        ("Night shift has <no> one to ask", "blocker", "open"),
        ("Training too short", "major", "open"),
    ]
    assert row["decided_by_email"] == "executive@example.org" and row["supersedes"] is None

    page = executive.get(done.headers["location"])
    assert page.status_code == 200
    assert "Night &lt;b&gt;on-call&lt;/b&gt; first." in page.text
    assert "Night shift has &lt;no&gt; one to ask" in page.text
    assert row["summary_sha256"] in page.text and "decision in force" in page.text
    audit = team.run(lambda e: AuditEntry.select().where(AuditEntry.action == "decision.record"))
    assert [a["object_id"] for a in audit] == [str(row["id"])]
    # the pilot page and the decisions list show it, with what to do next
    pilot_page = team.browser("manager@example.org").get("/staff/pilots/alpha").text
    assert "Go with conditions" in pilot_page and "Record a new decision" not in pilot_page
    assert "Record a new decision on the latest report" in executive.get("/staff/pilots/alpha").text


def test_a_later_decision_supersedes_and_a_stale_form_changes_nothing(team: StaffSite) -> None:
    decided_run(team.reports_dir / "alpha")
    decided_run(team.reports_dir / "alpha", "20261201-090000-beef", verdict="ready")
    executive = team.browser("executive@example.org")
    first = decide(executive, outcome="extend", conditions="Two more weeks.")
    first_id = first.headers["location"].rsplit("/", 1)[-1]
    stale = decide(executive, run_id="20261201-090000-beef", outcome="go")
    assert stale.status_code == 409 and "Another decision was recorded" in stale.text
    assert len(decisions(team)) == 1
    second = decide(executive, run_id="20261201-090000-beef", outcome="go", current=first_id)
    assert second.status_code == 303
    rows = decisions(team)
    assert [r["supersedes"] for r in rows] == [None, int(first_id)]
    assert [r["outcome"] for r in rows] == ["extend", "go"]
    old = executive.get(f"/staff/pilots/alpha/decisions/{first_id}").text
    assert "no longer in force" in old and "Two more weeks." in old
    listing = executive.get("/staff/pilots/alpha/decisions").text
    assert listing.index("in force") < listing.index("superseded")


@pytest.mark.parametrize("role", [r for r in ROLES if r != "executive"])
def test_only_executives_record_decisions(team: StaffSite, role: str) -> None:
    decided_run(team.reports_dir / "alpha")
    browser = team.browser(f"{role}@example.org")
    assert decide(browser).status_code == 403
    assert browser.get("/staff/pilots/alpha/decisions/new").status_code == 403
    assert decisions(team) == []


def test_a_decision_needs_a_finished_run_of_its_own_pilot(team: StaffSite) -> None:
    decided_run(team.reports_dir / "beta")
    executive = team.browser("executive@example.org")
    assert decide(executive, run_id=RUN).status_code == 404  # alpha has no such run
    assert decide(executive, run_id="../beta/" + RUN).status_code == 404
    assert executive.get("/staff/pilots/alpha/decisions/new").status_code == 409
    folder = write_run_folder(team.reports_dir / "alpha", RUN)
    (folder / "summary.json").write_text("{not json")
    assert decide(executive).status_code == 409
    assert decisions(team) == []


def test_another_pilots_decision_is_not_found(team: StaffSite) -> None:
    team.user("exec2@example.org", "executive")
    team.run(lambda e: add_member(e, "beta", "exec2@example.org", COMMAND_LINE))
    decided_run(team.reports_dir / "beta")
    beta_exec = team.browser("exec2@example.org")
    made = decide(beta_exec, slug="beta", outcome="no_go")
    assert made.status_code == 303
    beta_id = made.headers["location"].rsplit("/", 1)[-1]
    for role in ("executive", "manager"):
        browser = team.browser(f"{role}@example.org")
        assert browser.get(f"/staff/pilots/beta/decisions/{beta_id}").status_code == 404
        assert browser.get(f"/staff/pilots/alpha/decisions/{beta_id}").status_code == 404
        assert browser.get("/staff/pilots/beta/decisions").status_code == 404


def test_a_decision_cannot_be_changed_by_route_page_or_sql(team: StaffSite) -> None:
    decided_run(team.reports_dir / "alpha")
    executive = team.browser("executive@example.org")
    made = decide(executive, outcome="go_with_conditions", conditions="Train first.")
    path = made.headers["location"]
    csrf = csrf_of(executive.get(path).text)
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        answer = executive.request(method, path, data={"csrf_token": csrf, "outcome": "no_go"})
        assert answer.status_code == 405, method
        for suffix in ("/edit", "/delete"):
            assert executive.request(method, path + suffix).status_code in (404, 405)
    decision_id = path.rsplit("/", 1)[-1]
    for method in ("GET", "PUT", "PATCH", "DELETE"):
        api = executive.request(method, f"/staff/api/v1/pilots/alpha/decisions/{decision_id}")
        assert api.status_code in (401, 404, 405), method
    for statement in (
        'UPDATE "decision" SET "outcome" = \'no_go\'',
        'UPDATE "decision" SET "conditions" = \'\' WHERE "id" = ' + decision_id,
        'DELETE FROM "decision"',
    ):
        with pytest.raises(Exception, match="append-only"):
            team.run(lambda e, s=statement: e.run_querystring(QueryString(s)))
    (row,) = decisions(team)
    assert (row["outcome"], row["conditions"]) == ("go_with_conditions", "Train first.")


def test_the_memo_holds_the_decision_in_english_and_spanish(team: StaffSite) -> None:
    decided_run(team.reports_dir / "alpha")
    analyst = team.browser("analyst@example.org")
    add_concern(analyst, "Night shift has <script>no</script> one to ask", "blocker")
    executive = team.browser("executive@example.org")
    made = decide(executive, outcome="go_with_conditions", conditions="On-call <b>first</b>.")
    memo = made.headers["location"] + "/memo"

    english = team.browser("manager@example.org").get(memo + ".html?lang=en")
    assert english.status_code == 200
    assert "default-src 'none'" in english.headers["content-security-policy"]
    text = english.text
    for expected in (
        "Rollout decision memo",
        "Go with conditions",
        "On-call &lt;b&gt;first&lt;/b&gt;.",
        "Ready with conditions",
        ">40<",
        ">37<",
        ">35<",
        "Night shift has &lt;script&gt;no&lt;/script&gt; one to ask",
        "blocker",
        "Open",
        "executive@example.org",
        " UTC",
    ):
        assert expected in text, expected
    assert "<script>" not in text and "<b>first" not in text

    spanish = executive.get(memo + ".html?lang=es").text
    assert '<html lang="es"' in spanish
    for expected in ("Adelante con condiciones", "Abierta", "bloqueante", "Listo con condiciones"):
        assert expected in spanish, expected

    pdf = executive.get(memo + ".pdf?lang=es")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert "attachment" in pdf.headers["content-disposition"]
    assert len(re.findall(rb"/Type\s*/Page(?!s)", pdf.content)) == 1  # one page
    downloads = team.run(
        lambda e: AuditEntry.select(AuditEntry.actor_email, AuditEntry.after).where(
            AuditEntry.action == "export.download"
        )
    )
    pdf_name = pdf.headers["content-disposition"].split('"')[1]
    html_name = pdf_name.replace("-es.pdf", "-{}.html")
    assert [(d["actor_email"], _json(d["after"])) for d in downloads] == [
        ("manager@example.org", {"file": html_name.format("en")}),
        ("executive@example.org", {"file": html_name.format("es")}),
        ("executive@example.org", {"file": pdf_name}),
    ]

    for role in ("analyst", "facilitator"):
        assert team.browser(f"{role}@example.org").get(memo + ".html").status_code == 403
    other = memo.replace("/alpha/", "/beta/")
    assert executive.get(other + ".html").status_code == 404
    assert team.browser("admin@example.org").get(other + ".html").status_code == 404
    assert executive.get(memo.replace("/memo", "9" * 5000 + "/memo")).status_code == 404
    assert executive.get(memo + ".pdf?lang=%00").status_code == 422
    assert executive.get(memo + ".html?lang=" + "x" * 5000).status_code == 200  # the reader's
    refused = team.run(
        lambda e: AuditEntry.count().where(
            (AuditEntry.action == "export.download") & (AuditEntry.actor_email != "")
        )
    )
    assert refused == len(downloads) + 1  # the refused requests wrote nothing, the last view did


def _json(value: Any) -> Any:
    """A JSON column as SQLite (text) and PostgreSQL (text here too) give it back."""
    return json.loads(value) if isinstance(value, str) else value


def test_a_long_register_leaves_the_first_page_whole_and_goes_to_an_annex(
    team: StaffSite,
) -> None:
    """Forty concerns with titles of the longest kind and conditions of 5,000 characters:
    page one still holds the outcome, the eight concerns that matter most and the checksum;
    the annex, from page two on, holds everything in full."""
    from pypdf import PdfReader

    decided_run(team.reports_dir / "alpha")
    analyst = team.browser("analyst@example.org")
    long_title = "Wide " + "word " * 99  # 500 characters, the longest a title can be
    ids = [add_concern(analyst, f"M{n} {long_title}"[:500], "major") for n in range(36)]
    blockers = [add_concern(analyst, f"B{n} {long_title}"[:500], "blocker") for n in range(4)]
    conditions = "Staff the night shift first. " + "Keep the old line open. " * 206
    executive = team.browser("executive@example.org")
    made = decide(executive, outcome="go_with_conditions", conditions=conditions[:5000])
    memo = made.headers["location"] + "/memo"

    html = executive.get(memo + ".html").text
    first_page, annex = html.split('<section class="annex"')
    assert "32 more concerns are listed in the annex." in first_page
    assert "The conditions continue in the annex." in first_page
    assert all(f"<td>{b}</td>" in first_page for b in blockers)  # blockers come first
    assert first_page.count("<tr><td>") == 8
    assert all(f"<td>{i}</td>" in annex for i in [*ids, *blockers])

    pdf = executive.get(memo + ".pdf")
    assert pdf.status_code == 200, pdf.text
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages]
    assert len(pages) >= 2
    summary_sha = team.run(lambda e: Decision.select(Decision.summary_sha256))[0]
    assert "Go with conditions" in pages[0] and "annex" in pages[0]
    assert summary_sha["summary_sha256"][:16] in pages[0].replace("\n", "")
    assert "Annex" not in pages[0] and pages[1].lstrip().startswith("Annex")
