"""The append-only audit log of staff changes: who, when, what, before and after."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import msgspec
from piccolo.engine.base import Engine

from survey_server.staff_tables import AuditEntry

PAGE_SIZE = 50


@dataclass(frozen=True)
class Actor:
    """Who makes a change: a signed-in user, an API token's owner, or the command line."""

    id: int | None
    email: str


COMMAND_LINE = Actor(None, "command line")


def _json(value: Any) -> str | None:
    if value is None:
        return None
    return msgspec.json.encode(value).decode()


async def record(
    actor: Actor,
    action: str,
    object_type: str,
    object_id: object,
    *,
    pilot: int | None = None,
    before: Any = None,
    after: Any = None,
) -> None:
    """Append one entry; call inside the transaction of the change it records."""
    await AuditEntry.insert(
        AuditEntry(
            at=datetime.now(UTC),
            actor=actor.id,
            actor_email=actor.email,
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            pilot=pilot,
            before=_json(before),
            after=_json(after),
        )
    )


async def record_export(engine: Engine, actor: Actor, pilot_id: int, slug: str, file: str) -> None:
    """A download of a pilot's data (responses, notes, concerns, codebook), in its own
    transaction."""
    from survey_server.database import write_transaction

    async with write_transaction(engine):
        await record(actor, "export.download", "pilot", slug, pilot=pilot_id, after={"file": file})


@dataclass(frozen=True)
class AuditPage:
    entries: list[dict[str, Any]]
    page: int
    pages: int
    total: int


async def read_log(
    engine: Engine, *, pilot: int | None = None, actor: int | None = None, page: int = 1
) -> AuditPage:
    """Newest first, PAGE_SIZE a page, optionally for one pilot and/or one user."""
    query = AuditEntry.select().order_by(AuditEntry.id, ascending=False)
    count = AuditEntry.count()
    if pilot is not None:
        query = query.where(AuditEntry.pilot == pilot)
        count = count.where(AuditEntry.pilot == pilot)
    if actor is not None:
        query = query.where(AuditEntry.actor == actor)
        count = count.where(AuditEntry.actor == actor)
    total = await count
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    rows = await query.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
    for row in rows:
        for key in ("before", "after"):
            value = row[key]
            if isinstance(value, str):
                row[key] = msgspec.json.decode(value)
    return AuditPage(rows, page, pages, total)
