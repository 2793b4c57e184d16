"""A pilot's non-inferiority margin: the setting the verdict's "did not get worse by more
than what matters" is judged against (docs/readiness.md, "The margin").

The margin is in scale points and is meant to be decided before the follow-up wave. It
may still be changed later, but then the pilot keeps a flag that every later report
states (`margin_changed_after_data`): a margin chosen after seeing the data can make any
result look acceptable. Every change is audited with its old and new value.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from piccolo.engine.base import Engine

from evaluation.dimensions import default_margin
from pilotkit.instruments import Instrument
from survey_server.database import write_transaction
from survey_server.errors import InvalidFieldsError, NotFoundError
from survey_server.services import audit
from survey_server.services.pilots import frozen_instrument
from survey_server.tables import Pilot, Submission, Wave

#: Longest text accepted in the margin field (a number needs far fewer characters).
MAX_MARGIN_TEXT = 32


class MarginFieldError(InvalidFieldsError):
    """The margin field cannot be used; `reason` names why (the page words it):
    `not_a_number`, `not_positive` or `too_large` (above `limit`, the scale's range)."""

    def __init__(self, reason: str, message: str, limit: float | None = None) -> None:
        self.reason = reason
        self.limit = limit
        super().__init__({"margin": message})


@dataclass(frozen=True)
class MarginSetting:
    """The pilot's margin as its staff page shows it."""

    slug: str
    value: float | None  # None: the default
    default: float | None  # the default on the pilot's scale (None: no scale)
    scale_min: int | None
    scale_max: int | None
    changed_after_data: bool
    #: the follow-up (last) wave and its submitted answers: a change now is flagged
    follow_up_wave: str
    follow_up_answers: int

    @property
    def used(self) -> float | None:
        return self.value if self.value is not None else self.default

    @property
    def scale_range(self) -> float | None:
        if self.scale_min is None or self.scale_max is None:
            return None
        return float(self.scale_max - self.scale_min)


def pilot_scale(instrument: Instrument) -> tuple[int, int] | None:
    """The scale the margin is in: the instrument's, else the widest of its likert items'
    (None for a questionnaire without scales, where no area is scored)."""
    if instrument.scale is not None:
        return instrument.scale.min, instrument.scale.max
    scales = [
        scale
        for item in instrument.items
        if item.type == "likert" and (scale := instrument.scale_of(item)) is not None
    ]
    if not scales:
        return None
    widest = max(scales, key=lambda s: s.max - s.min)
    return widest.min, widest.max


def parse_margin(text: str, scale: tuple[int, int] | None) -> float | None:
    """The margin typed on the form: empty means the default (None); otherwise a positive
    finite number of scale points, at most the scale's range. A decimal comma is read
    as a point (0,3 is 0.3)."""
    raw = text.strip()
    if not raw:
        return None
    cleaned = raw.replace(",", ".", 1) if raw.count(",") == 1 and "." not in raw else raw
    try:
        if len(raw) > MAX_MARGIN_TEXT or not cleaned.isascii():
            raise ValueError(raw)
        value = float(cleaned)
        if not math.isfinite(value):  # "nan", "inf", "1e400"
            raise ValueError(raw)
    except ValueError:
        raise MarginFieldError(
            "not_a_number", "enter a number of scale points, for example 0.25"
        ) from None
    if value <= 0:
        raise MarginFieldError("not_positive", "the margin must be a number above 0")
    if scale is not None and value > scale[1] - scale[0]:
        limit = float(scale[1] - scale[0])
        raise MarginFieldError(
            "too_large",
            f"the margin must be at most {limit:g} points, the range of the "
            f"{scale[0]}-{scale[1]} scale",
            limit,
        )
    return value


async def _follow_up(pilot_id: int) -> tuple[str, int]:
    """The pilot's last wave (the follow-up the verdict compares with) and its submitted
    answers, test links left out."""
    wave = (
        await Wave.select(Wave.id, Wave.name)
        .where(Wave.pilot == pilot_id)
        .order_by(Wave.position, ascending=False)
        .first()
    )
    if wave is None:
        return "", 0
    answered = await Submission.count().where(
        (Submission.wave == wave["id"]) & (Submission.participant.test == False)  # noqa: E712
    )
    return wave["name"], int(answered)


async def margin_setting(engine: Engine, pilot_id: int) -> MarginSetting:
    row = (
        await Pilot.select(Pilot.slug, Pilot.margin, Pilot.margin_changed_after_data)
        .where(Pilot.id == pilot_id)
        .first()
    )
    if row is None:
        raise NotFoundError("no such pilot")
    scale = pilot_scale(await frozen_instrument(engine, row["slug"]))
    wave, answered = await _follow_up(pilot_id)
    return MarginSetting(
        slug=row["slug"],
        value=None if row["margin"] is None else float(row["margin"]),
        default=default_margin(*scale) if scale else None,
        scale_min=scale[0] if scale else None,
        scale_max=scale[1] if scale else None,
        changed_after_data=bool(row["margin_changed_after_data"]),
        follow_up_wave=wave,
        follow_up_answers=answered,
    )


async def set_margin(
    engine: Engine, actor: audit.Actor, pilot_id: int, text: str
) -> tuple[MarginSetting, bool]:
    """Set the margin from the form's text (empty: back to the default); returns the new
    setting and whether anything changed. A refused value changes nothing."""
    before = await margin_setting(engine, pilot_id)
    scale = (
        (before.scale_min, before.scale_max)
        if before.scale_min is not None and before.scale_max is not None
        else None
    )
    value = parse_margin(text, scale)
    if value == before.value:
        return before, False
    async with write_transaction(engine):
        # counted again inside the write: an answer that just came in counts
        wave, answered = await _follow_up(pilot_id)
        after_data = answered > 0
        await Pilot.update(
            {
                Pilot.margin: value,
                Pilot.margin_changed_after_data: before.changed_after_data or after_data,
            }
        ).where(Pilot.id == pilot_id)
        await audit.record(
            actor,
            "pilot.margin",
            "pilot",
            pilot_id,
            pilot=pilot_id,
            # the slug names the pilot in the audit log; the margin is what changed
            before={"slug": before.slug, "margin": _shown(before.value, before.default)},
            after={
                "slug": before.slug,
                "margin": _shown(value, before.default),
                # said only when it happened: such a change is flagged in every report
                **(
                    {"changed_after_data": True, "follow_up_answers": f"{wave}: {answered}"}
                    if after_data
                    else {}
                ),
            },
        )
    return await margin_setting(engine, pilot_id), True


def _shown(value: float | None, default: float | None) -> str:
    """A margin as the audit log shows it: "0.3 points", or the default and its value."""
    if value is not None:
        return f"{value:g} points"
    return f"default ({default:g} points)" if default is not None else "default"
