"""Reading XLSForms from ODK/Kobo-style workbooks into instruments."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from pilotkit.instruments import Choice, InstrumentError, Scale
from pilotkit.instruments.loader import instrument_from_mapping, parse_yaml
from pilotkit.instruments.xlsform import XLSFormError, read_xlsform
from pilotkit.instruments.yaml_io import dump_instrument
from tests.instruments.xlsforms import EN, ES, KOBO_FORM, STAFF_SURVEY, build_workbook


@pytest.fixture
def staff_form(tmp_path: Path) -> Path:
    return build_workbook(tmp_path / "staff.xlsx", STAFF_SURVEY)


def test_multilingual_form_maps_every_column(staff_form: Path) -> None:
    result = read_xlsform(staff_form)
    inst = result.instrument
    assert result.warnings == []
    assert inst.id == "staff_survey"
    assert inst.version == 20240315  # date-like version kept as a number
    assert inst.title == "Staff survey"
    assert inst.languages == ["en", "es"]
    assert [i.id for i in inst.items] == [
        "welcome", "tools_fast", "tools_wait", "used_app", "features",
        "hours_saved", "department", "comment",
    ]  # fmt: skip
    assert [i.type for i in inst.items] == [
        "note", "likert", "likert", "boolean", "multi", "number", "single", "text",
    ]  # fmt: skip
    # the agree/disagree 1..5 list became the instrument's scale, labels per language
    assert inst.scale == Scale(
        min=1,
        max=5,
        labels={
            "en": ["Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree"],
            "es": [
                "Totalmente en desacuerdo", "En desacuerdo", "Neutral", "De acuerdo",
                "Totalmente de acuerdo",
            ],
        },
    )  # fmt: skip
    fast, wait = inst.item("tools_fast"), inst.item("tools_wait")
    assert fast.scale is None and fast.section == "tools" and fast.dimension == "productivity"
    assert wait.reverse is True and not fast.reverse
    assert inst.dimension("productivity").label == {"en": "Productivity", "es": "Productividad"}
    assert inst.item("used_app").required is True  # "true"
    assert inst.item("department").required is True  # "1"
    assert inst.item("features").required is False
    assert inst.item("features").hint == {
        "en": "Choose all that apply.",
        "es": "Elija todas las que apliquen.",
    }
    assert inst.item("features").choices[1] == Choice(
        value="forms", label={"en": "Online forms", "es": "Formularios en línea"}
    )
    hours = inst.item("hours_saved")
    assert (hours.min, hours.max, hours.constraint) == (0, 40, None)  # bounds, not a constraint
    assert hours.relevant == "selected(${features}, 'search') or count-selected(${features}) > 1"
    assert inst.item("comment").relevant == "${used_app} = 'no' and ${department} != ''"
    assert inst.item("welcome").text == {
        "en": "Thank you for taking part.",
        "es": "Gracias por participar.",
    }


def test_imported_yaml_loads_with_the_strict_loader(staff_form: Path) -> None:
    inst = read_xlsform(staff_form).instrument
    text = dump_instrument(inst)
    assert instrument_from_mapping(parse_yaml(text, "x"), "x") == inst
    assert text.startswith("id: staff_survey\nversion: 20240315\n")


def test_kobo_form_reports_what_cannot_be_mapped_row_by_row(tmp_path: Path) -> None:
    result = read_xlsform(build_workbook(tmp_path / "kobo.xlsx", KOBO_FORM))
    inst = result.instrument
    assert [i.id for i in inst.items] == ["consent", "age", "satisfied", "remarks"]
    assert inst.id == "service-feedback-2024"
    assert inst.languages == ["en"] and inst.text(inst.title) == "Service feedback"
    assert inst.item("consent").type == "boolean"
    # an agree..disagree list in descending order is stored from disagree (1) to agree (4)
    assert inst.item("satisfied").type == "likert"
    assert inst.scale == Scale(
        min=1,
        max=4,
        labels={"en": ["Strongly disagree", "Disagree", "Agree", "Strongly agree"]},
        names=["strongly_disagree", "disagree", "agree", "strongly_agree"],
    )
    assert inst.item("age").relevant == "${consent} = 'yes'"
    assert inst.item("satisfied").relevant is None
    assert inst.item("remarks").relevant is None
    lines = "\n".join(result.warnings)
    expected = [
        "row 2: item 'start': metadata 'start' is not collected by pilotkit; left out",
        "row 3: item 'end': metadata 'end' is not collected by pilotkit; left out",
        "row 5: item 'age': not kept: constraint_message",
        "row 6: item 'location': type 'geopoint': location questions are not supported; left out",
        "row 7: item 'photo': type 'image': photo questions are not supported; left out",
        "row 8: item 'age_months': type 'calculate': calculated fields are not supported; left out",
        "row 9: item 'satisfied': choices 'strongly_disagree'..'strongly_agree' of list 'agree' "
        "are stored as 1..4 (answers given as these names are read as the numbers)",
        "row 10: repeat group 'household': repeats are not supported; its questions are left out",
        "row 11: item 'member_name': inside repeat group 'household'; left out",
        "row 9: item 'satisfied': relevant '${age_months} > 200' reads 'age_months', which is "
        "left out; the item is always shown",
        "row 13: item 'remarks': relevant 'if(${age} > 18, true(), false())' is not supported "
        "(function 'if()' is not supported, at position 1); the item is always shown",
        "settings: form_id 'Service Feedback 2024' is used as id 'service-feedback-2024'",
        "settings: version 'vGx7bCzq' is not a number; version 1 is used",
    ]
    for line in expected:
        assert line in result.warnings, f"{line}\n--- got:\n{lines}"
    assert len(result.warnings) == len(expected)


def test_plain_label_is_the_default_language_next_to_coded_ones(tmp_path: Path) -> None:
    form = copy.deepcopy(STAFF_SURVEY)
    form["survey"][0][2] = "label"  # plain label column + Spanish
    form["settings"][1][3] = None  # no default_language: plain label is the first language
    result = read_xlsform(build_workbook(tmp_path / "f.xlsx", form))
    assert result.instrument.languages == ["en", "es"]
    assert result.instrument.item("used_app").text == {
        "en": "Did you use the app?",
        "es": "¿Usó la aplicación?",
    }


def test_missing_translation_falls_back_with_a_warning(tmp_path: Path) -> None:
    form = copy.deepcopy(STAFF_SURVEY)
    form["survey"][6][3] = None  # no Spanish label for used_app
    result = read_xlsform(build_workbook(tmp_path / "f.xlsx", form))
    assert result.warnings == [
        "row 7: item 'used_app': no 'es' label; the 'en' one is shown instead"
    ]
    assert result.instrument.item("used_app").text == "Did you use the app?"  # default only


def test_numeric_list_is_a_likert_scale_and_other_lists_stay_single(tmp_path: Path) -> None:
    form = {
        "survey": [
            ["type", "name", "label", "required"],
            ["select_one ten", "recommend", "How likely are you to recommend us?", "yes"],
            ["select_one level", "education", "Highest level of school", "yes"],
            ["range", "stars", "Stars", None],
        ],
        "choices": [["list_name", "name", "label"]]
        + [["ten", n, str(n)] for n in range(0, 11)]
        + [["level", "primary", "Primary"], ["level", "secondary", "Secondary"]],
    }
    form["survey"][3].append(None)
    form["survey"][0].append("parameters")
    form["survey"][3][4] = "start=1 end=5 step=1"
    inst = read_xlsform(build_workbook(tmp_path / "f.xlsx", form)).instrument
    assert inst.item("recommend").type == "likert"
    assert inst.scale == Scale(min=0, max=10)  # labels equal to the numbers are not kept
    assert inst.item("education").type == "single"
    stars = inst.item("stars")  # a range of whole steps is a scale of its own
    assert (stars.type, stars.scale) == ("likert", Scale(min=1, max=5))


def test_group_relevance_applies_to_the_items_inside(tmp_path: Path) -> None:
    form = {
        "survey": [
            ["type", "name", "label", "relevant"],
            ["select_one yn", "worked", "Did you work last week?", None],
            ["begin_group", "job", "Your job", "${worked} = 'yes'"],
            ["integer", "hours", "Hours worked", "${hours_known} = 'yes'"],
            ["end_group", None, None, None],
        ],
        "choices": [["list_name", "name", "label"], ["yn", "yes", "Yes"], ["yn", "no", "No"]],
    }
    form["survey"].insert(3, ["select_one yn", "hours_known", "Do you know your hours?", None])
    inst = read_xlsform(build_workbook(tmp_path / "f.xlsx", form)).instrument
    assert inst.item("hours_known").relevant == "${worked} = 'yes'"
    assert inst.item("hours").relevant == "(${worked} = 'yes') and (${hours_known} = 'yes')"
    assert inst.item("hours").section == "job"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda f: f.pop("survey"), "no 'survey' sheet"),
        (
            lambda f: f["survey"][4].__setitem__(0, "select_one agree_5"),
            "survey sheet, row 5: item 'tools_wait': unknown choice list 'agree_5'",
        ),
        (
            lambda f: f.pop("choices"),
            "survey sheet, row 4: select_one 'tools_fast' needs a 'choices' sheet",
        ),
        (
            lambda f: f["survey"].pop(5),
            "survey sheet, row 3: begin_group 'tools' is never closed with end_group",
        ),
    ],
)
def test_broken_forms_raise_one_clear_error(tmp_path: Path, change, message: str) -> None:
    form = copy.deepcopy(STAFF_SURVEY)
    change(form)
    if "survey" not in form:
        form["other"] = [["a"], ["b"]]
        form["more"] = [["a"], ["b"]]
    path = build_workbook(tmp_path / "broken.xlsx", form)
    with pytest.raises(XLSFormError) as info:
        read_xlsform(path)
    assert str(info.value) == f"{path}: {message}"


def test_duplicate_names_fail_the_strict_loader_checks(tmp_path: Path) -> None:
    form = copy.deepcopy(STAFF_SURVEY)
    form["survey"][4][1] = "tools_fast"
    with pytest.raises(InstrumentError, match="item 'tools_fast': duplicate item id"):
        read_xlsform(build_workbook(tmp_path / "dup.xlsx", form))


def test_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "form.xlsx"
    path.write_text("not a zip")
    with pytest.raises(XLSFormError, match="cannot be read as an XLSForm"):
        read_xlsform(path)
    with pytest.raises(XLSFormError, match="no such file"):
        read_xlsform(tmp_path / "none.xlsx")
    (tmp_path / "form.xls").write_bytes(b"")
    with pytest.raises(XLSFormError, match=r"not an \.xlsx workbook"):
        read_xlsform(tmp_path / "form.xls")
    assert EN and ES  # the shared headers are the ones used above


def test_conditions_the_loader_would_refuse_are_reported_not_fatal(tmp_path: Path) -> None:
    form = {
        "survey": [
            ["type", "name", "label", "relevant"],
            ["select_one dept", "dept", "Department", None],
            ["text", "why_it", "Why IT?", "${dept} = 'IT'"],  # the choice name is 'it'
            ["text", "later", "Later", "${after} != ''"],
            ["text", "after", "After", None],
        ],
        "choices": [["list_name", "name", "label"], ["dept", "it", "IT"], ["dept", "hr", "HR"]],
    }
    result = read_xlsform(build_workbook(tmp_path / "f.xlsx", form))
    assert result.warnings == [
        "row 3: item 'why_it': relevant '${dept} = 'IT'' compares 'dept' with 'IT', which is "
        "not one of its choices; the item is always shown",
        "row 4: item 'later': relevant '${after} != ''' reads 'after', which is not an earlier "
        "question; the item is always shown",
    ]
    assert all(item.relevant is None for item in result.instrument.items)


def test_conditional_required_is_reported(tmp_path: Path) -> None:
    form = {
        "survey": [
            ["type", "name", "label", "required"],
            ["text", "a", "A", "no"],
            ["text", "b", "B", "${a} != ''"],
        ]
    }
    result = read_xlsform(build_workbook(tmp_path / "f.xlsx", form))
    assert result.warnings == [
        "row 3: item 'b': required '${a} != ''' is a condition; the question is optional"
    ]
    assert [i.required for i in result.instrument.items] == [False, False]


@pytest.mark.parametrize("form", [STAFF_SURVEY, KOBO_FORM], ids=["staff", "kobo"])
def test_the_test_forms_are_real_xlsforms(form: dict, tmp_path: Path) -> None:
    """pyxform (the converter behind ODK Central and Kobo) accepts the forms used above."""
    from pyxform.xls2xform import convert

    xform = convert(str(build_workbook(tmp_path / "form.xlsx", form)), warnings=[]).xform
    assert "<h:html" in xform


def test_pilotkit_type_likert_on_words_is_a_scale_of_named_points(tmp_path: Path) -> None:
    form = {
        "survey": [
            ["type", "name", "label", "pilotkit_type", "min"],
            ["select_one c", "q", "Q", "likert", None],
            ["select_one c", "r", "R", "likert", 0],
        ],
        "choices": [["list_name", "name", "label"], ["c", "low", "Low"], ["c", "high", "High"]],
    }
    result = read_xlsform(build_workbook(tmp_path / "f.xlsx", form))
    labels = {"en": ["Low", "High"]}
    assert result.warnings == []
    assert result.instrument.scale == Scale(min=1, max=2, labels=labels, names=["low", "high"])
    assert result.instrument.item("r").scale == Scale(
        min=0, max=1, labels=labels, names=["low", "high"]
    )
