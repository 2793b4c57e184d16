"""Focus-group sessions and their notes; edits keep the previous text in the audit log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import msgspec
from piccolo.engine.base import Engine

from pilotkit.instruments import Instrument
from survey_server.database import write_transaction
from survey_server.errors import InvalidFieldsError, InvalidInputError, NotFoundError
from survey_server.i18n.lazy import lazy_gettext
from survey_server.inputs import whole_number
from survey_server.services import audit, concerns
from survey_server.services.accounts import StaffAccount
from survey_server.services.pilots import frozen_instrument
from survey_server.staff_tables import FocusSession, Note
from survey_server.tables import Pilot

KINDS: tuple[str, ...] = ("focus_group", "interview", "small_group")
KIND_LABELS: dict[str, str] = {
    "focus_group": lazy_gettext("Focus group"),
    "interview": lazy_gettext("Interview"),
    "small_group": lazy_gettext("Small group"),
}
SENTIMENTS: tuple[str, ...] = ("positive", "negative", "neutral", "mixed")
SEVERITIES: tuple[str, ...] = ("none", "minor", "major", "blocker")


def is_coded(sentiment: str, severity: str) -> bool:
    """A note counts toward the verdict once its sentiment and severity are chosen."""
    return sentiment in SENTIMENTS and severity in SEVERITIES


MAX_TEXT = 5000
MAX_ATTENDEES = 500


@dataclass(frozen=True)
class SessionInfo:
    id: int
    held_on: str
    kind: str
    attendees: int
    facilitator: str
    notes: int

    @property
    def title(self) -> str:
        """The session as "Focus group on 4 Dec 2026", in the reader's language once shown."""
        kind = KIND_LABELS.get(self.kind, self.kind.replace("_", " ").capitalize())
        return lazy_gettext(
            "%(kind)s on %(date)s", kind=kind, date=date.fromisoformat(self.held_on)
        )


@dataclass(frozen=True)
class NoteInput:
    text: str
    dimensions: list[str]
    sentiment: str
    severity: str
    quote: str = ""
    follow_up: str = ""


async def _instrument_for(pilot_id: int) -> Instrument:
    row = await Pilot.select(Pilot.slug).where(Pilot.id == pilot_id).first()
    if row is None:
        raise NotFoundError(lazy_gettext("no such pilot"))
    return await frozen_instrument(Pilot._meta.db, row["slug"])


def _session_info(row: dict[str, Any], notes: int) -> SessionInfo:
    return SessionInfo(
        row["id"], row["held_on"], row["kind"], row["attendees"], row["facilitator"], notes
    )


async def list_sessions(engine: Engine, pilot_id: int) -> list[SessionInfo]:
    rows = (
        await FocusSession.select()
        .where(FocusSession.pilot == pilot_id)
        .order_by(FocusSession.held_on, ascending=False)
    )
    return [_session_info(r, await Note.count().where(Note.session == r["id"])) for r in rows]


async def create_session(
    engine: Engine,
    user: StaffAccount,
    pilot_id: int,
    *,
    held_on: str,
    kind: str,
    attendees: str,
    facilitator: str,
) -> int:
    errors: dict[str, str] = {}
    try:
        date.fromisoformat(held_on)
    except ValueError:
        errors["held_on"] = lazy_gettext("Enter the date as YYYY-MM-DD.")
    if kind not in KINDS:
        errors["kind"] = lazy_gettext("Choose focus group, interview or small group.")
    try:
        count = whole_number(attendees, "attendees", low=1, high=MAX_ATTENDEES)
    except InvalidFieldsError:
        count = 0
        errors["attendees"] = lazy_gettext(
            "Enter a whole number of attendees between 1 and %(limit)s.",
            limit=MAX_ATTENDEES,
        )
    if not facilitator.strip() or len(facilitator) > 200:
        errors["facilitator"] = lazy_gettext("Enter who facilitated (at most 200 characters).")
    if errors:
        raise NoteFieldsError(errors)
    async with write_transaction(engine):
        rows = await FocusSession.insert(
            FocusSession(
                pilot=pilot_id,
                held_on=held_on,
                kind=kind,
                attendees=count,
                facilitator=facilitator.strip(),
                created_by=user.id,
                created_at=datetime.now(UTC),
            )
        ).returning(FocusSession.id)
        session_id = rows[0]["id"]
        await audit.record(
            user.actor,
            "session.create",
            "focus_session",
            session_id,
            pilot=pilot_id,
            after={"held_on": held_on, "kind": kind, "attendees": count},
        )
    return session_id


async def get_session(engine: Engine, pilot_id: int, session_id: int) -> SessionInfo:
    row = (
        await FocusSession.select()
        .where((FocusSession.id == session_id) & (FocusSession.pilot == pilot_id))
        .first()
    )
    if row is None:
        raise NotFoundError(lazy_gettext("no such session in this pilot"))
    return _session_info(row, await Note.count().where(Note.session == session_id))


class NoteFieldsError(InvalidInputError):
    """Several form fields are wrong: one message per field."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))


def check_note(note: NoteInput, instrument: Instrument) -> NoteInput:
    errors: dict[str, str] = {}
    known = {d.id for d in instrument.dimensions}
    dimensions = [d for d in dict.fromkeys(note.dimensions) if d]
    if not note.text.strip():
        errors["text"] = lazy_gettext("Write what was said or observed.")
    elif len(note.text) > MAX_TEXT:
        errors["text"] = lazy_gettext("Keep the note under %(limit)s characters.", limit=MAX_TEXT)
    if not dimensions:
        errors["dimensions"] = lazy_gettext("Tick at least one dimension.")
    elif unknown := [d for d in dimensions if d not in known]:
        errors["dimensions"] = lazy_gettext(
            "Unknown dimension(s): %(value)s.", value=", ".join(unknown)
        )
    # Either may be left for later ("not yet coded"): nothing is preselected, so a note
    # never counts as "no concern" because nobody chose; see `is_coded`.
    if note.sentiment and note.sentiment not in SENTIMENTS:
        errors["sentiment"] = lazy_gettext("Choose a sentiment.")
    if note.severity and note.severity not in SEVERITIES:
        errors["severity"] = lazy_gettext("Choose a concern severity.")
    if len(note.quote) > MAX_TEXT or len(note.follow_up) > MAX_TEXT:
        errors["quote"] = lazy_gettext(
            "Keep the quote and follow-up under %(limit)s characters.", limit=MAX_TEXT
        )
    if errors:
        raise NoteFieldsError(errors)
    return NoteInput(
        note.text.strip(),
        dimensions,
        note.sentiment,
        note.severity,
        note.quote.strip(),
        note.follow_up.strip(),
    )


def _note_data(note: NoteInput) -> dict[str, Any]:
    return {
        "text": note.text,
        "dimensions": note.dimensions,
        "sentiment": note.sentiment,
        "severity": note.severity,
        "quote": note.quote,
        "follow_up": note.follow_up,
    }


async def add_note(
    engine: Engine, user: StaffAccount, pilot_id: int, session_id: int, note: NoteInput
) -> int:
    await get_session(engine, pilot_id, session_id)
    note = check_note(note, await _instrument_for(pilot_id))
    now = datetime.now(UTC)
    async with write_transaction(engine):
        rows = await Note.insert(
            Note(
                session=session_id,
                text=note.text,
                dimensions=" ".join(note.dimensions),
                sentiment=note.sentiment,
                severity=note.severity,
                quote=note.quote,
                follow_up=note.follow_up,
                created_at=now,
                updated_at=now,
            )
        ).returning(Note.id)
        note_id = rows[0]["id"]
        await audit.record(
            user.actor, "note.create", "note", note_id, pilot=pilot_id, after=_note_data(note)
        )
        await _note_concern(user, pilot_id, session_id, note_id, note)
    return note_id


async def _note_concern(
    user: StaffAccount, pilot_id: int, session_id: int, note_id: int, note: NoteInput
) -> None:
    """A major or blocker note opens a concern in the pilot's register."""
    await concerns.concern_from_note(
        user,
        pilot_id,
        session_id,
        note_id,
        text=note.text,
        dimensions=note.dimensions,
        severity=note.severity,
        quote=note.quote,
    )


def _note_row(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "dimension_list": row["dimensions"].split()}


async def list_notes(engine: Engine, session_id: int) -> list[dict[str, Any]]:
    rows = await Note.select().where(Note.session == session_id).order_by(Note.id, ascending=False)
    return [_note_row(r) for r in rows]


async def get_note(engine: Engine, pilot_id: int, session_id: int, note_id: int) -> dict[str, Any]:
    await get_session(engine, pilot_id, session_id)
    row = await Note.select().where((Note.id == note_id) & (Note.session == session_id)).first()
    if row is None:
        raise NotFoundError(lazy_gettext("no such note in this session"))
    return _note_row(row)


async def edit_note(
    engine: Engine,
    user: StaffAccount,
    pilot_id: int,
    session_id: int,
    note_id: int,
    note: NoteInput,
) -> None:
    current = await get_note(engine, pilot_id, session_id, note_id)
    note = check_note(note, await _instrument_for(pilot_id))
    before = {
        "text": current["text"],
        "dimensions": current["dimension_list"],
        "sentiment": current["sentiment"],
        "severity": current["severity"],
        "quote": current["quote"],
        "follow_up": current["follow_up"],
    }
    async with write_transaction(engine):
        await Note.update(
            {
                Note.text: note.text,
                Note.dimensions: " ".join(note.dimensions),
                Note.sentiment: note.sentiment,
                Note.severity: note.severity,
                Note.quote: note.quote,
                Note.follow_up: note.follow_up,
                Note.updated_at: datetime.now(UTC),
            }
        ).where(Note.id == note_id)
        await audit.record(
            user.actor,
            "note.edit",
            "note",
            note_id,
            pilot=pilot_id,
            before=before,
            after=_note_data(note),
        )
        await _note_concern(user, pilot_id, session_id, note_id, note)


async def note_history(engine: Engine, pilot_id: int, note_id: int) -> list[dict[str, Any]]:
    """Every recorded version of a note, oldest first (from the audit log)."""
    from survey_server.staff_tables import AuditEntry

    rows = (
        await AuditEntry.select()
        .where(
            (AuditEntry.object_type == "note")
            & (AuditEntry.object_id == str(note_id))
            & (AuditEntry.pilot == pilot_id)
        )
        .order_by(AuditEntry.id)
    )
    for row in rows:
        if isinstance(row["after"], str):
            row["after"] = msgspec.json.decode(row["after"])
    return rows
