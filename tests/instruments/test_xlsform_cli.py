"""`pilotkit instruments import|export` as a user runs them."""

from __future__ import annotations

import copy
from pathlib import Path

from pilotkit.instruments import load_instrument, load_instrument_file
from pilotkit.instruments.xlsform import read_xlsform
from tests.helpers import run_cli
from tests.instruments.xlsforms import KOBO_FORM, STAFF_SURVEY, build_workbook


def test_export_then_import_gives_back_the_instrument(tmp_path: Path) -> None:
    form, yaml_path = tmp_path / "pilot-core.xlsx", tmp_path / "back.yaml"
    result = run_cli(
        "instruments", "export", "pilot-core", "--format", "xlsform", "--out", str(form)
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"wrote {form}: pilot-core v1 as xlsform, 26 items")
    result = run_cli("instruments", "import", str(form), "--out", str(yaml_path))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert load_instrument_file(yaml_path) == load_instrument("pilot-core")


def test_import_writes_to_the_instruments_folder_and_never_overwrites(tmp_path: Path) -> None:
    form = build_workbook(tmp_path / "staff.xlsx", STAFF_SURVEY)
    folder = tmp_path / "instruments"
    env = {"PILOTKIT_INSTRUMENTS_DIR": str(folder)}
    result = run_cli("instruments", "import", str(form), "--id", "staff-2024", env=env)
    assert result.returncode == 0, result.stderr
    written = folder / "staff-2024.yaml"
    assert result.stdout.strip() == (
        f"wrote {written}: staff-2024 v20240315, 8 items, 1 dimensions, languages en, es"
    )
    assert (
        load_instrument_file(written) == read_xlsform(form, instrument_id="staff-2024").instrument
    )
    before = written.read_text()
    again = run_cli("instruments", "import", str(form), "--id", "staff-2024", env=env)
    assert again.returncode != 0
    assert again.stderr.strip() == f"error: {written} already exists (use --force to overwrite it)"
    assert written.read_text() == before
    forced = run_cli("instruments", "import", str(form), "--id", "staff-2024", "--force", env=env)
    assert forced.returncode == 0, forced.stderr


def test_import_lists_what_cannot_be_mapped_and_strict_refuses(tmp_path: Path) -> None:
    form = build_workbook(tmp_path / "kobo.xlsx", KOBO_FORM)
    out = tmp_path / "kobo.yaml"
    result = run_cli("instruments", "import", str(form), "--out", str(out))
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert (
        f"warning: {form}: row 6: item 'location': type 'geopoint': location questions are "
        "not supported; left out" in lines
    )
    assert len(lines) == 13 and all(line.startswith(f"warning: {form}: ") for line in lines)
    assert "4 items" in result.stdout and "13 warning(s)" in result.stdout
    assert load_instrument_file(out).id == "service-feedback-2024"

    strict_out = tmp_path / "strict.yaml"
    strict = run_cli("instruments", "import", str(form), "--out", str(strict_out), "--strict")
    assert strict.returncode != 0
    errors = strict.stderr.splitlines()
    assert errors[-1] == f"error: {form}: 13 row(s) cannot be mapped (--strict); nothing written"
    assert all(line.startswith("error: ") for line in errors)
    assert not strict_out.exists()


def test_import_bad_input_is_one_clear_line(tmp_path: Path) -> None:
    missing_sheet = copy.deepcopy(STAFF_SURVEY)
    del missing_sheet["survey"]
    missing_sheet["notes"] = [["a"], ["b"]]
    unknown_list = copy.deepcopy(STAFF_SURVEY)
    unknown_list["survey"][3][0] = "select_one agree_five"
    cases = {
        "missing.xlsx": (None, f"error: {tmp_path / 'missing.xlsx'}: no such file"),
        "nosurvey.xlsx": (missing_sheet, f"error: {tmp_path / 'nosurvey.xlsx'}: no 'survey' sheet"),
        "unknown.xlsx": (
            unknown_list,
            f"error: {tmp_path / 'unknown.xlsx'}: survey sheet, row 4: item 'tools_fast': "
            "unknown choice list 'agree_five'",
        ),
    }
    for name, (sheets, message) in cases.items():
        path = tmp_path / name
        if sheets is not None:
            build_workbook(path, sheets)
        result = run_cli("instruments", "import", str(path), "--out", str(tmp_path / "x.yaml"))
        assert result.returncode != 0, name
        assert result.stderr.strip() == message
        assert "Traceback" not in result.stderr
    assert not (tmp_path / "x.yaml").exists()


def test_import_rejects_a_bad_id(tmp_path: Path) -> None:
    form = build_workbook(tmp_path / "staff.xlsx", STAFF_SURVEY)
    result = run_cli("instruments", "import", str(form), "--id", "Staff Survey")
    assert result.returncode == 2
    assert "'Staff Survey' is not a slug" in result.stderr


def test_export_bad_input(tmp_path: Path) -> None:
    unknown = run_cli("instruments", "export", "ghost", "--out", str(tmp_path / "g.xlsx"))
    assert unknown.returncode != 0
    assert unknown.stderr.startswith("error: unknown instrument 'ghost'")
    wrong_suffix = run_cli("instruments", "export", "youth-civic", "--out", str(tmp_path / "g.csv"))
    assert wrong_suffix.returncode == 2
    assert "must end in .xlsx" in wrong_suffix.stderr
    existing = tmp_path / "y.xlsx"
    existing.write_bytes(b"keep me")
    result = run_cli("instruments", "export", "youth-civic", "--out", str(existing))
    assert result.returncode != 0
    assert (
        result.stderr.strip() == f"error: {existing} already exists (use --force to overwrite it)"
    )
    assert existing.read_bytes() == b"keep me"
