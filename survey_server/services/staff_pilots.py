"""Staff side of pilots: creation with membership and audit, waves, links, dashboard.

Links are shown only once (the database keeps a hash). Issuing a batch keeps its links in
`invitation_batch` for BATCH_TTL_S so the manager can download the CSV and print the QR
sheet right after issuing. They are sealed with the batch's key (`services.sealed`),
which is in the issuer's address bar and nowhere in the database (only its hash, to find
the row): a copy of the database opens no form. Expired batches are purged on every
issue and read, and by the background worker's sweep. Links issued here carry a short
code for the printed card (`invitation_codes`); the batch keeps it sealed with the link.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime
from datetime import time as day_time

import msgspec
from piccolo.engine.base import Engine
from piccolo.querystring import QueryString

from pilotkit.instruments import Instrument, available_instruments, load_instrument_file
from survey_server.database import write_transaction
from survey_server.errors import ConflictError, InvalidInputError, NotFoundError
from survey_server.i18n.lazy import lazy_gettext
from survey_server.services import audit
from survey_server.services.accounts import StaffAccount, visible_pilot_ids
from survey_server.services.invitation_codes import (
    code_token,
    grouped,
    replace_code,
    unused_codes,
)
from survey_server.services.invitations import invite
from survey_server.services.pilots import PilotSummary, create_pilot, get_pilot, set_wave_status
from survey_server.services.sealed import seal, unseal
from survey_server.services.tokens import hash_token
from survey_server.services.waves import WaveInfo
from survey_server.staff_tables import InvitationBatch, Membership
from survey_server.tables import Participant, Pilot, Wave

BATCH_TTL_S = 3600
MAX_BATCH = 2000  # links issued from the web page at once (the CLI allows more)


@dataclass(frozen=True)
class InstrumentChoice:
    id: str
    title: str
    version: int
    anonymous: bool
    waves: list[str]


def instrument_choices() -> list[InstrumentChoice]:
    """The instruments of the instruments folder(s) that load without error."""
    found: dict[str, InstrumentChoice] = {}
    for path in available_instruments():
        try:
            instrument = load_instrument_file(path)
        except Exception:  # a broken file is reported by `pilotkit instruments validate`
            continue
        found.setdefault(
            instrument.id,
            InstrumentChoice(
                instrument.id,
                instrument.text(instrument.title),
                instrument.version,
                instrument.anonymous,
                instrument.wave_ids,
            ),
        )
    return sorted(found.values(), key=lambda c: c.title)


def _instrument(instrument_id: str) -> Instrument:
    for path in available_instruments():
        try:
            instrument = load_instrument_file(path)
        except Exception:
            continue
        if instrument.id == instrument_id:
            return instrument
    raise InvalidInputError(
        lazy_gettext(
            "no instrument '%(instrument_id)s' in the instruments folder",
            instrument_id=instrument_id,
        )
    )


async def pilots_for(engine: Engine, user: StaffAccount) -> list[PilotSummary]:
    visible = await visible_pilot_ids(user)
    query = Pilot.select(Pilot.slug).order_by(Pilot.created_at, ascending=False)
    if visible is not None:
        if not visible:
            return []
        query = query.where(Pilot.id.is_in(list(visible)))
    return [await get_pilot(engine, row["slug"]) for row in await query]


def _day(value: str, field: str, end: bool = False) -> datetime | None:
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise InvalidInputError(
            lazy_gettext(
                "%(field)s: '%(value)s' is not a date (YYYY-MM-DD)", field=field, value=value
            )
        ) from None
    return datetime.combine(day, day_time.max if end else day_time.min, tzinfo=UTC)


async def create_pilot_as(
    engine: Engine,
    user: StaffAccount,
    *,
    instrument_id: str,
    slug: str,
    name: str,
    technology: str,
    objectives: str,
    anonymous: bool,
    wave_dates: dict[str, tuple[str, str]],
) -> PilotSummary:
    """Create the pilot, make its creator a member, set wave dates, record it all."""
    instrument = _instrument(instrument_id)
    schedule: dict[str, tuple[datetime | None, datetime | None]] = {}
    for wave in instrument.wave_ids:
        opens, closes = wave_dates.get(wave, ("", ""))
        opens_at = _day(opens, f"{wave} opens")
        closes_at = _day(closes, f"{wave} closes", end=True)
        if opens_at and closes_at and closes_at <= opens_at:
            raise InvalidInputError(
                lazy_gettext("%(wave)s closes: must be after the day it opens", wave=wave)
            )
        schedule[wave] = (opens_at, closes_at)
    async with write_transaction(engine):
        pilot = await create_pilot(
            engine,
            slug=slug,
            instrument=instrument,
            name=name or None,
            anonymous=anonymous,
            technology=technology,
            objectives=objectives,
        )
        for wave, (opens_at, closes_at) in schedule.items():
            await Wave.update({Wave.opens_at: opens_at, Wave.closes_at: closes_at}).where(
                (Wave.pilot == pilot.id) & (Wave.name == wave)
            )
        await Membership.insert(Membership(user=user.id, pilot=pilot.id))
        await audit.record(
            user.actor,
            "pilot.create",
            "pilot",
            pilot.id,
            pilot=pilot.id,
            after={
                "slug": slug,
                "name": pilot.name,
                "instrument": f"{instrument.id} v{instrument.version}",
                "anonymous": pilot.anonymous,
                "technology": technology,
                "objectives": objectives,
                "waves": {w: [str(o or ""), str(c or "")] for w, (o, c) in schedule.items()},
            },
        )
    return await get_pilot(engine, slug)


async def change_wave(
    engine: Engine, user: StaffAccount, slug: str, wave: str, status: str
) -> None:
    if status not in ("open", "closed"):
        raise InvalidInputError(
            lazy_gettext("a wave can be opened or closed, not '%(status)s'", status=status)
        )
    pilot = await get_pilot(engine, slug)
    before = next((w for w in pilot.waves if w.name == wave), None)
    async with write_transaction(engine):
        after = await set_wave_status(engine, slug, wave, status)
        await audit.record(
            user.actor,
            f"wave.{'open' if status == 'open' else 'close'}",
            "wave",
            after.id,
            pilot=pilot.id,
            before={"wave": wave, "status": before.status if before else None},
            after={"wave": wave, "status": after.status},
        )


# -- links -----------------------------------------------------------------------


@dataclass(frozen=True)
class Link:
    participant_id: str
    wave: str
    url: str
    code: str = ""  # as printed (`K7QMX-3TD9R`)


def _key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


_SEALED_LINKS = "invitation links"


def _sealed_links(key: str, links: list[list[str]]) -> str:
    """The batch's links as the JSON text stored in `invitation_batch.links`."""
    return msgspec.json.encode(
        seal(key.encode(), _SEALED_LINKS, msgspec.json.encode(links).decode())
    ).decode()


async def _purge_batches() -> int:
    deleted = (
        await InvitationBatch.delete()
        .where(InvitationBatch.expires_at < int(time.time()))
        .returning(InvitationBatch.id)
    )
    return len(deleted)


async def purge_expired_batches(engine: Engine) -> int:
    """Delete the batches whose hour is over (the background worker's sweep); how many."""
    async with write_transaction(engine):
        return await _purge_batches()


async def issue_links(
    engine: Engine,
    user: StaffAccount,
    slug: str,
    count: int,
    base_url: str,
    code_key: bytes,
    wave: str | None = None,
) -> str:
    """Issue `count` links; returns the key of the batch that shows them for an hour.

    An anonymous pilot's batch keeps no participant ids, and neither does its audit entry:
    whoever hands out the cards cannot tie a person to an exported `participant_id`.
    """
    if count < 1 or count > MAX_BATCH:
        raise InvalidInputError(
            lazy_gettext(
                "number of links: between 1 and %(limit)s, not %(count)s",
                limit=MAX_BATCH,
                count=count,
            )
        )
    pilot = await get_pilot(engine, slug)
    key = secrets.token_urlsafe(24)
    async with write_transaction(engine):
        invitations = await invite(engine, slug, count, wave=wave or None, code_key=code_key)
        links = [
            [
                "" if pilot.anonymous else i.participant_id,
                i.wave,
                f"{base_url}/f/{i.token}",
                grouped(i.code),
            ]
            for i in invitations
        ]
        await _purge_batches()
        await InvitationBatch.insert(
            InvitationBatch(
                key_hash=_key_hash(key),
                pilot=pilot.id,
                user=user.id,
                links=_sealed_links(key, links),
                expires_at=int(time.time()) + BATCH_TTL_S,
            )
        )
        await audit.record(
            user.actor,
            "invitation.issue",
            "invitation_batch",
            f"{count} links",
            pilot=pilot.id,
            after=(
                {"links": count, "wave": wave or ""}
                if pilot.anonymous
                else {"participants": [i.participant_id for i in invitations], "wave": wave or ""}
            ),
        )
    return key


async def batch_links(engine: Engine, user: StaffAccount, pilot_id: int, key: str) -> list[Link]:
    """The links of a batch this user issued, while it lasts."""
    async with write_transaction(engine):
        await _purge_batches()
    row = (
        await InvitationBatch.select(InvitationBatch.links)
        .where(
            (InvitationBatch.key_hash == _key_hash(key))
            & (InvitationBatch.pilot == pilot_id)
            & (InvitationBatch.user == user.id)
        )
        .first()
    )
    if row is None:
        raise NotFoundError(
            lazy_gettext(
                "these links are no longer available (they are kept for one hour after issuing); "
                "reissue the links you still need"
            )
        )
    stored = row["links"]
    if isinstance(stored, str):
        stored = msgspec.json.decode(stored)
    opened = unseal(key.encode(), _SEALED_LINKS, stored) if isinstance(stored, str) else None
    if opened is None:
        raise NotFoundError(
            lazy_gettext("these links cannot be read; reissue the links you still need")
        )
    return [Link(*row) for row in msgspec.json.decode(opened)]


async def reissue_link(
    engine: Engine,
    user: StaffAccount,
    pilot_id: int,
    participant_id: str,
    base_url: str,
    code_key: bytes,
) -> str:
    """A new link and code for a participant who lost theirs; the old ones stop working.
    Returns the key of a one-link batch. Anonymous pilots refuse: nobody is meant to know
    whose link is whose, so there is no participant id to reissue by."""
    anonymous = await Pilot.select(Pilot.anonymous).where(Pilot.id == pilot_id).first()
    if anonymous is not None and anonymous["anonymous"]:
        raise ConflictError(
            lazy_gettext(
                "links of an anonymous pilot cannot be reissued by participant id; "
                "issue a new link instead"
            )
        )
    participant_id = participant_id.strip()
    row = (
        await Participant.select(Participant.id, Participant.wave.name)
        .where((Participant.pilot == pilot_id) & (Participant.pseudonym == participant_id))
        .first()
    )
    if row is None:
        raise NotFoundError(
            lazy_gettext(
                "participant id: no participant '%(participant_id)s' in this pilot; copy the id "
                "from the links file or the list of those who have not answered",
                participant_id=participant_id,
            )
        )
    key = secrets.token_urlsafe(24)
    wave = row["wave.name"] or ""
    async with write_transaction(engine):
        code = (await unused_codes(code_key, 1))[0]
        token = code_token(code_key, code)
        link = f"{base_url}/f/{token}"
        await Participant.update({Participant.token_hash: hash_token(token)}).where(
            Participant.id == row["id"]
        )
        await replace_code(code_key, row["id"], code)
        await _purge_batches()
        await InvitationBatch.insert(
            InvitationBatch(
                key_hash=_key_hash(key),
                pilot=pilot_id,
                user=user.id,
                links=_sealed_links(key, [[participant_id, wave, link, grouped(code)]]),
                expires_at=int(time.time()) + BATCH_TTL_S,
            )
        )
        await audit.record(
            user.actor,
            "invitation.reissue",
            "participant",
            participant_id,
            pilot=pilot_id,
            after={"participant": participant_id, "previous_link": "revoked"},
        )
    return key


# -- dashboard -------------------------------------------------------------------


@dataclass(frozen=True)
class WaveFigures:
    name: str
    state: str
    opens_at: datetime | None
    closes_at: datetime | None
    invited: int
    started: int
    submitted: int

    @property
    def rate(self) -> float:
        return self.submitted / self.invited if self.invited else 0.0


@dataclass(frozen=True)
class Dashboard:
    pilot: PilotSummary
    waves: list[WaveFigures]
    paired: int
    not_answered: dict[str, list[str]]


_STARTED_SQL = """
SELECT d."wave", COUNT(*) AS n FROM "draft" d
JOIN "wave" w ON w."id" = d."wave"
JOIN "participant" p ON p."id" = d."participant"
WHERE w."pilot" = {} AND NOT p."test" AND NOT EXISTS (
  SELECT 1 FROM "submission" s WHERE s."participant" = d."participant" AND s."wave" = d."wave")
GROUP BY d."wave"
"""
_PAIRED_SQL = """
SELECT COUNT(*) AS n FROM (
  SELECT s."participant" FROM "submission" s JOIN "wave" w ON w."id" = s."wave"
  JOIN "participant" p ON p."id" = s."participant"
  WHERE w."pilot" = {} AND NOT p."test"
  GROUP BY s."participant" HAVING COUNT(DISTINCT s."wave") >= 2
) paired
"""
_NOT_ANSWERED_SQL = """
SELECT p."pseudonym" FROM "participant" p
WHERE p."pilot" = {} AND NOT p."test" AND (p."wave" IS NULL OR p."wave" = {})
AND NOT EXISTS (SELECT 1 FROM "submission" s WHERE s."participant" = p."id" AND s."wave" = {})
"""
_INVITED_SQL = """
SELECT COUNT(*) AS n FROM "participant" p
WHERE p."pilot" = {} AND NOT p."test" AND (p."wave" IS NULL OR p."wave" = {})
"""
#: Issued before the wave closed, or answered it anyway: a link that could answer.
_COULD_ANSWER_SQL = """
AND (p."created_at" < {} OR EXISTS (
  SELECT 1 FROM "submission" s WHERE s."participant" = p."id" AND s."wave" = {}))
"""


def _eligible(wave: WaveInfo) -> tuple[str, tuple[object, ...]]:
    """The condition on participants `p` that could answer `wave`: every link while it
    is open or not yet open; once closed, the links issued before it closed (a closed
    wave without a closing time, from before the time was kept, counts every link)."""
    if wave.state() == "closed" and wave.closes_at is not None:
        return _COULD_ANSWER_SQL, (wave.closes_at, wave.id)
    return "", ()


async def dashboard(engine: Engine, pilot_id: int, *, with_names: bool) -> Dashboard:
    """Response figures per wave; `with_names` adds who has not answered (linked pilots)."""
    slug_row = await Pilot.select(Pilot.slug).where(Pilot.id == pilot_id).first()
    if slug_row is None:
        raise NotFoundError(lazy_gettext("no such pilot"))
    pilot = await get_pilot(engine, slug_row["slug"])
    started_rows = await engine.run_querystring(QueryString(_STARTED_SQL, pilot_id))
    drafted = {r["wave"]: r["n"] for r in started_rows}
    figures: list[WaveFigures] = []
    not_answered: dict[str, list[str]] = {}
    for wave in pilot.waves:
        condition, params = _eligible(wave)
        rows = await engine.run_querystring(
            QueryString(_INVITED_SQL + condition, pilot_id, wave.id, *params)
        )
        submitted = pilot.submissions.get(wave.name, 0)
        figures.append(
            WaveFigures(
                wave.name,
                wave.state(),
                wave.opens_at,
                wave.closes_at,
                int(rows[0]["n"]),
                drafted.get(wave.id, 0) + submitted,  # started: a draft or the answers
                submitted,
            )
        )
        if with_names and not pilot.anonymous and wave.state() != "not_yet_open":
            sql = _NOT_ANSWERED_SQL + condition + 'ORDER BY p."pseudonym" LIMIT 500'
            rows = await engine.run_querystring(
                QueryString(sql, pilot_id, wave.id, wave.id, *params)
            )
            not_answered[wave.name] = [r["pseudonym"] for r in rows]
    paired = 0
    if not pilot.anonymous:
        paired_rows = await engine.run_querystring(QueryString(_PAIRED_SQL, pilot_id))
        paired = paired_rows[0]["n"] if paired_rows else 0
    return Dashboard(pilot, figures, paired, not_answered)
