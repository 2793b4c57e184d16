"""Every data-changing action and every export is audited, from the command line and the
API as from the pages, and the log reads in names and lines, not ids and raw JSON."""

from __future__ import annotations

from piccolo.querystring import QueryString

from tests.helpers import run_cli
from tests.staff.conftest import StaffSite


def _actions(site: StaffSite) -> list[tuple[str, str]]:
    rows = site.run(
        lambda e: e.run_querystring(
            QueryString('SELECT "action", "actor_email" FROM "audit_entry" ORDER BY "id"')
        )
    )
    return [(r["action"], r["actor_email"]) for r in rows]


def test_command_line_changes_and_exports_are_audited(staff_site: StaffSite, tmp_path) -> None:
    env = {"DATABASE_URL": staff_site.database_url}
    steps = [
        ("pilots", "create", "--slug", "cli", "--instrument", "pilot-core", "--name", "CLI pilot"),
        ("waves", "open", "cli", "pre"),
        ("invite", "cli", "--count", "3", "--out", str(tmp_path / "links.csv")),
        ("export", "cli", "--out", str(tmp_path / "responses.csv")),
        ("export-notes", "cli", "--out", str(tmp_path / "notes.csv")),
        ("waves", "close", "cli", "pre"),
    ]
    for step in steps:
        result = run_cli(*step, env=env)
        assert result.returncode == 0, result.stderr
    assert _actions(staff_site) == [
        ("pilot.create", "command line"),
        ("wave.open", "command line"),
        ("invitation.issue", "command line"),
        ("export.write", "command line"),
        ("export.write", "command line"),
        ("wave.close", "command line"),
    ]
    staff_site.user("root@example.org", "admin")
    log = staff_site.browser("root@example.org").get("/staff/audit").text
    assert "wave pre" in log and "CLI pilot" in log  # names, not "wave 2"
    assert "<strong>status</strong>: not_open → open" in log
    assert "<strong>file</strong>: responses.csv" in log
    assert "<strong>participants</strong>: p" in log
    assert "&#34;" not in log and '{"' not in log  # no raw JSON


def test_api_downloads_are_audited(staff_site: StaffSite) -> None:
    staff_site.user("ana@example.org", "analyst")
    staff_site.pilot("alpha", members=("ana@example.org",))
    analyst = staff_site.browser("ana@example.org")
    for name in ("responses.csv", "responses.parquet", "notes.csv", "codebook.json"):
        assert analyst.get(f"/staff/api/v1/pilots/alpha/{name}").status_code == 200
    downloads = [a for a in _actions(staff_site) if a[0] == "export.download"]
    assert downloads == [("export.download", "ana@example.org")] * 4
