"""A questionnaire as staff edit it: plain instrument data, checked by the strict loader.

No database here. The editor keeps the instrument as plain data (the YAML's shape, every
text a `{language: text}` mapping) so that a draft with problems can be saved and fixed
later. `check()` runs the same loader as `pilotkit instruments validate`, with the same
messages, and sorts them to the field they are about. A language missing a text is not
offered to participants: the instrument put in use leaves it out until it is complete.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from pilotkit.instruments import Instrument, InstrumentError, instrument_from_mapping
from pilotkit.instruments.model import ITEM_TYPES, SCORED_TYPES
from pilotkit.instruments.relevance import RelevanceError, parse_relevance, referenced_items

#: The six areas of the assessment, offered whenever a questionnaire is edited.
SEED_DIMENSIONS: tuple[dict[str, Any], ...] = (
    {"id": "productivity", "label": {"en": "Productivity", "es": "Productividad"}},
    {
        "id": "processes",
        "label": {"en": "Processes and procedures", "es": "Procesos y procedimientos"},
    },
    {
        "id": "communication",
        "label": {
            "en": "Internal and external communication",
            "es": "Comunicación interna y externa",
        },
    },
    {
        "id": "organization",
        "label": {"en": "Business organization", "es": "Organización del trabajo"},
    },
    {
        "id": "effortlessness",
        "label": {"en": "Effortlessness of the job", "es": "Facilidad para hacer el trabajo"},
    },
    {
        "id": "work_impact",
        "label": {"en": "General work impact", "es": "Impacto general en el trabajo"},
    },
)

#: Texts of an item, a dimension and the questionnaire that are translated.
ITEM_TEXTS = ("text", "hint")
TOP_TEXTS = ("title", "description", "intro")

_WHERE = re.compile(
    r"^(?:item '(?P<item>[^']*)'|dimension '(?P<dim>[^']*)'|section '(?P<section>[^']*)'|"
    r"wave '(?P<wave>[^']*)'|"
    r"(?P<top>top level)|(?P<scale>scale)|(?P<guide>focus[^:]*))"
)
_FIELD_WORDS = (
    ("relevant", "relevant"),
    ("choice", "choices"),
    ("scale", "scale"),
    ("labels", "scale"),
    ("'hint'", "hint"),
    ("'text'", "text"),
    ("dimension", "dimension"),
    ("wave", "waves"),
    ("reverse", "reverse"),
    ("min", "bounds"),
    ("max", "bounds"),
    ("'title'", "title"),
    ("'intro'", "intro"),
    ("'description'", "description"),
    ("'label'", "label"),
    ("language", "languages"),
    ("id ", "id"),
)


@dataclass(frozen=True)
class Problem:
    """One message of the loader, and the field it is about (`item:ID:text`, ...)."""

    key: str
    message: str


@dataclass
class Check:
    problems: list[Problem]
    #: language -> list of (place, field) whose text is missing in that language
    missing: dict[str, list[tuple[str, str]]]
    #: the languages offered to participants (complete ones)
    offered: list[str]
    #: the instrument participants would get (None while problems remain)
    instrument: Instrument | None
    by_key: dict[str, list[str]] = field(default_factory=dict)

    def at(self, key: str) -> list[str]:
        return self.by_key.get(key, [])


def _text_dict(value: Any, default: str) -> dict[str, str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return {default: value}
    return dict(value)


def normalise(data: dict[str, Any]) -> dict[str, Any]:
    """A copy with every text as a `{language: text}` mapping (the editor's shape)."""
    data = copy.deepcopy(data)
    languages = data.get("languages") or ["en"]
    default = languages[0]
    for key in TOP_TEXTS:
        if key in data:
            data[key] = _text_dict(data[key], default)
    for dim in data.get("dimensions") or []:
        for key in ("label", "description"):
            if key in dim:
                dim[key] = _text_dict(dim[key], default)
    for section in data.get("sections") or []:
        for key in ("title", "description"):
            if key in section:
                section[key] = _text_dict(section[key], default)
    for wave in data.get("waves") or []:
        if "label" in wave:
            wave["label"] = _text_dict(wave["label"], default)
    for item in data.get("items") or []:
        for key in ITEM_TEXTS:
            if key in item:
                item[key] = _text_dict(item[key], default)
        for choice in item.get("choices") or []:
            choice["label"] = _text_dict(choice.get("label"), default) or {}
    for section in data.get("focus_group_guide") or []:
        if "title" in section:
            section["title"] = _text_dict(section["title"], default)
        section["prompts"] = [_text_dict(p, default) for p in section.get("prompts") or []]
    return data


def _texts(data: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, str]]]:
    """(place key, field, mapping) of every translated text."""
    for key in TOP_TEXTS:
        if isinstance(data.get(key), dict):
            yield "top", key, data[key]
    for dim in data.get("dimensions") or []:
        for key in ("label", "description"):
            if isinstance(dim.get(key), dict):
                yield f"dimension:{dim.get('id')}", key, dim[key]
    for section in data.get("sections") or []:
        for key in ("title", "description"):
            if isinstance(section.get(key), dict):
                yield f"section:{section.get('id')}", key, section[key]
    for wave in data.get("waves") or []:
        if isinstance(wave.get("label"), dict):
            yield f"wave:{wave.get('id')}", "label", wave["label"]
    for item in data.get("items") or []:
        for key in ITEM_TEXTS:
            if isinstance(item.get(key), dict):
                yield f"item:{item.get('id')}", key, item[key]
        for choice in item.get("choices") or []:
            if isinstance(choice.get("label"), dict):
                yield f"item:{item.get('id')}", f"choice {choice.get('value')}", choice["label"]
    for index, section in enumerate(data.get("focus_group_guide") or []):
        if isinstance(section.get("title"), dict):
            yield f"guide:{index}", "title", section["title"]
        for number, prompt in enumerate(section.get("prompts") or [], start=1):
            if isinstance(prompt, dict):
                yield f"guide:{index}", f"prompt {number}", prompt


def _scales(data: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(data.get("scale"), dict):
        yield "top", data["scale"]
    for item in data.get("items") or []:
        if isinstance(item.get("scale"), dict):
            yield f"item:{item.get('id')}", item["scale"]


def missing_texts(data: dict[str, Any]) -> dict[str, list[tuple[str, str]]]:
    """Per language after the first: the texts (place, field) that have no translation."""
    languages = list(data.get("languages") or [])
    missing: dict[str, list[tuple[str, str]]] = {lang: [] for lang in languages[1:]}
    for place, name, texts in _texts(data):
        if not any(str(v).strip() for v in texts.values()):
            continue
        for lang in languages[1:]:
            if not str(texts.get(lang, "")).strip():
                missing[lang].append((place, name))
    for place, scale in _scales(data):
        labels = scale.get("labels")
        if not labels:
            continue
        for lang in languages[1:]:
            given = labels.get(lang) or []
            if not given or any(not str(v).strip() for v in given):
                missing[lang].append((place, "scale labels"))
    return missing


def without_languages(data: dict[str, Any], dropped: set[str]) -> dict[str, Any]:
    """A copy that no longer offers `dropped` languages (their texts removed)."""
    if not dropped:
        return copy.deepcopy(data)
    data = copy.deepcopy(data)
    data["languages"] = [lang for lang in data.get("languages") or [] if lang not in dropped]
    for _, _, texts in _texts(data):
        for lang in dropped:
            texts.pop(lang, None)
    for _, scale in _scales(data):
        for lang in dropped:
            (scale.get("labels") or {}).pop(lang, None)
    return data


def compact(data: dict[str, Any]) -> dict[str, Any]:
    """The instrument's usual shape: a text of a one-language questionnaire as a string,
    empty optional texts and fields left out."""
    data = copy.deepcopy(data)
    languages = data.get("languages") or []
    single = len(languages) == 1

    def tidy(value: Any) -> Any:
        if isinstance(value, dict) and single and set(value) <= {languages[0]}:
            return value.get(languages[0], "")
        return value

    for key in TOP_TEXTS:
        if key in data:
            if data[key] is None or (key != "title" and _blank(data[key])):
                del data[key]
            else:
                data[key] = tidy(data[key])
    for dim in data.get("dimensions") or []:
        dim["label"] = tidy(dim.get("label"))
        if "description" in dim and _blank(dim["description"]):
            del dim["description"]
        elif "description" in dim:
            dim["description"] = tidy(dim["description"])
    for section in data.get("sections") or []:
        section["title"] = tidy(section.get("title"))
        if "description" in section and _blank(section["description"]):
            del section["description"]
        elif "description" in section:
            section["description"] = tidy(section["description"])
    for wave in data.get("waves") or []:
        if "label" in wave:
            wave["label"] = tidy(wave["label"])
    for item in data.get("items") or []:
        item["text"] = tidy(item.get("text"))
        if "hint" in item and _blank(item["hint"]):
            del item["hint"]
        elif "hint" in item:
            item["hint"] = tidy(item["hint"])
        for choice in item.get("choices") or []:
            choice["label"] = tidy(choice.get("label"))
    for section in data.get("focus_group_guide") or []:
        if "title" in section:
            section["title"] = tidy(section["title"])
        section["prompts"] = [tidy(p) for p in section.get("prompts") or []]
    return data


def _blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, dict):
        return not any(str(v).strip() for v in value.values())
    return False


def problem_key(line: str) -> str:
    """The field a loader message is about: `item:ID:FIELD`, `dimension:ID`, `top:FIELD`."""
    match = _WHERE.match(line)
    rest = line.split(":", 1)[1] if ":" in line else line
    name = next((f for word, f in _FIELD_WORDS if word in rest), "")
    if match is None:
        return "top:" + name if name else "top"
    if match.group("item") is not None:
        return f"item:{match.group('item')}:{name or 'general'}"
    if match.group("dim") is not None:
        return f"dimension:{match.group('dim')}"
    if match.group("section") is not None:
        return f"section:{match.group('section')}"
    if match.group("wave") is not None:
        return "top:waves"
    if match.group("scale") is not None:
        return "top:scale"
    if match.group("guide") is not None:
        return "top:guide"
    return "top:" + name if name else "top"


def validation_lines(data: dict[str, Any]) -> tuple[Instrument | None, list[str]]:
    """The instrument and no problem, or None and the loader's problem lines."""
    try:
        return instrument_from_mapping(compact(data), "questionnaire"), []
    except InstrumentError as exc:
        return None, [p.removeprefix("questionnaire: ") for p in exc.problems]


def check(data: dict[str, Any]) -> Check:
    """Problems (the validator's, by field), missing translations, and the instrument
    participants would get: complete languages only."""
    missing = missing_texts(data)
    incomplete = {lang for lang, places in missing.items() if places}
    offered_data = without_languages(data, incomplete)
    instrument, lines = validation_lines(offered_data)
    problems = [Problem(problem_key(line), line) for line in lines]
    by_key: dict[str, list[str]] = {}
    for problem in problems:
        by_key.setdefault(problem.key, []).append(problem.message)
        head = problem.key.rsplit(":", 1)[0] if problem.key.startswith("item:") else ""
        if head:
            by_key.setdefault(head, []).append(problem.message)
    return Check(
        problems=problems,
        missing=missing,
        offered=list(offered_data.get("languages") or []),
        instrument=instrument,
        by_key=by_key,
    )


# -- skip logic checked as it is typed ---------------------------------------------------


@dataclass(frozen=True)
class ConditionCheck:
    ok: bool
    message: str = ""
    #: 0-based position of the problem in the condition, when the parser gives one
    position: int | None = None


def check_condition(data: dict[str, Any], item_id: str, condition: str) -> ConditionCheck:
    """The loader's verdict on one `relevant` condition of `item_id`, as typed."""
    condition = condition.strip()
    if not condition:
        return ConditionCheck(True)
    try:
        tree = parse_relevance(condition)
    except RelevanceError as exc:
        return ConditionCheck(False, f"{exc} in '{condition}'", exc.position)
    items = list(data.get("items") or [])
    trial = copy.deepcopy(data)
    trial["items"] = [dict(i) for i in items]
    target = next((i for i in trial["items"] if i.get("id") == item_id), None)
    if target is None:  # a new item: checked as the last one
        target = {"id": item_id, "type": "text", "text": {"en": "x"}, "required": False}
        trial["items"].append(target)
    target["relevant"] = condition
    _, lines = validation_lines(trial)
    prefix = f"item '{item_id}': relevant"
    for line in lines:
        if line.startswith(prefix):
            return ConditionCheck(False, line, None)
    known = {i.get("id") for i in items}
    unknown = sorted(r for r in referenced_items(tree) if r not in known)
    if unknown:
        return ConditionCheck(False, f"{prefix}: refers to unknown item '{unknown[0]}'")
    return ConditionCheck(True)


# -- changes between versions ---------------------------------------------------------


@dataclass(frozen=True)
class ItemChange:
    item_id: str
    kind: str  # added | removed | reworded | changed
    scored: bool
    before: str = ""
    after: str = ""


def _is_scored(item: dict[str, Any]) -> bool:
    return item.get("type") in SCORED_TYPES


def _words(item: dict[str, Any], lang: str) -> str:
    text = item.get("text")
    if isinstance(text, dict):
        return str(text.get(lang) or next(iter(text.values()), ""))
    return str(text or "")


def diff(before: dict[str, Any], after: dict[str, Any]) -> list[ItemChange]:
    """Items added, removed, reworded (a text changed) or changed (type, scale, choices,
    dimension, reverse coding, waves, skip logic), in the new version's order."""
    old = {i.get("id"): normalise_item(i, before) for i in before.get("items") or []}
    new = {i.get("id"): normalise_item(i, after) for i in after.get("items") or []}
    lang = (after.get("languages") or before.get("languages") or ["en"])[0]
    changes: list[ItemChange] = []
    for item_id, item in new.items():
        if item_id not in old:
            changes.append(ItemChange(item_id, "added", _is_scored(item), after=_words(item, lang)))
            continue
        was = old[item_id]
        if _norm_texts(was.get("text")) != _norm_texts(item.get("text")):
            changes.append(
                ItemChange(
                    item_id,
                    "reworded",
                    _is_scored(item) or _is_scored(was),
                    _words(was, lang),
                    _words(item, lang),
                )
            )
        elif {k: v for k, v in was.items() if k not in ("text", "hint")} != {
            k: v for k, v in item.items() if k not in ("text", "hint")
        }:
            changes.append(ItemChange(item_id, "changed", _is_scored(item) or _is_scored(was)))
    for item_id, item in old.items():
        if item_id not in new:
            changes.append(
                ItemChange(item_id, "removed", _is_scored(item), before=_words(item, lang))
            )
    return changes


def normalise_item(item: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    default = (data.get("languages") or ["en"])[0]
    out = dict(item)
    # the defaults, spelled out or not, are the same item
    out.setdefault("required", True)
    if not out.get("reverse"):
        out.pop("reverse", None)
    for key in ITEM_TEXTS:
        if key in out:
            out[key] = _text_dict(out[key], default)
    return out


def _norm_texts(value: Any) -> dict[str, str]:
    if value is None:
        return {}
    if isinstance(value, str):
        return {"": " ".join(value.split())}
    return {k: " ".join(str(v).split()) for k, v in value.items() if str(v).strip()}


# -- building parts from the editor's fields ------------------------------------------

ITEM_TYPE_CHOICES = ITEM_TYPES


def item_ids(data: dict[str, Any]) -> list[str]:
    return [str(i.get("id")) for i in data.get("items") or []]


def page_key(item: dict[str, Any]) -> str:
    return str(item.get("section") or item.get("dimension") or "")


def sections(data: dict[str, Any]) -> list[tuple[str, list[dict[str, Any]]]]:
    """Runs of items that share a page key, in order (the form's pages)."""
    runs: list[tuple[str, list[dict[str, Any]]]] = []
    for item in data.get("items") or []:
        key = page_key(item)
        if runs and runs[-1][0] == key:
            runs[-1][1].append(item)
        else:
            runs.append((key, [item]))
    return runs
