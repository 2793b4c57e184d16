"""Secrets the database holds for a short while, sealed with a key it does not hold.

Participant links must be shown again for a while after they are made (an issued batch
for an hour, a queued e-mail until it is sent), yet a copy of the database must open no
form. They are stored sealed: AES-256-GCM (`cryptography`), a fresh 96-bit nonce per
value, the purpose as associated data, under a key derived from a secret kept outside
the database (an issued batch's own key, which only the issuer's address bar has; the
installation's key for the outbox). Sealed text reads `v1:<base64url(nonce|ciphertext)>`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

PREFIX = "v1:"
_NONCE_BYTES = 12


def _cipher(secret: bytes, purpose: str) -> AESGCM:
    key = hmac.new(secret, f"pilotkit sealed {purpose}".encode(), hashlib.sha256).digest()
    return AESGCM(key)


def seal(secret: bytes, purpose: str, plaintext: str) -> str:
    nonce = os.urandom(_NONCE_BYTES)
    sealed = _cipher(secret, purpose).encrypt(nonce, plaintext.encode(), purpose.encode())
    return PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode()


def is_sealed(text: str) -> bool:
    return text.startswith(PREFIX)


def unseal(secret: bytes, purpose: str, text: str) -> str | None:
    """The plaintext, or None when `text` was not sealed with this secret and purpose."""
    if not is_sealed(text):
        return None
    try:
        raw = base64.urlsafe_b64decode(text[len(PREFIX) :].encode())
        nonce, sealed = raw[:_NONCE_BYTES], raw[_NONCE_BYTES:]
        return _cipher(secret, purpose).decrypt(nonce, sealed, purpose.encode()).decode()
    except (InvalidTag, ValueError):
        return None
