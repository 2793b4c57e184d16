"""Audit entries as people read them: the object by its name ("wave pre of the CRM
pilot", not "wave 2") and each recorded field as a line, not raw JSON."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

#: keys of an entry's before/after that name its object, in order of preference
_NAME_KEYS = ("wave", "slug", "email", "name", "participant", "file")
#: how many items of a list (participants of a batch) an entry shows before "and N more"
LIST_SHOWN = 5


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str


@dataclass(frozen=True)
class ReadableEntry:
    object: str
    pilot: str
    changes: list[Change]


def _text(value: Any) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        shown = ", ".join(_text(v) for v in value[:LIST_SHOWN])
        more = len(value) - LIST_SHOWN
        return f"{len(value)}: {shown} and {more} more" if more > 0 else shown
    if isinstance(value, Mapping):
        return "; ".join(f"{k}: {_text(v)}" for k, v in value.items())
    return str(value)


def _object_name(entry: Mapping[str, Any]) -> str:
    kind = str(entry.get("object_type") or "").replace("_", " ")
    for side in (entry.get("after"), entry.get("before")):
        if isinstance(side, Mapping):
            for key in _NAME_KEYS:
                if side.get(key) not in (None, "") and not isinstance(side.get(key), list):
                    return f"{kind} {side[key]}"
    return f"{kind} {entry.get('object_id', '')}".strip()


def readable(entry: Mapping[str, Any], pilot_names: Mapping[int, str]) -> ReadableEntry:
    """What changed, named: `pilot_names` gives the pilots' names by id."""
    before = entry.get("before")
    after = entry.get("after")
    changes: list[Change] = []
    if isinstance(before, Mapping) or isinstance(after, Mapping):
        old = before if isinstance(before, Mapping) else {}
        new = after if isinstance(after, Mapping) else {}
        for key in dict.fromkeys([*old, *new]):
            if key in old and key in new and old[key] == new[key]:
                continue  # the name of the object, said once in the object column
            changes.append(
                Change(str(key).replace("_", " "), _text(old.get(key)), _text(new.get(key)))
            )
    elif before is not None or after is not None:
        changes.append(Change("", _text(before), _text(after)))
    pilot_id = entry.get("pilot")
    pilot = pilot_names.get(pilot_id, f"pilot {pilot_id}") if pilot_id is not None else ""
    return ReadableEntry(_object_name(entry), pilot, changes)
