"""Invitations and reminders per wave: reminder plans, send batches, the dashboard.

A send batch puts one outbox row per recipient (the worker sends them, see
`survey_server.outreach_worker`). Who receives what:

- an invitation goes once per contact and wave to every active contact;
- a reminder goes to the active contacts who were e-mailed the wave's invitation and,
  in a linked pilot, have not submitted the wave; at most `max_reminders` per contact
  and wave, at least `gap_days` after the previous message, never to a closed wave.
  Anonymous pilots know nobody's answers: reminders go to everyone invited.

The unique index (contact, wave, kind, sequence) makes a second batch with the same
messages insert nothing, so automatic reminders planned by several server processes at
once go out once. Times are Unix seconds given by the caller (`now`), so schedules are
tested with a movable clock.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import msgspec
from piccolo.engine.base import Engine
from piccolo.querystring import QueryString

from survey_server.database import write_transaction
from survey_server.errors import ConflictError, InvalidInputError, NotFoundError
from survey_server.i18n.lazy import lazy_gettext
from survey_server.mail import new_message_id
from survey_server.outreach_tables import Outbox, OutreachBatch, ReminderPlan
from survey_server.services import audit
from survey_server.services.audit import Actor
from survey_server.services.contacts import PilotFacts, pilot_facts
from survey_server.services.mail_templates import KINDS, MailText, digest, pilot_texts
from survey_server.services.sealed import seal
from survey_server.services.tokens import hash_token, new_pseudonym, new_token
from survey_server.services.waves import WaveInfo
from survey_server.tables import Participant, Wave

DAY_S = 86_400
DEFAULT_MAX_REMINDERS = 2
DEFAULT_GAP_DAYS = 3
MAX_REMINDERS = 10
MAX_GAP_DAYS = 60
FINAL = ("sent", "failed", "cancelled")
#: What an anonymous pilot's queued link is sealed for (`services.sealed`).
OUTBOX_LINK = "outbox link"

#: The states of a message in the outbox, as its list page filters them.
MESSAGE_STATES: tuple[str, ...] = ("queued", "sending", "sent", "failed", "cancelled")


class SendFieldsError(InvalidInputError):
    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))


def now_s() -> int:
    return int(time.time())


def _dt(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value)).replace(tzinfo=UTC)


async def pilot_waves(pilot_id: int) -> list[WaveInfo]:
    rows = await Wave.select().where(Wave.pilot == pilot_id).order_by(Wave.position)
    return [
        WaveInfo(
            id=r["id"],
            name=r["name"],
            position=r["position"],
            status=r["status"],
            opens_at=_dt(r["opens_at"]),
            closes_at=_dt(r["closes_at"]),
        )
        for r in rows
    ]


async def wave_named(pilot_id: int, name: str) -> WaveInfo:
    for wave in await pilot_waves(pilot_id):
        if wave.name == name:
            return wave
    raise NotFoundError(lazy_gettext("this pilot has no wave '%(name)s'", name=name))


# -- reminder plans -------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    wave: str
    automatic: bool
    max_reminders: int
    gap_days: int
    updated_by: str


async def plans(engine: Engine, pilot_id: int) -> dict[str, Plan]:
    """The reminder plan of every wave (defaults where none was saved)."""
    waves = await pilot_waves(pilot_id)
    saved = {
        row["wave"]: row
        for row in await ReminderPlan.select().where(ReminderPlan.pilot == pilot_id)
    }
    found: dict[str, Plan] = {}
    for wave in waves:
        row = saved.get(wave.id)
        found[wave.name] = Plan(
            wave=wave.name,
            automatic=bool(row["automatic"]) if row else False,
            max_reminders=row["max_reminders"] if row else DEFAULT_MAX_REMINDERS,
            gap_days=row["gap_days"] if row else DEFAULT_GAP_DAYS,
            updated_by=row["updated_by_email"] if row else "",
        )
    return found


async def save_plan(
    engine: Engine,
    actor: Actor,
    pilot_id: int,
    wave_name: str,
    *,
    automatic: bool,
    max_reminders: int,
    gap_days: int,
    now: int | None = None,
) -> Plan:
    errors: dict[str, str] = {}
    if not 0 <= max_reminders <= MAX_REMINDERS:
        errors["max_reminders"] = lazy_gettext(
            "Between 0 and %(limit)s reminders.", limit=MAX_REMINDERS
        )
    if not 1 <= gap_days <= MAX_GAP_DAYS:
        errors["gap_days"] = lazy_gettext("Between 1 and %(limit)s days.", limit=MAX_GAP_DAYS)
    if errors:
        raise SendFieldsError(errors)
    wave = await wave_named(pilot_id, wave_name)
    stamp = now if now is not None else now_s()
    values = {
        ReminderPlan.automatic: automatic,
        ReminderPlan.max_reminders: max_reminders,
        ReminderPlan.gap_days: gap_days,
        ReminderPlan.updated_by: actor.id,
        ReminderPlan.updated_by_email: actor.email,
        ReminderPlan.updated_at: stamp,
    }
    async with write_transaction(engine):
        if await ReminderPlan.exists().where(ReminderPlan.wave == wave.id):
            await ReminderPlan.update(values).where(ReminderPlan.wave == wave.id)
        else:
            await ReminderPlan.insert(
                ReminderPlan(
                    pilot=pilot_id,
                    wave=wave.id,
                    automatic=automatic,
                    max_reminders=max_reminders,
                    gap_days=gap_days,
                    updated_by=actor.id,
                    updated_by_email=actor.email,
                    updated_at=stamp,
                )
            )
        await audit.record(
            actor,
            "reminders.plan",
            "wave",
            wave.id,
            pilot=pilot_id,
            after={
                "wave": wave.name,
                "automatic": automatic,
                "max_reminders": max_reminders,
                "gap_days": gap_days,
            },
        )
    return (await plans(engine, pilot_id))[wave.name]


# -- who receives a batch ---------------------------------------------------------------

_INVITEES_SQL = """
SELECT c."id" FROM "contact" c
WHERE c."pilot" = {} AND c."status" = 'active'
AND NOT EXISTS (SELECT 1 FROM "outbox" o WHERE o."contact" = c."id" AND o."wave" = {}
                AND o."kind" = 'invitation')
AND ({} OR NOT EXISTS (SELECT 1 FROM "submission" s
                        WHERE s."participant" = c."participant" AND s."wave" = {}))
ORDER BY c."id"
"""

# One pass over the wave's outbox (per-contact subqueries made SQLite scan it per contact).
_REMINDER_SQL = """
SELECT c."id", a.last_sequence
FROM "contact" c
JOIN (SELECT o."contact",
        MAX(CASE WHEN o."kind" = 'reminder' THEN o."sequence" ELSE 0 END) AS last_sequence,
        SUM(CASE WHEN o."kind" = 'invitation' AND o."state" = 'sent' THEN 1 ELSE 0 END)
          AS invited,
        SUM(CASE WHEN o."kind" = 'reminder' AND o."state" = 'sent' THEN 1 ELSE 0 END)
          AS reminded,
        SUM(CASE WHEN o."state" IN ('queued', 'sending') THEN 1 ELSE 0 END) AS pending,
        MAX(CASE WHEN o."state" = 'sent' THEN o."sent_at" END) AS last_sent
      FROM "outbox" o WHERE o."wave" = {} AND o."contact" IS NOT NULL
      GROUP BY o."contact") a ON a."contact" = c."id"
WHERE c."pilot" = {} AND c."status" = 'active'
AND a.invited > 0 AND a.pending = 0 AND a.reminded < {} AND a.last_sent <= {}
AND ({} OR NOT EXISTS (SELECT 1 FROM "submission" s
                        WHERE s."participant" = c."participant" AND s."wave" = {}))
ORDER BY c."id"
"""


async def recipients(
    engine: Engine, facts: PilotFacts, wave: WaveInfo, kind: str, plan: Plan, now: int
) -> list[tuple[int, int]]:
    """(contact id, sequence) of everyone a batch of `kind` would go to now."""
    anonymous = "TRUE" if facts.anonymous else "FALSE"
    if kind == "invitation":
        sql = _INVITEES_SQL.replace("({} OR", f"({anonymous} OR", 1)
        rows = await engine.run_querystring(QueryString(sql, facts.id, wave.id, wave.id))
        return [(row["id"], 0) for row in rows]
    sql = _REMINDER_SQL.replace("({} OR", f"({anonymous} OR", 1)
    rows = await engine.run_querystring(
        QueryString(
            sql, wave.id, facts.id, plan.max_reminders, now - plan.gap_days * DAY_S, wave.id
        )
    )
    return [(row["id"], int(row["last_sequence"] or 0) + 1) for row in rows]


def _sendable(wave: WaveInfo, send_at: int) -> str | None:
    """Why a wave cannot be written about for `send_at`, or None."""
    when = datetime.fromtimestamp(send_at, UTC)
    state = wave.state(when)
    if state == "closed":
        return f"the {wave.name} wave is closed by then: its link would not open the form"
    if state == "not_yet_open":
        return f"the {wave.name} wave is not open by then: open it first, or send later"
    return None


@dataclass(frozen=True)
class BatchPlan:
    """What a send would do: shown as the preview, checked again when confirmed."""

    facts: PilotFacts
    wave: WaveInfo
    kind: str
    recipients: list[tuple[int, int]]
    texts: list[MailText]
    digest: str
    blocked: str | None


async def plan_batch(
    engine: Engine, pilot_id: int, wave_name: str, kind: str, *, send_at: int, now: int
) -> BatchPlan:
    if kind not in KINDS:
        raise InvalidInputError(
            lazy_gettext("choose an invitation or a reminder, not '%(kind)s'", kind=kind)
        )
    facts = await pilot_facts(pilot_id)
    wave = await wave_named(pilot_id, wave_name)
    plan = (await plans(engine, pilot_id))[wave.name]
    texts = [t for (k, _), t in (await pilot_texts(engine, pilot_id)).items() if k == kind]
    chosen = await recipients(engine, facts, wave, kind, plan, now)
    blocked = _sendable(wave, send_at)
    if blocked is None and not chosen:
        blocked = (
            "nobody to invite: every active contact already has this wave's invitation"
            if kind == "invitation"
            else f"nobody to remind now (reminders go {plan.gap_days} days after the previous "
            f"message, at most {plan.max_reminders} per person, to those e-mailed the "
            "invitation" + ("" if facts.anonymous else " who have not answered") + ")"
        )
    return BatchPlan(facts, wave, kind, chosen, texts, digest(texts), blocked)


async def queue_batch(
    engine: Engine,
    actor: Actor,
    batch: BatchPlan,
    *,
    send_at: int,
    now: int,
    sender: str,
    link_key: bytes,
    automatic: bool = False,
) -> int:
    """Queue one message per recipient in one transaction; returns how many were queued.

    An anonymous pilot's message carries a new link, kept in the outbox until it is sent,
    sealed with the installation's key (`link_key`): a copy of the database opens no form.
    """
    if batch.blocked:
        raise ConflictError(batch.blocked)
    facts, wave = batch.facts, batch.wave
    rows = list(batch.recipients)
    tokens: list[str] = [""] * len(rows)
    async with write_transaction(engine):
        inserted = await OutreachBatch.insert(
            OutreachBatch(
                pilot=facts.id,
                wave=wave.id,
                kind=batch.kind,
                automatic=automatic,
                created_by=actor.id,
                created_by_email=actor.email,
                templates=msgspec.json.encode(
                    {
                        "digest": batch.digest,
                        "subjects": {t.language: t.subject for t in batch.texts},
                        "custom": sorted(t.language for t in batch.texts if t.custom),
                    }
                ).decode(),
                recipients=len(rows),
                send_at=send_at,
                created_at=now,
            )
        ).returning(OutreachBatch.id)
        batch_id = inserted[0]["id"]
        if facts.anonymous:
            tokens = [new_token() for _ in rows]
        message_ids = [new_message_id(sender) for _ in rows]
        queued_ids: set[str] = set()
        for start in range(0, len(rows), 400):
            part = range(start, min(start + 400, len(rows)))
            values: list[object] = []
            for i in part:
                contact_id, sequence = rows[i]
                values.extend((facts.id, batch_id, wave.id, contact_id, batch.kind, sequence))
                sealed = seal(link_key, OUTBOX_LINK, tokens[i]) if tokens[i] else ""
                values.extend((message_ids[i], send_at, sealed, now))
            placeholders = ", ".join(
                ["({}, {}, {}, {}, {}, {}, {}, 'queued', 0, {}, {}, {})"] * len(part)
            )
            result = await engine.run_querystring(
                QueryString(
                    'INSERT INTO "outbox" ("pilot", "batch", "wave", "contact", "kind", '
                    '"sequence", "message_id", "state", "attempts", "not_before", '
                    f'"link_token", "created_at") VALUES {placeholders} '
                    'ON CONFLICT DO NOTHING RETURNING "message_id"',
                    *values,
                )
            )
            queued_ids.update(row["message_id"] for row in result)
        if facts.anonymous:
            await _anonymous_links(facts, wave, tokens, message_ids, queued_ids)
        count = len(queued_ids)
        await OutreachBatch.update({OutreachBatch.recipients: count}).where(
            OutreachBatch.id == batch_id
        )
        if count == 0 and automatic:
            await OutreachBatch.delete().where(OutreachBatch.id == batch_id)
            return 0
        await audit.record(
            actor,
            "outreach.queue",
            "outreach_batch",
            batch_id,
            pilot=facts.id,
            after={
                "wave": wave.name,
                "kind": batch.kind,
                "recipients": count,
                "send_at": datetime.fromtimestamp(send_at, UTC).isoformat(),
                "automatic": automatic,
                "templates": {
                    t.language: {"subject": t.subject, "custom": t.custom} for t in batch.texts
                },
                "digest": batch.digest,
            },
        )
    return count


async def _anonymous_links(
    facts: PilotFacts,
    wave: WaveInfo,
    tokens: list[str],
    message_ids: list[str],
    queued: set[str],
) -> None:
    """A new participant per queued message of an anonymous pilot, created in a shuffled
    order with one time stamp, so neither ids nor times line up with the contacts."""
    used = [token for token, mid in zip(tokens, message_ids, strict=True) if mid in queued]
    random.SystemRandom().shuffle(used)
    created = datetime.now(UTC).replace(second=0, microsecond=0)
    for start in range(0, len(used), 500):
        await Participant.insert(
            *[
                Participant(
                    pilot=facts.id,
                    pseudonym=new_pseudonym(),
                    token_hash=hash_token(token),
                    wave=wave.id,
                    created_at=created,
                )
                for token in used[start : start + 500]
            ]
        )


async def send_batch(
    engine: Engine,
    actor: Actor,
    pilot_id: int,
    *,
    wave_name: str,
    kind: str,
    send_at: int | None,
    previewed_digest: str,
    sender: str,
    link_key: bytes,
    now: int | None = None,
) -> int:
    """Queue what the preview showed; refused when the wording changed since."""
    now = now if now is not None else now_s()
    when = max(now, send_at) if send_at is not None else now
    batch = await plan_batch(engine, pilot_id, wave_name, kind, send_at=when, now=now)
    if previewed_digest != batch.digest:
        raise ConflictError(
            lazy_gettext(
                "the wording changed since the preview was shown: look at the preview again"
            )
        )
    return await queue_batch(
        engine, actor, batch, send_at=when, now=now, sender=sender, link_key=link_key
    )


async def plan_automatic_reminders(
    engine: Engine, *, now: int, sender: str, link_key: bytes
) -> int:
    """Queue the reminders every automatic plan calls for now; returns messages queued."""
    queued = 0
    for row in await ReminderPlan.select().where(ReminderPlan.automatic == True):  # noqa: E712
        wave_row = await Wave.select(Wave.name).where(Wave.id == row["wave"]).first()
        if wave_row is None or row["max_reminders"] <= 0:
            continue
        batch = await plan_batch(
            engine, row["pilot"], wave_row["name"], "reminder", send_at=now, now=now
        )
        if batch.blocked:
            continue
        actor = Actor(row["updated_by"], f"automatic reminders set by {row['updated_by_email']}")
        queued += await queue_batch(
            engine,
            actor,
            batch,
            send_at=now,
            now=now,
            sender=sender,
            link_key=link_key,
            automatic=True,
        )
    return queued


# -- the dashboard ------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One send round of a wave (the invitation, reminder 1, 2, ...) and its effect."""

    label: str
    sequence: int
    first_sent: datetime
    messages: int
    rate_before: float
    rate_after: float
    after_until: str  # "next reminder" | "now"


@dataclass(frozen=True)
class WaveOutreach:
    wave: str
    state: str
    closes_at: datetime | None
    invited: int
    emailed: int
    reminded: int
    reminders_sent: int
    bounced: int
    waiting: int
    started: int
    submitted: int
    steps: list[Step]
    plan: Plan

    @property
    def rate(self) -> float:
        return self.submitted / self.emailed if self.emailed else 0.0


@dataclass(frozen=True)
class BatchRow:
    id: int
    wave: str
    kind: str
    automatic: bool
    created_by: str
    created_at: datetime
    send_at: datetime
    recipients: int
    sent: int
    failed: int
    cancelled: int
    waiting: int


@dataclass(frozen=True)
class OutreachBoard:
    facts: PilotFacts
    contacts: dict[str, int]
    waves: list[WaveOutreach]
    batches: list[BatchRow]


_WAVE_COUNTS_SQL = """
SELECT o."kind", o."state", COUNT(*) AS n, COUNT(DISTINCT o."contact") AS people
FROM "outbox" o WHERE o."wave" = {} GROUP BY o."kind", o."state"
"""
_STEPS_SQL = """
SELECT o."sequence", MIN(o."sent_at") AS first_sent, COUNT(*) AS n
FROM "outbox" o WHERE o."wave" = {} AND o."state" = 'sent'
GROUP BY o."sequence" ORDER BY o."sequence"
"""
_LINKED_ANSWERS_SQL = """
SELECT s."created_at" FROM "submission" s
JOIN "contact" c ON c."participant" = s."participant"
WHERE c."pilot" = {} AND s."wave" = {}
"""
_LINKED_STARTED_SQL = """
SELECT COUNT(*) AS n FROM "draft" d JOIN "contact" c ON c."participant" = d."participant"
WHERE c."pilot" = {} AND d."wave" = {} AND NOT EXISTS (
  SELECT 1 FROM "submission" s WHERE s."participant" = d."participant" AND s."wave" = d."wave")
"""
_WAVE_ANSWERS_SQL = 'SELECT s."created_at" FROM "submission" s WHERE s."wave" = {}'
_WAVE_STARTED_SQL = """
SELECT COUNT(*) AS n FROM "draft" d WHERE d."wave" = {} AND NOT EXISTS (
  SELECT 1 FROM "submission" s WHERE s."participant" = d."participant" AND s."wave" = d."wave")
"""
_BATCHES_SQL = """
SELECT b."id", b."kind", b."automatic", b."created_by_email", b."created_at", b."send_at",
       b."recipients", w."name" AS wave,
       SUM(CASE WHEN o."state" = 'sent' THEN 1 ELSE 0 END) AS sent,
       SUM(CASE WHEN o."state" = 'failed' THEN 1 ELSE 0 END) AS failed,
       SUM(CASE WHEN o."state" = 'cancelled' THEN 1 ELSE 0 END) AS cancelled,
       SUM(CASE WHEN o."state" IN ('queued', 'sending') THEN 1 ELSE 0 END) AS waiting
FROM "outreach_batch" b JOIN "wave" w ON w."id" = b."wave"
LEFT JOIN "outbox" o ON o."batch" = b."id"
WHERE b."pilot" = {}
GROUP BY b."id", b."kind", b."automatic", b."created_by_email", b."created_at", b."send_at",
         b."recipients", w."name"
ORDER BY b."id" DESC LIMIT 50
"""


def _epoch(value: Any) -> float:
    moment = _dt(value)
    return moment.timestamp() if moment else 0.0


def _steps(rows: list[dict[str, Any]], answers: list[float], base: int, now: int) -> list[Step]:
    steps: list[Step] = []
    answers = sorted(answers)

    def rate(moment: float) -> float:
        if not base:
            return 0.0
        return sum(1 for a in answers if a < moment) / base

    for index, row in enumerate(rows):
        start = float(row["first_sent"])
        following = rows[index + 1] if index + 1 < len(rows) else None
        end = float(following["first_sent"]) if following else float(now)
        sequence = int(row["sequence"])
        steps.append(
            Step(
                label="invitation" if sequence == 0 else f"reminder {sequence}",
                sequence=sequence,
                first_sent=datetime.fromtimestamp(start, UTC),
                messages=int(row["n"]),
                rate_before=rate(start),
                rate_after=rate(end + 1),
                after_until="next reminder" if following else "now",
            )
        )
    return steps


async def board(engine: Engine, pilot_id: int, *, now: int | None = None) -> OutreachBoard:
    """Per wave: invited, e-mailed, reminded, bounced, started, submitted, and the
    response rate before and after each reminder; contacts by status; recent batches."""
    now = now if now is not None else now_s()
    facts = await pilot_facts(pilot_id)
    contacts = {"active": 0, "opted_out": 0, "bounced": 0}
    for row in await engine.run_querystring(
        QueryString(
            'SELECT "status", COUNT(*) AS n FROM "contact" WHERE "pilot" = {} GROUP BY "status"',
            pilot_id,
        )
    ):
        contacts[row["status"]] = row["n"]
    all_plans = await plans(engine, pilot_id)
    waves: list[WaveOutreach] = []
    moment = datetime.fromtimestamp(now, UTC)
    for wave in await pilot_waves(pilot_id):
        counts: dict[tuple[str, str], tuple[int, int]] = {}
        for row in await engine.run_querystring(QueryString(_WAVE_COUNTS_SQL, wave.id)):
            counts[(row["kind"], row["state"])] = (row["n"], row["people"])

        def total(
            kind: str,
            states: tuple[str, ...],
            people: bool = False,
            counts: dict[tuple[str, str], tuple[int, int]] = counts,
        ) -> int:
            index = 1 if people else 0
            return sum(counts.get((kind, s), (0, 0))[index] for s in states)

        if facts.anonymous:
            answers_sql, started_sql, args = _WAVE_ANSWERS_SQL, _WAVE_STARTED_SQL, (wave.id,)
        else:
            answers_sql, started_sql = _LINKED_ANSWERS_SQL, _LINKED_STARTED_SQL
            args = (pilot_id, wave.id)
        answers = [
            _epoch(r["created_at"])
            for r in await engine.run_querystring(QueryString(answers_sql, *args))
        ]
        started_rows = await engine.run_querystring(QueryString(started_sql, *args))
        emailed = total("invitation", ("sent",))
        step_rows = await engine.run_querystring(QueryString(_STEPS_SQL, wave.id))
        waves.append(
            WaveOutreach(
                wave=wave.name,
                state=wave.state(moment),
                closes_at=wave.closes_at,
                invited=total("invitation", ("queued", "sending", "sent", "failed")),
                emailed=emailed,
                reminded=total("reminder", ("sent",), people=True),
                reminders_sent=total("reminder", ("sent",)),
                bounced=total("invitation", ("failed",)) + total("reminder", ("failed",)),
                waiting=sum(total(k, ("queued", "sending")) for k in KINDS),
                started=int(started_rows[0]["n"]) if started_rows else 0,
                submitted=len(answers),
                steps=_steps(step_rows, answers, emailed, now),
                plan=all_plans[wave.name],
            )
        )
    batches = [
        BatchRow(
            id=r["id"],
            wave=r["wave"],
            kind=r["kind"],
            automatic=bool(r["automatic"]),
            created_by=r["created_by_email"],
            created_at=datetime.fromtimestamp(r["created_at"], UTC),
            send_at=datetime.fromtimestamp(r["send_at"], UTC),
            recipients=r["recipients"],
            sent=int(r["sent"] or 0),
            failed=int(r["failed"] or 0),
            cancelled=int(r["cancelled"] or 0),
            waiting=int(r["waiting"] or 0),
        )
        for r in await engine.run_querystring(QueryString(_BATCHES_SQL, pilot_id))
    ]
    return OutreachBoard(facts, contacts, waves, batches)


# -- sent messages --------------------------------------------------------------------------


@dataclass(frozen=True)
class MessageRow:
    id: int
    wave: str
    kind: str
    sequence: int
    state: str
    attempts: int
    error: str
    recipient: str  # "" once the contact is deleted
    message_id: str
    sent_at: datetime | None
    not_before: datetime


_MESSAGES_SQL = """
SELECT o."id", w."name" AS wave, o."kind", o."sequence", o."state", o."attempts", o."error",
       o."message_id", o."sent_at", o."not_before", c."email"
FROM "outbox" o JOIN "wave" w ON w."id" = o."wave"
LEFT JOIN "contact" c ON c."id" = o."contact"
WHERE o."pilot" = {} {}
ORDER BY o."id" DESC LIMIT {} OFFSET {}
"""


def _message_row(r: dict[str, Any]) -> MessageRow:
    return MessageRow(
        id=r["id"],
        wave=r["wave"],
        kind=r["kind"],
        sequence=r["sequence"],
        state=r["state"],
        attempts=r["attempts"],
        error=r["error"],
        recipient=r["email"] or "",
        message_id=r["message_id"],
        sent_at=datetime.fromtimestamp(r["sent_at"], UTC) if r["sent_at"] else None,
        not_before=datetime.fromtimestamp(r["not_before"], UTC),
    )


async def messages(
    engine: Engine, pilot_id: int, *, state: str = "", page: int = 1, size: int = 50
) -> tuple[list[MessageRow], int]:
    """The pilot's messages, newest first (optionally in one state); and the page count."""
    where = Outbox.pilot == pilot_id
    extra = ""
    args: list[object] = [pilot_id]
    if state in MESSAGE_STATES:
        where &= Outbox.state == state
        extra = 'AND o."state" = {}'
        args.append(state)
    total = await Outbox.count().where(where)
    pages = max(1, -(-total // size))
    page = min(max(page, 1), pages)
    sql = (
        _MESSAGES_SQL.replace("{} {}", "{} " + extra, 1)
        if extra
        else _MESSAGES_SQL.replace("{} {}", "{}", 1)
    )
    rows = await engine.run_querystring(QueryString(sql, *args, size, (page - 1) * size))
    return [_message_row(r) for r in rows], pages


async def message(engine: Engine, pilot_id: int, outbox_id: int) -> MessageRow:
    sql = _MESSAGES_SQL.replace("{} {}", '{} AND o."id" = {}', 1)
    rows = await engine.run_querystring(QueryString(sql, pilot_id, outbox_id, 1, 0))
    if not rows:
        raise NotFoundError(lazy_gettext("no such message in this pilot"))
    return _message_row(rows[0])
