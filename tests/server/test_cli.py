"""The pilot commands as a user runs them: pilots, waves, invite, export, db upgrade."""

from __future__ import annotations

import csv
import uuid

import pyarrow.parquet as pq
import pytest
from litestar.testing import TestClient

from survey_server.app import create_app
from survey_server.settings import Settings
from tests.helpers import run_cli
from tests.server.conftest import ALL_TYPES


def _cli(database_url, *args):
    return run_cli(*args, env={"DATABASE_URL": database_url})


def _ok(database_url, *args):
    result = _cli(database_url, *args)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_pilot_lifecycle_invite_and_export(database_url, tmp_path):
    assert "applied migrations" in _ok(database_url, "db", "upgrade")
    assert "up to date" in _ok(database_url, "db", "upgrade")
    created = _ok(database_url, "pilots", "create", "--slug", "p1", "--instrument", str(ALL_TYPES))
    assert "not open yet" in created
    _ok(database_url, "waves", "open", "p1", "pre")
    links = tmp_path / "links.csv"
    _ok(database_url, "invite", "p1", "--count", "3", "--out", str(links))
    rows = list(csv.DictReader(links.open()))
    assert len(rows) == 3
    assert {"participant_id", "token", "url"} <= set(rows[0])
    assert rows[0]["url"].endswith(f"/f/{rows[0]['token']}")
    assert rows[0]["participant_id"] != rows[0]["token"]
    listing = _ok(database_url, "pilots", "list")
    assert "p1" in listing and "3 participants" in listing

    app = create_app(Settings(database_url=database_url))
    with TestClient(app=app) as client:
        answers = [
            {
                "work_1": 4,
                "hours": 37.5,
                "uses_tool": True,
                "tool_freq": "daily",
                "channels": ["phone", "chat"],
            },
            {"work_1": 2, "hours": 40, "uses_tool": False},
        ]
        for row, given in zip(rows, answers, strict=False):
            response = client.post(
                f"/api/v1/forms/{row['token']}/submissions",
                json={"submission_id": str(uuid.uuid4()), "answers": given},
            )
            assert response.status_code == 201, response.text

    out_csv = tmp_path / "responses.csv"
    assert "wrote 10 rows" in _ok(database_url, "export", "p1", "--out", str(out_csv))
    table = list(csv.DictReader(out_csv.open()))
    assert list(table[0])[:5] == ["participant_id", "wave", "item_id", "value", "submitted_at"]
    first = {
        r["item_id"]: r["value"] for r in table if r["participant_id"] == rows[0]["participant_id"]
    }
    assert first == {
        "work_1": "4",
        "hours": "37.5",
        "uses_tool": "1",
        "tool_freq": "daily",
        "channels": "phone chat",
    }
    second = {
        r["item_id"]: r["value"] for r in table if r["participant_id"] == rows[1]["participant_id"]
    }
    assert second == {
        "work_1": "2",
        "hours": "40",
        "uses_tool": "0",
        "tool_freq": "",
        "channels": "",
    }

    out_parquet = tmp_path / "responses.parquet"
    _ok(database_url, "export", "p1", "--out", str(out_parquet))
    frame = pq.read_table(out_parquet).to_pandas()
    assert len(frame) == 10
    assert list(frame.columns)[:4] == ["participant_id", "wave", "item_id", "value"]
    assert sorted(frame["value"]) == sorted(r["value"] for r in table)

    _ok(database_url, "waves", "close", "p1", "pre")
    assert "pre closed" in _ok(database_url, "pilots", "list")


def test_anonymous_pilot_links_are_per_wave(database_url, tmp_path):
    _ok(
        database_url,
        "pilots",
        "create",
        "--slug",
        "anon",
        "--instrument",
        str(ALL_TYPES),
        "--anonymous",
    )
    out = tmp_path / "links.csv"
    failed = _cli(database_url, "invite", "anon", "--count", "2", "--out", str(out))
    assert failed.returncode != 0 and "--wave" in failed.stderr
    _ok(database_url, "waves", "open", "anon", "pre")
    _ok(database_url, "invite", "anon", "--count", "2", "--out", str(out))
    assert {r["wave"] for r in csv.DictReader(out.open())} == {"pre"}
    assert {r["participant_id"] for r in csv.DictReader(out.open())} == {""}  # names nobody
    _ok(database_url, "invite", "anon", "--count", "1", "--out", str(out), "--wave", "post")
    assert {r["wave"] for r in csv.DictReader(out.open())} == {"post"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("waves", "open", "missing", "pre"), "no pilot with slug 'missing'"),
        (("waves", "open", "p", "middle"), "no wave 'middle'"),
        (("invite", "p", "--count", "0", "--out", "x.csv"), "--count must be at least 1"),
        (("invite", "nope", "--count", "2", "--out", "x.csv"), "no pilot with slug 'nope'"),
        (("export", "nope", "--out", "x.csv"), "no pilot with slug 'nope'"),
        (("export", "p", "--out", "x.txt"), "must end in .csv or .parquet"),
        (("pilots", "create", "--slug", "p", "--instrument", "pilot-core"), "already exists"),
        (("pilots", "create", "--slug", "q", "--instrument", "no-such-instrument"), "no-such"),
        (("pilots", "create", "--slug", "Bad Slug", "--instrument", "pilot-core"), "slug"),
    ],
)
def test_bad_input_is_one_line_and_non_zero(database_url, tmp_path, args, message):
    _ok(database_url, "pilots", "create", "--slug", "p", "--instrument", "pilot-core")
    result = run_cli(*args, env={"DATABASE_URL": database_url}, cwd=tmp_path)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert message in lines[0]


def test_invite_gives_each_link_a_code_that_opens_its_form(database_url, tmp_path):
    """The command line's links carry the same short codes as the staff page's cards: typed
    at /c on a server with the installation's key, a code opens its own link's form."""
    from survey_server.outreach_settings import OutreachSettings

    key = {"PILOTKIT_SECRET_KEY": "cli-and-server-share-this"}
    _ok(database_url, "pilots", "create", "--slug", "p1", "--instrument", str(ALL_TYPES))
    _ok(database_url, "waves", "open", "p1", "pre")
    out = tmp_path / "links.csv"
    result = run_cli(
        "invite", "p1", "--count", "3", "--out", str(out), env={"DATABASE_URL": database_url, **key}
    )
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(out.open()))
    assert list(rows[0]) == ["participant_id", "wave", "token", "url", "code", "code_url"]
    assert len({row["code"] for row in rows}) == 3
    assert all(len(row["code"]) == 11 and row["code"][5] == "-" for row in rows)
    assert all(row["code_url"].endswith("/c") for row in rows)
    settings = Settings(
        database_url=database_url,
        outreach=OutreachSettings(secret_key=key["PILOTKIT_SECRET_KEY"]),
    )
    with TestClient(app=create_app(settings)) as client:
        for row in rows:
            opened = client.post("/c", data={"code": row["code"]}, follow_redirects=False)
            assert opened.status_code == 303, opened.text
            assert opened.headers["location"] == f"/f/{row['token']}"

    plain = tmp_path / "plain.csv"
    _ok(database_url, "invite", "p1", "--count", "1", "--out", str(plain), "--no-codes")
    (row,) = csv.DictReader(plain.open())
    assert row["code"] == "" and row["code_url"] == "" and row["url"].endswith(row["token"])
