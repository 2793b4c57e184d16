"""Checks that the types alone cannot express: references, translations, scales.

Each check yields problems as "<where>: <problem>" lines; the loader prefixes the file.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

from pilotkit.instruments.model import (
    DISPLAY_TYPES,
    I18nText,
    Instrument,
    Item,
    Scale,
)
from pilotkit.instruments.relevance import (
    FALSE_WORDS,
    TRUE_WORDS,
    RelevanceError,
    compared_values,
    parse_relevance,
    referenced_items,
)

SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")
LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
CHOICE_VALUE = re.compile(r"^\S+$")
_DECLARE = " (list it in 'languages', or in 'translation_status' while it is being translated)"


def semantic_problems(inst: Instrument) -> list[str]:
    """Every problem of an instrument that passed the type check, in file order."""
    return [
        *_top_level(inst),
        *_scale_problems(inst.scale, inst, "scale"),
        *_dimension_problems(inst),
        *_section_problems(inst),
        *_item_problems(inst),
        *_relevance_problems(inst),
        *_reference_problems(inst),
        *_guide_problems(inst),
    ]


def _texts(value: I18nText | None, inst: Instrument, where: str, field: str) -> Iterator[str]:
    """A multilingual text must have every offered language and no undeclared one, none
    empty. A language still being translated (in `translation_status` only) may be missing."""
    if value is None:
        return
    if isinstance(value, str):
        if not value.strip():
            yield f"{where}: '{field}' is empty"
        return
    declared = set(inst.text_languages)
    for lang in inst.languages:
        if lang not in value:
            yield f"{where}: '{field}' has no translation for language '{lang}'"
    for lang, text in value.items():
        if lang not in declared:
            yield f"{where}: '{field}' has a text in undeclared language '{lang}'{_DECLARE}"
        elif not text.strip():
            yield f"{where}: '{field}' is empty in language '{lang}'"


def _duplicates(ids: list[str]) -> list[str]:
    return [i for i, n in Counter(ids).items() if n > 1]


def _top_level(inst: Instrument) -> Iterator[str]:
    if not SLUG.match(inst.id):
        yield f"top level: id '{inst.id}' must be a slug (lowercase letters, digits, - and _)"
    if inst.version < 1:
        yield f"top level: version must be 1 or more, not {inst.version}"
    if not inst.languages:
        yield "top level: 'languages' must name at least one language"
    for lang in inst.languages:
        if not LANGUAGE.match(lang):
            yield f"top level: '{lang}' is not a language code (like en, es, zh-Hant)"
    for lang in _duplicates(inst.languages):
        yield f"top level: language '{lang}' is declared twice"
    yield from _translation_status(inst)
    for lang in inst.register:
        if lang not in inst.text_languages:
            yield f"register: '{lang}' is not one of the instrument's languages"
    yield from _texts(inst.title, inst, "top level", "title")
    yield from _texts(inst.description, inst, "top level", "description")
    yield from _texts(inst.intro, inst, "top level", "intro")
    if not inst.items:
        yield "top level: 'items' is empty"
    if inst.waves is not None:
        if not inst.waves:
            yield "top level: 'waves' is empty"
        for wave_id in _duplicates([w.id for w in inst.waves]):
            yield f"wave '{wave_id}': duplicate wave id"
        for wave in inst.waves:
            if not SLUG.match(wave.id):
                yield f"wave '{wave.id}': id must be a slug"
            yield from _texts(wave.label, inst, f"wave '{wave.id}'", "label")


def _translation_status(inst: Instrument) -> Iterator[str]:
    """`translation_status` names translations: not the source language, real codes."""
    for lang in inst.translation_status:
        if not LANGUAGE.match(lang):
            yield f"translation_status: '{lang}' is not a language code (like ar, zh-Hans)"
        elif inst.languages and lang == inst.default_language:
            yield (
                f"translation_status: '{lang}' is the default language, the source of the "
                "translations; only translations have a status"
            )


def _scale_problems(scale: Scale | None, inst: Instrument, where: str) -> Iterator[str]:
    if scale is None:
        return
    if scale.min >= scale.max:
        yield f"{where}: min ({scale.min}) must be less than max ({scale.max})"
        return
    points = scale.max - scale.min + 1
    if scale.names is not None:
        if len(scale.names) != points:
            span = f"{scale.min}..{scale.max}"
            yield f"{where}: {len(scale.names)} names for {points} points ({span})"
        for name in _duplicates(scale.names):
            yield f"{where}: name '{name}' is given to two points"
        for name in scale.names:
            if not name.strip() or name != name.strip():
                yield f"{where}: name '{name}' is empty or starts or ends with a space"
    if scale.labels is None:
        return
    for lang in inst.languages:
        if lang not in scale.labels:
            yield f"{where}: labels have no translation for language '{lang}'"
    for lang, labels in scale.labels.items():
        if lang not in inst.text_languages:
            yield f"{where}: labels in undeclared language '{lang}'{_DECLARE}"
        elif len(labels) != points:
            yield (
                f"{where}: {len(labels)} labels in '{lang}' for {points} points "
                f"({scale.min}..{scale.max})"
            )


def _dimension_problems(inst: Instrument) -> Iterator[str]:
    for dim_id in _duplicates([d.id for d in inst.dimensions]):
        yield f"dimension '{dim_id}': duplicate dimension id"
    for dim in inst.dimensions:
        where = f"dimension '{dim.id}'"
        if not IDENTIFIER.match(dim.id):
            yield f"{where}: id must start with a letter and hold only letters, digits, _ . -"
        yield from _texts(dim.label, inst, where, "label")
        yield from _texts(dim.description, inst, where, "description")


def _section_problems(inst: Instrument) -> Iterator[str]:
    """Titles of pages that are not dimensions (a dimension's page has its label)."""
    for section_id in _duplicates([s.id for s in inst.sections]):
        yield f"section '{section_id}': duplicate section id"
    dimension_ids = {d.id for d in inst.dimensions}
    for section in inst.sections:
        where = f"section '{section.id}'"
        if not IDENTIFIER.match(section.id):
            yield f"{where}: id must start with a letter and hold only letters, digits, _ . -"
        if section.id in dimension_ids:
            yield (
                f"{where}: is a dimension, whose page is titled with the dimension's label; "
                "remove the section entry"
            )
        yield from _texts(section.title, inst, where, "title")
        yield from _texts(section.description, inst, where, "description")


def _item_problems(inst: Instrument) -> Iterator[str]:
    for item_id in _duplicates([i.id for i in inst.items]):
        yield f"item '{item_id}': duplicate item id"
    dimension_ids = {d.id for d in inst.dimensions}
    wave_ids = set(inst.wave_ids)
    for item in inst.items:
        yield from _one_item(item, inst, dimension_ids, wave_ids)


def _one_item(item: Item, inst: Instrument, dims: set[str], waves: set[str]) -> Iterator[str]:
    where = f"item '{item.id}'"
    if not IDENTIFIER.match(item.id):
        yield f"{where}: id must start with a letter and hold only letters, digits, _ . -"
    yield from _texts(item.text, inst, where, "text")
    yield from _texts(item.hint, inst, where, "hint")
    if item.dimension is not None and item.dimension not in dims:
        yield f"{where}: unknown dimension '{item.dimension}'"
    for wave in item.waves or []:
        if wave not in waves:
            yield f"{where}: unknown wave '{wave}' (the instrument's waves: {sorted(waves)})"
    if item.waves is not None and not item.waves:
        yield f"{where}: 'waves' is empty, the item would never be shown"

    if item.type == "likert":
        if item.choices is not None:
            yield f"{where}: a likert item takes a scale, not a choice list"
        if item.scale is None and inst.scale is None:
            yield f"{where}: a likert item needs a scale (its own or the instrument's)"
        yield from _scale_problems(item.scale, inst, f"{where}, scale")
    else:
        if item.reverse:
            yield f"{where}: only likert items can be reverse-coded"
        if item.scale is not None:
            yield f"{where}: a scale is only allowed on likert items"

    if item.type in ("single", "multi"):
        if not item.choices:
            yield f"{where}: a {item.type} item needs a non-empty choice list"
        else:
            values = [c.value for c in item.choices]
            for value in _duplicates(values):
                yield f"{where}: duplicate choice value '{value}'"
            for choice in item.choices:
                if item.type == "multi" and not CHOICE_VALUE.match(choice.value):
                    yield f"{where}: choice value '{choice.value}' must not contain spaces"
                elif not choice.value.strip() or choice.value != choice.value.strip():
                    yield (
                        f"{where}: choice value '{choice.value}' is empty or starts or ends "
                        "with a space"
                    )
                yield from _texts(choice.label, inst, f"{where}, choice '{choice.value}'", "label")
    elif item.choices is not None and item.type != "likert":
        yield f"{where}: a {item.type} item takes no choice list"

    if item.type != "number" and (item.min is not None or item.max is not None):
        yield f"{where}: min and max are only allowed on number items"
    if item.min is not None and item.max is not None and item.min >= item.max:
        yield f"{where}: min ({item.min}) must be less than max ({item.max})"
    if item.type in DISPLAY_TYPES and item.dimension is not None:
        yield f"{where}: a note shows text only and cannot belong to a dimension"
    if item.rank_of is not None and item.type != "number":
        yield f"{where}: rank_of is only allowed on number items (a choice's position)"


def _guide_problems(inst: Instrument) -> Iterator[str]:
    dims = {d.id for d in inst.dimensions}
    for index, section in enumerate(inst.focus_group_guide):
        where = f"focus_group_guide[{index}]"
        if section.dimension is not None:
            where = f"focus-group guide, dimension '{section.dimension}'"
            if section.dimension not in dims:
                yield f"{where}: unknown dimension '{section.dimension}'"
        if not section.prompts:
            yield f"{where}: no prompts"
        yield from _texts(section.title, inst, where, "title")
        for n, prompt in enumerate(section.prompts, start=1):
            yield from _texts(prompt, inst, where, f"prompt {n}")


def _relevance_problems(inst: Instrument) -> Iterator[str]:
    """Every `relevant` condition parses and reads only answerable items asked earlier."""
    earlier: dict[str, Item] = {}
    all_ids = {i.id for i in inst.items}
    for item in inst.items:
        if item.relevant is not None:
            yield from _one_condition(item, earlier, all_ids)
        earlier.setdefault(item.id, item)


def _one_condition(item: Item, earlier: dict[str, Item], all_ids: set[str]) -> Iterator[str]:
    where = f"item '{item.id}': relevant"
    condition = item.relevant or ""
    try:
        tree = parse_relevance(condition)
    except RelevanceError as exc:
        yield f"{where}: {exc} in '{condition}'"
        return
    for ref in sorted(referenced_items(tree)):
        if ref == item.id:
            yield f"{where}: refers to the item itself"
        elif ref in earlier:
            if earlier[ref].type in DISPLAY_TYPES:
                yield f"{where}: refers to '{ref}', a {earlier[ref].type} without an answer"
        elif ref in all_ids:
            yield f"{where}: refers to '{ref}', which comes later in the instrument"
        else:
            yield f"{where}: refers to unknown item '{ref}'"
    for ref, value in compared_values(tree):
        target = earlier.get(ref)
        if target is None or value == "":
            continue
        if target.type in ("single", "multi") and target.choices:
            if value not in {c.value for c in target.choices}:
                yield f"{where}: '{value}' is not a choice of item '{ref}'"
        elif target.type == "boolean" and value.lower() not in TRUE_WORDS | FALSE_WORDS:
            yield f"{where}: '{value}' is not a yes/no value for boolean item '{ref}'"


def _reference_problems(inst: Instrument) -> Iterator[str]:
    """A `${item}` in a text names an earlier item that takes an answer."""
    from pilotkit.instruments.piping import item_texts, malformed_reference, references

    earlier: dict[str, Item] = {}
    all_ids = {i.id for i in inst.items}
    for item in inst.items:
        for field, text in item_texts(item):
            if malformed_reference(text):
                yield (
                    f"item '{item.id}': {field}: '${{' must start a reference such as "
                    "'${item_id}'"
                )
            for ref in references(text):
                where = f"item '{item.id}': {field}"
                if ref in earlier:
                    if earlier[ref].type in DISPLAY_TYPES:
                        yield f"{where}: '${{{ref}}}' is a {earlier[ref].type} without an answer"
                elif ref == item.id:
                    yield f"{where}: '${{{ref}}}' is the item itself"
                elif ref in all_ids:
                    yield f"{where}: '${{{ref}}}' comes later in the instrument"
                else:
                    yield f"{where}: '${{{ref}}}' is not an item of the instrument"
        earlier.setdefault(item.id, item)
