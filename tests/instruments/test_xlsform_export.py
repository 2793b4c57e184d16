"""Writing instruments as XLSForms: lossless round trip, and forms pyxform accepts."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from pyxform.xls2xform import convert

from pilotkit.instruments import Choice, Instrument, Item, Scale, load_instrument_file
from pilotkit.instruments.loader import instrument_from_mapping, parse_yaml
from pilotkit.instruments.xlsform import read_xlsform, write_xlsform
from pilotkit.instruments.yaml_io import dump_instrument
from tests.helpers import REPO_ROOT

SHIPPED = sorted((REPO_ROOT / "instruments").glob("*.yaml"))


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_round_trip_of_every_shipped_instrument_is_lossless(path: Path, tmp_path: Path) -> None:
    inst = load_instrument_file(path)
    result = read_xlsform(write_xlsform(inst, tmp_path / "form.xlsx"))
    assert result.warnings == []
    assert result.instrument == inst


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_exported_form_converts_with_pyxform(path: Path, tmp_path: Path) -> None:
    inst = load_instrument_file(path)
    form = write_xlsform(inst, tmp_path / "form.xlsx")
    warnings: list[str] = []
    xform = convert(str(form), warnings=warnings).xform
    assert warnings == []
    assert f'id="{inst.id}"' in xform and f'version="{inst.version}"' in xform
    for item in inst.items:
        assert f"/{item.id}" in xform
    for lang in inst.languages:
        assert f"({lang})" in xform  # one translation per language


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_yaml_writer_gives_back_the_instrument(path: Path) -> None:
    inst = load_instrument_file(path)
    text = dump_instrument(inst)
    assert instrument_from_mapping(parse_yaml(text, "x"), "x") == inst
    assert "\nitems:\n" in text and "\n  - id: " in text


def test_exported_sheets_and_extra_columns(tmp_path: Path) -> None:
    inst = load_instrument_file(REPO_ROOT / "instruments" / "contact-center-audit.yaml")
    book = load_workbook(write_xlsform(inst, tmp_path / "audit.xlsx"))
    assert book.sheetnames == ["survey", "choices", "settings", "dimensions", "pilotkit"]
    header = [c.value for c in book["survey"][1]]
    assert header[:4] == ["type", "name", "label::English (en)", "label::Español (es)"]
    assert {"required", "dimension", "reverse"} <= set(header)
    rows = [dict(zip(header, (c.value for c in row), strict=True)) for row in book["survey"]]
    tech_4 = next(r for r in rows if r["name"] == "tech_4")
    assert tech_4["type"] == "select_one tech_4_scale"  # its own scale
    assert (tech_4["reverse"], tech_4["dimension"], tech_4["required"]) == (
        "yes",
        "technology",
        "yes",
    )
    assert next(r for r in rows if r["name"] == "tech_1")["type"] == "select_one scale"
    # reverse-coded items share one problem scale list
    assert next(r for r in rows if r["name"] == "ops_4")["type"] == "select_one tech_4_scale"
    settings = {
        c.value: v.value for c, v in zip(book["settings"][1], book["settings"][2], strict=True)
    }
    assert settings == {
        "form_id": "contact-center-audit",
        "form_title": "Contact center audit",
        "version": "1",
        "default_language": "English (en)",
    }
    keys = [row[0].value for row in book["pilotkit"].iter_rows(min_row=2)]
    assert keys == [
        "languages", "title", "description", "intro", "waves", "focus_group_guide", "scale_list",
    ]  # fmt: skip


def _instrument(items: list[Item], **extra: object) -> Instrument:
    fields: dict = {"id": "edge", "version": 3, "title": "Edge cases", "languages": ["en"]}
    return Instrument(items=items, **{**fields, **extra})


def test_round_trip_of_sections_bounds_notes_and_lookalike_lists(tmp_path: Path) -> None:
    """Lists the reader would take for a scale or yes/no keep their type, sections their name."""
    items = [
        Item(id="intro_note", type="note", text="Welcome", required=False, section="start"),
        Item(
            id="grade",
            type="single",
            text="Grade",
            section="start",
            choices=[Choice(value=str(n), label=f"Grade {n}") for n in (1, 2, 3)],
        ),
        Item(
            id="pair",
            type="likert",
            text="Two points",
            scale=Scale(min=0, max=1, labels={"en": ["No", "Yes"]}),
        ),
        Item(id="age", type="number", text="Age", min=12, max=99.5, section="start"),
        Item(
            id="visits",
            type="number",
            text="Visits",
            min=0,
            constraint=". != 13",
            relevant="${age} >= 18",
        ),
        Item(id="start", type="text", text="Start", required=False, waves=["post"]),
    ]
    inst = _instrument(items)
    form = write_xlsform(inst, tmp_path / "edge.xlsx")
    assert read_xlsform(form).instrument == inst
    warnings: list[str] = []
    convert(str(form), warnings=warnings)


def test_single_language_plain_texts_round_trip(tmp_path: Path) -> None:
    inst = _instrument(
        [Item(id="q1", type="boolean", text="Is it working?", hint="Say yes or no")],
        languages=["fr"],
        scale=Scale(min=1, max=3),
    )
    result = read_xlsform(write_xlsform(inst, tmp_path / "fr.xlsx"))
    assert result.instrument == inst
