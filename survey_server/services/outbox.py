"""The worker's side of the outbox: claiming messages, and recording what became of them.

States: `queued` → `sending` (claimed by one worker, with a lease) → `sent` | `failed` |
`cancelled`; a temporary failure puts the message back to `queued` for later.

- **Claim** is one UPDATE … RETURNING over the oldest due rows (`FOR UPDATE SKIP LOCKED`
  on PostgreSQL; SQLite serialises writers), so two workers never hold the same message.
- **Record** happens right after the SMTP server's answer, one row at a time, and only
  while the worker still holds the row (`state = 'sending' AND worker = me`).
- **Lease:** a worker renews its rows' lease while it runs. A row still `sending` when
  its lease ran out belongs to a worker that died; it goes back to `queued` with its
  Message-ID unchanged, so if the dead worker had handed it over already the second copy
  is the same message (see docs/outreach.md for the exact guarantee).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from piccolo.engine.base import Engine
from piccolo.engine.sqlite import SQLiteEngine
from piccolo.querystring import QueryString

from survey_server.database import run_write_batch, write_transaction
from survey_server.outreach_tables import Contact, Outbox
from survey_server.services.waves import WaveInfo

RESENT = "the sender stopped while sending this message; sent again with the same Message-ID"


@dataclass(frozen=True)
class Pending:
    """A claimed message and everything needed to write it."""

    id: int
    message_id: str
    kind: str
    sequence: int
    attempts: int
    link_token: str
    pilot_id: int
    pilot_slug: str
    wave: WaveInfo
    contact_id: int | None
    email: str
    name: str
    language: str
    contact_status: str
    link_seed: str
    participant_hash: str | None
    answered: bool


def _dt(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value)).replace(tzinfo=UTC)


async def anything_due(engine: Engine, now: int) -> bool:
    """A plain read, so an idle worker never takes SQLite's write lock."""
    rows = await engine.run_querystring(
        QueryString(
            'SELECT 1 AS due FROM "outbox" WHERE ("state" = {} AND "not_before" <= {}) '
            'OR ("state" = {} AND "lease_until" < {}) LIMIT 1',
            "queued",
            now,
            "sending",
            now,
        )
    )
    return bool(rows)


async def release_expired(engine: Engine, now: int) -> int:
    """Put back the messages of workers that died while holding them."""
    rows = (
        await run_write_batch(
            engine,
            [
                QueryString(
                    'UPDATE "outbox" SET "state" = {}, "worker" = {}, "lease_until" = NULL, '
                    '"error" = {} WHERE "state" = {} AND "lease_until" < {} RETURNING "id"',
                    "queued",
                    "",
                    RESENT,
                    "sending",
                    now,
                )
            ],
        )
    )[0]
    return len(rows)


async def claim(engine: Engine, worker: str, *, now: int, limit: int, lease_s: int) -> list[int]:
    """Take up to `limit` due messages for `worker`; atomic across processes and engines."""
    lock = "" if isinstance(engine, SQLiteEngine) else " FOR UPDATE SKIP LOCKED"
    statement = QueryString(
        'UPDATE "outbox" SET "state" = {}, "worker" = {}, "lease_until" = {}, '
        '"attempts" = "attempts" + 1 WHERE "id" IN (SELECT "id" FROM "outbox" '
        'WHERE "state" = {} AND "not_before" <= {} ORDER BY "not_before", "id" '
        f'LIMIT {{}}{lock}) AND "state" = {{}} RETURNING "id"',
        "sending",
        worker[:100],
        now + lease_s,
        "queued",
        now,
        limit,
        "queued",
    )
    rows = (await run_write_batch(engine, [statement]))[0]
    return sorted(row["id"] for row in rows)


async def renew(engine: Engine, worker: str, until: int) -> None:
    async with write_transaction(engine):
        await Outbox.update({Outbox.lease_until: until}).where(
            (Outbox.worker == worker) & (Outbox.state == "sending")
        )


_LOAD_SQL = """
SELECT o."id", o."message_id", o."kind", o."sequence", o."attempts", o."link_token",
       o."pilot" AS pilot_id, p."slug",
       w."id" AS wave_id, w."name" AS wave_name, w."position", w."status",
       w."opens_at", w."closes_at",
       c."id" AS contact_id, c."email", c."name", c."language", c."status" AS contact_status,
       c."link_seed", pa."token_hash",
       EXISTS (SELECT 1 FROM "submission" s
               WHERE s."participant" = c."participant" AND s."wave" = o."wave") AS answered
FROM "outbox" o
JOIN "pilot" p ON p."id" = o."pilot"
JOIN "wave" w ON w."id" = o."wave"
LEFT JOIN "contact" c ON c."id" = o."contact"
LEFT JOIN "participant" pa ON pa."id" = c."participant"
WHERE o."id" IN ({ids}) AND o."state" = 'sending' AND o."worker" = {{}}
ORDER BY o."id"
"""


async def load(engine: Engine, ids: list[int], worker: str) -> list[Pending]:
    if not ids:
        return []
    sql = _LOAD_SQL.format(ids=", ".join(str(int(i)) for i in ids))
    rows = await engine.run_querystring(QueryString(sql, worker[:100]))
    return [
        Pending(
            id=r["id"],
            message_id=r["message_id"],
            kind=r["kind"],
            sequence=r["sequence"],
            attempts=r["attempts"],
            link_token=r["link_token"] or "",
            pilot_id=r["pilot_id"],
            pilot_slug=r["slug"],
            wave=WaveInfo(
                id=r["wave_id"],
                name=r["wave_name"],
                position=r["position"],
                status=r["status"],
                opens_at=_dt(r["opens_at"]),
                closes_at=_dt(r["closes_at"]),
            ),
            contact_id=r["contact_id"],
            email=r["email"] or "",
            name=r["name"] or "",
            language=r["language"] or "",
            contact_status=r["contact_status"] or "",
            link_seed=r["link_seed"] or "",
            participant_hash=r["token_hash"],
            answered=bool(r["answered"]),
        )
        for r in rows
    ]


def _mine(outbox_id: int, worker: str) -> Any:
    return (Outbox.id == outbox_id) & (Outbox.state == "sending") & (Outbox.worker == worker)


async def record_sent(engine: Engine, outbox_id: int, worker: str, now: int) -> bool:
    """The SMTP server took the message; False when this worker no longer held it."""
    rows = (
        await run_write_batch(
            engine,
            [
                QueryString(
                    'UPDATE "outbox" SET "state" = {}, "sent_at" = {}, "link_token" = {}, '
                    '"error" = {}, "lease_until" = NULL WHERE "id" = {} AND "state" = {} '
                    'AND "worker" = {} RETURNING "id"',
                    "sent",
                    now,
                    "",
                    "",
                    outbox_id,
                    "sending",
                    worker[:100],
                )
            ],
        )
    )[0]
    return bool(rows)


async def record_retry(
    engine: Engine, outbox_id: int, worker: str, *, not_before: int, error: str
) -> None:
    async with write_transaction(engine):
        await Outbox.update(
            {
                Outbox.state: "queued",
                Outbox.not_before: not_before,
                Outbox.error: error[:1000],
                Outbox.worker: "",
                Outbox.lease_until: None,
            }
        ).where(_mine(outbox_id, worker))


async def record_postponed(engine: Engine, outbox_id: int, worker: str, not_before: int) -> None:
    """Not a failure: put back without counting the attempt (a wave not open yet)."""
    async with write_transaction(engine):
        await Outbox.update(
            {
                Outbox.state: "queued",
                Outbox.not_before: not_before,
                Outbox.attempts: Outbox.attempts - 1,
                Outbox.worker: "",
                Outbox.lease_until: None,
            }
        ).where(_mine(outbox_id, worker))


async def record_failed(
    engine: Engine,
    outbox_id: int,
    worker: str,
    *,
    now: int,
    error: str,
    contact_id: int | None,
    bounced: bool,
) -> None:
    """Given up; a permanent refusal also marks the contact bounced and stops its queue."""
    async with write_transaction(engine):
        await Outbox.update(
            {
                Outbox.state: "failed",
                Outbox.error: error[:1000],
                Outbox.link_token: "",
                Outbox.lease_until: None,
            }
        ).where(_mine(outbox_id, worker))
        if bounced and contact_id is not None:
            await Contact.update(
                {
                    Contact.status: "bounced",
                    Contact.status_detail: error[:1000],
                    Contact.status_at: now,
                }
            ).where((Contact.id == contact_id) & (Contact.status == "active"))
            await Outbox.update(
                {
                    Outbox.state: "cancelled",
                    Outbox.error: "the address bounced",
                    Outbox.link_token: "",
                }
            ).where((Outbox.contact == contact_id) & (Outbox.state == "queued"))


async def record_cancelled(engine: Engine, outbox_id: int, worker: str, reason: str) -> None:
    async with write_transaction(engine):
        await Outbox.update(
            {
                Outbox.state: "cancelled",
                Outbox.error: reason,
                Outbox.link_token: "",
                Outbox.lease_until: None,
            }
        ).where(_mine(outbox_id, worker))


async def release(engine: Engine, ids: list[int], worker: str) -> None:
    """A stopping worker hands back what it has not started (the attempt does not count)."""
    if not ids:
        return
    async with write_transaction(engine):
        await Outbox.update(
            {
                Outbox.state: "queued",
                Outbox.worker: "",
                Outbox.lease_until: None,
                Outbox.attempts: Outbox.attempts - 1,
            }
        ).where(Outbox.id.is_in(ids) & (Outbox.state == "sending") & (Outbox.worker == worker))
