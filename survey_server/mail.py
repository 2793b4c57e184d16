"""Messages and the ways they leave the server: SMTP (aiosmtplib) or `.eml` files.

`PILOTKIT_SMTP_URL` names an SMTP server (`smtp://`, `smtp+starttls://`, `smtps://`, with
optional user and password for AUTH). Without it, each message is written as
`<outbox folder>/<pilot>/<message id>.eml`, the embedded default of `make run`.

A transport raises `TemporaryDeliveryError` (SMTP 4xx, a lost or refused connection, a timeout:
try again later) or `PermanentDeliveryError` (SMTP 5xx: the server will never take it).
"""

from __future__ import annotations

import asyncio
import binascii
import contextlib
import os
import re
import secrets
import ssl
from dataclasses import dataclass
from datetime import datetime
from email.header import Header
from email.headerregistry import Address
from email.utils import format_datetime, formataddr, parseaddr
from pathlib import Path
from typing import Protocol

import aiosmtplib

from survey_server.outreach_settings import OutreachSettings, SmtpServer

_SAFE_FILE = re.compile(r"[^A-Za-z0-9._-]")


class DeliveryError(Exception):
    def __init__(self, message: str, code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class TemporaryDeliveryError(DeliveryError):
    """Try again later (SMTP 4xx, connection trouble)."""


class PermanentDeliveryError(DeliveryError):
    """The server refused the message for good (SMTP 5xx)."""


@dataclass(frozen=True)
class Outgoing:
    """Everything one message says; `message_id` is fixed when the message is queued."""

    message_id: str
    sender: str
    recipient: str
    recipient_name: str
    subject: str
    body: str
    language: str
    opt_out_url: str
    date: datetime
    pilot_name: str


def new_message_id(sender: str) -> str:
    """A globally unique Message-ID in the sender's domain, chosen once per message."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    return f"<{secrets.token_hex(16)}@{domain}>"


def _header(name: str, value: str) -> bytes:
    """One header line, RFC 2047-encoded (and folded) when it is not plain short ASCII."""
    if value.isascii() and len(value) < 900 and "\n" not in value and "\r" not in value:
        return f"{name}: {value}\r\n".encode("ascii")
    encoded = Header(value, "utf-8", header_name=name).encode(linesep="\r\n")
    return f"{name}: {encoded}\r\n".encode("ascii")


def build_message(outgoing: Outgoing) -> bytes:
    """The message as it goes on the wire: plain UTF-8 text (quoted-printable), the opt-out
    link also in List-Unsubscribe. Written directly rather than through `EmailMessage`,
    whose header objects cost more than the rest of sending a message."""
    name, address = parseaddr(outgoing.sender)
    lines = [
        _header("From", formataddr((name or outgoing.pilot_name, address), charset="utf-8")),
        _header("To", formataddr((outgoing.recipient_name, outgoing.recipient), charset="utf-8")),
        _header("Subject", outgoing.subject),
        _header("Date", format_datetime(outgoing.date)),
        _header("Message-ID", outgoing.message_id),
        _header("Content-Language", outgoing.language),
        _header("List-Unsubscribe", f"<{outgoing.opt_out_url}>"),
        b"List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n",
        b"Auto-Submitted: auto-generated\r\n",
        b"MIME-Version: 1.0\r\n",
        b'Content-Type: text/plain; charset="utf-8"\r\n',
        b"Content-Transfer-Encoding: quoted-printable\r\n",
        b"\r\n",
    ]
    text = outgoing.body.replace("\r\n", "\n").encode("utf-8")
    body = binascii.b2a_qp(text, istext=True).replace(b"\n", b"\r\n")
    return b"".join(lines) + body + (b"" if body.endswith(b"\r\n") else b"\r\n")


def needs_smtputf8(*addresses: str) -> bool:
    return not all(a.isascii() for a in addresses)


class Transport(Protocol):
    async def send(
        self, message: bytes, *, message_id: str, sender: str, recipient: str, pilot_slug: str
    ) -> None: ...

    async def close(self) -> None: ...


def eml_name(message_id: str) -> str:
    """The file name of a message in the outbox folder (safe, from its Message-ID)."""
    return _SAFE_FILE.sub("_", message_id.strip("<>")) + ".eml"


class FileTransport:
    """Writes `<folder>/<pilot slug>/<message id>.eml`; a message already written is not
    written again (a second write of the same Message-ID is a no-op)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path_of(self, pilot_slug: str, message_id: str) -> Path:
        return self.folder / _SAFE_FILE.sub("_", pilot_slug) / eml_name(message_id)

    async def send(
        self, message: bytes, *, message_id: str, sender: str, recipient: str, pilot_slug: str
    ) -> None:
        target = self.path_of(pilot_slug, message_id)
        await asyncio.to_thread(_write_once, target, message)

    async def close(self) -> None:
        return None


def _write_once(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        return
    temporary = target.with_name(f".{target.name}.{secrets.token_hex(4)}")
    temporary.write_bytes(data)
    try:
        os.link(temporary, target)  # atomic, and refuses to replace an existing file
    except FileExistsError:
        pass
    finally:
        temporary.unlink()


class SmtpTransport:
    """A small pool of SMTP connections (aiosmtplib), opened on demand and reused."""

    def __init__(self, server: SmtpServer, *, connections: int, timeout: float = 30.0) -> None:
        self.server = server
        self.timeout = timeout
        self._idle: asyncio.Queue[aiosmtplib.SMTP] = asyncio.Queue()
        self._slots = asyncio.Semaphore(max(1, connections))
        self._all: set[aiosmtplib.SMTP] = set()
        self._context: ssl.SSLContext | None = None

    def _tls_context(self) -> ssl.SSLContext:
        if self._context is None:  # loading the system's CA certificates takes 0.1 s
            self._context = ssl.create_default_context()
        return self._context

    async def _open(self) -> aiosmtplib.SMTP:
        server = self.server
        client = aiosmtplib.SMTP(
            hostname=server.host,
            port=server.port,
            use_tls=server.implicit_tls,
            start_tls=server.starttls,
            timeout=self.timeout,
            tls_context=self._tls_context(),
        )
        await client.connect()
        if server.username is not None:
            await client.login(server.username, server.password or "")
        self._all.add(client)
        return client

    async def send(
        self, message: bytes, *, message_id: str, sender: str, recipient: str, pilot_slug: str
    ) -> None:
        options = ["SMTPUTF8"] if needs_smtputf8(sender, recipient) else None
        async with self._slots:
            client = None if self._idle.empty() else self._idle.get_nowait()
            try:
                if client is None or not client.is_connected:
                    client = await self._open()
                await client.sendmail(sender, [recipient], message, mail_options=options)
            except aiosmtplib.SMTPRecipientsRefused as exc:
                self._keep(client)
                refused = exc.recipients[0] if exc.recipients else None
                code = refused.code if refused is not None else 550
                text = refused.message if refused is not None else str(exc)
                raise _classified(code, text) from None
            except aiosmtplib.SMTPResponseException as exc:
                self._keep(client)
                raise _classified(exc.code, exc.message) from None
            except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
                await self._drop(client)
                raise TemporaryDeliveryError(
                    f"the mail server could not be reached: {exc}"
                ) from None
            self._keep(client)

    def _keep(self, client: aiosmtplib.SMTP | None) -> None:
        if client is not None and client.is_connected:
            self._idle.put_nowait(client)

    async def _drop(self, client: aiosmtplib.SMTP | None) -> None:
        if client is None:
            return
        self._all.discard(client)
        with contextlib.suppress(Exception):
            client.close()

    async def close(self) -> None:
        for client in list(self._all):
            with contextlib.suppress(Exception):
                if client.is_connected:
                    await asyncio.wait_for(client.quit(), timeout=2)
            with contextlib.suppress(Exception):
                client.close()
        self._all.clear()


def _classified(code: int, text: str) -> DeliveryError:
    detail = f"{code} {text}".strip()
    if 500 <= code < 600:
        return PermanentDeliveryError(detail, code)
    return TemporaryDeliveryError(detail, code)


def make_transport(settings: OutreachSettings) -> Transport:
    smtp = settings.smtp
    if smtp is None:
        return FileTransport(settings.outbox_dir)
    return SmtpTransport(smtp, connections=settings.connections)


def sender_address(settings: OutreachSettings) -> str:
    """The bare address of `mail_from` (the envelope sender)."""
    return parseaddr(settings.mail_from)[1] or "no-reply@localhost"


def check_sender(settings: OutreachSettings) -> None:
    """A sender that cannot be written in a header stops the start with one line."""
    from pilotkit.errors import PilotkitError

    address = sender_address(settings)
    user, _, domain = address.rpartition("@")
    try:
        Address(username=user, domain=domain)
    except (ValueError, IndexError) as exc:
        raise PilotkitError(
            f"PILOTKIT_MAIL_FROM '{settings.mail_from}' is not usable: {exc}"
        ) from None
