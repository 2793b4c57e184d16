"""The server's key for contact links, and the tokens it derives from a contact's seed.

A linked pilot's contact receives the same link in every message, yet the database keeps
only the SHA-256 of a link (as for every participant). The link is therefore derived:
`token = HMAC-SHA256(key, "link" + seed)`, with a random seed stored on the contact and
the key kept outside the database (`PILOTKIT_SECRET_KEY`, else a key file). A copy of the
database alone opens no form and opts nobody out. The opt-out token is derived the same
way under another label, and stored as a hash for look-up.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import os
import secrets
from pathlib import Path

from pilotkit.errors import PilotkitError
from pilotkit.paths import data_dir
from survey_server.outreach_settings import OutreachSettings
from survey_server.settings import parse_database_url

KEY_FILE_NAME = "secret.key"


def key_path(settings: OutreachSettings, database_url: str) -> Path:
    """Where the key file is: the setting, else beside the SQLite file, else data/."""
    if settings.key_file is not None:
        return settings.key_file
    location = parse_database_url(database_url)
    if location.sqlite_path is not None:
        return location.sqlite_path.with_name(location.sqlite_path.name + ".key")
    return data_dir() / KEY_FILE_NAME


def server_key(settings: OutreachSettings, database_url: str) -> bytes:
    """The key of this installation; a key file is created once, readable by its owner only."""
    if settings.secret_key:
        return hashlib.sha256(settings.secret_key.encode()).digest()
    path = key_path(settings, database_url)
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_hex(32) + "\n")
        # another process may have made it meanwhile: the first file wins
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)
        temporary.unlink()
    text = path.read_text(encoding="utf-8").strip()
    try:
        key = bytes.fromhex(text)
    except ValueError:
        key = b""
    if len(key) < 16:
        raise PilotkitError(f"the key file {path} is damaged; restore it from a backup")
    return key


def new_seed() -> str:
    return secrets.token_hex(16)


def _derive(key: bytes, label: str, seed: str) -> str:
    digest = hmac.new(key, f"{label}\0{seed}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:24]).decode()  # 32 characters, as new_token()


def link_token(key: bytes, seed: str) -> str:
    """The participant link token of a contact in a linked pilot."""
    return _derive(key, "link", seed)


def opt_out_token(key: bytes, seed: str) -> str:
    return _derive(key, "opt-out", seed)
