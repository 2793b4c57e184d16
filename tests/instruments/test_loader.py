"""The loader is strict: an invalid file gets one message naming file, item and problem."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from pilotkit.instruments import (
    InstrumentError,
    instrument_from_mapping,
    load_instrument,
    load_instrument_file,
)

BASE: dict[str, Any] = {
    "id": "mini",
    "version": 1,
    "title": {"en": "Mini", "es": "Mini"},
    "languages": ["en", "es"],
    "scale": {
        "min": 1,
        "max": 3,
        "labels": {"en": ["No", "Maybe", "Yes"], "es": ["No", "Quizás", "Sí"]},
    },
    "dimensions": [{"id": "productivity", "label": {"en": "Productivity", "es": "Productividad"}}],
    "items": [
        {
            "id": "prod_1",
            "dimension": "productivity",
            "type": "likert",
            "text": {"en": "I get more done.", "es": "Hago más."},
        },
        {
            "id": "team",
            "type": "single",
            "text": {"en": "Team?", "es": "¿Equipo?"},
            "choices": [
                {"value": "a", "label": {"en": "A", "es": "A"}},
                {"value": "b", "label": {"en": "B", "es": "B"}},
            ],
        },
    ],
}


def write(tmp_path: Path, data: dict[str, Any] | str, name: str = "mini.yaml") -> Path:
    path = tmp_path / name
    text = data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True)
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(tmp_path: Path, data: dict[str, Any] | str) -> list[str]:
    path = write(tmp_path, data)
    with pytest.raises(InstrumentError) as info:
        load_instrument_file(path)
    return info.value.problems


def variant(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(BASE)
    data.update(changes)
    return data


def test_base_is_valid(tmp_path: Path) -> None:
    inst = load_instrument_file(write(tmp_path, BASE))
    assert inst.id == "mini"
    assert inst.wave_ids == ["pre", "post"]
    assert inst.scale_of(inst.item("prod_1")).points == [1, 2, 3]
    assert inst.text(inst.item("prod_1").text, "es") == "Hago más."


def test_unknown_key_names_item_and_key(tmp_path: Path) -> None:
    data = variant()
    data["items"][0]["revers"] = True
    [problem] = problems_of(tmp_path, data)
    assert problem == f"{tmp_path / 'mini.yaml'}: item 'prod_1': unknown key 'revers'"


def test_unknown_top_level_key(tmp_path: Path) -> None:
    [problem] = problems_of(tmp_path, variant(titel="x"))
    assert problem.endswith("mini.yaml: top level: unknown key 'titel'")


def test_duplicate_item_id(tmp_path: Path) -> None:
    data = variant()
    data["items"].append(copy.deepcopy(data["items"][0]))
    [problem] = problems_of(tmp_path, data)
    assert problem.endswith("mini.yaml: item 'prod_1': duplicate item id")


def test_duplicate_yaml_key_names_line(tmp_path: Path) -> None:
    text = yaml.safe_dump(BASE, allow_unicode=True, sort_keys=False)
    text = text.replace("version: 1\n", "version: 1\nversion: 2\n")
    [problem] = problems_of(tmp_path, text)
    assert "mini.yaml: line 3: duplicate key 'version'" in problem


def test_unknown_dimension(tmp_path: Path) -> None:
    data = variant()
    data["items"][0]["dimension"] = "productivty"
    [problem] = problems_of(tmp_path, data)
    assert problem.endswith("mini.yaml: item 'prod_1': unknown dimension 'productivty'")


def test_missing_translation(tmp_path: Path) -> None:
    data = variant()
    data["items"][0]["text"] = {"en": "I get more done."}
    [problem] = problems_of(tmp_path, data)
    assert problem.endswith("mini.yaml: item 'prod_1': 'text' has no translation for language 'es'")


def test_missing_translation_of_a_choice_label(tmp_path: Path) -> None:
    data = variant()
    data["items"][1]["choices"][1]["label"] = {"en": "B"}
    [problem] = problems_of(tmp_path, data)
    assert "item 'team', choice 'b': 'label' has no translation for language 'es'" in problem


def test_scale_min_not_below_max(tmp_path: Path) -> None:
    data = variant(scale={"min": 5, "max": 5})
    [problem] = problems_of(tmp_path, data)
    assert problem.endswith("mini.yaml: scale: min (5) must be less than max (5)")


def test_item_scale_min_not_below_max(tmp_path: Path) -> None:
    data = variant()
    data["items"][0]["scale"] = {"min": 7, "max": 1}
    [problem] = problems_of(tmp_path, data)
    assert problem.endswith("item 'prod_1', scale: min (7) must be less than max (1)")


def test_choice_list_on_likert(tmp_path: Path) -> None:
    data = variant()
    data["items"][0]["choices"] = [{"value": "a", "label": {"en": "A", "es": "A"}}]
    [problem] = problems_of(tmp_path, data)
    assert problem.endswith("item 'prod_1': a likert item takes a scale, not a choice list")


def test_wrong_number_of_scale_labels(tmp_path: Path) -> None:
    data = variant()
    data["scale"]["labels"]["es"] = ["No", "Sí"]
    [problem] = problems_of(tmp_path, data)
    assert problem.endswith("scale: 2 labels in 'es' for 3 points (1..3)")


def test_wrong_type_names_the_field(tmp_path: Path) -> None:
    data = variant()
    data["items"][0]["required"] = "yes"
    [problem] = problems_of(tmp_path, data)
    assert "item 'prod_1', field 'required': Expected `bool`, got `str`" in problem


def test_unknown_item_type(tmp_path: Path) -> None:
    data = variant()
    data["items"][0]["type"] = "slider"
    [problem] = problems_of(tmp_path, data)
    assert "item 'prod_1', field 'type'" in problem and "slider" in problem


def test_missing_required_key(tmp_path: Path) -> None:
    data = variant()
    del data["items"][1]["text"]
    [problem] = problems_of(tmp_path, data)
    assert problem.endswith("item 'team': missing key 'text'")


def test_several_problems_each_on_its_line(tmp_path: Path) -> None:
    data = variant()
    data["items"][0]["dimension"] = "nope"
    data["items"][1]["reverse"] = True
    problems = problems_of(tmp_path, data)
    assert len(problems) == 2
    assert "unknown dimension 'nope'" in problems[0]
    assert "only likert items can be reverse-coded" in problems[1]


def test_plain_string_means_default_language(tmp_path: Path) -> None:
    data = variant(languages=["en"], title="Mini")
    data["scale"]["labels"] = {"en": ["No", "Maybe", "Yes"]}
    data["dimensions"][0]["label"] = "Productivity"
    for item in data["items"]:
        item["text"] = "Question"
        for choice in item.get("choices", []):
            choice["label"] = choice["value"]
    inst = load_instrument_file(write(tmp_path, data))
    assert inst.text(inst.title, "es") == "Mini"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("", "the file is empty"),
        ("- a\n- b\n", "top level: expected a mapping"),
        ("id: [unclosed\n", "line 2"),
    ],
)
def test_not_an_instrument(tmp_path: Path, content: str, expected: str) -> None:
    [problem] = problems_of(tmp_path, content)
    assert expected in problem


def test_missing_file() -> None:
    with pytest.raises(InstrumentError, match=r"nowhere\.yaml: no such file"):
        load_instrument_file("nowhere.yaml")


def test_load_by_id_and_by_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    path = write(tmp_path, BASE)
    monkeypatch.setenv("PILOTKIT_INSTRUMENTS_DIR", str(tmp_path))
    assert load_instrument("mini").id == "mini"
    assert load_instrument(str(path)).id == "mini"
    assert load_instrument(path).id == "mini"


def test_unknown_id_names_it(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PILOTKIT_INSTRUMENTS_DIR", str(tmp_path))
    from pilotkit.errors import PilotkitError

    with pytest.raises(PilotkitError, match="unknown instrument 'ghost'"):
        load_instrument("ghost")


# -- skip logic checked at load time ------------------------------------------------------


def _with_conditions(**conditions: str) -> dict:
    items = [
        {"id": "used", "type": "boolean", "text": "Used it?"},
        {"id": "dept", "type": "single", "text": "Department",
         "choices": [{"value": "it", "label": "IT"}, {"value": "hr", "label": "HR"}]},
        {"id": "info", "type": "note", "text": "Next part"},
        {"id": "why", "type": "text", "text": "Why?"},
    ]  # fmt: skip
    for item in items:
        if item["id"] in conditions:
            item["relevant"] = conditions[item["id"]]
    return {"id": "skip", "version": 1, "title": "Skip", "languages": ["en"], "items": items}


@pytest.mark.parametrize(
    ("conditions", "problem"),
    [
        ({"why": "${used} = "}, "item 'why': relevant: at position 11: the condition ends "
         "too early in '${used} = '"),
        ({"why": "${ghost} = 'yes'"}, "item 'why': relevant: refers to unknown item 'ghost'"),
        ({"dept": "${why} != ''"}, "item 'dept': relevant: refers to 'why', which comes later "
         "in the instrument"),
        ({"why": "${why} = ''"}, "item 'why': relevant: refers to the item itself"),
        ({"why": "${info} = ''"}, "item 'why': relevant: refers to 'info', a note without an "
         "answer"),
        ({"why": "${dept} = 'finance'"}, "item 'why': relevant: 'finance' is not a choice of "
         "item 'dept'"),
        ({"why": "selected(${dept}, 'ops')"}, "item 'why': relevant: 'ops' is not a choice of "
         "item 'dept'"),
        ({"why": "${used} = 'maybe'"}, "item 'why': relevant: 'maybe' is not a yes/no value for "
         "boolean item 'used'"),
    ],
)  # fmt: skip
def test_relevant_conditions_are_checked(conditions: dict, problem: str) -> None:
    with pytest.raises(InstrumentError) as info:
        instrument_from_mapping(_with_conditions(**conditions), "skip.yaml")
    assert info.value.problems == [f"skip.yaml: {problem}"]


def test_valid_relevant_conditions_load() -> None:
    data = _with_conditions(
        dept="${used} = 'yes'", why="selected(${dept}, 'it') or ${dept} = '' and ${used} = 0"
    )
    assert instrument_from_mapping(data, "skip.yaml").item("why").relevant is not None
