"""Instruments: the questionnaires, their typed model and a strict loader."""

from pilotkit.instruments.loader import (
    InstrumentError,
    available_instruments,
    find_instrument,
    instrument_from_mapping,
    load_instrument,
    load_instrument_file,
)
from pilotkit.instruments.model import (
    DEFAULT_WAVES,
    ITEM_TYPES,
    SCORED_TYPES,
    Choice,
    Dimension,
    GuideSection,
    I18nText,
    Instrument,
    Item,
    Scale,
    Section,
    Wave,
    localize,
)

__all__ = [
    "DEFAULT_WAVES",
    "ITEM_TYPES",
    "SCORED_TYPES",
    "Choice",
    "Dimension",
    "GuideSection",
    "I18nText",
    "Instrument",
    "InstrumentError",
    "Item",
    "Scale",
    "Section",
    "Wave",
    "available_instruments",
    "find_instrument",
    "instrument_from_mapping",
    "load_instrument",
    "load_instrument_file",
    "localize",
]
