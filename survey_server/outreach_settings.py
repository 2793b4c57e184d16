"""Settings of e-mail outreach, read from the environment (never at import time).

- `PILOTKIT_SMTP_URL`: `smtp://[user:password@]host[:port]` (STARTTLS when the server
  offers it), `smtp+starttls://…` (STARTTLS required), `smtps://…` (TLS from the start);
  empty: `.eml` files in `PILOTKIT_OUTBOX_DIR` (default `data/outbox/`).
- `PILOTKIT_MAIL_FROM`: the sender address of every message.
- `PILOTKIT_MAIL_RATE`: messages per second at most, all connections together (0: no limit).
- `PILOTKIT_MAIL_CONNECTIONS`: SMTP connections the worker sends over at once.
- `PILOTKIT_OUTREACH_WORKER`: `0` keeps `pilotkit serve` from sending.
- `PILOTKIT_OUTBOX_LEASE_S`: seconds before a dead worker's messages are taken back.
- `PILOTKIT_SECRET_KEY`: the key that turns a contact's seed into its links.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from pilotkit.errors import PilotkitError
from pilotkit.paths import data_dir

DEFAULT_FROM = "pilotkit <no-reply@localhost>"


def default_outbox_dir() -> Path:
    return data_dir() / "outbox"


@dataclass(frozen=True)
class SmtpServer:
    """A parsed `PILOTKIT_SMTP_URL`."""

    host: str
    port: int
    username: str | None
    password: str | None
    #: True: TLS from the first byte (smtps); False: plain, upgraded by STARTTLS
    implicit_tls: bool
    #: True: refuse to send without STARTTLS; None: use it when the server offers it
    starttls: bool | None


def parse_smtp_url(url: str) -> SmtpServer:
    """`smtp://`, `smtp+starttls://` or `smtps://`, with optional user, password, port."""
    parts = urlsplit(url)
    schemes = {
        "smtp": (25, False, None),
        "smtp+starttls": (587, False, True),
        "smtps": (465, True, False),
    }
    if parts.scheme not in schemes or not parts.hostname:
        raise PilotkitError(
            f"PILOTKIT_SMTP_URL '{parts.scheme}://{parts.hostname or ''}…' is not supported: use "
            "smtp://HOST[:PORT], smtp+starttls://USER:PASSWORD@HOST[:PORT] or smtps://…"
        )
    default_port, implicit_tls, starttls = schemes[parts.scheme]
    try:
        port = parts.port or default_port
    except ValueError:
        raise PilotkitError("PILOTKIT_SMTP_URL: the port is not a number") from None
    return SmtpServer(
        host=parts.hostname,
        port=port,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        implicit_tls=implicit_tls,
        starttls=starttls,
    )


@dataclass(frozen=True)
class OutreachSettings:
    """How invitations and reminders leave the server."""

    #: empty: write each message as an `.eml` file under `outbox_dir`
    smtp_url: str = ""
    mail_from: str = DEFAULT_FROM
    outbox_dir: Path = field(default_factory=default_outbox_dir)
    #: messages per second at most (0: as fast as the server takes them)
    rate_per_s: float = 20.0
    connections: int = 4
    #: run the sending worker in this process (`pilotkit serve` turns it on)
    worker: bool = False
    #: a claimed message not renewed for this long is taken back (its worker died)
    lease_s: int = 60
    #: temporary failures (SMTP 4xx, lost connections) before a message is given up
    max_attempts: int = 8
    #: the key of link and opt-out tokens; empty: a key file (see services.outreach_keys)
    secret_key: str = ""
    #: where the key is kept when `secret_key` is empty; None: beside the SQLite file
    key_file: Path | None = None

    @property
    def smtp(self) -> SmtpServer | None:
        return parse_smtp_url(self.smtp_url) if self.smtp_url else None

    @classmethod
    def from_env(cls) -> OutreachSettings:
        env = os.environ
        settings = cls(
            smtp_url=env.get("PILOTKIT_SMTP_URL", "").strip(),
            mail_from=env.get("PILOTKIT_MAIL_FROM", "").strip() or DEFAULT_FROM,
            outbox_dir=Path(env["PILOTKIT_OUTBOX_DIR"])
            if env.get("PILOTKIT_OUTBOX_DIR")
            else default_outbox_dir(),
            rate_per_s=_number(env, "PILOTKIT_MAIL_RATE", 20.0),
            connections=max(1, int(_number(env, "PILOTKIT_MAIL_CONNECTIONS", 4))),
            worker=env.get("PILOTKIT_OUTREACH_WORKER", "1") == "1",
            lease_s=max(1, int(_number(env, "PILOTKIT_OUTBOX_LEASE_S", 60))),
            secret_key=env.get("PILOTKIT_SECRET_KEY", ""),
        )
        if settings.smtp_url:
            settings.smtp  # noqa: B018 - a wrong URL stops the start with one line
        return settings


def _number(env: os._Environ[str], name: str, default: float) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise PilotkitError(f"{name} must be a number, not '{raw}'") from None
    if not value >= 0 or value == float("inf"):
        raise PilotkitError(f"{name} must be a number of at least 0, not '{raw}'")
    return value
