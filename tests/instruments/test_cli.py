"""`pilotkit instruments validate|show` as a user runs them, plus the shipped instruments."""

from __future__ import annotations

from pathlib import Path

import pytest

from pilotkit.instruments import load_instrument
from tests.helpers import REPO_ROOT, run_cli

SHIPPED = sorted((REPO_ROOT / "instruments").glob("*.yaml"))


def test_three_instruments_are_shipped() -> None:
    assert {p.stem for p in SHIPPED} >= {"pilot-core", "youth-civic", "contact-center-audit"}


def test_validate_shipped_instruments() -> None:
    result = run_cli("instruments", "validate", *map(str, SHIPPED))
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("ok: ") == len(SHIPPED)


def test_validate_reports_bad_file_and_exits_non_zero(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: bad\nversion: 1\ntitle: Bad\nlanguages: [en]\nitems: []\nfoo: 1\n")
    result = run_cli("instruments", "validate", str(SHIPPED[0]), str(bad))
    assert result.returncode == 1
    assert f"error: {bad}: top level: unknown key 'foo'" in result.stderr
    assert "Traceback" not in result.stderr


def test_validate_missing_file_is_one_line(tmp_path: Path) -> None:
    result = run_cli("instruments", "validate", str(tmp_path / "none.yaml"))
    assert result.returncode == 1
    assert "none.yaml: no such file" in result.stderr
    assert "Traceback" not in result.stderr


def test_show_in_spanish() -> None:
    result = run_cli("instruments", "show", "pilot-core", "--lang", "es")
    assert result.returncode == 0, result.stderr
    inst = load_instrument("pilot-core")
    assert inst.text(inst.title, "es") in result.stdout
    assert inst.text(inst.dimension("productivity").label, "es") in result.stdout


def test_show_unknown_language_is_refused() -> None:
    result = run_cli("instruments", "show", "pilot-core", "--lang", "xx")
    assert result.returncode == 2
    assert "'xx' is not offered by pilot-core" in result.stderr


def test_show_unknown_instrument() -> None:
    result = run_cli("instruments", "show", "ghost")
    assert result.returncode == 2
    assert "error: unknown instrument 'ghost'" in result.stderr


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_instrument_methodology(path: Path) -> None:
    """Every dimension has 3-5 likert items and at least one reverse-coded item."""
    inst = load_instrument(path)
    assert inst.languages[:2] == ["en", "es"]
    for dim in inst.dimensions:
        scored = inst.items_of(dim.id)
        if not scored:
            continue
        assert 3 <= len(scored) <= 5, dim.id
        assert any(i.reverse for i in scored), f"{dim.id} has no reverse-coded item"
