"""API tokens for scripts: `pk_` + 256 random bits, shown once, stored as SHA-256.

Like link tokens, their entropy makes a fast hash enough and allows an indexed lookup.
A revoked token stays listed (with its prefix) so its owner can tell which one it was.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from piccolo.engine.base import Engine

from survey_server.database import write_transaction
from survey_server.errors import InvalidInputError, NotFoundError
from survey_server.i18n.lazy import lazy_gettext
from survey_server.services import audit
from survey_server.services.accounts import StaffAccount, require
from survey_server.staff_tables import ApiToken

PREFIX = "pk_"


@dataclass(frozen=True)
class TokenInfo:
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked: bool


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def create_token(engine: Engine, user: StaffAccount, name: str) -> str:
    require(user, "tokens")
    name = name.strip()
    if not name or len(name) > 100:
        raise InvalidInputError(
            lazy_gettext("name the token (at most 100 characters), e.g. 'weekly export'")
        )
    token = PREFIX + secrets.token_urlsafe(32)
    async with write_transaction(engine):
        rows = await ApiToken.insert(
            ApiToken(
                user=user.id,
                name=name,
                token_hash=_hash(token),
                prefix=token[:10],
                created_at=datetime.now(UTC),
                revoked=False,
            )
        ).returning(ApiToken.id)
        await audit.record(
            user.actor, "token.create", "api_token", rows[0]["id"], after={"name": name}
        )
    return token


async def list_tokens(engine: Engine, user: StaffAccount) -> list[TokenInfo]:
    rows = await ApiToken.select().where(ApiToken.user == user.id).order_by(ApiToken.id)
    return [
        TokenInfo(
            r["id"], r["name"], r["prefix"], r["created_at"], r["last_used_at"], bool(r["revoked"])
        )
        for r in rows
    ]


async def revoke_token(engine: Engine, user: StaffAccount, token_id: int) -> None:
    async with write_transaction(engine):
        rows = (
            await ApiToken.update({ApiToken.revoked: True})
            .where((ApiToken.id == token_id) & (ApiToken.user == user.id))
            .returning(ApiToken.id)
        )
        if not rows:
            raise NotFoundError(lazy_gettext("no such token"))
        await audit.record(
            user.actor, "token.revoke", "api_token", token_id, after={"revoked": True}
        )


async def account_for_token(engine: Engine, token: str) -> StaffAccount | None:
    """The active account owning a live token, or None."""
    if not token.startswith(PREFIX) or len(token) > 100:
        return None
    row = (
        await ApiToken.select(
            ApiToken.id,
            ApiToken.revoked,
            ApiToken.last_used_at,
            ApiToken.user.id,
            ApiToken.user.email,
            ApiToken.user.role,
            ApiToken.user.active,
        )
        .where(ApiToken.token_hash == _hash(token))
        .first()
    )
    if row is None or row["revoked"] or not row["user.active"]:
        return None
    now = datetime.now(UTC)
    last = row["last_used_at"]
    if last is None or (now - last).total_seconds() > 60:
        async with write_transaction(engine):
            await ApiToken.update({ApiToken.last_used_at: now}).where(ApiToken.id == row["id"])
    return StaffAccount(row["user.id"], row["user.email"], row["user.role"], True)
