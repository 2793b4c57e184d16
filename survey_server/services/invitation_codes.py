"""Invitation codes: a short code a person can type instead of the link on their card.

A code is 10 characters from 31 that cannot be mistaken for one another (digits 2-9 and
the capital letters without I, L and O), printed in two groups (`K7QMX-3TD9R`): 31^10 is
about 2^49.5. It is typed at `/c`, in capitals or small letters, with or without the dash.

The database never holds a code. It keeps `HMAC-SHA256(key, "code" + code)` to find the
card, and the participant's link token is itself derived from the code under the same
key (`HMAC-SHA256(key, "code link" + code)`), so the page can send the person on to
their form although the database keeps only the hash of that token too. The key is the
installation's (`outreach_keys.server_key`): a copy of the database alone opens no form.

Guessing is throttled per address: the wrong codes typed in the last 15 minutes are
counted, and past MAX_WRONG_PER_ADDRESS no code is looked up until the oldest falls out
of the window. A right code does not reset the count, so knowing one code buys no
guesses. Count, look-up and record run in one serialised write transaction.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import time

from piccolo.engine.base import Engine
from piccolo.engine.sqlite import SQLiteEngine
from piccolo.querystring import QueryString

from survey_server.database import write_transaction
from survey_server.errors import NotFoundError, ServiceError
from survey_server.services.tokens import hash_token
from survey_server.tables import CodeAttempt, InvitationCode, Participant

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10
GROUP = 5
THROTTLE_WINDOW_S = 15 * 60
MAX_WRONG_PER_ADDRESS = 10
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—_.]+")


class CodeThrottledError(ServiceError):
    code = "too_many_codes"

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class UnknownCodeError(NotFoundError):
    """No card has this code (or its link was replaced by a new one)."""


def new_code() -> str:
    """A fresh random code, in its canonical form (capitals, no dash)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def grouped(code: str) -> str:
    """The code as printed: `K7QMX-3TD9R`."""
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))


def normalise_code(typed: str) -> str | None:
    """The canonical code of what a person typed (any case, dashes and spaces ignored),
    or None when it cannot be a code (wrong length or a character codes never use)."""
    text = _SEPARATORS.sub("", typed).upper()
    if len(text) != CODE_LENGTH or any(c not in ALPHABET for c in text):
        return None
    return text


def code_hash(key: bytes, code: str) -> str:
    return hmac.new(key, f"code\0{code}".encode(), hashlib.sha256).hexdigest()


def code_token(key: bytes, code: str) -> str:
    """The link token of the card with this code (32 characters, as `new_token()`)."""
    digest = hmac.new(key, f"code link\0{code}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:24]).decode()


async def unused_codes(key: bytes, count: int) -> list[str]:
    """`count` new codes, none already held by a card (a clash is rare but possible)."""
    codes: list[str] = []
    while len(codes) < count:
        wanted = {new_code() for _ in range(count - len(codes))} - set(codes)
        by_hash = {code_hash(key, c): c for c in wanted}
        taken = set()
        for start in range(0, len(by_hash), 500):
            chunk = list(by_hash)[start : start + 500]
            rows = await InvitationCode.select(InvitationCode.code_hash).where(
                InvitationCode.code_hash.is_in(chunk)
            )
            taken |= {r["code_hash"] for r in rows}
        codes += [c for h, c in by_hash.items() if h not in taken]
    return codes


async def attach_codes(key: bytes, codes: dict[str, str]) -> None:
    """Record the code of each new participant, given {token hash: code}; inside the
    caller's write transaction, after the participants are inserted."""
    rows = []
    hashes = list(codes)
    for start in range(0, len(hashes), 500):
        rows += await Participant.select(Participant.id, Participant.token_hash).where(
            Participant.token_hash.is_in(hashes[start : start + 500])
        )
    now = int(time.time())
    records = [
        InvitationCode(
            participant=r["id"], code_hash=code_hash(key, codes[r["token_hash"]]), created_at=now
        )
        for r in rows
    ]
    for start in range(0, len(records), 500):
        await InvitationCode.insert(*records[start : start + 500])


async def replace_code(key: bytes, participant_id: int, code: str) -> None:
    """The participant's card has a new code (a reissued link): the old one stops working."""
    await InvitationCode.delete().where(InvitationCode.participant == participant_id)
    await InvitationCode.insert(
        InvitationCode(
            participant=participant_id, code_hash=code_hash(key, code), created_at=int(time.time())
        )
    )


async def open_code(engine: Engine, key: bytes, code: str, address: str) -> str:
    """The link token of the card with this canonical code; a wrong code is counted
    against `address` (UnknownCodeError), and too many wrong ones refuse the look-up
    itself (CodeThrottledError)."""
    address = address[:64]
    now = int(time.time())
    since = now - THROTTLE_WINDOW_S
    async with write_transaction(engine):
        if not isinstance(engine, SQLiteEngine):
            await engine.run_querystring(
                QueryString('LOCK TABLE "code_attempt" IN SHARE ROW EXCLUSIVE MODE')
            )
        await CodeAttempt.delete().where(CodeAttempt.at <= since)  # old ones no longer count
        wrong = await CodeAttempt.count().where(
            (CodeAttempt.address == address) & (CodeAttempt.at > since)
        )
        if wrong >= MAX_WRONG_PER_ADDRESS:
            raise CodeThrottledError(
                f"too many wrong codes from this address; wait {THROTTLE_WINDOW_S // 60} "
                "minutes and try again",
                retry_after=THROTTLE_WINDOW_S,
            )
        token = code_token(key, code)
        found = await InvitationCode.exists().where(
            (InvitationCode.code_hash == code_hash(key, code))
            & (InvitationCode.participant.token_hash == hash_token(token))
        )
        if not found:
            await CodeAttempt.insert(CodeAttempt(address=address, at=now))
    if not found:  # raised after the commit, so the wrong code stays counted
        raise UnknownCodeError("no invitation card has this code")
    return token
