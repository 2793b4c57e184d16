"""Section titles: pages that are not dimensions get a title in every language."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from pyxform.xls2xform import convert

from pilotkit.instruments import InstrumentError, Section, instrument_from_mapping
from pilotkit.instruments.loader import parse_yaml
from pilotkit.instruments.translations.exporting import export_translations
from pilotkit.instruments.translations.importing import apply_translations, read_translation_file
from pilotkit.instruments.translations.texts import entries_by_path
from pilotkit.instruments.xlsform import read_xlsform, write_xlsform
from pilotkit.instruments.yaml_io import dump_instrument
from tests.instruments.translators import FILLERS, SUFFIX
from tests.instruments.xlsforms import EN, ES, HEN, HES, build_workbook

BASE: dict[str, Any] = {
    "id": "tools-check",
    "version": 1,
    "title": {"en": "Tools check", "es": "Revisión de herramientas"},
    "languages": ["en", "es"],
    "scale": {"min": 1, "max": 3},
    "dimensions": [{"id": "productivity", "label": {"en": "Productivity", "es": "Productividad"}}],
    "sections": [
        {
            "id": "work_tools",
            "title": {"en": "Your work tools", "es": "Sus herramientas de trabajo"},
            "description": {"en": "About the laptop", "es": "Sobre el portátil"},
        }
    ],
    "items": [
        {
            "id": "prod_1",
            "dimension": "productivity",
            "type": "likert",
            "text": {"en": "I finish on time", "es": "Termino a tiempo"},
        },
        {
            "id": "laptop",
            "type": "boolean",
            "section": "work_tools",
            "text": {"en": "Do you have a laptop?", "es": "¿Tiene un portátil?"},
        },
        {
            "id": "phone",
            "type": "text",
            "section": "other_page",
            "required": False,
            "text": {"en": "Which phone?", "es": "¿Qué teléfono?"},
        },
    ],
}


def _problems(data: dict[str, Any]) -> list[str]:
    with pytest.raises(InstrumentError) as info:
        instrument_from_mapping(data, "tools.yaml")
    return info.value.problems


def test_sections_load_and_an_item_section_without_entry_is_fine() -> None:
    inst = instrument_from_mapping(BASE, "tools.yaml")
    section = inst.section("work_tools")
    assert section == Section(
        id="work_tools",
        title={"en": "Your work tools", "es": "Sus herramientas de trabajo"},
        description={"en": "About the laptop", "es": "Sobre el portátil"},
    )
    assert inst.item("phone").section == "other_page"  # no entry: titled after its key
    with pytest.raises(KeyError):
        inst.section("other_page")


def test_files_without_sections_are_unchanged() -> None:
    data = {k: v for k, v in BASE.items() if k != "sections"}
    inst = instrument_from_mapping(data, "tools.yaml")
    assert inst.sections == []
    assert "sections" not in inst.to_builtins()
    assert "sections:" not in dump_instrument(inst)


def test_a_section_entry_that_is_a_dimension_is_refused() -> None:
    data = copy.deepcopy(BASE)
    data["sections"].append({"id": "productivity", "title": {"en": "P", "es": "P"}})
    assert _problems(data) == [
        "tools.yaml: section 'productivity': is a dimension, whose page is titled with the "
        "dimension's label; remove the section entry"
    ]


def test_missing_translation_and_duplicates_are_positioned() -> None:
    data = copy.deepcopy(BASE)
    data["sections"][0]["title"] = {"en": "Your work tools"}
    data["sections"].append({"id": "work_tools", "title": {"en": "Again", "es": "Otra vez"}})
    data["sections"].append({"id": "bad id", "title": {"en": "Bad", "es": "Mal", "fr": "Mal"}})
    assert _problems(data) == [
        "tools.yaml: section 'work_tools': duplicate section id",
        "tools.yaml: section 'work_tools': 'title' has no translation for language 'es'",
        "tools.yaml: section 'bad id': id must start with a letter and hold only letters, "
        "digits, _ . -",
        "tools.yaml: section 'bad id': 'title' has a text in undeclared language 'fr' (list it "
        "in 'languages', or in 'translation_status' while it is being translated)",
    ]


def test_unknown_key_in_a_section_names_it() -> None:
    data = copy.deepcopy(BASE)
    data["sections"][0]["label"] = {"en": "x", "es": "x"}
    assert _problems(data) == ["tools.yaml: section 'work_tools': unknown key 'label'"]


def test_yaml_round_trip_keeps_sections() -> None:
    inst = instrument_from_mapping(BASE, "tools.yaml")
    text = dump_instrument(inst)
    assert "\nsections:\n  - id: work_tools\n" in text
    assert '    title: {en: "Your work tools", es: "Sus herramientas de trabajo"}\n' in text
    assert instrument_from_mapping(parse_yaml(text, "x"), "x") == inst


def test_translation_files_carry_section_texts() -> None:
    inst = instrument_from_mapping(BASE, "tools.yaml")
    entries = entries_by_path(inst)
    title = entries["sections.work_tools.title"]
    assert (title.kind, title.limit) == ("section_title", 60)
    assert title.location == ("sections", 0, "title")
    assert title.text("es") == "Sus herramientas de trabajo"
    assert entries["sections.work_tools.description"].text("en") == "About the laptop"


@pytest.mark.parametrize("file_format", ["xliff", "po", "xlsx"])
def test_section_titles_go_through_translation_files(tmp_path: Path, file_format: str) -> None:
    inst = instrument_from_mapping(BASE, "tools.yaml")
    out = tmp_path / f"tools.fr{SUFFIX[file_format]}"
    export_translations(inst, "fr", file_format, out)
    FILLERS[file_format](out, lambda path, source: f"(fr) {source}")
    translated = apply_translations(inst, read_translation_file(out)).instrument
    section = translated.section("work_tools")
    assert translated.text(section.title, "fr") == "(fr) Your work tools"
    assert translated.text(section.description, "fr") == "(fr) About the laptop"


def test_xlsform_round_trip_keeps_section_titles(tmp_path: Path) -> None:
    inst = instrument_from_mapping(BASE, "tools.yaml")
    form = write_xlsform(inst, tmp_path / "tools.xlsx")
    result = read_xlsform(form)
    assert result.instrument == inst
    assert result.warnings == []
    warnings: list[str] = []
    xform = convert(str(form), warnings=warnings).xform
    assert warnings == []
    assert "Sus herramientas de trabajo" in xform  # the group's label in Spanish
    assert "Sobre el portátil" in xform  # its hint


GROUPED_FORM: dict[str, list[list[object]]] = {
    "survey": [
        ["type", "name", EN, ES, HEN, HES, "required"],
        ["begin_group", "work_tools", "Work tools", "Herramientas de trabajo", "About them",
         "Sobre ellas", None],
        ["select_one yn", "laptop", "Laptop?", "¿Portátil?", None, None, "yes"],
        ["select_one agree", "fast", "It is fast", "Es rápido", None, None, "yes"],
        ["end_group", None, None, None, None, None, None],
        ["begin_group", "no_title", None, None, None, None, None],
        ["text", "other", "Anything else?", "¿Algo más?", None, None, None],
        ["end_group", None, None, None, None, None, None],
    ],
    "choices": [
        ["list_name", "name", EN, ES],
        ["yn", "yes", "Yes", "Sí"],
        ["yn", "no", "No", "No"],
        *(["agree", str(n), f"{n}", f"{n}"] for n in range(1, 6)),
    ],
}  # fmt: skip


def test_xlsform_group_becomes_a_section_with_its_label_in_every_language(
    tmp_path: Path,
) -> None:
    form = build_workbook(tmp_path / "grouped.xlsx", GROUPED_FORM)
    inst = read_xlsform(form).instrument
    assert inst.sections == [
        Section(
            id="work_tools",
            title={"en": "Work tools", "es": "Herramientas de trabajo"},
            description={"en": "About them", "es": "Sobre ellas"},
        )
    ]  # a group without a label has no title of its own
    assert inst.item("laptop").section == "work_tools"
    again = read_xlsform(write_xlsform(inst, tmp_path / "again.xlsx"))
    assert again.instrument == inst


def test_xlsform_group_made_a_dimension_is_not_a_section(tmp_path: Path) -> None:
    form = build_workbook(tmp_path / "grouped.xlsx", GROUPED_FORM)
    inst = read_xlsform(form, dimensions_from_groups=True).instrument
    assert [d.id for d in inst.dimensions] == ["work_tools"]
    assert inst.dimension("work_tools").label == {
        "en": "Work tools",
        "es": "Herramientas de trabajo",
    }
    assert inst.sections == []
