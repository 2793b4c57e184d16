"""The instrument: one questionnaire with every language it is offered in.

The vocabulary is fixed by the public contract (contracts.md section 1); the fields
after it (`description`, `waves`, `focus_group_guide`, `hint`, `relevant`, ...) are
extensions. Structs are strict: an unknown key is an error, not a silent typo.
"""

from __future__ import annotations

from typing import Literal

import msgspec

#: A text in several languages. A plain string means the default language only.
I18nText = str | dict[str, str]

ItemType = Literal["likert", "boolean", "single", "multi", "number", "text", "note"]
ITEM_TYPES: tuple[str, ...] = ("likert", "boolean", "single", "multi", "number", "text", "note")

#: Item types whose answers are analysed as numbers on a scale.
SCORED_TYPES: frozenset[str] = frozenset({"likert"})
#: Item types that carry no answer (display only).
DISPLAY_TYPES: frozenset[str] = frozenset({"note"})

DEFAULT_WAVES: tuple[str, ...] = ("pre", "post")

#: How far a translation has been checked: `draft` needs review by a native speaker.
TranslationStatus = Literal["draft", "reviewed"]
#: How the platform's own texts address the participant in a language (Spanish "usted" or
#: "tú"): an instrument written in "tú" asks for `informal` so its pages speak one way.
Register = Literal["formal", "informal"]
TRANSLATION_STATUSES: tuple[str, ...] = ("draft", "reviewed")


class _Strict(msgspec.Struct, forbid_unknown_fields=True, frozen=True, omit_defaults=True):
    """Base of every instrument struct: unknown keys are rejected."""


class Scale(_Strict):
    """A numeric answer scale from `min` to `max`, one label per point and language."""

    min: int
    max: int
    labels: dict[str, list[str]] | None = None
    #: The choice names of the points, min to max, when the scale was imported from a
    #: list of words (`disagree`, ..., `agree`): answers recorded as these names are read
    #: as the points.
    names: list[str] | None = None

    @property
    def points(self) -> list[int]:
        return list(range(self.min, self.max + 1))

    def point_of(self, name: str) -> int | None:
        """The point recorded under a choice name (`agree` -> 4), or None."""
        if self.names is None or name not in self.names:
            return None
        return self.min + self.names.index(name)


class Choice(_Strict):
    """One option of a single- or multiple-choice item."""

    value: str
    label: I18nText


class RankOf(_Strict):
    """The ranking question (XLSForm `rank`) a number item was made from: the item holds
    the position (1 = ranked first) that participants gave to `choice`."""

    question: str
    choice: str


class Dimension(_Strict):
    """An assessment area (productivity, communication, ...) scored from its items."""

    id: str
    label: I18nText
    description: I18nText | None = None


class Section(_Strict):
    """The title (and lead text) of a page whose key is not a dimension: items name it in
    their `section`. A section without an entry is titled after its key."""

    id: str
    title: I18nText
    description: I18nText | None = None


class Wave(_Strict):
    """A data-collection round. `pre` and `post` unless the instrument says otherwise."""

    id: str
    label: I18nText | None = None


class Item(_Strict):
    """One question (or, for `note`, a text shown between questions)."""

    id: str
    type: ItemType
    text: I18nText
    dimension: str | None = None
    reverse: bool = False
    required: bool = True
    waves: list[str] | None = None
    choices: list[Choice] | None = None
    scale: Scale | None = None
    hint: I18nText | None = None
    # number items: bounds of an accepted answer
    min: float | None = None
    max: float | None = None
    # section (page) the item is shown in; defaults to its dimension
    section: str | None = None
    # XLSForm-style skip logic and constraint, kept as written
    relevant: str | None = None
    constraint: str | None = None
    # number items made from a ranking question: which question and choice
    rank_of: RankOf | None = None


class GuideSection(_Strict):
    """Focus-group prompts for one dimension (or general ones when `dimension` is absent)."""

    prompts: list[I18nText]
    dimension: str | None = None
    title: I18nText | None = None


class Instrument(_Strict):
    """A questionnaire as loaded from `instruments/<id>.yaml`."""

    id: str
    version: int
    title: I18nText
    languages: list[str]
    items: list[Item]
    scale: Scale | None = None
    dimensions: list[Dimension] = []
    # titles of the pages (item `section`s) that are not dimensions
    sections: list[Section] = []
    description: I18nText | None = None
    intro: I18nText | None = None
    anonymous: bool = False
    waves: list[Wave] | None = None
    focus_group_guide: list[GuideSection] = []
    # per translated language: `draft` or `reviewed`. A language listed here but not in
    # `languages` is being translated: its texts may be incomplete and it is not offered.
    translation_status: dict[str, TranslationStatus] = {}
    # per language: the register of the form's own texts (buttons, messages); formal
    # unless the instrument says otherwise, e.g. `register: {es: informal}` for "tú".
    register: dict[str, Register] = {}

    # -- read-only helpers (no I/O) -------------------------------------------------

    @property
    def default_language(self) -> str:
        return self.languages[0]

    @property
    def text_languages(self) -> list[str]:
        """Every language a text may be written in: the offered ones, then those being
        translated (in `translation_status` only)."""
        extra = [lang for lang in self.translation_status if lang not in self.languages]
        return [*self.languages, *extra]

    @property
    def wave_ids(self) -> list[str]:
        return [w.id for w in self.waves] if self.waves else list(DEFAULT_WAVES)

    def item(self, item_id: str) -> Item:
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)

    def dimension(self, dimension_id: str) -> Dimension:
        for dim in self.dimensions:
            if dim.id == dimension_id:
                return dim
        raise KeyError(dimension_id)

    def section(self, section_id: str) -> Section:
        for section in self.sections:
            if section.id == section_id:
                return section
        raise KeyError(section_id)

    def scale_of(self, item: Item) -> Scale | None:
        """The scale that applies to a likert item: its own, else the instrument's."""
        if item.type != "likert":
            return None
        return item.scale or self.scale

    def items_of(self, dimension_id: str, *, scored_only: bool = True) -> list[Item]:
        return [
            i
            for i in self.items
            if i.dimension == dimension_id and (not scored_only or i.type in SCORED_TYPES)
        ]

    def items_in_wave(self, wave: str) -> list[Item]:
        return [i for i in self.items if i.waves is None or wave in i.waves]

    def text(self, value: I18nText | None, lang: str | None = None) -> str:
        """`value` in `lang`, falling back to the default language."""
        return localize(value, lang or self.default_language, self.default_language)

    def to_builtins(self) -> dict:
        """Plain data (for freezing into a database or writing back as YAML/JSON)."""
        return msgspec.to_builtins(self)


def localize(value: I18nText | None, lang: str, default_lang: str) -> str:
    """Pick `lang` from a multilingual text, falling back to the default language."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if lang in value:
        return value[lang]
    if default_lang in value:
        return value[default_lang]
    return next(iter(value.values()), "")
