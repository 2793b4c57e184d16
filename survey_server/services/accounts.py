"""Staff accounts: creation, argon2id passwords, sign-in with throttling, memberships.

Hashing and verifying run in a worker thread (argon2id takes tens of milliseconds of CPU
and would otherwise stall every other request on the event loop).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime

import anyio.to_thread
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from piccolo.engine.base import Engine
from piccolo.engine.sqlite import SQLiteEngine
from piccolo.querystring import QueryString

from survey_server.database import write_transaction
from survey_server.errors import InvalidInputError, NotFoundError, ServiceError
from survey_server.i18n.lazy import lazy_gettext
from survey_server.services import audit
from survey_server.services.audit import Actor
from survey_server.services.roles import ROLES
from survey_server.staff_tables import ApiToken, LoginFailure, Membership, StaffUser
from survey_server.tables import Pilot

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024
MAX_EMAIL_LENGTH = 254  # RFC 5321's limit, and the column's
THROTTLE_WINDOW_S = 15 * 60
MAX_FAILURES_PER_ACCOUNT = 5
MAX_FAILURES_PER_ADDRESS = 20
_EMAIL_SHAPE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
#: Verified when the e-mail is unknown, so both answers take the same time.
_DUMMY_HASH = _hasher.hash("a password nobody has: equal timing for unknown accounts")


class SignInError(ServiceError):
    """Unknown e-mail or wrong password (one message for both)."""

    code = "sign_in_failed"


class ThrottledError(ServiceError):
    code = "too_many_attempts"

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class PermissionDeniedError(ServiceError):
    """A member of the pilot whose role does not allow the action."""

    code = "forbidden"


@dataclass(frozen=True)
class StaffAccount:
    id: int
    email: str
    role: str
    active: bool = True

    @property
    def actor(self) -> Actor:
        return Actor(self.id, self.email)


def normalise_email(email: str) -> str:
    return email.strip().lower()


def check_password(password: str, email: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInputError(
            lazy_gettext(
                "the password must have at least %(minimum)s characters",
                minimum=MIN_PASSWORD_LENGTH,
            )
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InvalidInputError(
            lazy_gettext(
                "the password must have at most %(limit)s characters",
                limit=MAX_PASSWORD_LENGTH,
            )
        )
    if password.strip().lower() == normalise_email(email):
        raise InvalidInputError(lazy_gettext("the password must not be the e-mail address"))


async def hash_password(password: str) -> str:
    return await anyio.to_thread.run_sync(_hasher.hash, password)


async def _verify(password_hash: str, password: str) -> bool:
    def verify() -> bool:
        try:
            return _hasher.verify(password_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    return await anyio.to_thread.run_sync(verify)


def _account(row: dict) -> StaffAccount:
    return StaffAccount(row["id"], row["email"], row["role"], bool(row["active"]))


async def create_user(
    engine: Engine, *, email: str, role: str, password: str, actor: Actor
) -> StaffAccount:
    email = normalise_email(email)
    if len(email) > MAX_EMAIL_LENGTH:
        raise InvalidInputError(
            lazy_gettext(
                "an e-mail address has at most %(limit)s characters",
                limit=MAX_EMAIL_LENGTH,
            )
        )
    if not _EMAIL_SHAPE.match(email):
        raise InvalidInputError(lazy_gettext("'%(email)s' is not an e-mail address", email=email))
    if role not in ROLES:
        raise InvalidInputError(
            lazy_gettext(
                "role '%(role)s' is not one of %(value)s", role=role, value=", ".join(ROLES)
            )
        )
    check_password(password, email)
    password_hash = await hash_password(password)
    async with write_transaction(engine):
        if await StaffUser.exists().where(StaffUser.email == email):
            raise InvalidInputError(
                lazy_gettext("an account for '%(email)s' already exists", email=email)
            )
        rows = await StaffUser.insert(
            StaffUser(
                email=email,
                role=role,
                password_hash=password_hash,
                active=True,
                created_at=datetime.now(UTC),
            )
        ).returning(StaffUser.id)
        user_id = rows[0]["id"]
        await audit.record(
            actor, "user.create", "user", user_id, after={"email": email, "role": role}
        )
    return StaffAccount(user_id, email, role)


async def list_users(engine: Engine) -> list[StaffAccount]:
    rows = await StaffUser.select(
        StaffUser.id, StaffUser.email, StaffUser.role, StaffUser.active
    ).order_by(StaffUser.email)
    return [_account(r) for r in rows]


async def get_user(engine: Engine, user_id: int) -> StaffAccount:
    row = (
        await StaffUser.select(StaffUser.id, StaffUser.email, StaffUser.role, StaffUser.active)
        .where(StaffUser.id == user_id)
        .first()
    )
    if row is None:
        raise NotFoundError(lazy_gettext("no such user"))
    return _account(row)


async def set_user_active(engine: Engine, user_id: int, active: bool, actor: Actor) -> None:
    """Deactivate (signs the user out everywhere and revokes their API tokens, which a
    reactivation does not bring back) or reactivate an account."""
    from survey_server.staff_tables import StaffSession

    user = await get_user(engine, user_id)
    if user.id == actor.id and not active:
        raise InvalidInputError(lazy_gettext("you cannot deactivate your own account"))
    async with write_transaction(engine):
        await StaffUser.update({StaffUser.active: active}).where(StaffUser.id == user_id)
        if not active:
            await StaffSession.delete().where(StaffSession.user == user_id)
            await _revoke_api_tokens(user_id)
        await audit.record(
            actor,
            "user.activate" if active else "user.deactivate",
            "user",
            user_id,
            before={"active": user.active},
            after={"active": active},
        )


def _now() -> int:
    return int(time.time())


async def _count_attempt(engine: Engine, email: str, address: str) -> None:
    """Record this attempt as a failure before the password is checked, and refuse it
    when it is one too many (a right password deletes the account's failures again).

    INSERT then COUNT in one write transaction, serialised per database: SQLite's
    `BEGIN IMMEDIATE` holds the write lock, and on PostgreSQL the transaction first locks
    the table against other writers. So of many concurrent guesses exactly the allowed
    number reach the password check, however many server processes take them.
    """
    now = _now()
    since = now - THROTTLE_WINDOW_S
    async with write_transaction(engine):
        if not isinstance(engine, SQLiteEngine):
            await engine.run_querystring(
                QueryString('LOCK TABLE "login_failure" IN SHARE ROW EXCLUSIVE MODE')
            )
        # Old failures no longer count: keep the table small.
        await LoginFailure.delete().where(LoginFailure.at <= since)
        await LoginFailure.insert(LoginFailure(email=email, address=address, at=now))
        by_account = await LoginFailure.count().where(
            (LoginFailure.email == email) & (LoginFailure.at > since)
        )
        by_address = await LoginFailure.count().where(
            (LoginFailure.address == address) & (LoginFailure.at > since)
        )
        if by_account > MAX_FAILURES_PER_ACCOUNT or by_address > MAX_FAILURES_PER_ADDRESS:
            minutes = THROTTLE_WINDOW_S // 60
            # Raising rolls the attempt back: a refused attempt does not extend the wait.
            raise ThrottledError(
                lazy_gettext(
                    "too many failed sign-ins; wait %(minutes)s minutes and try again, or ask an "
                    "administrator to reset your password",
                    minutes=minutes,
                ),
                retry_after=THROTTLE_WINDOW_S,
            )


async def authenticate(engine: Engine, email: str, password: str, address: str) -> StaffAccount:
    """The account for these credentials; failures are counted (per account, per address)."""
    email = normalise_email(email)[:254]
    address = address[:64]
    await _count_attempt(engine, email, address)
    row = await StaffUser.select().where(StaffUser.email == email).first()
    valid = await _verify(row["password_hash"] if row else _DUMMY_HASH, password)
    if row is None or not valid or not row["active"]:
        raise SignInError(lazy_gettext("the e-mail address or the password is not right"))
    async with write_transaction(engine):
        await LoginFailure.delete().where(LoginFailure.email == email)
    return _account(row)


async def change_password(
    engine: Engine, user: StaffAccount, current: str, new: str, *, keep_session: str | None
) -> None:
    """Needs the current password; signs out the user's other sessions and revokes their
    API tokens (a token made with a leaked password must not outlive it)."""
    from survey_server.staff_tables import StaffSession

    row = await StaffUser.select(StaffUser.password_hash).where(StaffUser.id == user.id).first()
    if row is None or not await _verify(row["password_hash"], current):
        raise InvalidInputError(lazy_gettext("the current password is not right"))
    check_password(new, user.email)
    new_hash = await hash_password(new)
    async with write_transaction(engine):
        await StaffUser.update({StaffUser.password_hash: new_hash}).where(StaffUser.id == user.id)
        others = StaffSession.delete().where(StaffSession.user == user.id)
        if keep_session is not None:
            others = others.where(StaffSession.id_hash != keep_session)
        await others
        await _revoke_api_tokens(user.id)
        await audit.record(user.actor, "user.password", "user", user.id)


async def _revoke_api_tokens(user_id: int) -> None:
    await ApiToken.update({ApiToken.revoked: True}).where(
        (ApiToken.user == user_id) & (ApiToken.revoked == False)  # noqa: E712
    )


# -- memberships and access --------------------------------------------------------


async def visible_pilot_ids(user: StaffAccount) -> set[int] | None:
    """The pilots a user may see; None means all of them (admins)."""
    if user.role == "admin":
        return None
    rows = await Membership.select(Membership.pilot).where(Membership.user == user.id)
    return {r["pilot"] for r in rows}


async def pilot_id_for(user: StaffAccount, slug: str, permission: str) -> int:
    """The id of a pilot the user may act on, else NotFound (not a member) or 403."""
    from survey_server.services.roles import allowed

    row = await Pilot.select(Pilot.id).where(Pilot.slug == slug).first()
    visible = await visible_pilot_ids(user)
    if row is None or (visible is not None and row["id"] not in visible):
        raise NotFoundError(lazy_gettext("no pilot with slug '%(slug)s'", slug=slug))
    if not allowed(user.role, permission):
        raise PermissionDeniedError(
            lazy_gettext("your role (%(role)s) cannot do this", role=user.role)
        )
    return row["id"]


def require(user: StaffAccount, permission: str) -> None:
    from survey_server.services.roles import allowed

    if not allowed(user.role, permission):
        raise PermissionDeniedError(
            lazy_gettext("your role (%(role)s) cannot do this", role=user.role)
        )


async def add_member(engine: Engine, slug: str, email: str, actor: Actor) -> None:
    email = normalise_email(email)
    pilot = await Pilot.select(Pilot.id).where(Pilot.slug == slug).first()
    user = await StaffUser.select(StaffUser.id).where(StaffUser.email == email).first()
    if pilot is None:
        raise NotFoundError(lazy_gettext("no pilot with slug '%(slug)s'", slug=slug))
    if user is None:
        raise InvalidInputError(
            lazy_gettext("no account for '%(email)s'; create it first", email=email)
        )
    async with write_transaction(engine):
        if await Membership.exists().where(
            (Membership.user == user["id"]) & (Membership.pilot == pilot["id"])
        ):
            return
        await Membership.insert(Membership(user=user["id"], pilot=pilot["id"]))
        await audit.record(
            actor,
            "membership.add",
            "membership",
            f"{pilot['id']}:{user['id']}",
            pilot=pilot["id"],
            after={"email": email},
        )


async def remove_member(engine: Engine, pilot_id: int, user_id: int, actor: Actor) -> None:
    async with write_transaction(engine):
        deleted = (
            await Membership.delete()
            .where((Membership.user == user_id) & (Membership.pilot == pilot_id))
            .returning(Membership.id)
        )
        if not deleted:
            raise NotFoundError(lazy_gettext("no such member"))
        await audit.record(
            actor,
            "membership.remove",
            "membership",
            f"{pilot_id}:{user_id}",
            pilot=pilot_id,
            before={"user": user_id},
        )


async def members(engine: Engine, pilot_id: int) -> list[StaffAccount]:
    rows = await Membership.select(
        Membership.user.id, Membership.user.email, Membership.user.role, Membership.user.active
    ).where(Membership.pilot == pilot_id)
    return [
        StaffAccount(r["user.id"], r["user.email"], r["user.role"], bool(r["user.active"]))
        for r in rows
    ]
