"""Turning a frozen instrument into localized API bodies."""

from __future__ import annotations

from pilotkit.instruments import Instrument, Item
from pilotkit.instruments.translations import offered_languages
from survey_server.services.forms import FormContext
from survey_server.web.schemas import (
    ChoiceOut,
    DimensionOut,
    FormOut,
    ItemOut,
    ScaleOut,
    SectionOut,
)


def pick_language(instrument: Instrument, *wanted: str | None) -> str:
    """The first of `wanted` the instrument offers (complete translations only), else its
    default language."""
    offered = offered_languages(instrument)
    for lang in wanted:
        if lang and lang in offered:
            return lang
    return instrument.default_language


def scale_labels(instrument: Instrument, item: Item, lang: str) -> list[str]:
    scale = instrument.scale_of(item)
    if scale is None:
        return []
    labels = (scale.labels or {}).get(lang) or (scale.labels or {}).get(instrument.default_language)
    return list(labels) if labels else [str(p) for p in scale.points]


def item_out(instrument: Instrument, item: Item, lang: str) -> ItemOut:
    scale = instrument.scale_of(item)
    return ItemOut(
        id=item.id,
        type=item.type,
        text=instrument.text(item.text, lang),
        required=item.required and item.type != "note",
        dimension=item.dimension,
        section=item.section or item.dimension,
        hint=instrument.text(item.hint, lang) if item.hint else None,
        scale=ScaleOut(scale.min, scale.max, scale_labels(instrument, item, lang))
        if scale
        else None,
        choices=[ChoiceOut(c.value, instrument.text(c.label, lang)) for c in item.choices]
        if item.choices
        else None,
        min=item.min,
        max=item.max,
        relevant=item.relevant,
    )


def form_out(context: FormContext, lang: str) -> FormOut:
    instrument = context.instrument
    return FormOut(
        pilot=context.pilot_name,
        title=instrument.text(instrument.title, lang),
        instrument_id=instrument.id,
        instrument_version=instrument.version,
        wave=context.wave.name,
        language=lang,
        languages=offered_languages(instrument),
        items=[item_out(instrument, i, lang) for i in instrument.items_in_wave(context.wave.name)],
        dimensions=[
            DimensionOut(d.id, instrument.text(d.label, lang)) for d in instrument.dimensions
        ],
        answers=context.draft_answers,
        submitted=context.submitted,
        submitted_at=context.submitted_at,
        sections=[
            SectionOut(
                s.id,
                instrument.text(s.title, lang),
                instrument.text(s.description, lang) if s.description else None,
            )
            for s in instrument.sections
        ],
    )
