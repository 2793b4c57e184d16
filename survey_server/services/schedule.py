"""Wave schedules: dates staff set, and the changes the background worker makes at them.

`apply_due(engine, now)` opens the waves whose opening date has come and closes those
whose closing date has passed. Each change is one conditional UPDATE (`... WHERE status
= 'not_open'`) in a write transaction with its audit entry: when several server
processes look at the same moment, exactly one of them changes the wave and records it.
Opening the first wave freezes the questionnaire version in use.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from datetime import time as day_time
from typing import Any

from piccolo.engine.base import Engine
from piccolo.querystring import QueryString

from survey_server.database import write_transaction
from survey_server.errors import ConflictError, InvalidInputError, NotFoundError
from survey_server.i18n.lazy import lazy_gettext
from survey_server.services import audit
from survey_server.services.questionnaires import freeze_in_use
from survey_server.tables import Wave

#: Who the audit log names for changes the schedule makes.
SCHEDULE = audit.Actor(None, "schedule")


@dataclass(frozen=True)
class Transition:
    pilot_id: int
    wave: str
    status: str  # open | closed


@dataclass(frozen=True)
class NextEvent:
    wave: str
    action: str  # opens | closes
    at: datetime


def _when(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    parsed = datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


_CANDIDATES = """
SELECT "id", "pilot", "name", "status", "opens_at", "closes_at" FROM "wave"
WHERE "status" != 'closed' AND ("opens_at" IS NOT NULL OR "closes_at" IS NOT NULL)
ORDER BY "id"
"""


async def apply_due(engine: Engine, now: datetime) -> list[Transition]:
    """Open and close the waves whose dates have come; the changes this call made."""
    made: list[Transition] = []
    for row in await engine.run_querystring(QueryString(_CANDIDATES)):
        opens_at, closes_at = _when(row["opens_at"]), _when(row["closes_at"])
        if closes_at is not None and now >= closes_at:
            target, allowed = "closed", ("not_open", "open")
        elif row["status"] == "not_open" and opens_at is not None and now >= opens_at:
            target, allowed = "open", ("not_open",)
        else:
            continue
        async with write_transaction(engine):
            changed = await engine.run_querystring(
                QueryString(
                    'UPDATE "wave" SET "status" = {} WHERE "id" = {} AND "status" IN ({}, {}) '
                    'RETURNING "id"',
                    target,
                    row["id"],
                    allowed[0],
                    allowed[-1],
                )
            )
            if not changed:
                continue  # another process did it
            if target == "open":
                await freeze_in_use(engine, row["pilot"], now)
            await audit.record(
                SCHEDULE,
                "wave.open" if target == "open" else "wave.close",
                "wave",
                row["id"],
                pilot=row["pilot"],
                before={"wave": row["name"], "status": row["status"]},
                after={"wave": row["name"], "status": target, "at": now.isoformat()},
            )
        made.append(Transition(row["pilot"], row["name"], target))
    return made


def next_event(waves: list[Any], now: datetime) -> NextEvent | None:
    """The next change the schedule will make to these waves (WaveInfo-like objects)."""
    events: list[NextEvent] = []
    for wave in waves:
        if wave.status == "closed":
            continue
        if wave.status == "not_open" and wave.opens_at is not None and wave.opens_at > now:
            events.append(NextEvent(wave.name, "opens", wave.opens_at))
        if wave.closes_at is not None and wave.closes_at > now:
            events.append(NextEvent(wave.name, "closes", wave.closes_at))
    return min(events, key=lambda e: e.at) if events else None


def parse_moment(value: str, field: str, *, end_of_day: bool = False) -> datetime | None:
    """`YYYY-MM-DD` or `YYYY-MM-DDTHH:MM` (UTC); empty: no date."""
    value = value.strip()
    if not value:
        return None
    try:
        if "T" in value or " " in value:
            moment = datetime.fromisoformat(value.replace(" ", "T"))
            return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        day = date.fromisoformat(value)
    except ValueError:
        raise InvalidInputError(
            lazy_gettext(
                "%(field)s: '%(value)s' is not a date (YYYY-MM-DD) or a time (YYYY-MM-DDTHH:MM)",
                field=field,
                value=value,
            )
        ) from None
    return datetime.combine(day, day_time.max if end_of_day else day_time.min, tzinfo=UTC)


async def set_dates(
    engine: Engine,
    actor: audit.Actor,
    pilot_id: int,
    wave: str,
    opens_at: datetime | None,
    closes_at: datetime | None,
) -> None:
    """Change a wave's dates (audited). A closed wave keeps its dates; an open one takes
    only a closing date."""
    if opens_at and closes_at and closes_at <= opens_at:
        raise InvalidInputError(lazy_gettext("%(wave)s closes: must be after it opens", wave=wave))
    async with write_transaction(engine):
        rows = await engine.run_querystring(
            QueryString(
                'SELECT "id", "status", "opens_at", "closes_at" FROM "wave" '
                'WHERE "pilot" = {} AND "name" = {}',
                pilot_id,
                wave,
            )
        )
        if not rows:
            raise NotFoundError(lazy_gettext("this pilot has no wave '%(wave)s'", wave=wave))
        row = rows[0]
        before = {"opens_at": _text(row["opens_at"]), "closes_at": _text(row["closes_at"])}
        if row["status"] == "closed":
            raise ConflictError(
                lazy_gettext(
                    "the %(wave)s wave is closed; open it again to change its dates", wave=wave
                )
            )
        if row["status"] == "open":
            opens_at = _when(row["opens_at"])
        await Wave.update({Wave.opens_at: opens_at, Wave.closes_at: closes_at}).where(
            Wave.id == row["id"]
        )
        after = {"opens_at": _text(opens_at), "closes_at": _text(closes_at)}
        if after != before:
            await audit.record(
                actor,
                "wave.schedule",
                "wave",
                row["id"],
                pilot=pilot_id,
                before={"wave": wave, **before},
                after={"wave": wave, **after},
            )


def _text(value: Any) -> str:
    moment = _when(value)
    return moment.isoformat() if moment else ""
