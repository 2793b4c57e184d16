"""Forms as survey teams write them: whatever pyxform converts, pilotkit imports.

pyxform (the converter behind ODK Central and KoboToolbox) is the oracle: every corpus
form is converted by it first; pilotkit then imports it, reporting row by row what it
cannot represent, and the imported instrument makes the whole trip back through an
exported XLSForm that pyxform converts.
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from pyxform.xls2xform import convert

from pilotkit.instruments import InstrumentError, Scale, load_instrument_file
from pilotkit.instruments.loader import instrument_from_mapping, parse_yaml
from pilotkit.instruments.xlsform import XLSFormError, read_xlsform, write_xlsform
from pilotkit.instruments.yaml_io import dump_instrument
from tests.helpers import run_cli
from tests.instruments import corpus
from tests.instruments.xlsforms import build_workbook


def _form(tmp_path: Path, sheets: dict, name: str = "form") -> Path:
    """The workbook, after checking that pyxform converts it."""
    path = build_workbook(tmp_path / f"{name}.xlsx", sheets)
    assert "<h:html" in convert(str(path), warnings=[]).xform
    return path


@pytest.mark.parametrize("name", sorted(corpus.CORPUS))
def test_round_trip_yaml_xlsform_pyxform_import(name: str, tmp_path: Path) -> None:
    """import -> YAML -> XLSForm (converted by pyxform) -> import gives the same instrument."""
    form = _form(tmp_path, corpus.CORPUS[name], name)
    imported = read_xlsform(form, dimensions_from_groups=True).instrument
    yaml_file = tmp_path / "inst.yaml"
    yaml_file.write_text(dump_instrument(imported), encoding="utf-8")
    inst = load_instrument_file(yaml_file)
    assert inst == imported
    exported = write_xlsform(inst, tmp_path / "exported.xlsx")
    warnings: list[str] = []
    xform = convert(str(exported), warnings=warnings).xform
    assert "<h:html" in xform
    again = read_xlsform(exported)
    assert again.warnings == []
    assert again.instrument == inst


def test_1_choice_names_with_spaces_on_a_single_choice(tmp_path: Path) -> None:
    result = read_xlsform(_form(tmp_path, corpus.SPACED_NAMES))
    borough = result.instrument.item("borough")
    assert [c.value for c in borough.choices] == corpus.BOROUGHS
    assert result.warnings == []


def test_1_spaces_on_a_multiple_choice_name_every_choices_row(tmp_path: Path) -> None:
    form = copy.deepcopy(corpus.SPACED_NAMES)
    form["choices"] += [
        ["services", "street lights", "Street lights"],
        ["services", "bus stop", "Bus"],
    ]
    path = build_workbook(tmp_path / "f.xlsx", form)
    with pytest.raises(Exception, match="Choice names with spaces"):
        convert(str(path), warnings=[])  # pyxform refuses these too
    with pytest.raises(XLSFormError) as info:
        read_xlsform(path)
    assert str(info.value) == (
        f"{path}: choices sheet, list 'services': choice names with spaces cannot be used by "
        "select_multiple 'services' (survey sheet, row 3): row 13 ('street lights'), "
        "row 14 ('bus stop')"
    )


def test_2_and_5_older_select_spellings_and_list_names_with_capitals(tmp_path: Path) -> None:
    result = read_xlsform(_form(tmp_path, corpus.LEGACY_SELECTS))
    inst = result.instrument
    assert result.warnings == []
    assert [(i.id, i.type) for i in inst.items] == [
        ("has_account", "boolean"),
        ("services", "multi"),
        ("main_service", "single"),
        ("rating", "likert"),
        ("wanted", "multi"),
    ]
    assert [c.value for c in inst.item("services").choices] == ["permits", "taxes", "parking"]
    assert inst.scale == Scale(min=1, max=5)
    # its own export names the lists with capitals, and imports again
    exported = write_xlsform(inst, tmp_path / "again.xlsx")
    assert read_xlsform(exported).instrument == inst


def test_3_references_to_questions_left_out_are_reported_and_shown_as_a_gap(
    tmp_path: Path,
) -> None:
    result = read_xlsform(_form(tmp_path, corpus.PIPED_LABELS))
    inst = result.instrument
    assert (
        "row 4: item 'feature_useful': label refers to '${feature}', which is left out; "
        "shown as '…'" in result.warnings
    )
    assert (
        "row 5: item 'why': hint refers to '${feature}', which is left out; shown as '…'"
        in result.warnings
    )
    assert inst.item("feature_useful").text == "… is useful to me."
    # a reference to an earlier question is kept: the participant form shows the answer
    assert inst.item("why").text == "Why did you pick ${feature_pick}?"
    assert inst.item("thanks").text == "Thank you, ${feature_pick} noted."
    # and pyxform converts the export (it refused "Could not find the name 'feature'")
    convert(str(write_xlsform(inst, tmp_path / "out.xlsx")), warnings=[])


def test_3_the_loader_refuses_references_it_cannot_show(tmp_path: Path) -> None:
    text = (
        "id: piped\nversion: 1\ntitle: Piped\nlanguages: [en]\nitems:\n"
        "  - id: a\n    type: text\n    text: 'You said ${b}'\n"
        "  - id: b\n    type: text\n    text: 'Say ${nobody}'\n    hint: 'Not ${b}'\n"
    )
    with pytest.raises(InstrumentError) as info:
        instrument_from_mapping(parse_yaml(text, "piped.yaml"), "piped.yaml")
    assert info.value.problems == [
        "piped.yaml: item 'a': text: '${b}' comes later in the instrument",
        "piped.yaml: item 'b': text: '${nobody}' is not an item of the instrument",
        "piped.yaml: item 'b': hint: '${b}' is the item itself",
    ]


def test_4_repeated_choice_names_allowed_by_the_settings(tmp_path: Path) -> None:
    result = read_xlsform(_form(tmp_path, corpus.DUPLICATE_CHOICES))
    district = result.instrument.item("district")
    assert [(c.value, c.label) for c in district.choices] == [
        ("north", "North"),
        ("south", "South"),
        ("other", "Other (north)"),
    ]
    assert [c.value for c in result.instrument.item("unit").choices] == ["a", "b"]
    assert result.warnings == [
        f"choices sheet, row {row}: list '{name}': choice '{value}' repeats row {first}; "
        "answers cannot tell them apart, so it is merged into the first"
        for row, name, value, first in [
            (5, "district", "other", 4),
            (6, "district", "other", 4),
            (9, "unit", "a", 7),
            (10, "unit", "b", 8),
        ]
    ]


def test_4_repeated_choice_names_without_the_setting_one_line(tmp_path: Path) -> None:
    form = copy.deepcopy(corpus.DUPLICATE_CHOICES)
    del form["settings"]
    path = build_workbook(tmp_path / "f.xlsx", form)
    with pytest.raises(Exception, match=r"(?i)duplicate"):
        convert(str(path), warnings=[])  # pyxform refuses it as well
    with pytest.raises(XLSFormError) as info:
        read_xlsform(path)
    assert str(info.value) == (
        f"{path}: choices sheet, list 'district': repeated choice names ('other' in rows 4 "
        "and 5; 'other' in rows 4 and 6); rename them, or set allow_choice_duplicates to yes "
        "in the settings sheet"
    )


def test_6_language_headers_by_name(tmp_path: Path) -> None:
    result = read_xlsform(_form(tmp_path, corpus.LANGUAGE_NAMES))
    inst = result.instrument
    assert inst.languages == ["en", "ig", "yo"]
    assert inst.item("heard").text == {
        "en": "Have you heard of 311?",
        "ig": "Ị nụla maka 311?",
        "yo": "Ṣé o ti gbọ́ nípa 311?",
    }
    assert result.warnings == [
        "row 2: item 'heard': no 'ig', 'yo' hint; the 'en' one is shown instead"
    ]


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("label::Malayo", "'Malayo' may be mbp (Malayo) or ms (Malay)"),
        ("label::Elvish", "'Elvish' is not a known language name"),
    ],
)
def test_6_an_ambiguous_or_unknown_language_name_asks_for_the_code(
    tmp_path: Path, header: str, message: str
) -> None:
    form = copy.deepcopy(corpus.LANGUAGE_NAMES)
    form["survey"][0][3] = header
    path = build_workbook(tmp_path / "f.xlsx", form)
    with pytest.raises(XLSFormError) as info:
        read_xlsform(path)
    assert str(info.value) == (
        f"{path}: survey sheet, column '{header}': cannot tell the language code: {message} "
        "(write it as 'Name (code)', e.g. 'label::Kiswahili (sw)')"
    )


def test_7_question_types_pyxform_accepts_are_mapped_or_left_out(tmp_path: Path) -> None:
    result = read_xlsform(_form(tmp_path, corpus.PYXFORM_TYPES))
    inst = result.instrument
    ranks = ["priorities_cost", "priorities_speed", "priorities_quality"]
    assert [i.id for i in inst.items] == ["county", *ranks, "effort", "share"]
    effort, share = inst.item("effort"), inst.item("share")
    # a ranking is one number per choice: the position 1..3 the participant gave it
    speed = inst.item("priorities_speed")
    assert (speed.type, speed.min, speed.max) == ("number", 1, 3)
    assert speed.text == "Rank these priorities: Speed"
    assert (speed.rank_of.question, speed.rank_of.choice) == ("priorities", "speed")
    assert (effort.type, effort.scale) == ("likert", Scale(min=1, max=7))  # a range is a scale
    assert (share.type, share.min, share.max) == ("number", 0, 100)  # too many points
    assert result.warnings == [
        "row 2: item 'device': metadata 'imei' is not collected by pilotkit; left out",
        "row 4: item 'town': type 'select_one_external town': choices from an external sheet "
        "are not supported; left out",
        "row 5: item 'where': type 'gps': location questions are not supported; left out",
        "row 6: item 'picture': type 'photo': photo questions are not supported; left out",
        "row 7: item 'priorities': ranking question asked as 3 number items, one per choice, "
        "each holding the choice's position 1..3 "
        "(priorities_cost, priorities_speed, priorities_quality)",
        "row 9: item 'share': range step 5 is not kept",
    ]


def test_8_legacy_headers_single_colon_and_bind(tmp_path: Path) -> None:
    result = read_xlsform(_form(tmp_path, corpus.LEGACY_HEADERS))
    inst = result.instrument
    assert result.warnings == []
    assert inst.languages == ["en", "es"]
    age, employed, years = inst.items
    assert age.text == {"en": "Age", "es": "Edad"} and age.required
    assert (age.min, age.max) == (16, 99)
    assert employed.relevant == "${age} >= 18"
    assert years.relevant == "${employed} = 'yes'" and not years.required
    assert years.constraint == ". <= ${age}"
    assert inst.item("employed").type == "boolean"


def test_9_a_missing_translation_names_the_language_actually_copied(tmp_path: Path) -> None:
    result = read_xlsform(_form(tmp_path, corpus.MISSING_TRANSLATION))
    shop = result.instrument.item("shop")
    assert result.warnings == ["row 2: item 'shop': no 'en' hint; the 'id' one is used"]
    assert shop.hint == {"en": "Tulis nama lengkap", "id": "Tulis nama lengkap", "zh": "写全名"}


def test_kobo_likert_names_are_kept_and_groups_become_dimensions(tmp_path: Path) -> None:
    result = read_xlsform(_form(tmp_path, corpus.KOBO_LIKERT), dimensions_from_groups=True)
    inst = result.instrument
    assert inst.scale is not None
    assert inst.scale.names == [
        "strongly_disagree", "disagree", "neutral", "agree", "strongly_agree",
    ]  # fmt: skip
    assert inst.scale.point_of("disagree") == 2
    assert [(d.id, d.label) for d in inst.dimensions] == [
        ("speed", {"en": "Speed of work", "es": "Rapidez del trabajo"}),
        ("clarity", {"en": "Clarity", "es": "Claridad"}),
    ]
    assert [(i.id, i.dimension) for i in inst.items if i.dimension] == [
        ("fast_answers", "speed"),
        ("less_waiting", "speed"),
        ("clear_steps", "clarity"),
    ]  # only scale questions are scored in a dimension
    assert result.warnings == [
        "row 2: item 'start': metadata 'start' is not collected by pilotkit; left out",
        "row 4: item 'fast_answers': choices 'strongly_disagree'..'strongly_agree' of list "
        "'agreement' are stored as 1..5 (answers given as these names are read as the numbers)",
    ]
    without = read_xlsform(_form(tmp_path, corpus.KOBO_LIKERT)).instrument
    assert without.dimensions == []


def test_dimension_columns_are_read_and_written(tmp_path: Path) -> None:
    form = copy.deepcopy(corpus.KOBO_LIKERT)
    form["survey"][0] += ["dimension", "reverse"]
    for row in form["survey"][1:]:
        row += [None, None]
    form["survey"][3][-2:] = ["productivity", None]
    form["survey"][4][-2:] = ["productivity", "yes"]
    form["dimensions"] = [["id", "label::English (en)", "label::Español (es)"],
                          ["productivity", "Productivity", "Productividad"]]  # fmt: skip
    inst = read_xlsform(_form(tmp_path, form), dimensions_from_groups=True).instrument
    assert [(i.id, i.dimension, i.reverse) for i in inst.items if i.dimension] == [
        ("fast_answers", "productivity", False),
        ("less_waiting", "productivity", True),
        ("clear_steps", "clarity", False),
    ]
    assert inst.dimension("productivity").label == {"en": "Productivity", "es": "Productividad"}
    assert read_xlsform(write_xlsform(inst, tmp_path / "x.xlsx")).instrument == inst


def test_cli_dimension_from_groups_and_strict(tmp_path: Path) -> None:
    form = _form(tmp_path, corpus.KOBO_LIKERT)
    out = tmp_path / "crm.yaml"
    result = run_cli(
        "instruments", "import", str(form), "--out", str(out), "--dimension-from-groups"
    )
    assert result.returncode == 0, result.stderr
    assert "2 dimensions" in result.stdout
    assert len(result.stderr.splitlines()) == 2
    strict = run_cli(
        "instruments", "import", str(form), "--out", str(tmp_path / "s.yaml"), "--strict"
    )
    assert strict.returncode != 0
    assert strict.stderr.splitlines()[-1] == (
        f"error: {form}: 2 row(s) cannot be mapped (--strict); nothing written"
    )
