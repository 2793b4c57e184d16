"""The outreach worker: sends the outbox's invitations and reminders in the background.

Like the report worker, the app's lifespan starts one per server process
(`OutreachSettings.worker`); `pilotkit outreach-worker` runs one on its own. Each round
it plans the automatic reminders that are due, takes back the messages of dead workers,
claims a chunk of due messages and sends them over a few SMTP connections at the
configured rate, recording each outcome as soon as the server answers. Schedules read
the clock it is given, so tests move time instead of sleeping.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from piccolo.engine.base import Engine

from survey_server.mail import (
    DeliveryError,
    Outgoing,
    PermanentDeliveryError,
    Transport,
    build_message,
    make_transport,
    sender_address,
)
from survey_server.services import outbox, outreach
from survey_server.services.contacts import PilotFacts, pilot_facts
from survey_server.services.mail_templates import MailText, pilot_texts, render
from survey_server.services.outreach_keys import link_token, opt_out_token, server_key
from survey_server.services.sealed import is_sealed, unseal
from survey_server.services.tokens import hash_token
from survey_server.settings import Settings

log = logging.getLogger("pilotkit.outreach_worker")

CHUNK = 100
POLL_S = 2.0
PLAN_EVERY_S = 60
RETRY_BASE_S = 60
RETRY_MAX_S = 3600


class RateLimiter:
    """At most `rate` starts per second (0: no limit), shared by the sending tasks."""

    def __init__(
        self,
        rate: float,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self._next = 0.0
        self._monotonic = monotonic
        self._sleep = sleep

    async def wait(self) -> None:
        if not self.interval:
            return
        now = self._monotonic()
        start = max(now, self._next)  # no await before this: the slot is taken at once
        self._next = start + self.interval
        if start > now:
            await self._sleep(start - now)


class OutreachWorker:
    """Claims and sends outbox messages until stopped."""

    def __init__(
        self,
        engine: Engine,
        settings: Settings,
        *,
        transport: Transport | None = None,
        clock: Callable[[], float] | None = None,
        poll_interval: float = POLL_S,
    ) -> None:
        self.engine = engine
        self.settings = settings
        self.options = settings.outreach
        self.transport = transport or make_transport(self.options)
        #: Unix seconds; by default the settings' clock, the one wave schedules go by
        self.clock = clock or (lambda: settings.clock().timestamp())
        self.poll_interval = poll_interval
        self.name = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
        self.key = server_key(self.options, settings.database_url)
        self.sender = sender_address(self.options)
        self.limiter = RateLimiter(self.options.rate_per_s)
        self._wake = asyncio.Event()
        self._stopping = False
        self._task: asyncio.Task[None] | None = None
        self._last_plan = float("-inf")
        self._held: set[int] = set()

    def now(self) -> int:
        return int(self.clock())

    # --- lifecycle --------------------------------------------------------------------

    def start(self) -> None:
        self._task = asyncio.create_task(self._loop(), name="pilotkit-outreach-worker")

    def wake(self) -> None:
        self._wake.set()

    async def stop(self) -> None:
        self._stopping = True
        self._wake.set()
        if self._task is not None:
            try:
                await asyncio.wait_for(self._task, timeout=10)
            except (TimeoutError, asyncio.CancelledError):
                self._task.cancel()
        try:
            await outbox.release(self.engine, sorted(self._held), self.name)
        except Exception:  # the database may be gone at shutdown; leases expire anyway
            log.exception("could not hand back the outbox messages of a stopping worker")
        await self.transport.close()

    async def _loop(self) -> None:
        while not self._stopping:
            try:
                sent = await self.run_once()
            except Exception:  # the worker must outlive a bad moment
                log.exception("outreach worker: could not look at the outbox")
                sent = 0
            if sent or self._stopping:
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self.poll_interval)
            self._wake.clear()

    # --- one round --------------------------------------------------------------------

    async def plan_reminders(self) -> int:
        self._last_plan = self.clock()
        return await outreach.plan_automatic_reminders(
            self.engine, now=self.now(), sender=self.options.mail_from, link_key=self.key
        )

    async def run_once(self) -> int:
        """Plan due reminders, then claim and send one chunk; returns messages handled."""
        if self.clock() - self._last_plan >= PLAN_EVERY_S:
            await self.plan_reminders()
        now = self.now()
        if not await outbox.anything_due(self.engine, now):
            return 0
        await outbox.release_expired(self.engine, now)
        ids = await outbox.claim(
            self.engine, self.name, now=now, limit=CHUNK, lease_s=self.options.lease_s
        )
        if not ids:
            return 0
        self._held.update(ids)
        renewing = asyncio.create_task(self._renew_leases())
        try:
            pending = await outbox.load(self.engine, ids, self.name)
            await self._send_all(pending)
        finally:
            renewing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await renewing
            leftover = sorted(self._held.intersection(ids))
            self._held.difference_update(ids)
            if leftover:
                await outbox.release(self.engine, leftover, self.name)
        return len(ids)

    async def drain(self) -> int:
        """Send everything due now (tests and `--once`); returns messages handled."""
        total = 0
        while True:
            handled = await self.run_once()
            if not handled:
                return total
            total += handled

    async def _renew_leases(self) -> None:
        period = max(0.5, self.options.lease_s / 3)
        while True:
            await asyncio.sleep(period)
            await outbox.renew(self.engine, self.name, self.now() + self.options.lease_s)

    async def _send_all(self, pending: list[outbox.Pending]) -> None:
        facts: dict[int, PilotFacts] = {}
        texts: dict[int, dict[tuple[str, str], MailText]] = {}
        for item in pending:
            if item.pilot_id not in facts:
                facts[item.pilot_id] = await pilot_facts(item.pilot_id)
                texts[item.pilot_id] = await pilot_texts(self.engine, item.pilot_id)
        queue: asyncio.Queue[outbox.Pending] = asyncio.Queue()
        for item in pending:
            queue.put_nowait(item)

        async def sender() -> None:
            while not queue.empty() and not self._stopping:
                item = queue.get_nowait()
                await self._one(item, facts[item.pilot_id], texts[item.pilot_id])

        connections = max(1, self.options.connections)
        await asyncio.gather(*(sender() for _ in range(min(connections, len(pending)))))

    # --- one message ------------------------------------------------------------------

    def _why_not(self, item: outbox.Pending, facts: PilotFacts, now: int) -> str | None:
        if item.contact_id is None:
            return "the contact was deleted"
        if item.contact_status == "opted_out":
            return "opted out"
        if item.contact_status == "bounced":
            return "the address bounced"
        if item.wave.state(datetime.fromtimestamp(now, UTC)) == "closed":
            return "the wave closed before this message went out"
        if not facts.anonymous and item.answered:
            return "already answered"
        return None

    def _link(self, item: outbox.Pending, facts: PilotFacts) -> str | None:
        if facts.anonymous:
            if is_sealed(item.link_token):
                return unseal(self.key, outreach.OUTBOX_LINK, item.link_token)
            return item.link_token or None  # queued before links were sealed
        token = link_token(self.key, item.link_seed)
        if item.participant_hash != hash_token(token):
            return None
        return token

    def compose(
        self,
        item: outbox.Pending,
        facts: PilotFacts,
        texts: dict[tuple[str, str], MailText],
        token: str,
        now: int,
    ) -> Outgoing:
        language = item.language if item.language in facts.languages else facts.languages[0]
        base = self.settings.base_url
        opt_out_url = f"{base}/o/{opt_out_token(self.key, item.link_seed)}"
        rendered = render(
            texts[(item.kind, language)],
            pilot=facts.name,
            pilot_contact=facts.contact,
            wave=item.wave.name,
            closes_at=item.wave.closes_at,
            name=item.name,
            link=f"{base}/f/{token}?lang={language}",
            opt_out_url=opt_out_url,
            anonymous=facts.anonymous,
        )
        return Outgoing(
            message_id=item.message_id,
            sender=self.options.mail_from,
            recipient=item.email,
            recipient_name=item.name,
            subject=rendered.subject,
            body=rendered.body,
            language=language,
            opt_out_url=opt_out_url,
            date=datetime.fromtimestamp(now, UTC),
            pilot_name=facts.name,
        )

    async def _one(
        self,
        item: outbox.Pending,
        facts: PilotFacts,
        texts: dict[tuple[str, str], MailText],
    ) -> None:
        now = self.now()
        engine = self.engine
        try:
            reason = self._why_not(item, facts, now)
            if reason is None and item.wave.state(datetime.fromtimestamp(now, UTC)) != "open":
                opens = item.wave.opens_at
                if opens is not None and opens.timestamp() > now:
                    await outbox.record_postponed(
                        engine, item.id, self.name, int(opens.timestamp())
                    )
                    return
                reason = "the wave was not open"
            if reason is not None:
                await outbox.record_cancelled(engine, item.id, self.name, reason)
                return
            token = self._link(item, facts)
            if token is None:
                await outbox.record_failed(
                    engine,
                    item.id,
                    self.name,
                    now=now,
                    error="the participant's link was reissued by hand; give them the new one",
                    contact_id=item.contact_id,
                    bounced=False,
                )
                return
            message = build_message(self.compose(item, facts, texts, token, now))
            await self.limiter.wait()
            try:
                await self.transport.send(
                    message,
                    message_id=item.message_id,
                    sender=self.sender,
                    recipient=item.email,
                    pilot_slug=item.pilot_slug,
                )
            except PermanentDeliveryError as exc:
                await outbox.record_failed(
                    engine,
                    item.id,
                    self.name,
                    now=self.now(),
                    error=exc.message,
                    contact_id=item.contact_id,
                    bounced=True,
                )
            except DeliveryError as exc:
                await self._retry_later(item, exc.message)
            except Exception as exc:  # a transport bug must not strand the message
                log.exception("outbox message %s: unexpected error while sending", item.id)
                await self._retry_later(item, f"unexpected {type(exc).__name__}: {exc}")
            else:
                if not await outbox.record_sent(engine, item.id, self.name, self.now()):
                    log.warning("outbox message %s was taken back while it was sent", item.id)
        finally:
            self._held.discard(item.id)

    async def _retry_later(self, item: outbox.Pending, error: str) -> None:
        if item.attempts >= self.options.max_attempts:
            await outbox.record_failed(
                self.engine,
                item.id,
                self.name,
                now=self.now(),
                error=f"gave up after {item.attempts} attempts; last answer: {error}",
                contact_id=item.contact_id,
                bounced=False,
            )
            return
        delay = min(RETRY_MAX_S, RETRY_BASE_S * 2 ** (item.attempts - 1))
        await outbox.record_retry(
            self.engine, item.id, self.name, not_before=self.now() + delay, error=error
        )
