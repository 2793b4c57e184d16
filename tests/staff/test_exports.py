"""Exports for analysts: responses (CSV, Parquet), notes, codebook; API tokens; CLI."""

from __future__ import annotations

import io
import re
import uuid
from pathlib import Path

import pandas as pd
import pytest

from pilotkit.cli.main import main
from survey_server.staff_tables import bind_staff_tables
from survey_server.tables import bind_tables
from tests.staff.conftest import PASSWORD, StaffSite, csrf_of

#: What `evaluation.read_notes` requires and accepts (evaluation/io.py).
NOTE_COLUMNS = ("dimension", "sentiment", "severity")
SENTIMENTS = ("positive", "negative", "neutral", "mixed")
SEVERITIES = ("none", "minor", "major", "blocker")


def rebind(site: StaffSite) -> None:
    bind_tables(site.client.app.state.engine)
    bind_staff_tables(site.client.app.state.engine)


def _submit(site: StaffSite, token: str) -> None:
    form = site.client.get(f"/api/v1/forms/{token}").json()
    answers = {}
    for item in form["items"]:
        if item["type"] == "likert":
            answers[item["id"]] = 4
    response = site.client.post(
        f"/api/v1/forms/{token}/submissions",
        json={"submission_id": str(uuid.uuid4()), "answers": answers},
    )
    assert response.status_code == 201, response.text


def _token_for(site: StaffSite, email: str) -> str:
    browser = site.browser(email)
    csrf = csrf_of(browser.get("/staff/tokens").text)
    page = browser.post("/staff/tokens", data={"csrf_token": csrf, "name": "weekly export"})
    match = re.search(r'id="new-token">(pk_[^<]+)<', page.text)
    assert match, page.text
    assert "not shown again" in page.text
    again = browser.get("/staff/tokens").text
    assert match.group(1) not in again  # shown once
    return match.group(1)


@pytest.fixture
def analyst_site(staff_site: StaffSite) -> StaffSite:
    staff_site.user("ana@example.org", "analyst")
    staff_site.user("eve@example.org", "executive")
    staff_site.user("fay@example.org", "facilitator")
    staff_site.pilot("alpha", members=("ana@example.org", "eve@example.org", "fay@example.org"))
    staff_site.pilot("beta")
    for token in staff_site.tokens("alpha", 3):
        _submit(staff_site, token)
    return staff_site


def test_api_token_fetches_exports_of_own_pilots_only(analyst_site: StaffSite) -> None:
    token = _token_for(analyst_site, "ana@example.org")
    auth = {"Authorization": f"Bearer {token}"}
    client = analyst_site.client
    pilots = client.get("/staff/api/v1/pilots", headers=auth).json()
    assert [p["slug"] for p in pilots] == ["alpha"]
    csv_response = client.get("/staff/api/v1/pilots/alpha/responses.csv", headers=auth)
    assert csv_response.status_code == 200
    frame = pd.read_csv(io.StringIO(csv_response.text), dtype=str, keep_default_na=False)
    assert list(frame.columns)[:4] == ["participant_id", "wave", "item_id", "value"]
    assert frame["participant_id"].nunique() == 3
    parquet = client.get("/staff/api/v1/pilots/alpha/responses.parquet", headers=auth)
    assert parquet.status_code == 200
    from_parquet = pd.read_parquet(io.BytesIO(parquet.content))
    assert len(from_parquet) == len(frame)
    assert client.get("/staff/api/v1/pilots/beta/responses.csv", headers=auth).status_code == 404
    book = client.get("/staff/api/v1/pilots/alpha/codebook.json", headers=auth).json()
    assert {"productivity", "communication"} <= {d["id"] for d in book["dimensions"]}
    assert "reverse" in book["columns"]
    codebook_csv = client.get("/staff/api/v1/pilots/alpha/codebook.csv", headers=auth)
    assert codebook_csv.text.startswith("item_id,wave,dimension,type")
    assert (
        client.get("/staff/api/v1/pilots", headers={"Authorization": "Bearer pk_nope"}).status_code
        == 401
    )


def test_revoked_token_stops_working(analyst_site: StaffSite) -> None:
    token = _token_for(analyst_site, "ana@example.org")
    auth = {"Authorization": f"Bearer {token}"}
    browser = analyst_site.browser("ana@example.org")
    page = browser.get("/staff/tokens").text
    token_id = re.search(r"/staff/tokens/(\d+)/revoke", page).group(1)  # type: ignore[union-attr]
    browser.post(f"/staff/tokens/{token_id}/revoke", data={"csrf_token": csrf_of(page)})
    assert analyst_site.client.get("/staff/api/v1/pilots", headers=auth).status_code == 401
    assert "revoked" in browser.get("/staff/tokens").text


def test_executive_cannot_export(analyst_site: StaffSite) -> None:
    browser = analyst_site.browser("eve@example.org")
    assert browser.get("/staff/api/v1/pilots/alpha/responses.csv").status_code == 403
    assert browser.get("/staff/tokens").status_code == 403


def test_notes_export_reads_like_evaluation_read_notes_and_hides_facilitator(
    analyst_site: StaffSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fay = analyst_site.browser("fay@example.org")
    csrf = csrf_of(fay.get("/staff/pilots").text)
    page = fay.post(
        "/staff/pilots/alpha/sessions/new",
        data={
            "csrf_token": csrf,
            "held_on": "2026-04-01",
            "kind": "small_group",
            "attendees": "4",
            "facilitator": "Fay Secretname",
        },
    )
    base = str(page.url)
    notes = [
        ("Forms, are slow", ["processes", "effortlessness"], "negative", "major", 'He said "no"'),
        ("Team likes it", ["communication"], "positive", "none", ""),
        # left for later: listed as "not yet coded", and counts toward nothing
        ("Queue at the counter", ["processes"], "", "", ""),
    ]
    for text, dims, sentiment, severity, quote in notes:
        saved = fay.post(
            base + "/notes",
            data={
                "csrf_token": csrf,
                "text": text,
                "dimension": dims,
                "sentiment": sentiment,
                "severity": severity,
                "quote": quote,
            },
        )
        assert saved.status_code == 200
    bad = fay.post(base + "/notes", data={"csrf_token": csrf, "text": "", "sentiment": "great"})
    assert bad.status_code == 422
    assert "Tick at least one dimension" in bad.text
    analyst = analyst_site.browser("ana@example.org")
    exported = analyst.get("/staff/api/v1/pilots/alpha/notes.csv")
    assert exported.status_code == 200
    assert "Secretname" not in exported.text
    frame = pd.read_csv(io.StringIO(exported.text), dtype=str, keep_default_na=False)
    assert list(frame.columns) == [
        "session_id",
        "date",
        "kind",
        "attendees",
        "dimension",
        "sentiment",
        "severity",
        "text",
        "quote",
        "follow_up",
        "note_id",
    ]
    assert set(NOTE_COLUMNS) <= set(frame.columns)
    assert set(frame["sentiment"]) <= set(SENTIMENTS)
    assert set(frame["severity"]) <= set(SEVERITIES)
    assert len(frame) == 2 and "Queue at the counter" not in set(frame["text"])
    assert "not yet coded" in fay.get(base).text
    assert frame.loc[0, "dimension"] == "processes effortlessness"
    assert frame.loc[0, "quote"] == 'He said "no"'
    # The same table from the command line (the report command uses it).
    monkeypatch.setenv("DATABASE_URL", analyst_site.database_url)
    out = tmp_path / "notes.csv"
    with pytest.raises(SystemExit) as done:
        main(["export-notes", "alpha", "--out", str(out)])
    assert done.value.code == 0
    rebind(analyst_site)
    from_cli = pd.read_csv(out, dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(from_cli, frame)


def test_note_edit_keeps_history(analyst_site: StaffSite) -> None:
    fay = analyst_site.browser("fay@example.org")
    csrf = csrf_of(fay.get("/staff/pilots").text)
    page = fay.post(
        "/staff/pilots/alpha/sessions/new",
        data={
            "csrf_token": csrf,
            "held_on": "2026-04-02",
            "kind": "interview",
            "attendees": "1",
            "facilitator": "Fay",
        },
    )
    base = str(page.url)
    fields = {"csrf_token": csrf, "dimension": ["processes"], "severity": "minor"}
    fay.post(base + "/notes", data={**fields, "text": "first wording", "sentiment": "neutral"})
    note_url = re.search(r'href="([^"]+/notes/\d+)"', fay.get(base).text).group(1)  # type: ignore[union-attr]
    edited = fay.post(note_url, data={**fields, "text": "second wording", "sentiment": "mixed"})
    assert edited.status_code == 200
    history = fay.get(note_url).text
    assert "first wording" in history and "second wording" in history


def test_users_cli_creates_and_lists(
    staff_site: StaffSite, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", staff_site.database_url)
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    with pytest.raises(SystemExit) as done:
        main(
            [
                "users",
                "create",
                "--email",
                "Boss@Example.org",
                "--role",
                "admin",
                "--password-stdin",
            ]
        )
    assert done.value.code == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    with pytest.raises(SystemExit) as failed:
        main(["users", "create", "--email", "x@example.org", "--role", "admin", "--password-stdin"])
    assert failed.value.code != 0
    with pytest.raises(SystemExit):
        main(["users", "list"])
    output = capsys.readouterr()
    assert "created admin account boss@example.org" in output.out
    assert "at least 12 characters" in output.err
    assert "boss@example.org\tadmin\tactive" in output.out
    rebind(staff_site)  # the commands ran the tables on their own engine
    assert staff_site.browser("boss@example.org").get("/staff/users").status_code == 200


def test_parquet_stream_of_many_batches_is_one_valid_file(
    analyst_site: StaffSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("survey_server.services.export.SUBMISSIONS_PER_BATCH", 1)
    browser = analyst_site.browser("ana@example.org")
    parquet = browser.get("/staff/api/v1/pilots/alpha/responses.parquet")
    csv_text = browser.get("/staff/api/v1/pilots/alpha/responses.csv").text
    from_parquet = pd.read_parquet(io.BytesIO(parquet.content))
    from_csv = pd.read_csv(io.StringIO(csv_text), dtype=str, keep_default_na=False)
    assert from_parquet["participant_id"].nunique() == 3  # three batches, one file
    assert list(from_parquet["item_id"]) == list(from_csv["item_id"])
    assert list(from_parquet["value"]) == list(from_csv["value"])
