"""Participant link tokens: random, shown once, stored only as a hash.

A token is `secrets.token_urlsafe(24)` (192 bits). With that much entropy a plain
SHA-256 is enough to make a leaked database useless for opening forms (no slow hash is
needed against guessing), and it lets a token be looked up by an indexed equality.
"""

from __future__ import annotations

import hashlib
import re
import secrets

TOKEN_BYTES = 24
_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{16,128}$")


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def looks_like_token(token: str) -> bool:
    """Cheap shape check, so garbage never reaches the database (answered like unknown)."""
    return bool(_TOKEN_SHAPE.match(token))


def new_pseudonym() -> str:
    """The exported participant id: random, unrelated to the token."""
    return "p" + secrets.token_hex(8)
