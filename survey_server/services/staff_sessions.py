"""Server-side sign-in sessions, shared by every server process through the database.

The cookie holds 256 random bits; the table holds only their SHA-256, so a read of the
database does not let anyone take over a session. A session ends after SESSION_TTL_S, or
after IDLE_TIMEOUT_S without a request, or at sign-out.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass

from piccolo.engine.base import Engine

from survey_server.database import write_transaction
from survey_server.services.accounts import StaffAccount
from survey_server.staff_tables import StaffSession

SESSION_TTL_S = 12 * 3600
IDLE_TIMEOUT_S = 60 * 60
#: `last_seen_at` is written at most this often (a write per request would be wasteful).
TOUCH_EVERY_S = 60


@dataclass(frozen=True)
class ActiveSession:
    id_hash: str
    csrf_token: str
    user: StaffAccount


def session_hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


async def start_session(engine: Engine, user: StaffAccount) -> str:
    """A new session for `user`; returns the cookie value (never stored as is)."""
    session_id = secrets.token_urlsafe(32)
    now = int(time.time())
    async with write_transaction(engine):
        await StaffSession.insert(
            StaffSession(
                id_hash=session_hash(session_id),
                user=user.id,
                csrf_token=secrets.token_urlsafe(32),
                created_at=now,
                last_seen_at=now,
                expires_at=now + SESSION_TTL_S,
            )
        )
        # Expired sessions of anyone are removed as new ones start.
        await StaffSession.delete().where(
            (StaffSession.expires_at < now) | (StaffSession.last_seen_at < now - IDLE_TIMEOUT_S)
        )
    return session_id


async def load_session(engine: Engine, session_id: str | None) -> ActiveSession | None:
    """The live session for a cookie value, or None (unknown, expired, idle, inactive user)."""
    if not session_id or len(session_id) > 100:
        return None
    id_hash = session_hash(session_id)
    row = (
        await StaffSession.select(
            StaffSession.id,
            StaffSession.csrf_token,
            StaffSession.last_seen_at,
            StaffSession.expires_at,
            StaffSession.user.id,
            StaffSession.user.email,
            StaffSession.user.role,
            StaffSession.user.active,
        )
        .where(StaffSession.id_hash == id_hash)
        .first()
    )
    now = int(time.time())
    if row is None:
        return None
    if row["expires_at"] <= now or row["last_seen_at"] <= now - IDLE_TIMEOUT_S:
        return None
    if not row["user.active"]:
        return None
    if now - row["last_seen_at"] >= TOUCH_EVERY_S:
        async with write_transaction(engine):
            await StaffSession.update({StaffSession.last_seen_at: now}).where(
                StaffSession.id == row["id"]
            )
    user = StaffAccount(row["user.id"], row["user.email"], row["user.role"], True)
    return ActiveSession(id_hash, row["csrf_token"], user)


async def end_session(engine: Engine, session_id: str | None) -> None:
    if not session_id:
        return
    async with write_transaction(engine):
        await StaffSession.delete().where(StaffSession.id_hash == session_hash(session_id))
