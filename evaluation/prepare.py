"""Validate the responses table against the instrument and pivot it once into arrays.

Every later computation works on `AnswerArrays`: a dense float array
`scores[wave, participant, item]` (NaN = not answered) built with one vectorised pass.

How a recorded value (text) becomes a number, per item type:

* likert: a number on the item's scale points (`"4"` and `"4.0"` are both 4; `"4.5"` or
  `"7"` on a 1-5 scale are refused), or the name of a point when the scale has names
  (`"agree"`, as recorded by KoboToolbox or ODK), then reverse-coded items become
  `min + max - x`;
* number: any finite number within the item's `min`/`max` when they are set;
* boolean: `0`/`1` (also `true`/`false`, `yes`/`no`, case-insensitive) as 0.0/1.0;
* single: one of the item's choice values, stored as the choice's position;
* multi: choice values joined by spaces (kept as a 0/1 indicator per choice);
* text: anything (only counted);
* the empty value (or only spaces) means "not answered" for every type.

The check works on the distinct values (a lookup table item x distinct value), so a
table of millions of answers is checked in one gather, and the first offending row is
named: `responses.csv: line 12: item 'prod_2': value '7' is outside the scale 1..5`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from evaluation.errors import EvaluationInputError
from evaluation.io import RESPONSE_COLUMNS, csv_line_of_record
from pilotkit.instruments import Instrument, Item

TRUE_WORDS = frozenset({"1", "true", "yes"})
FALSE_WORDS = frozenset({"0", "false", "no"})


@dataclass(frozen=True)
class AnswerArrays:
    """The responses pivoted once: one row per participant, one column per item, per wave.

    `scores` holds the analysable number of an answer (reverse-coded likert, number,
    boolean 0/1, position of a single choice) or NaN; `answered` is True for any
    non-empty answer (including text and multi). `multi` holds, per multi item, a 0/1
    array `[wave, participant, choice]` (NaN where the item was not answered).
    """

    instrument: Instrument
    participants: np.ndarray
    wave_ids: list[str]
    item_ids: list[str]
    scores: np.ndarray
    answered: np.ndarray
    multi: dict[str, np.ndarray] = field(default_factory=dict)
    rows: int = 0

    def wave_index(self, wave: str) -> int:
        return self.wave_ids.index(wave)

    def item_index(self, item_id: str) -> int:
        return self.item_ids.index(item_id)

    def present(self, wave: str) -> np.ndarray:
        """Participants with at least one measured answer in `wave` (boolean mask).

        A measured answer is one that can be scored: a likert, number, yes/no or choice
        answer. Someone who only wrote free text gave nothing an area or item can be
        scored from, so they do not count as present (nor as a pair, nor against
        attrition).
        """
        index = self.wave_index(wave)
        scored = ~np.isnan(self.scores[index])
        present = scored.any(axis=1)
        for indicators in self.multi.values():
            present |= ~np.isnan(indicators[index]).all(axis=1)
        return present

    def wrote_anything(self, wave: str) -> np.ndarray:
        """Participants with any non-empty answer in `wave`, free text included."""
        return self.answered[self.wave_index(wave)].any(axis=1)


def _as_categorical(series: pd.Series) -> pd.Categorical:
    if isinstance(series.dtype, pd.CategoricalDtype):
        return series.array  # type: ignore[return-value]
    return pd.Categorical(series.astype(str))


def _stripped(column: pd.Categorical) -> pd.Categorical:
    """The same ids without surrounding spaces (`" p1"` and `"p1 "` are one person)."""
    names = np.array([str(c).strip() for c in column.categories], dtype=object)
    if len(names) == 0 or all(n == str(c) for n, c in zip(names, column.categories, strict=True)):
        return column
    unique, inverse = np.unique(names, return_inverse=True)
    codes = np.where(column.codes >= 0, inverse[np.maximum(column.codes, 0)], -1)
    return pd.Categorical.from_codes(codes, categories=unique)


def _row_name(frame: pd.DataFrame, position: int) -> str:
    word = frame.attrs.get("row_word", "row")
    if "csv_path" in frame.attrs:  # count physical lines: answers may span several
        line = csv_line_of_record(frame.attrs["csv_path"], position)
        if line is not None:
            return f"{word} {line}"
    first = int(frame.attrs.get("first_row", 1))
    return f"{word} {position + first}"


def _fail(frame: pd.DataFrame, position: int | None, message: str) -> EvaluationInputError:
    source = frame.attrs.get("source", "responses")
    where = f"{source}: {_row_name(frame, position)}: " if position is not None else f"{source}: "
    # a value or id holding a line break must not break the one-line message
    return EvaluationInputError(where + message.replace("\r", "\\r").replace("\n", "\\n"))


def _scale_bounds(instrument: Instrument, item: Item) -> tuple[float, float] | None:
    scale = instrument.scale_of(item)
    return (float(scale.min), float(scale.max)) if scale is not None else None


def _item_lookup(
    instrument: Instrument, item: Item, texts: np.ndarray, numbers: np.ndarray, empty: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(score, valid) of each of the given distinct value texts, for one item."""
    score = np.full(len(texts), np.nan)
    valid = empty.copy()
    finite = np.isfinite(numbers)
    if item.type == "likert":
        low, high = _scale_bounds(instrument, item) or (-np.inf, np.inf)
        scale = instrument.scale_of(item)
        if scale is not None and scale.names:  # answers recorded as the points' names
            numbers = numbers.copy()
            for index, text in enumerate(texts):
                point = scale.point_of(str(text))
                if point is not None:
                    numbers[index] = point
            finite = np.isfinite(numbers)
        ok = finite & (numbers == np.round(numbers)) & (numbers >= low) & (numbers <= high)
        valid |= ok
        score[ok] = (low + high - numbers[ok]) if item.reverse else numbers[ok]
    elif item.type == "number":
        ok = finite.copy()
        if item.min is not None:
            ok &= numbers >= item.min
        if item.max is not None:
            ok &= numbers <= item.max
        valid |= ok
        score[ok] = numbers[ok]
    elif item.type == "boolean":
        lowered = np.char.lower(texts.astype(str))
        ones = np.isin(lowered, list(TRUE_WORDS)) | (finite & (numbers == 1))
        zeros = np.isin(lowered, list(FALSE_WORDS)) | (finite & (numbers == 0))
        valid |= ones | zeros
        score[ones] = 1.0
        score[zeros] = 0.0
    elif item.type == "single":
        choices = {c.value: float(i) for i, c in enumerate(item.choices or [])}
        for index, text in enumerate(texts):
            if text in choices:
                valid[index] = True
                score[index] = choices[text]
    elif item.type == "multi":
        choices = {c.value for c in item.choices or []}
        for index, text in enumerate(texts):
            if not empty[index] and set(text.split()) <= choices:
                valid[index] = True
    elif item.type == "text":
        valid[:] = True
    return score, valid


#: Up to this many (item, distinct value) cells the lookup is a dense table; beyond it
#: (many distinct free-text answers) only the pairs that occur are looked up.
DENSE_LOOKUP_LIMIT = 20_000_000


def _lookup_rows(
    instrument: Instrument,
    item_codes: np.ndarray,
    value_codes: np.ndarray,
    texts: np.ndarray,
    numbers: np.ndarray,
    empty: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """(score, valid) of every row, interpreting each distinct (item, value) pair once."""
    n_texts = len(texts)
    key = item_codes.astype(np.int64) * n_texts + value_codes
    if len(instrument.items) * n_texts <= DENSE_LOOKUP_LIMIT:
        used = np.bincount(key, minlength=len(instrument.items) * n_texts) > 0
        pairs = np.flatnonzero(used)
        inverse = None
    else:
        pairs, inverse = np.unique(key, return_inverse=True)
    pair_items, pair_values = np.divmod(pairs, n_texts)
    pair_score = np.full(len(pairs), np.nan)
    pair_valid = np.zeros(len(pairs), dtype=bool)
    for index, item in enumerate(instrument.items):
        selected = np.flatnonzero(pair_items == index)
        if len(selected) == 0:
            continue
        chosen = pair_values[selected]
        pair_score[selected], pair_valid[selected] = _item_lookup(
            instrument, item, texts[chosen], numbers[chosen], empty[chosen]
        )
    if inverse is None:  # dense: scatter the pairs into a table indexed by key
        table_score = np.full(len(instrument.items) * n_texts, np.nan)
        table_valid = np.zeros(len(instrument.items) * n_texts, dtype=bool)
        table_score[pairs] = pair_score
        table_valid[pairs] = pair_valid
        return table_score[key], table_valid[key]
    return pair_score[inverse], pair_valid[inverse]


def _why_invalid(instrument: Instrument, item: Item, text: str) -> str:
    if item.type == "note":
        return f"item '{item.id}' is a note and takes no answer (got '{text}')"
    if item.type in ("likert", "number"):
        try:
            number = float(text)
        except ValueError:
            scale = instrument.scale_of(item)
            if scale is not None and scale.names:
                names = ", ".join(scale.names)
                return f"item '{item.id}': value '{text}' is not a point of the scale ({names})"
            return f"item '{item.id}': value '{text}' is not a number"
        if not np.isfinite(number):
            return f"item '{item.id}': value '{text}' is not a finite number"
        if item.type == "likert":
            low, high = _scale_bounds(instrument, item) or (0, 0)
            if number != round(number):
                return (
                    f"item '{item.id}': value '{text}' is not a point of the scale "
                    f"{low:g}..{high:g}"
                )
            return f"item '{item.id}': value '{text}' is outside the scale {low:g}..{high:g}"
        low_text = "-inf" if item.min is None else f"{item.min:g}"
        high_text = "inf" if item.max is None else f"{item.max:g}"
        bounds = f"{low_text}..{high_text}"
        return f"item '{item.id}': value '{text}' is outside the accepted range {bounds}"
    if item.type == "boolean":
        return f"item '{item.id}': value '{text}' is not a yes/no answer (0 or 1)"
    values = ", ".join(c.value for c in item.choices or [])
    if item.type == "multi":
        unknown = [v for v in text.split() if v not in {c.value for c in item.choices or []}]
        return (
            f"item '{item.id}': choice '{unknown[0] if unknown else text}' is not one of {values}"
        )
    return f"item '{item.id}': value '{text}' is not one of the choices {values}"


def prepare_answers(instrument: Instrument, responses: pd.DataFrame) -> AnswerArrays:
    """Check the responses table against the instrument and pivot it into arrays.

    Refuses (one line naming the row or item): a missing column, an empty table, an empty
    participant id, a wave or item that the instrument does not have, a value that does
    not fit the item (off the scale, not a number, not a choice), an answer to a display
    note, and the same participant answering the same item twice in one wave.
    """
    missing = [c for c in RESPONSE_COLUMNS if c not in responses.columns]
    if missing:
        raise _fail(responses, None, f"missing column(s) {', '.join(repr(c) for c in missing)}")
    if len(responses) == 0:
        raise _fail(responses, None, "the table has no answers")

    participants = _stripped(_as_categorical(responses["participant_id"]))
    waves = _as_categorical(responses["wave"])
    items = _as_categorical(responses["item_id"])
    values = _as_categorical(responses["value"])

    wave_ids = instrument.wave_ids
    item_ids = [i.id for i in instrument.items]

    # participant ids: never empty
    empty_ids = np.array([str(p).strip() == "" for p in participants.categories])
    if empty_ids.any():
        bad = np.flatnonzero(empty_ids[participants.codes])[0]
        raise _fail(responses, int(bad), "participant_id is empty")

    wave_map = _map_codes(responses, waves, wave_ids, "wave", "the instrument's waves")
    item_map = _map_codes(responses, items, item_ids, "item", f"instrument '{instrument.id}'")
    wave_codes = wave_map[waves.codes]
    item_codes = item_map[items.codes]

    texts = np.array([str(v).strip() for v in values.categories], dtype=object)
    empty = np.array([t == "" for t in texts], dtype=bool)
    numbers = pd.to_numeric(pd.Series(texts, dtype=object), errors="coerce").to_numpy(float)
    value_codes = values.codes.astype(np.int64)
    if (value_codes < 0).any():  # a null that slipped through counts as empty
        raise _fail(responses, int(np.flatnonzero(value_codes < 0)[0]), "value is missing")
    row_score, row_valid = _lookup_rows(instrument, item_codes, value_codes, texts, numbers, empty)
    if not row_valid.all():
        position = int(np.flatnonzero(~row_valid)[0])
        item = instrument.items[int(item_codes[position])]
        raise _fail(
            responses,
            position,
            _why_invalid(instrument, item, str(texts[value_codes[position]])),
        )

    n_participants = len(participants.categories)
    n_items = len(item_ids)
    n_waves = len(wave_ids)
    # one flat cell per (wave, participant, item): duplicates show as counts above one
    cell = (wave_codes.astype(np.int64) * n_participants + participants.codes) * n_items
    cell += item_codes
    size = n_waves * n_participants * n_items
    counts = np.bincount(cell, minlength=size)
    if (counts > 1).any():
        twice = np.flatnonzero(counts[cell] > 1)
        first = int(twice[0])
        second = int(twice[cell[twice] == cell[first]][1])
        raise _fail(
            responses,
            second,
            f"participant '{participants.categories[participants.codes[first]]}' answered item "
            f"'{item_ids[item_codes[first]]}' in wave '{wave_ids[wave_codes[first]]}' twice "
            f"(also {_row_name(responses, first)})",
        )

    scores = np.full(size, np.nan)
    scores[cell] = row_score
    answered = np.zeros(size, dtype=bool)
    answered[cell] = ~empty[value_codes]
    shape = (n_waves, n_participants, n_items)
    multi = _multi_indicators(instrument, cell, item_codes, value_codes, texts, empty, shape)
    return AnswerArrays(
        instrument=instrument,
        participants=np.asarray(participants.categories, dtype=object),
        wave_ids=list(wave_ids),
        item_ids=item_ids,
        scores=scores.reshape(shape),
        answered=answered.reshape(shape),
        multi=multi,
        rows=len(responses),
    )


def _map_codes(
    frame: pd.DataFrame, column: pd.Categorical, known: list[str], what: str, where: str
) -> np.ndarray:
    """Map a categorical's codes to positions in `known`; refuse an unknown value."""
    positions = {name: index for index, name in enumerate(known)}
    mapping = np.array(
        [positions.get(str(c).strip(), -1) for c in column.categories], dtype=np.int64
    )
    unknown = mapping < 0
    if unknown.any():
        # name the first offending row of the file, whatever the category order
        row = int(np.flatnonzero(unknown[column.codes] & (column.codes >= 0))[0])
        category = int(column.codes[row])
        name = str(column.categories[category])
        listing = f" ({', '.join(known)})" if what == "wave" else ""
        raise _fail(frame, row, f"unknown {what} '{name}', not in {where}{listing}")
    if (column.codes < 0).any():
        raise _fail(frame, int(np.flatnonzero(column.codes < 0)[0]), f"{what} is missing")
    return mapping


def _multi_indicators(
    instrument: Instrument,
    cell: np.ndarray,
    item_codes: np.ndarray,
    value_codes: np.ndarray,
    texts: np.ndarray,
    empty: np.ndarray,
    shape: tuple[int, int, int],
) -> dict[str, np.ndarray]:
    n_waves, n_participants, n_items = shape
    result: dict[str, np.ndarray] = {}
    for index, item in enumerate(instrument.items):
        if item.type != "multi":
            continue
        choices = [c.value for c in item.choices or []]
        indicators = np.full((n_waves, n_participants, len(choices)), np.nan)
        rows = np.flatnonzero((item_codes == index) & ~empty[value_codes])
        for row in rows:
            flat = int(cell[row]) // n_items
            wave, participant = divmod(flat, n_participants)
            chosen = set(str(texts[value_codes[row]]).split())
            indicators[wave, participant] = [1.0 if c in chosen else 0.0 for c in choices]
        result[item.id] = indicators
    return result
