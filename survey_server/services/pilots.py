"""Pilots and their waves: creation (freezing the instrument), listing, opening, closing."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

import msgspec
from piccolo.engine.base import Engine

from pilotkit.instruments import Instrument
from survey_server.database import write_transaction
from survey_server.errors import InvalidFieldsError, InvalidInputError, NotFoundError
from survey_server.i18n.lazy import lazy_gettext
from survey_server.inputs import too_long
from survey_server.services.waves import WaveInfo
from survey_server.tables import Participant, Pilot, Submission, Wave

SLUG_SHAPE = re.compile(r"^[a-z0-9][a-z0-9-]{0,98}[a-z0-9]?$")
#: Caps on what staff type about a pilot (docs/staff.md, "Limits").
MAX_NAME = 200
MAX_TECHNOLOGY = 500
MAX_OBJECTIVES = 5000


@dataclass(frozen=True)
class PilotSummary:
    id: int
    slug: str
    name: str
    instrument_id: str
    instrument_version: int
    anonymous: bool
    created_at: datetime
    waves: list[WaveInfo]
    participants: int
    submissions: dict[str, int]


async def create_pilot(
    engine: Engine,
    *,
    slug: str,
    instrument: Instrument,
    name: str | None = None,
    anonymous: bool | None = None,
    technology: str = "",
    objectives: str = "",
) -> PilotSummary:
    """Create a pilot with a frozen copy of `instrument` and its waves (not open yet)."""
    overlong = too_long(
        {
            "name": (name or "", MAX_NAME),
            "technology": (technology, MAX_TECHNOLOGY),
            "objectives": (objectives, MAX_OBJECTIVES),
        }
    )
    if overlong:
        raise InvalidFieldsError(overlong)
    if not SLUG_SHAPE.match(slug):
        raise InvalidInputError(
            lazy_gettext(
                "slug '%(slug)s' must be lowercase letters, digits and '-' (at most 100 "
                "characters)",
                slug=slug,
            )
        )
    is_anonymous = instrument.anonymous if anonymous is None else anonymous
    now = datetime.now(UTC)
    async with write_transaction(engine):
        if await Pilot.exists().where(Pilot.slug == slug):
            raise InvalidInputError(
                lazy_gettext("a pilot with slug '%(slug)s' already exists", slug=slug)
            )
        inserted = await Pilot.insert(
            Pilot(
                name=name or instrument.text(instrument.title),
                slug=slug,
                instrument_id=instrument.id,
                instrument_version=instrument.version,
                instrument=msgspec.json.encode(instrument.to_builtins()).decode(),
                technology=technology,
                objectives=objectives,
                anonymous=is_anonymous,
                created_at=now,
            )
        ).returning(Pilot.id)
        pilot_id = inserted[0]["id"]
        await Wave.insert(
            *[
                Wave(pilot=pilot_id, name=wave, position=position, status="not_open")
                for position, wave in enumerate(instrument.wave_ids)
            ]
        )
    return await get_pilot(engine, slug)


async def _waves(pilot_id: int) -> list[WaveInfo]:
    rows = await Wave.select().where(Wave.pilot == pilot_id).order_by(Wave.position)
    return [
        WaveInfo(
            id=r["id"],
            name=r["name"],
            position=r["position"],
            status=r["status"],
            opens_at=r["opens_at"],
            closes_at=r["closes_at"],
        )
        for r in rows
    ]


async def _summary(row: dict) -> PilotSummary:
    waves = await _waves(row["id"])
    # test links (the questionnaire editor's) never count
    participants = await Participant.count().where(
        (Participant.pilot == row["id"]) & (Participant.test == False)  # noqa: E712
    )
    submissions = {
        w.name: await Submission.count().where(
            (Submission.wave == w.id) & (Submission.participant.test == False)  # noqa: E712
        )
        for w in waves
    }
    return PilotSummary(
        id=row["id"],
        slug=row["slug"],
        name=row["name"],
        instrument_id=row["instrument_id"],
        instrument_version=row["instrument_version"],
        anonymous=bool(row["anonymous"]),
        created_at=row["created_at"],
        waves=waves,
        participants=participants,
        submissions=submissions,
    )


_SUMMARY_COLUMNS = (
    Pilot.id,
    Pilot.slug,
    Pilot.name,
    Pilot.instrument_id,
    Pilot.instrument_version,
    Pilot.anonymous,
    Pilot.created_at,
)


async def get_pilot(engine: Engine, slug: str) -> PilotSummary:
    row = await Pilot.select(*_SUMMARY_COLUMNS).where(Pilot.slug == slug).first()
    if row is None:
        raise NotFoundError(lazy_gettext("no pilot with slug '%(slug)s'", slug=slug))
    return await _summary(row)


def wave_named(pilot: PilotSummary, wave: str) -> WaveInfo:
    """The pilot's wave called `wave`; NotFoundError naming the waves it has otherwise."""
    match = next((w for w in pilot.waves if w.name == wave), None)
    if match is None:
        raise NotFoundError(
            lazy_gettext(
                "pilot '%(slug)s' has no wave '%(wave)s' (waves: %(names)s)",
                slug=pilot.slug,
                wave=wave,
                names=", ".join(w.name for w in pilot.waves),
            )
        )
    return match


async def list_pilots(engine: Engine) -> list[PilotSummary]:
    rows = await Pilot.select(*_SUMMARY_COLUMNS).order_by(Pilot.created_at)
    return [await _summary(row) for row in rows]


async def frozen_instrument(engine: Engine, slug: str) -> Instrument:
    """The instrument as frozen into the pilot at creation."""
    from pilotkit.instruments import instrument_from_mapping

    row = await Pilot.select(Pilot.instrument).where(Pilot.slug == slug).first()
    if row is None:
        raise NotFoundError(lazy_gettext("no pilot with slug '%(slug)s'", slug=slug))
    return instrument_from_mapping(msgspec.json.decode(row["instrument"]), f"pilot '{slug}'")


async def set_wave_status(engine: Engine, slug: str, wave: str, status: str) -> WaveInfo:
    """Open or close a wave (`open` | `closed` | `not_open`); clears a schedule it overrides.
    Closing keeps the moment it closed in `closes_at`."""
    pilot = await get_pilot(engine, slug)
    target = wave_named(pilot, wave)
    changes: dict = {Wave.status: status}
    if status == "open":
        changes[Wave.opens_at] = None
        if target.closes_at is not None and target.state() == "closed":
            changes[Wave.closes_at] = None
    if status == "closed" and target.state() != "closed":
        # when it closed: a link issued later could not answer it (response rates)
        changes[Wave.closes_at] = datetime.now(UTC)
    async with write_transaction(engine):
        await Wave.update(changes).where(Wave.id == target.id)
        if status == "open":
            from survey_server.services.questionnaires import freeze_in_use

            await freeze_in_use(engine, pilot.id)
    refreshed = await get_pilot(engine, slug)
    return next(w for w in refreshed.waves if w.name == wave)
