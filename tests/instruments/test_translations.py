"""Translatable texts, coverage per language, and what the loader accepts while a
language is being translated."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest

from pilotkit.instruments import InstrumentError, instrument_from_mapping, load_instrument_file
from pilotkit.instruments.translations import (
    LIMITS,
    coverage,
    entries_by_path,
    language_coverage,
    offered_languages,
    translatable_texts,
)
from pilotkit.instruments.yaml_io import dump_instrument
from tests.helpers import REPO_ROOT

SHIPPED = sorted((REPO_ROOT / "instruments").glob("*.yaml"))
NMTOKEN = re.compile(r"^[A-Za-z0-9._:-]+$")

BASE: dict[str, Any] = {
    "id": "service",
    "version": 2,
    "title": {"en": "Service survey", "es": "Encuesta de servicio"},
    "languages": ["en", "es"],
    "intro": {"en": "Hello {name}, it takes %(minutes)s minutes.",
              "es": "Hola {name}, toma %(minutes)s minutos."},
    "scale": {"min": 1, "max": 3,
              "labels": {"en": ["Low", "Middle", "High"], "es": ["Bajo", "Medio", "Alto"]}},
    "dimensions": [{"id": "work", "label": {"en": "Work", "es": "Trabajo"}}],
    "items": [
        {"id": "q1", "dimension": "work", "type": "likert",
         "text": {"en": "My work is easy & fun <really>.", "es": "Mi trabajo es fácil."}},
        {"id": "uses", "type": "boolean",
         "text": {"en": "Do you use the tool?", "es": "¿Usa la herramienta?"},
         "hint": {"en": "The new one.", "es": "La nueva."}},
        {"id": "how", "type": "single", "relevant": "${uses} = 'yes'",
         "text": {"en": "How often, given ${uses}?", "es": "¿Con qué frecuencia, dado ${uses}?"},
         "choices": [{"value": "a/b", "label": {"en": "Now and then", "es": "A veces"}},
                     {"value": "daily", "label": {"en": "Daily", "es": "A diario"}}]},
        {"id": "thanks", "type": "note", "text": "Thank you!"},
    ],
    "focus_group_guide": [
        {"prompts": [{"en": "What helped?", "es": "¿Qué ayudó?"}]},
        {"dimension": "work", "prompts": [{"en": "What slowed you?", "es": "¿Qué le frenó?"}]},
    ],
}  # fmt: skip


def base(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(BASE)
    data.update(changes)
    return data


def with_vi(data: dict[str, Any], paths: set[str] | None = None) -> dict[str, Any]:
    """Vietnamese texts for `paths` (all when None), `vi` being translated."""
    inst = instrument_from_mapping(data)
    for entry in translatable_texts(inst):
        if entry.shared or (paths is not None and entry.path not in paths):
            continue
        node: Any = data
        for key in entry.location[:-1]:
            node = node[key]
        last = entry.location[-1]
        if entry.kind == "scale_label":
            labels = node[last]
            labels.setdefault("vi", [f"vi {x}" for x in labels["en"]])
        else:
            node[last]["vi"] = f"vi {node[last]['en']}"
    data.setdefault("translation_status", {})["vi"] = "draft"
    return data


def test_every_text_has_a_unique_nmtoken_path_and_its_context() -> None:
    inst = instrument_from_mapping(base())
    entries = translatable_texts(inst)
    paths = [e.path for e in entries]
    assert paths == [
        "title", "intro", "scale.labels.1", "scale.labels.2", "scale.labels.3",
        "dimensions.work.label", "items.q1.text", "items.uses.text", "items.uses.hint",
        "items.how.text", "items.how.choices.a_x002F_b.label", "items.how.choices.daily.label",
        "items.thanks.text", "focus_group_guide.general.prompts.1",
        "focus_group_guide.work.prompts.1",
    ]  # fmt: skip
    assert all(NMTOKEN.match(p) for p in paths)
    by_path = entries_by_path(inst)
    choice = by_path["items.how.choices.a_x002F_b.label"]
    assert (choice.item, choice.choice, choice.limit) == ("how", "a/b", LIMITS["choice_label"])
    assert "answer option" in choice.context() and "choice value a/b" in choice.context()
    low = by_path["scale.labels.1"]
    assert low.point == 1 and "(lowest)" in low.shown and low.limit == LIMITS["scale_label"]
    assert by_path["items.thanks.text"].shared  # a plain string: every language's


def test_coverage_counts_missing_texts_in_file_order() -> None:
    partial = with_vi(base(), {"title", "intro", "items.q1.text"})
    inst = instrument_from_mapping(partial)
    vi = language_coverage(inst, "vi")
    # 15 texts; the plain string counts as translated in every language
    assert (vi.translated, vi.total) == (4, 15)
    assert vi.percent == pytest.approx(100 * 4 / 15)
    assert vi.missing[:4] == ("scale.labels.1", "scale.labels.2", "scale.labels.3",
                              "dimensions.work.label")  # fmt: skip
    assert (vi.status, vi.offered, vi.complete, vi.needs_review) == ("draft", False, False, True)
    assert offered_languages(inst) == ["en", "es"]
    rows = {c.lang: c for c in coverage(inst, extra=["fr"])}
    assert list(rows) == ["en", "es", "vi", "fr"]
    assert rows["en"].status == "source" and rows["en"].complete
    assert rows["es"].status == "not stated" and rows["es"].offered
    assert rows["fr"].status == "not started" and rows["fr"].translated == 1  # the note


def test_a_complete_language_in_languages_is_offered() -> None:
    data = with_vi(base())
    data["languages"] = ["en", "es", "vi"]
    inst = instrument_from_mapping(data)
    assert offered_languages(inst) == ["en", "es", "vi"]
    assert language_coverage(inst, "vi").offered


def test_offered_languages_never_offers_an_incomplete_one() -> None:
    """An instrument built without the loader (a browser editor, a database row) cannot
    put a half-translated language in front of participants."""
    inst = instrument_from_mapping(base())
    broken = type(inst)(**{**{f: getattr(inst, f) for f in inst.__struct_fields__},
                           "languages": ["en", "es", "vi"]})  # fmt: skip
    assert offered_languages(broken) == ["en", "es"]


def test_loader_refuses_an_offered_language_that_is_incomplete(tmp_path: Path) -> None:
    data = with_vi(base(), {"title"})
    data["languages"] = ["en", "es", "vi"]
    with pytest.raises(InstrumentError) as caught:
        instrument_from_mapping(data, "service.yaml")
    assert "service.yaml: top level: 'intro' has no translation for language 'vi'" in (
        caught.value.problems
    )


def test_loader_rules_for_languages_being_translated() -> None:
    undeclared = with_vi(base(), {"title"})
    del undeclared["translation_status"]
    with pytest.raises(InstrumentError, match=r"undeclared language 'vi' \(list it in"):
        instrument_from_mapping(undeclared)
    empty = with_vi(base(), {"title"})
    empty["title"]["vi"] = "  "
    with pytest.raises(InstrumentError, match="'title' is empty in language 'vi'"):
        instrument_from_mapping(empty)
    short = with_vi(base(), {"scale.labels.1"})
    short["scale"]["labels"]["vi"] = ["thấp", "cao"]
    with pytest.raises(InstrumentError, match="2 labels in 'vi' for 3 points"):
        instrument_from_mapping(short)
    source = base(translation_status={"en": "draft"})
    with pytest.raises(InstrumentError, match="'en' is the default language"):
        instrument_from_mapping(source)
    with pytest.raises(InstrumentError, match="translation_status"):
        instrument_from_mapping(base(translation_status={"vi": "final"}))
    with pytest.raises(InstrumentError, match="not a language code"):
        instrument_from_mapping(base(translation_status={"Viet Nam": "draft"}))


def test_a_language_being_translated_survives_the_yaml_writer() -> None:
    inst = instrument_from_mapping(with_vi(base(), {"title", "scale.labels.1"}))
    text = dump_instrument(inst)
    assert "translation_status: {vi: draft}" in text
    assert text.index("translation_status") < text.index("intro:")


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_instruments_are_complete_and_within_the_limits(path: Path) -> None:
    inst = load_instrument_file(path)
    assert offered_languages(inst) == inst.languages
    for row in coverage(inst):
        assert row.complete, (row.lang, row.missing)
    for entry in translatable_texts(inst):
        if entry.limit is None:
            continue
        for lang in inst.languages:
            text = entry.text(lang) or ""
            assert len(text) <= entry.limit, (entry.path, lang, text)


@pytest.mark.parametrize("name", ["pilot-core", "youth-civic"])
def test_pilot_core_and_youth_civic_ship_arabic_and_chinese_drafts(name: str) -> None:
    inst = load_instrument_file(REPO_ROOT / "instruments" / f"{name}.yaml")
    assert inst.languages == ["en", "es", "ar", "zh"]
    assert inst.translation_status == {"ar": "draft", "zh": "draft"}
    arabic = re.compile("[\u0600-\u06ff]")
    han = re.compile("[\u4e00-\u9fff]")
    for entry in translatable_texts(inst):
        assert arabic.search(entry.text("ar") or ""), entry.path
        assert han.search(entry.text("zh") or ""), entry.path
