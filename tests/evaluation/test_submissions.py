"""`pilotkit responses import`: KoboToolbox and ODK Central exports into the responses table.

The exports are written here in the two tools' documented column conventions, for a
form pyxform converts (the corpus's KoboToolbox likert form): KoboToolbox names columns
by group path with `/`, adds `_uuid`, `_submission_time`, `_index`, ... and writes a
select_multiple both as one column and as one 0/1 column per choice; ODK Central joins
group paths with `-`, starts with `SubmissionDate`, ends with `meta-instanceID` and
`KEY`, and may split select_multiple questions into `<question>/<choice>` columns.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

from evaluation.io import read_responses
from evaluation.prepare import prepare_answers
from evaluation.submissions import read_submissions
from pilotkit.instruments.xlsform import read_xlsform
from pilotkit.instruments.yaml_io import dump_instrument
from tests.helpers import run_cli
from tests.instruments.corpus import KOBO_LIKERT
from tests.instruments.xlsforms import build_workbook

KOBO_HEADERS = [
    "start", "end", "speed/fast_answers", "speed/less_waiting", "clarity/clear_steps",
    "clarity/channels", "clarity/channels/phone", "clarity/channels/email",
    "clarity/channels/chat", "clarity/trained", "clarity/training_gap", "calls",
    "staff_code", "location", "_id", "_uuid", "_submission_time", "_validation_status",
    "_notes", "_status", "_submitted_by", "__version__", "_tags", "_index",
]  # fmt: skip
ODK_HEADERS = [
    "SubmissionDate", "start", "speed-fast_answers", "speed-less_waiting",
    "clarity-clear_steps", "clarity-channels/phone", "clarity-channels/email",
    "clarity-channels/chat", "clarity-trained", "clarity-training_gap", "calls",
    "staff_code", "meta-instanceID", "KEY", "SubmitterID", "SubmitterName",
    "AttachmentsPresent", "AttachmentsExpected", "Status", "ReviewState", "DeviceID",
    "Edits", "FormVersion",
]  # fmt: skip


def _kobo_row(n: int, fast: str, wait: str, clear: str, channels: str, trained: str,
              calls: str, staff: str, gap: str = "") -> list[str]:  # fmt: skip
    split = ["1" if c in channels.split() else "0" for c in ("phone", "email", "chat")]
    return [
        "2024-03-01T09:00:00", "2024-03-01T09:07:00", fast, wait, clear, channels, *split,
        trained, gap, calls, staff, "6.3 -10.8 0 5", str(100 + n),
        f"5f0c7a9e-0000-4000-8000-00000000000{n}", f"2024-03-01T09:0{n}:00",
        "", "[]", "submitted_via_web", "", "vXyz", "[]", str(n),
    ]  # fmt: skip


@pytest.fixture
def form(tmp_path: Path) -> Path:
    return build_workbook(tmp_path / "crm.xlsx", KOBO_LIKERT)


def _csv(path: Path, headers: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        writer.writerows(rows)
    return path


@pytest.fixture
def kobo_export(tmp_path: Path) -> Path:
    rows = [
        _kobo_row(1, "agree", "strongly_agree", "neutral", "phone chat", "yes", "40", "S1"),
        _kobo_row(2, "disagree", "maybe", "agree", "email", "no", "35", "S2", "More practice"),
        _kobo_row(3, "strongly_disagree", "disagree", "", "", "no", "lots", "S3"),
        _kobo_row(4, "4", "neutral", "agree", "phone", "yes", "50", ""),
        _kobo_row(5, "agree", "agree", "agree", "chat", "yes", "41", "S1"),
    ]
    return _csv(tmp_path / "kobo.csv", KOBO_HEADERS, rows)


def test_kobo_export_names_points_and_reports_every_dropped_cell(form, kobo_export):
    inst = read_xlsform(form).instrument
    result = read_submissions(inst, kobo_export, wave="pre", participant_column="staff_code")
    table = result.table
    assert list(table.columns) == ["participant_id", "wave", "item_id", "value", "submitted_at"]
    first = table[table.participant_id == "S1"].set_index("item_id")["value"].to_dict()
    assert first == {
        "fast_answers": "4",  # 'agree' on strongly_disagree..strongly_agree = 1..5
        "less_waiting": "5",
        "clear_steps": "3",
        "channels": "phone chat",
        "trained": "1",
        "calls": "40",
    }
    assert table[table.participant_id == "S2"].set_index("item_id")["value"].to_dict() == {
        "fast_answers": "2", "clear_steps": "4", "channels": "email", "trained": "0",
        "training_gap": "More practice", "calls": "35",
    }  # fmt: skip
    assert result.report == [
        "column 'location' is not a question of the instrument: 5 cell(s) dropped (rows 2-6)",
        "row 3, column 'speed/less_waiting': 'maybe' is not a point of the scale 1..5 "
        "(strongly_disagree, disagree, neutral, agree, strongly_agree); dropped",
        "row 4, column 'calls': 'lots' is not a number; dropped",
        "row 5: column 'staff_code' is empty: no participant id; the row is dropped",
        "row 6: participant 'S1' already answered in row 2; the row is dropped",
    ]
    assert result.submissions == 3
    assert "_uuid" not in result.bookkeeping and "_index" in result.bookkeeping
    # the table passes the evaluation kit's checks as it is
    arrays = prepare_answers(inst, table)
    assert arrays.rows == len(table)


def test_odk_central_export_with_split_select_multiple(form, tmp_path):
    rows = [
        ["2024-06-01T10:00:00.000Z", "2024-06-01T09:50:00", "strongly_agree", "agree",
         "agree", "1", "0", "1", "yes", "", "55", "S1", "uuid:aaa", "uuid:aaa", "7",
         "Collector", "0", "0", "", "approved", "collect:x", "0", "2"],
        ["2024-06-01T11:00:00.000Z", "2024-06-01T10:50:00", "neutral", "disagree",
         "", "0", "0", "0", "no", "Nothing", "30", "S2", "uuid:bbb", "uuid:bbb", "7",
         "Collector", "0", "0", "", "", "collect:x", "0", "2"],
        ["2024-06-01T12:00:00.000Z", "2024-06-01T11:50:00", "agree", "agree",
         "agree", "0", "2", "1", "yes", "", "28", "S3", "uuid:ccc", "uuid:ccc", "7",
         "Collector", "0", "0", "", "", "collect:x", "0", "2"],
    ]  # fmt: skip
    export = _csv(tmp_path / "central.csv", ODK_HEADERS, rows)
    inst = read_xlsform(form).instrument
    result = read_submissions(inst, export, wave="post", participant_column="staff_code")
    by_person = {
        p: group.set_index("item_id")["value"].to_dict()
        for p, group in result.table.groupby("participant_id")
    }
    assert by_person["S1"]["channels"] == "phone chat"
    assert "channels" not in by_person["S2"]  # all 0: no channel picked, not answered
    assert by_person["S3"]["channels"] == "chat"
    assert by_person["S1"]["fast_answers"] == "5" and by_person["S2"]["less_waiting"] == "2"
    assert set(result.table["submitted_at"]) == {r[0] for r in rows}
    assert result.report == [
        "row 4, column 'clarity-channels/email': '2' is not 0 or 1; dropped",
    ]
    # without a participant column, each submission's instance id is the participant
    anonymous = read_submissions(inst, export, wave="post")
    assert sorted(set(anonymous.table["participant_id"])) == ["aaa", "bbb", "ccc"]


def test_kobo_xlsx_export_and_choice_labels(form, tmp_path):
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["fast_answers", "channels", "trained", "calls", "_uuid", "_submission_time"])
    # labels instead of names ("export with labels"), numbers as numbers
    sheet.append(["Strongly agree", "phone email", "Yes", 12, "u1", "2024-03-01T09:00:00"])
    sheet.append(["Muy en desacuerdo", "E-mail", "no", 3.5, "u2", "2024-03-02T09:00:00"])
    book.save(tmp_path / "kobo.xlsx")
    inst = read_xlsform(form).instrument
    result = read_submissions(inst, tmp_path / "kobo.xlsx", wave="pre")
    values = result.table.set_index(["participant_id", "item_id"])["value"].to_dict()
    assert values == {
        ("u1", "fast_answers"): "5", ("u1", "channels"): "phone email",
        ("u1", "trained"): "1", ("u1", "calls"): "12",
        ("u2", "fast_answers"): "1", ("u2", "channels"): "email",
        ("u2", "trained"): "0", ("u2", "calls"): "3.5",
    }  # fmt: skip
    assert result.report == []


def test_cli_import_then_evaluate_pre_from_kobo_post_from_central(form, kobo_export, tmp_path):
    pre, post = tmp_path / "pre.parquet", tmp_path / "post.csv"
    result = run_cli(
        "responses", "import", str(form), str(kobo_export), "--wave", "pre",
        "--out", str(pre), "--participant-column", "staff_code",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == (
        f"wrote {pre}: 15 answers from 3 submissions, wave 'pre', instrument crm_pre, 5 warning(s)"
    )
    assert len(result.stderr.splitlines()) == 5
    assert all(line.startswith(f"warning: {kobo_export}: ") for line in result.stderr.splitlines())
    rows = [
        [f"2024-06-0{n}T10:00:00Z", "", fast, wait, clear, "1", "0", "0", "yes", "", "30",
         staff, f"uuid:{n}", f"uuid:{n}", "", "", "", "", "", "", "", "", ""]
        for n, (fast, wait, clear, staff) in enumerate(
            [("strongly_agree", "agree", "agree", "S1"), ("agree", "agree", "strongly_agree", "S2"),
             ("agree", "neutral", "agree", "S3")], start=1)
    ]  # fmt: skip
    central = _csv(tmp_path / "central.csv", ODK_HEADERS, rows)
    result = run_cli(
        "responses", "import", str(form), str(central), "--wave", "post",
        "--out", str(post), "--participant-column", "staff_code",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    both = pd.concat([read_responses(pre), read_responses(post)])
    both.to_csv(tmp_path / "both.csv", index=False)
    yaml_path = tmp_path / "crm.yaml"
    inst = read_xlsform(form, dimensions_from_groups=True).instrument
    yaml_path.write_text(dump_instrument(inst), encoding="utf-8")
    summary = tmp_path / "summary.json"
    evaluated = run_cli(
        "evaluate", "--instrument", str(yaml_path), "--responses", str(tmp_path / "both.csv"),
        "--json", str(summary),
    )  # fmt: skip
    assert evaluated.returncode == 0, evaluated.stderr
    data = json.loads(summary.read_text())
    assert [d["id"] for d in data["dimensions"]] == ["speed", "clarity"]
    assert data["n_paired"] == 3


def test_cli_bad_input_and_strict(form, kobo_export, tmp_path):
    out = tmp_path / "r.csv"
    strict = run_cli(
        "responses", "import", str(form), str(kobo_export), "--wave", "pre", "--out", str(out),
        "--strict",
    )  # fmt: skip
    assert strict.returncode != 0
    assert strict.stderr.splitlines()[-1] == (
        f"error: {kobo_export}: 3 problem(s) (--strict); nothing written"
    )
    assert not out.exists()
    cases = [
        (["--wave", "during"], "error: unknown wave 'during' (the instrument's waves: pre, post)"),
        (
            ["--wave", "pre", "--participant-column", "badge"],
            f"error: {kobo_export}: no column 'badge' for the participant ids",
        ),
    ]
    for extra, message in cases:
        bad = run_cli("responses", "import", str(form), str(kobo_export), "--out", str(out), *extra)
        assert bad.returncode != 0
        assert bad.stderr.strip() == message
    missing = run_cli(
        "responses", "import", str(form), str(tmp_path / "none.csv"), "--wave", "pre",
        "--out", str(out),
    )  # fmt: skip
    assert missing.stderr.strip() == f"error: {tmp_path / 'none.csv'}: no such file"
    assert not out.exists()


def test_a_tidy_table_may_record_likert_points_by_name(form):
    """The mapping the import recorded (scale.names) reads `agree` as 4 on 1..5."""
    inst = read_xlsform(form).instrument
    table = pd.DataFrame(
        {
            "participant_id": ["a", "a", "b"],
            "wave": ["pre", "pre", "pre"],
            "item_id": ["fast_answers", "less_waiting", "fast_answers"],
            "value": ["agree", "2", "strongly_disagree"],
        }
    )
    arrays = prepare_answers(inst, table)
    scores = arrays.scores[arrays.wave_index("pre")]
    column = arrays.item_index("fast_answers")
    assert sorted(scores[:, column].tolist()) == [1.0, 4.0]
    table.loc[2, "value"] = "sort of"
    with pytest.raises(Exception, match="is not a point of the scale"):
        prepare_answers(inst, table)


def test_a_ranking_column_becomes_each_choices_position(tmp_path: Path) -> None:
    """ODK and KoboToolbox record a `rank` answer as the choice names in ranked order."""
    from tests.instruments.corpus import PYXFORM_TYPES

    inst = read_xlsform(build_workbook(tmp_path / "f.xlsx", PYXFORM_TYPES)).instrument
    export = _csv(
        tmp_path / "rank.csv",
        ["group/priorities", "effort", "_uuid"],
        [
            ["speed quality cost", "3", "u1"],
            ["cost cost speed", "5", "u2"],
            ["speed fast", "", "u3"],
            ["quality", "4", "u4"],
        ],
    )
    result = read_submissions(inst, export, wave="pre")
    answers = {(r.participant_id, r.item_id): r.value for r in result.table.itertuples(index=False)}
    assert answers == {
        ("u1", "priorities_speed"): "1",
        ("u1", "priorities_quality"): "2",
        ("u1", "priorities_cost"): "3",
        ("u1", "effort"): "3",
        ("u2", "effort"): "5",
        ("u4", "priorities_quality"): "1",  # a partial ranking keeps what was ranked
        ("u4", "effort"): "4",
    }
    assert result.report == [
        "row 3, column 'group/priorities': 'cost' is ranked twice; dropped",
        "row 4, column 'group/priorities': 'fast' is not a choice of the ranking; dropped",
    ]
