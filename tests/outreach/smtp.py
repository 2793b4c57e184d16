"""A real SMTP server for tests and benchmarks: aiosmtpd on a free loopback port.

It keeps every message it accepts (parsed), and can be told to answer a recipient with
given SMTP replies first (`script`), e.g. a 451 then the normal 250, or a 550.
"""

from __future__ import annotations

import email
import email.policy
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from survey_server.process import free_port


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: EmailMessage

    @property
    def message_id(self) -> str:
        return str(self.message["Message-ID"])

    @property
    def text(self) -> str:
        part = self.message.get_body(preferencelist=("plain",))
        assert part is not None
        return str(part.get_content())


@dataclass
class Sink:
    """The handler: what arrived, and scripted answers per recipient."""

    received: list[Received] = field(default_factory=list)
    script: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    on_message: Any = None  # called with each accepted message, before the 250 is sent
    count_only: bool = False
    accepted: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    auth_ok: set[tuple[str, str]] = field(default_factory=set)
    authenticated: list[str] = field(default_factory=list)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        with self.lock:
            queued = self.script.get(address.lower())
            if queued:
                return queued.pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            self.accepted += 1
            if not self.count_only:
                parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
                self.received.append(
                    Received(envelope.mail_from, list(envelope.rcpt_tos), parsed)  # type: ignore[arg-type]
                )
        if self.on_message is not None:
            self.on_message(self)
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[Received]:
        with self.lock:
            return [
                r for r in self.received if address.lower() in [a.lower() for a in r.recipients]
            ]


def _authenticator(sink: Sink) -> Any:
    def check(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        if isinstance(data, LoginPassword):
            pair = (data.login.decode(), data.password.decode())
            if pair in sink.auth_ok:
                sink.authenticated.append(pair[0])
                return AuthResult(success=True)
        return AuthResult(success=False, handled=False)

    return check


class SmtpTestServer:
    """`with SmtpTestServer() as smtp:` a started server; `smtp.url` for PILOTKIT_SMTP_URL."""

    def __init__(self, *, tls_context: Any = None, users: dict[str, str] | None = None) -> None:
        self.sink = Sink()
        self.port = free_port()
        kwargs: dict[str, Any] = {}
        if tls_context is not None:
            kwargs.update(tls_context=tls_context, require_starttls=True)
        if users:
            self.sink.auth_ok = set(users.items())
            kwargs.update(
                authenticator=_authenticator(self.sink),
                auth_required=True,
                auth_require_tls=tls_context is not None,
            )
        self.controller = Controller(
            self.sink, hostname="127.0.0.1", port=self.port, ready_timeout=10, **kwargs
        )

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def __enter__(self) -> SmtpTestServer:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()
