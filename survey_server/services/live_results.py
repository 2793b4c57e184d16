"""Live results: counts and shares per question and wave, straight from the answers.

The same small-group rule as the report: a question (in a wave) with fewer than
MIN_GROUP respondents shows no figure at all. Free-text answers are never shown, only
how many people wrote one. Test answers are left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from piccolo.engine.base import Engine
from piccolo.querystring import QueryString

from pilotkit.instruments import Instrument
from survey_server.services.answers import answerable_items

#: Fewer respondents than this: no figure (as evaluation.reporting's min_group).
MIN_GROUP = 5

_COUNTS = """
SELECT w."name" AS wave, a."item_id", a."value", COUNT(*) AS n
FROM "answer" a
JOIN "submission" s ON s."id" = a."submission"
JOIN "participant" p ON p."id" = s."participant"
JOIN "wave" w ON w."id" = s."wave"
WHERE w."pilot" = {} AND NOT p."test" AND a."value" != ''
GROUP BY w."name", a."item_id", a."value"
"""
_SUBMITTED = """
SELECT w."name" AS wave, COUNT(*) AS n FROM "submission" s
JOIN "participant" p ON p."id" = s."participant"
JOIN "wave" w ON w."id" = s."wave"
WHERE w."pilot" = {} AND NOT p."test"
GROUP BY w."name"
"""


@dataclass
class OptionFigure:
    value: str
    label: str
    count: int
    share: float


@dataclass
class QuestionFigures:
    item_id: str
    text: str
    type: str
    wave: str
    respondents: int
    suppressed: bool
    options: list[OptionFigure] = field(default_factory=list)


@dataclass
class LiveResults:
    waves: list[str]
    submitted: dict[str, int]
    questions: list[QuestionFigures]


def _options(instrument: Instrument, item_id: str) -> list[tuple[str, str]]:
    item = instrument.item(item_id)
    if item.type == "likert":
        scale = instrument.scale_of(item)
        assert scale is not None
        labels = (scale.labels or {}).get(instrument.default_language) or []
        return [
            (str(p), labels[i] if i < len(labels) else str(p)) for i, p in enumerate(scale.points)
        ]
    if item.type == "boolean":
        return [("1", "Yes"), ("0", "No")]
    if item.choices:
        return [(c.value, instrument.text(c.label)) for c in item.choices]
    return []


async def live_results(
    engine: Engine, pilot_id: int, instrument: Instrument, waves: list[str], only: str | None
) -> LiveResults:
    counts: dict[tuple[str, str], dict[str, int]] = {}
    people: dict[tuple[str, str], int] = {}
    for row in await engine.run_querystring(QueryString(_COUNTS, pilot_id)):
        key = (row["wave"], row["item_id"])
        people[key] = people.get(key, 0) + int(row["n"])  # one answer row per person
        values = counts.setdefault(key, {})
        item_type = _type(instrument, row["item_id"])
        parts = str(row["value"]).split(" ") if item_type == "multi" else [str(row["value"])]
        for part in parts:
            values[part] = values.get(part, 0) + int(row["n"])
    submitted = {
        r["wave"]: int(r["n"])
        for r in await engine.run_querystring(QueryString(_SUBMITTED, pilot_id))
    }
    shown = [w for w in waves if only in (None, "", w)]
    questions: list[QuestionFigures] = []
    for wave in shown:
        for item_id in answerable_items(instrument, wave):
            item = instrument.item(item_id)
            values = counts.get((wave, item_id), {})
            respondents = people.get((wave, item_id), 0)
            figure = QuestionFigures(
                item_id,
                instrument.text(item.text),
                item.type,
                wave,
                respondents,
                suppressed=respondents < MIN_GROUP,
            )
            if not figure.suppressed:
                for value, label in _options(instrument, item_id):
                    count = values.get(value, 0)
                    figure.options.append(OptionFigure(value, label, count, count / respondents))
            questions.append(figure)
    return LiveResults(shown, {w: submitted.get(w, 0) for w in waves}, questions)


def _type(instrument: Instrument, item_id: str) -> str:
    try:
        return instrument.item(item_id).type
    except KeyError:
        return ""
