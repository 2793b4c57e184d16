"""Answer values: checking them against an item, and writing them in the export format.

Accepted values (the participant API's contract): likert an integer on the item's scale
(or the name of a point, for a scale imported with names);
number a finite number within the item's `min`/`max` (whole numbers at most
`MAX_WHOLE_NUMBER` either way); boolean true/false (0/1 too);
single one choice value; multi a list of choice values; text a string of at most
`MAX_TEXT_LENGTH` characters. `None` (or an empty text or list) means "not answered".
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping
from typing import Any

import msgspec

from pilotkit.instruments import Instrument, Item
from pilotkit.instruments.relevance import relevant_items
from survey_server.errors import InvalidAnswersError

MAX_TEXT_LENGTH = 5000
AnswerValue = int | float | bool | str | list[str]


class AnswerError(ValueError):
    """Why one answer is not accepted: an English message (API), a code and parameters
    (translated on the HTML form, catalog keys `error.<code>`)."""

    def __init__(self, message: str, code: str = "invalid", **params: object) -> None:
        super().__init__(message)
        self.code = code
        self.params = params


#: The largest whole number an answer may be: what a float holds exactly, far below the
#: databases' integer limits (a JSON integer may have hundreds of digits).
MAX_WHOLE_NUMBER = 2**53


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_whole(value: object) -> bool:
    if isinstance(value, float):
        return math.isfinite(value) and value.is_integer()
    return _is_number(value)


def _is_storable(value: int | float) -> bool:
    """Finite, and a whole number no larger than `MAX_WHOLE_NUMBER` either way."""
    if isinstance(value, float):
        return math.isfinite(value)
    return -MAX_WHOLE_NUMBER <= value <= MAX_WHOLE_NUMBER


def check_answer(instrument: Instrument, item: Item, value: object) -> AnswerValue | None:
    """The answer normalized (int likert, bool boolean, deduplicated multi) or None."""
    if value is None:
        return None
    if item.type == "likert":
        scale = instrument.scale_of(item)
        if isinstance(value, str) and scale is not None and scale.point_of(value) is not None:
            value = scale.point_of(value)  # a point's name, as the imported form recorded it
        if not _is_whole(value):
            raise AnswerError("must be a whole number on the scale", "choose")
        number = int(value)  # type: ignore[arg-type]
        if scale is not None and not scale.min <= number <= scale.max:
            raise AnswerError(f"must be between {scale.min} and {scale.max}", "choose")
        return number
    if item.type == "number":
        if not _is_number(value) or not _is_storable(value):  # type: ignore[arg-type]
            raise AnswerError("must be a number", "number")
        if item.min is not None and value < item.min:  # type: ignore[operator]
            raise AnswerError(f"must be at least {_plain(item.min)}", "min", min=_plain(item.min))
        if item.max is not None and value > item.max:  # type: ignore[operator]
            raise AnswerError(f"must be at most {_plain(item.max)}", "max", max=_plain(item.max))
        return int(value) if _is_whole(value) else float(value)  # type: ignore[arg-type]
    if item.type == "boolean":
        if isinstance(value, bool):
            return value
        if _is_number(value) and value in (0, 1):
            return bool(value)
        raise AnswerError("must be true or false", "choose")
    choices = [c.value for c in item.choices or []]
    if item.type == "single":
        if not isinstance(value, str) or value not in choices:
            raise AnswerError("must be one of the choices: " + ", ".join(choices), "choose")
        return value
    if item.type == "multi":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise AnswerError("must be a list of choice values", "choose")
        unknown = [v for v in value if v not in choices]
        if unknown:
            raise AnswerError("not a choice: " + ", ".join(unknown), "choose")
        picked = list(dict.fromkeys(value))
        return picked or None
    if item.type == "text":
        if not isinstance(value, str):
            raise AnswerError("must be text", "text")
        if len(value) > MAX_TEXT_LENGTH:
            raise AnswerError(
                f"must be at most {MAX_TEXT_LENGTH} characters", "too_long", max=MAX_TEXT_LENGTH
            )
        return value if value.strip() else None
    raise AnswerError("this item takes no answer", "no_answer")


def _plain(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)


def answerable_items(instrument: Instrument, wave: str) -> dict[str, Item]:
    """Items of the wave that take an answer, by id, in instrument order."""
    return {i.id: i for i in instrument.items_in_wave(wave) if i.type != "note"}


def check_answers(
    instrument: Instrument, wave: str, answers: Mapping[str, object]
) -> dict[str, AnswerValue]:
    """Each given answer checked (partial sets are fine); errors collected per item."""
    items = answerable_items(instrument, wave)
    cleaned: dict[str, AnswerValue] = {}
    errors: dict[str, str] = {}
    for item_id, value in answers.items():
        item = items.get(item_id)
        if item is None:
            errors[item_id] = f"unknown item for wave '{wave}'"
            continue
        try:
            normalized = check_answer(instrument, item, value)
        except AnswerError as exc:
            errors[item_id] = str(exc)
            continue
        if normalized is not None:
            cleaned[item_id] = normalized
    if errors:
        raise InvalidAnswersError(errors)
    return cleaned


def relevant_answers(
    instrument: Instrument, wave: str, answers: Mapping[str, AnswerValue]
) -> tuple[dict[str, AnswerValue], list[str]]:
    """Answers to the items shown (others dropped) and the required items still missing."""
    shown = relevant_items(instrument, answers)
    items = answerable_items(instrument, wave)
    kept = {k: v for k, v in answers.items() if k in shown}
    missing = [i for i, item in items.items() if item.required and i in shown and i not in kept]
    return kept, missing


def complete_answers(
    instrument: Instrument, wave: str, answers: Mapping[str, object]
) -> dict[str, AnswerValue]:
    """A full submission: every value checked, hidden items dropped, required ones present."""
    kept, missing = relevant_answers(instrument, wave, check_answers(instrument, wave, answers))
    if missing:
        raise InvalidAnswersError(
            dict.fromkeys(missing, "this question is required"),
            "required items missing: " + ", ".join(missing),
        )
    return kept


def answers_hash(answers: Mapping[str, AnswerValue]) -> str:
    """A digest of the normalized answers, to tell an identical retry from a changed one."""
    return hashlib.sha256(msgspec.json.encode(dict(sorted(answers.items())))).hexdigest()


def export_value(value: Any) -> str:
    """The responses-table text of a stored answer (contracts.md section 2)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, list):
        return " ".join(value)
    return str(value)
