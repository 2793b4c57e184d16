"""The concern register of a pilot: where concerns come from and how they are dealt with.

Lifecycle (docs/concerns.md): open → planned (owner, due date, what will be done) →
mitigated (what was done, with evidence) → verified (by someone other than the owner);
or open/planned/mitigated → accepted (an executive accepts the risk, with a rationale).
Every step is one write transaction with its audit entry; nothing is ever deleted (a
database trigger refuses it).

A concern comes from a focus-group note of severity major or blocker (`note`), from an
area a report run found declined or inconclusive (`run`), or is added by hand (`manual`),
for example from an open-text answer, quoted under the report's privacy rules.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from piccolo.engine.base import Engine
from piccolo.querystring import QueryString

from survey_server.concern_tables import Concern
from survey_server.database import write_transaction
from survey_server.errors import ConflictError, InvalidInputError, NotFoundError
from survey_server.i18n.lazy import lazy_gettext
from survey_server.services import audit
from survey_server.services.accounts import StaffAccount
from survey_server.services.pilots import frozen_instrument
from survey_server.staff_tables import FocusSession, Membership, Note, StaffUser
from survey_server.tables import Pilot

SEVERITIES: tuple[str, ...] = ("major", "blocker")
STATUSES: tuple[str, ...] = ("open", "planned", "mitigated", "verified", "accepted")
SOURCES: tuple[str, ...] = ("note", "run", "manual")
#: Statuses after which a concern no longer holds the verdict back (or only to conditional).
CLOSED: frozenset[str] = frozenset({"verified", "accepted"})
#: A quote from a group smaller than this could point at one person (as in the report).
MIN_GROUP = 5
MAX_TITLE = 500
MAX_TEXT = 5000
#: A run's area verdict and the severity of the concern it raises.
RUN_SEVERITY: dict[str, str] = {"declined": "blocker", "inconclusive": "major"}
_WORD = re.compile(r"[^\W\d_]{3,}")


class ConcernFieldsError(InvalidInputError):
    """One message per form field; nothing was written."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))


@dataclass(frozen=True)
class ConcernInput:
    """A concern added by hand; `quote_item` names the open-text question quoted."""

    title: str
    severity: str
    dimension: str = ""
    quote: str = ""
    quote_item: str = ""


def _now() -> int:
    return int(time.time())


async def list_concerns(engine: Engine, pilot_id: int) -> list[dict[str, Any]]:
    """The register, oldest first."""
    return await Concern.select().where(Concern.pilot == pilot_id).order_by(Concern.id)


async def get_concern(engine: Engine, pilot_id: int, concern_id: int) -> dict[str, Any]:
    row = (
        await Concern.select()
        .where((Concern.id == concern_id) & (Concern.pilot == pilot_id))
        .first()
    )
    if row is None:
        raise NotFoundError(lazy_gettext("no such concern in this pilot"))
    return row


async def concern_history(engine: Engine, pilot_id: int, concern_id: int) -> list[dict[str, Any]]:
    """Every step of one concern, oldest first (from the audit log)."""
    from survey_server.staff_tables import AuditEntry

    rows = (
        await AuditEntry.select()
        .where(
            (AuditEntry.object_type == "concern")
            & (AuditEntry.object_id == str(concern_id))
            & (AuditEntry.pilot == pilot_id)
        )
        .order_by(AuditEntry.id)
    )
    return rows


def _snapshot(row: Mapping[str, Any]) -> dict[str, Any]:
    keys = (
        "status",
        "severity",
        "owner_email",
        "due_on",
        "plan",
        "mitigation",
        "evidence",
        "evidence_note",
        "verification",
        "verified_by_email",
        "rationale",
        "accepted_by_email",
    )
    return {key: row.get(key) for key in keys}


# --- where concerns come from --------------------------------------------------------


async def _note_quote(session_id: int, quote: str) -> str:
    """A note's quote, kept only when the session had at least MIN_GROUP attendees."""
    if not quote:
        return ""
    row = await FocusSession.select(FocusSession.attendees).where(FocusSession.id == session_id)
    return quote if row and row[0]["attendees"] >= MIN_GROUP else ""


async def concern_from_note(
    user: StaffAccount,
    pilot_id: int,
    session_id: int,
    note_id: int,
    *,
    text: str,
    dimensions: list[str],
    severity: str,
    quote: str,
) -> int | None:
    """Open (or keep up to date) the concern of a major or blocker note.

    Call inside the transaction that writes the note. A concern still open follows its
    note's severity and wording; one already being dealt with is left as it is.
    """
    existing = await Concern.select().where(Concern.note == note_id).first()
    if severity not in SEVERITIES:
        return existing["id"] if existing else None
    title = text[:MAX_TITLE]
    dimension = " ".join(dimensions)
    kept_quote = await _note_quote(session_id, quote)
    if existing is not None:
        if existing["status"] == "open" and (
            existing["severity"] != severity or existing["title"] != title
        ):
            await Concern.update(
                {
                    Concern.severity: severity,
                    Concern.title: title,
                    Concern.dimension: dimension,
                    Concern.quote: kept_quote,
                    Concern.updated_at: _now(),
                }
            ).where(Concern.id == existing["id"])
            await audit.record(
                user.actor,
                "concern.follow_note",
                "concern",
                existing["id"],
                pilot=pilot_id,
                before={"severity": existing["severity"], "title": existing["title"]},
                after={"severity": severity, "title": title},
            )
        return existing["id"]
    return await _insert(
        user,
        pilot_id,
        source="note",
        note=note_id,
        dimension=dimension,
        severity=severity,
        title=title,
        quote=kept_quote,
    )


async def _insert(user: StaffAccount, pilot_id: int, **values: Any) -> int:
    now = _now()
    rows = await Concern.insert(
        Concern(
            pilot=pilot_id,
            status="open",
            created_by_email=user.email,
            created_at=now,
            updated_at=now,
            **values,
        )
    ).returning(Concern.id)
    concern_id = rows[0]["id"]
    await audit.record(
        user.actor,
        "concern.open",
        "concern",
        concern_id,
        pilot=pilot_id,
        after={k: values.get(k) for k in ("source", "severity", "dimension", "title", "run_id")},
    )
    return concern_id


async def concerns_from_run(
    engine: Engine,
    actor: StaffAccount,
    pilot_id: int,
    run_id: str,
    dimensions: Iterable[Mapping[str, Any]],
) -> list[int]:
    """Open a concern per area a run found declined or inconclusive (summary.json's
    `dimensions`), unless the register already has a run concern of that area and severity:
    the area's concern carries over from run to run until it is dealt with."""
    opened: list[int] = []
    async with write_transaction(engine):
        for dimension in dimensions:
            severity = RUN_SEVERITY.get(str(dimension.get("verdict")))
            area = str(dimension.get("id") or "")
            if severity is None or not area:
                continue
            if await Concern.exists().where(
                (Concern.pilot == pilot_id)
                & (Concern.source == "run")
                & (Concern.dimension == area)
                & (Concern.severity == severity)
            ):
                continue
            label = str(dimension.get("label") or area)
            verdict = str(dimension.get("verdict"))
            opened.append(
                await _insert(
                    actor,
                    pilot_id,
                    source="run",
                    run_id=run_id,
                    dimension=area,
                    severity=severity,
                    title=f"{label} was {verdict} in report run {run_id}."[:MAX_TITLE],
                )
            )
    return opened


async def _name_words(engine: Engine, pilot_id: int) -> set[str]:
    """Words of the names this pilot knows: its contacts, facilitators and staff."""
    words: set[str] = set()
    queries = [
        QueryString('SELECT "name" AS v FROM "contact" WHERE "pilot" = {}', pilot_id),
        QueryString('SELECT "facilitator" AS v FROM "focus_session" WHERE "pilot" = {}', pilot_id),
    ]
    for query in queries:
        for row in await engine.run_querystring(query):
            words.update(w.lower() for w in _WORD.findall(str(row["v"] or "")))
    user_ids = [
        r["user"]
        for r in await Membership.select(Membership.user).where(Membership.pilot == pilot_id)
    ]
    members = (
        await StaffUser.select(StaffUser.email).where(StaffUser.id.is_in(user_ids))
        if user_ids
        else []
    )
    for member in members:
        local = str(member["email"]).split("@")[0]
        words.update(w.lower() for w in _WORD.findall(local.replace(".", " ")))
    return words


async def _answer_count(engine: Engine, pilot_id: int, item_id: str) -> int:
    rows = await engine.run_querystring(
        QueryString(
            'SELECT COUNT(DISTINCT p."id") AS n FROM "answer" a '
            'JOIN "submission" s ON s."id" = a."submission" '
            'JOIN "participant" p ON p."id" = s."participant" '
            'WHERE p."pilot" = {} AND p."test" = {} AND a."item_id" = {} AND a."value" <> \'\'',
            pilot_id,
            False,
            item_id,
        )
    )
    return int(rows[0]["n"]) if rows else 0


async def check_manual(engine: Engine, pilot_id: int, data: ConcernInput) -> ConcernInput:
    """The concern's fields, checked; a quote only under the report's privacy rules."""
    errors: dict[str, str] = {}
    slug = (await Pilot.select(Pilot.slug).where(Pilot.id == pilot_id).first() or {}).get("slug")
    instrument = await frozen_instrument(engine, str(slug))
    title, quote, quote_item = data.title.strip(), data.quote.strip(), data.quote_item.strip()
    if not title:
        errors["title"] = lazy_gettext("Say in a sentence what the concern is.")
    elif len(title) > MAX_TITLE:
        errors["title"] = lazy_gettext(
            "Keep the concern under %(limit)s characters.", limit=MAX_TITLE
        )
    if data.severity not in SEVERITIES:
        errors["severity"] = lazy_gettext("Choose major or blocker.")
    known = {d.id for d in instrument.dimensions}
    if data.dimension and data.dimension not in known:
        errors["dimension"] = lazy_gettext("Choose an area of the questionnaire, or none.")
    if quote:
        text_items = {i.id for i in instrument.items if i.type == "text"}
        if len(quote) > MAX_TEXT:
            errors["quote"] = lazy_gettext(
                "Keep the quote under %(limit)s characters.", limit=MAX_TEXT
            )
        elif quote_item not in text_items:
            errors["quote_item"] = lazy_gettext("Choose the open-text question the quote answers.")
        elif await _answer_count(engine, pilot_id, quote_item) < MIN_GROUP:
            errors["quote"] = lazy_gettext(
                "Fewer than %(minimum)s people answered this question: a quote could point at one "
                "of them. Describe the concern in your own words instead.",
                minimum=MIN_GROUP,
            )
        elif {w.lower() for w in _WORD.findall(quote)} & await _name_words(engine, pilot_id):
            errors["quote"] = lazy_gettext("The quote contains a name. Leave names out of quotes.")
    if errors:
        raise ConcernFieldsError(errors)
    return ConcernInput(title, data.severity, data.dimension, quote, quote_item if quote else "")


async def add_concern(engine: Engine, user: StaffAccount, pilot_id: int, data: ConcernInput) -> int:
    data = await check_manual(engine, pilot_id, data)
    async with write_transaction(engine):
        return await _insert(
            user,
            pilot_id,
            source="manual",
            dimension=data.dimension,
            severity=data.severity,
            title=data.title,
            quote=data.quote,
        )


# --- the lifecycle ---------------------------------------------------------------------


async def _step(
    engine: Engine,
    user: StaffAccount,
    pilot_id: int,
    concern_id: int,
    *,
    action: str,
    allowed_from: tuple[str, ...],
    changes: dict[str, Any],
) -> None:
    """Move a concern on, if its status (read inside the transaction) allows it."""
    async with write_transaction(engine):
        current = await get_concern(engine, pilot_id, concern_id)
        if current["status"] not in allowed_from:
            raise ConflictError(
                lazy_gettext(
                    "this concern is %(current)s: it cannot be %(action)s now",
                    current=current["status"],
                    action=action.split(".")[-1],
                )
            )
        columns = {getattr(Concern, key): value for key, value in changes.items()}
        columns[Concern.updated_at] = _now()
        await Concern.update(columns).where(
            (Concern.id == concern_id) & (Concern.pilot == pilot_id)
        )
        await audit.record(
            user.actor,
            action,
            "concern",
            concern_id,
            pilot=pilot_id,
            before=_snapshot(current),
            after={**_snapshot(current), **changes},
        )


def _text(errors: dict[str, str], name: str, value: str, message: str) -> str:
    value = value.strip()
    if not value:
        errors[name] = message
    elif len(value) > MAX_TEXT:
        errors[name] = lazy_gettext("Keep it under %(limit)s characters.", limit=MAX_TEXT)
    return value


async def _member_email(pilot_id: int, email: str) -> str | None:
    email = email.strip().lower()
    row = await StaffUser.select(StaffUser.id, StaffUser.role).where(StaffUser.email == email)
    if not row:
        return None
    if row[0]["role"] == "admin":
        return email
    member = await Membership.exists().where(
        (Membership.user == row[0]["id"]) & (Membership.pilot == pilot_id)
    )
    return email if member else None


async def plan_action(
    engine: Engine,
    user: StaffAccount,
    pilot_id: int,
    concern_id: int,
    *,
    owner: str,
    due_on: str,
    plan: str,
) -> None:
    """open (or planned: re-planned) → planned."""
    errors: dict[str, str] = {}
    owner_email = await _member_email(pilot_id, owner)
    if owner_email is None:
        errors["owner"] = lazy_gettext("Enter the e-mail of a staff member of this pilot.")
    try:
        date.fromisoformat(due_on)
    except ValueError:
        errors["due_on"] = lazy_gettext("Enter the due date as YYYY-MM-DD.")
    plan = _text(errors, "plan", plan, "Say what will be done.")
    if errors:
        raise ConcernFieldsError(errors)
    await _step(
        engine,
        user,
        pilot_id,
        concern_id,
        action="concern.plan",
        allowed_from=("open", "planned"),
        changes={"status": "planned", "owner_email": owner_email, "due_on": due_on, "plan": plan},
    )


async def _pilot_note(pilot_id: int, note: str, errors: dict[str, str], name: str) -> int | None:
    """A note id of this pilot (a follow-up session's note), or None when left empty."""
    if not note.strip():
        return None
    if not note.strip().isdigit():
        errors[name] = lazy_gettext("Choose a note of this pilot's sessions.")
        return None
    row = await Note.select(Note.id, Note.session.pilot).where(Note.id == int(note)).first()  # type: ignore[attr-defined]
    if row is None or row["session.pilot"] != pilot_id:
        errors[name] = lazy_gettext("Choose a note of this pilot's sessions.")
        return None
    return int(note)


async def record_mitigation(
    engine: Engine,
    user: StaffAccount,
    pilot_id: int,
    concern_id: int,
    *,
    mitigation: str,
    evidence: str,
    evidence_note: str = "",
) -> None:
    """planned → mitigated: what was done, with evidence (text, a link, or a note)."""
    errors: dict[str, str] = {}
    mitigation = _text(errors, "mitigation", mitigation, "Say what was done.")
    evidence = evidence.strip()
    if len(evidence) > MAX_TEXT:
        errors["evidence"] = lazy_gettext("Keep it under %(limit)s characters.", limit=MAX_TEXT)
    note_id = await _pilot_note(pilot_id, evidence_note, errors, "evidence_note")
    if not evidence and note_id is None and "evidence_note" not in errors:
        errors["evidence"] = lazy_gettext(
            "Give the evidence: a text, a link, or a follow-up session's note."
        )
    if errors:
        raise ConcernFieldsError(errors)
    await _step(
        engine,
        user,
        pilot_id,
        concern_id,
        action="concern.mitigate",
        allowed_from=("planned",),
        changes={
            "status": "mitigated",
            "mitigation": mitigation,
            "evidence": evidence,
            "evidence_note": note_id,
        },
    )


async def verify(
    engine: Engine,
    user: StaffAccount,
    pilot_id: int,
    concern_id: int,
    *,
    verification: str,
    evidence_note: str = "",
) -> None:
    """mitigated → verified, by someone other than the owner of the action."""
    current = await get_concern(engine, pilot_id, concern_id)
    if current["owner_email"] == user.email.lower():
        raise ConflictError(
            lazy_gettext("you own this concern's action: someone else verifies the mitigation")
        )
    errors: dict[str, str] = {}
    verification = _text(errors, "verification", verification, "Say how it was verified.")
    note_id = await _pilot_note(pilot_id, evidence_note, errors, "evidence_note")
    if errors:
        raise ConcernFieldsError(errors)
    changes: dict[str, Any] = {
        "status": "verified",
        "verification": verification,
        "verified_by_email": user.email,
    }
    if note_id is not None:
        changes["evidence_note"] = note_id
    await _step(
        engine,
        user,
        pilot_id,
        concern_id,
        action="concern.verify",
        allowed_from=("mitigated",),
        changes=changes,
    )


async def accept_risk(
    engine: Engine, user: StaffAccount, pilot_id: int, concern_id: int, *, rationale: str
) -> None:
    """open, planned or mitigated → accepted: an executive accepts the risk in writing."""
    errors: dict[str, str] = {}
    rationale = _text(errors, "rationale", rationale, "Write why the risk is accepted.")
    if errors:
        raise ConcernFieldsError(errors)
    await _step(
        engine,
        user,
        pilot_id,
        concern_id,
        action="concern.accept",
        allowed_from=("open", "planned", "mitigated"),
        changes={"status": "accepted", "rationale": rationale, "accepted_by_email": user.email},
    )


async def open_counts(engine: Engine, pilot_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    """Per pilot: concerns not yet verified or accepted, by severity."""
    ids = list(pilot_ids)
    counts: dict[int, dict[str, int]] = {p: dict.fromkeys(SEVERITIES, 0) for p in ids}
    if not ids:
        return counts
    rows = await Concern.select(Concern.pilot, Concern.severity).where(
        Concern.pilot.is_in(ids) & Concern.status.not_in(list(CLOSED))
    )
    for row in rows:
        counts[row["pilot"]][row["severity"]] = counts[row["pilot"]].get(row["severity"], 0) + 1
    return counts


async def note_choices(engine: Engine, pilot_id: int) -> list[tuple[int, str]]:
    """The pilot's notes, newest first, as (id, "date: text…") for an evidence choice."""
    rows = await engine.run_querystring(
        QueryString(
            'SELECT n."id", s."held_on", n."text" FROM "note" n '
            'JOIN "focus_session" s ON s."id" = n."session" '
            'WHERE s."pilot" = {} ORDER BY n."id" DESC LIMIT 200',
            pilot_id,
        )
    )
    return [(r["id"], f"{r['held_on']}: {str(r['text'])[:80]}") for r in rows]
