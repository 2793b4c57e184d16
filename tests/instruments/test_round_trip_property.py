"""Property: any valid instrument survives XLSForm export + import and the YAML writer.

Generated instruments mix every item type, one to three languages, plain and
multilingual texts, sections, waves, bounds, skip logic and scales that look like
yes/no or plain choice lists, which the extra columns must keep apart.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyxform.xls2xform import convert

from pilotkit.instruments import Instrument, instrument_from_mapping
from pilotkit.instruments.loader import parse_yaml
from pilotkit.instruments.xlsform import read_xlsform, write_xlsform
from pilotkit.instruments.yaml_io import dump_instrument

# Cells are stripped and non-breaking spaces become spaces when a workbook is read, as
# in every XLSForm tool; texts are generated the way a spreadsheet can hold them.
WORDS = (
    st.text(
        alphabet=st.characters(
            whitelist_categories=("L", "N", "P", "S"), blacklist_characters="\xa0"
        )
        | st.just(" "),
        min_size=1,
        max_size=20,
    )
    .map(str.strip)
    .filter(bool)
    .filter(lambda text: "${" not in text)  # `${item}` references have their own tests
)
LANGUAGE_SETS = [["en"], ["en", "es"], ["fr", "en", "sw"]]


@st.composite
def i18n(draw: st.DrawFn, languages: list[str]) -> Any:
    # with one language, {en: text} and text mean the same and are written as text
    if len(languages) == 1 or draw(st.booleans()):
        return draw(WORDS)
    return {lang: draw(WORDS) for lang in languages}


@st.composite
def scales(draw: st.DrawFn, languages: list[str]) -> dict:
    low = draw(st.integers(0, 1))
    high = low + draw(st.integers(1, 6))
    scale: dict[str, Any] = {"min": low, "max": high}
    if draw(st.booleans()):
        scale["labels"] = {lang: [draw(WORDS) for _ in range(high - low + 1)] for lang in languages}
    return scale


@st.composite
def instruments(draw: st.DrawFn) -> Instrument:
    languages = draw(st.sampled_from(LANGUAGE_SETS))
    shared_scale = draw(st.none() | scales(languages))
    dimensions = ["alpha", "beta"]
    items: list[dict[str, Any]] = []
    for n in range(draw(st.integers(1, 7))):
        kind = draw(st.sampled_from(["likert", "boolean", "single", "multi", "number", "text",
                                     "note"]))  # fmt: skip
        item: dict[str, Any] = {"id": f"q{n}", "type": kind, "text": draw(i18n(languages))}
        if kind == "likert":
            if shared_scale is None or draw(st.booleans()):
                item["scale"] = draw(scales(languages))
            if draw(st.booleans()):
                item["reverse"] = True
        if kind in ("single", "multi"):
            values = draw(
                st.sampled_from([["1", "2", "3"], ["yes", "no"], ["a", "b_2", "c.3"], ["0", "1"]])
            )
            item["choices"] = [{"value": v, "label": draw(i18n(languages))} for v in values]
        if kind == "number":
            if draw(st.booleans()):
                item["min"] = draw(st.sampled_from([0.0, -5.0, 1.5]))
            if draw(st.booleans()):
                item["max"] = draw(st.sampled_from([10.0, 99.5]))
        if kind != "note" and draw(st.booleans()):
            item["dimension"] = draw(st.sampled_from(dimensions))
        if draw(st.booleans()):
            item["required"] = False
        if draw(st.booleans()):
            item["waves"] = draw(st.sampled_from([["pre"], ["post"], ["pre", "post"]]))
        if draw(st.booleans()):
            item["hint"] = draw(i18n(languages))
        item["section"] = draw(st.sampled_from([None, "intro", "main"]))
        answerable = [i["id"] for i in items if i["type"] != "note"]
        if answerable and draw(st.booleans()):
            item["relevant"] = f"${{{draw(st.sampled_from(answerable))}}} != ''"
        items.append({k: v for k, v in item.items() if v is not None})
    data: dict[str, Any] = {
        "id": "generated",
        "version": draw(st.integers(1, 30000000)),
        "title": draw(i18n(languages)),
        "languages": languages,
        "items": items,
        "anonymous": draw(st.booleans()),
    }
    if shared_scale is not None:
        data["scale"] = shared_scale
    used = sorted({i["dimension"] for i in items if "dimension" in i})
    if used:
        data["dimensions"] = [{"id": d, "label": draw(i18n(languages))} for d in used]
    if draw(st.booleans()):
        data["description"] = draw(i18n(languages))
    return instrument_from_mapping(data, "generated")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instruments())
def test_any_instrument_round_trips(inst: Instrument) -> None:
    text = dump_instrument(inst)
    assert instrument_from_mapping(parse_yaml(text, "x"), "x") == inst
    with tempfile.TemporaryDirectory() as folder:
        form = write_xlsform(inst, Path(folder) / "form.xlsx")
        result = read_xlsform(form)
        convert(str(form), warnings=[])  # ODK's own converter accepts it
    assert result.warnings == []
    assert result.instrument == inst
