"""The sending worker against a real SMTP server: retries, bounces, schedules on a movable
clock, several workers at once, and a worker killed with SIGKILL in the middle of a batch."""

from __future__ import annotations

import asyncio
import os
import signal
import ssl
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import trustme
from piccolo.querystring import QueryString

from survey_server.connection import connected
from survey_server.outreach_tables import Contact, Outbox
from survey_server.services import outreach
from survey_server.services.outbox import RESENT
from survey_server.services.pilots import set_wave_status
from tests.helpers import REPO_ROOT
from tests.outreach.conftest import DAY, SECRET, harness, outreach_settings
from tests.outreach.smtp import SmtpTestServer


def _people(n: int, domain: str = "example.org") -> str:
    return "email\n" + "".join(f"person{i:03d}@{domain}\n" for i in range(n))


def test_temporary_failure_then_success_delivers_once(
    database_url: str, tmp_path: Path, smtp: SmtpTestServer
) -> None:
    smtp.sink.script["person000@example.org"] = ["451 4.3.0 try again later"]
    settings = outreach_settings(database_url, tmp_path, smtp.url)

    async def main() -> None:
        async with harness(settings) as h:
            pilot_id = await h.pilot("crm")
            await h.contacts(pilot_id, _people(2))
            await h.send(pilot_id, "pre", "invitation")
            worker = h.worker()
            await worker.drain()
            assert len(smtp.sink.to("person000@example.org")) == 0
            row = await Outbox.select().where(Outbox.attempts == 1).first()
            waiting = await Outbox.select().where(Outbox.state == "queued").first()
            assert waiting["error"].startswith("451")
            assert waiting["not_before"] > int(h.clock())  # backed off, not retried at once
            await worker.drain()  # not due yet: nothing happens
            assert len(smtp.sink.to("person000@example.org")) == 0
            h.clock.advance(61)
            await worker.drain()
            await worker.transport.close()
            assert len(smtp.sink.to("person000@example.org")) == 1
            assert len(smtp.sink.to("person001@example.org")) == 1
            states = [r["state"] for r in await Outbox.select(Outbox.state)]
            assert states == ["sent", "sent"]
            assert row is not None

    asyncio.run(main())


def test_permanent_failure_marks_the_contact_bounced_and_shows_it(
    database_url: str, tmp_path: Path, smtp: SmtpTestServer
) -> None:
    smtp.sink.script["person001@example.org"] = ["550 5.1.1 no such mailbox here"]
    settings = outreach_settings(database_url, tmp_path, smtp.url)

    async def main() -> None:
        async with harness(settings) as h:
            pilot_id = await h.pilot("crm")
            await h.contacts(pilot_id, _people(3))
            await h.send(pilot_id, "pre", "invitation")
            worker = h.worker()
            await worker.drain()
            await worker.transport.close()
            assert len(smtp.sink.received) == 2
            bounced = await Contact.select().where(Contact.status == "bounced")
            assert [c["email"] for c in bounced] == ["person001@example.org"]
            assert "no such mailbox" in bounced[0]["status_detail"]
            failed = await Outbox.select().where(Outbox.state == "failed")
            assert len(failed) == 1 and failed[0]["error"].startswith("550")
            board = await outreach.board(h.engine, pilot_id, now=int(h.clock()))
            assert board.contacts["bounced"] == 1
            assert board.waves[0].bounced == 1
            # a bounced address gets no reminder
            h.clock.advance(5 * DAY)
            batch = await outreach.plan_batch(
                h.engine, pilot_id, "pre", "reminder", send_at=int(h.clock()), now=int(h.clock())
            )
            assert len(batch.recipients) == 2

    asyncio.run(main())


def test_gives_up_after_the_attempts_allowed(
    database_url: str, tmp_path: Path, smtp: SmtpTestServer
) -> None:
    smtp.sink.script["person000@example.org"] = ["421 4.7.0 busy"] * 5
    settings = outreach_settings(database_url, tmp_path, smtp.url, max_attempts=3)

    async def main() -> None:
        async with harness(settings) as h:
            pilot_id = await h.pilot("crm")
            await h.contacts(pilot_id, _people(1))
            await h.send(pilot_id, "pre", "invitation")
            worker = h.worker()
            for _ in range(4):
                await worker.drain()
                h.clock.advance(3600)
            await worker.transport.close()
            (row,) = await Outbox.select()
            assert row["state"] == "failed" and row["attempts"] == 3
            assert "gave up after 3 attempts" in row["error"]
            (contact,) = await Contact.select(Contact.status)
            assert contact["status"] == "active"  # a busy server says nothing of the address

    asyncio.run(main())


def test_reminders_follow_the_plan_on_a_movable_clock(
    database_url: str, tmp_path: Path, smtp: SmtpTestServer
) -> None:
    """At most N reminders, at least D days apart, only to those who have not answered,
    and none once the wave has closed."""
    settings = outreach_settings(database_url, tmp_path, smtp.url)

    async def main() -> None:
        from survey_server.services.forms import open_form, submit

        async with harness(settings) as h:
            pilot_id = await h.pilot("crm")
            await h.contacts(pilot_id, _people(3))
            await outreach.save_plan(
                h.engine,
                h.manager.actor,
                pilot_id,
                "pre",
                automatic=True,
                max_reminders=2,
                gap_days=3,
                now=int(h.clock()),
            )
            await h.send(pilot_id, "pre", "invitation")
            worker = h.worker()
            await worker.drain()
            assert len(smtp.sink.received) == 3
            # person000 answers with the link from the invitation
            token = smtp.sink.to("person000@example.org")[0].text.split("/f/")[1].split("?")[0]
            context = await open_form(h.engine, token)
            answers = {
                i.id: 3 for i in context.instrument.items_in_wave("pre") if i.type == "likert"
            }
            import uuid

            await submit(h.engine, token, uuid.uuid4(), answers)
            h.clock.advance(2 * DAY)  # too early for a reminder
            await worker.plan_reminders()
            await worker.drain()
            assert len(smtp.sink.received) == 3
            h.clock.advance(1 * DAY + 60)
            await worker.plan_reminders()
            await worker.plan_reminders()  # planned twice (two processes): sent once
            await worker.drain()
            assert Counter(r.recipients[0] for r in smtp.sink.received) == {
                "person000@example.org": 1,
                "person001@example.org": 2,
                "person002@example.org": 2,
            }
            h.clock.advance(3 * DAY + 60)
            await worker.plan_reminders()
            await worker.drain()
            h.clock.advance(3 * DAY + 60)
            await worker.plan_reminders()  # N = 2 reached: nothing more
            await worker.drain()
            counts = Counter(r.recipients[0] for r in smtp.sink.received)
            assert counts["person001@example.org"] == 3 and counts["person000@example.org"] == 1
            subjects = [r.message["Subject"] for r in smtp.sink.to("person001@example.org")]
            assert subjects[1].startswith("Reminder") and subjects[2].startswith("Reminder")

            # a wave that closes stops its reminders, even those already queued
            await outreach.save_plan(
                h.engine,
                h.manager.actor,
                pilot_id,
                "pre",
                automatic=True,
                max_reminders=5,
                gap_days=1,
                now=int(h.clock()),
            )
            h.clock.advance(DAY + 60)
            queued = await outreach.plan_automatic_reminders(
                h.engine, now=int(h.clock()), sender="pilots@city.example.org", link_key=h.key
            )
            assert queued == 2
            await set_wave_status(h.engine, "crm", "pre", "closed")
            await worker.drain()
            await worker.transport.close()
            assert sum(counts.values()) == len(smtp.sink.received)
            cancelled = await Outbox.select(Outbox.error).where(Outbox.state == "cancelled")
            assert [r["error"] for r in cancelled] == [
                "the wave closed before this message went out"
            ] * 2
            board = await outreach.board(h.engine, pilot_id, now=int(h.clock()))
            steps = board.waves[0].steps
            assert [s.label for s in steps] == ["invitation", "reminder 1", "reminder 2"]
            assert steps[0].rate_before == 0 and steps[0].rate_after == 1 / 3
            assert steps[1].rate_after == 1 / 3

    asyncio.run(main())


def test_send_at_a_time_waits_for_it(
    database_url: str, tmp_path: Path, smtp: SmtpTestServer
) -> None:
    settings = outreach_settings(database_url, tmp_path, smtp.url)

    async def main() -> None:
        async with harness(settings) as h:
            pilot_id = await h.pilot("crm")
            await h.contacts(pilot_id, _people(2))
            await h.send(pilot_id, "pre", "invitation", send_at=int(h.clock()) + 3600)
            worker = h.worker()
            await worker.drain()
            assert smtp.sink.received == []
            h.clock.advance(3600)
            await worker.drain()
            await worker.transport.close()
            assert len(smtp.sink.received) == 2

    asyncio.run(main())


def test_two_workers_at_once_send_each_message_once(
    database_url: str, tmp_path: Path, smtp: SmtpTestServer
) -> None:
    settings = outreach_settings(database_url, tmp_path, smtp.url)

    async def main() -> None:
        async with harness(settings) as h:
            pilot_id = await h.pilot("crm")
            await h.contacts(pilot_id, _people(150))
            await h.send(pilot_id, "pre", "invitation")
            first, second = h.worker(), h.worker()
            await asyncio.gather(first.drain(), second.drain())
            await first.transport.close()
            await second.transport.close()
            ids = [r.message_id for r in smtp.sink.received]
            assert len(ids) == 150 and len(set(ids)) == 150

    asyncio.run(main())


def test_starttls_and_authentication(database_url: str, tmp_path: Path) -> None:
    """`smtp+starttls://user:password@host:port`: TLS first, then AUTH, then the message."""
    authority = trustme.CA()
    certificate = authority.issue_cert("127.0.0.1")
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    certificate.configure_cert(server_context)
    bundle = tmp_path / "ca.pem"
    authority.cert_pem.write_to_path(str(bundle))
    with SmtpTestServer(tls_context=server_context, users={"mailer": "s3cret pass"}) as server:
        url = f"smtp+starttls://mailer:s3cret%20pass@127.0.0.1:{server.port}"
        settings = outreach_settings(database_url, tmp_path, url)
        os.environ["SSL_CERT_FILE"] = str(bundle)
        try:

            async def main() -> None:
                async with harness(settings) as h:
                    pilot_id = await h.pilot("crm")
                    await h.contacts(pilot_id, _people(2))
                    await h.send(pilot_id, "pre", "invitation")
                    worker = h.worker()
                    await worker.drain()
                    await worker.transport.close()

            asyncio.run(main())
        finally:
            del os.environ["SSL_CERT_FILE"]
        assert len(server.sink.received) == 2
        assert server.sink.authenticated and set(server.sink.authenticated) == {"mailer"}


def _worker_process(database_url: str, smtp_url: str, tmp_path: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "PILOTKIT_SMTP_URL": smtp_url,
        "PILOTKIT_SECRET_KEY": SECRET,
        "PILOTKIT_BASE_URL": "http://survey.test",
        "PILOTKIT_MAIL_FROM": "pilots@city.example.org",
        "PILOTKIT_MAIL_RATE": "200",
        "PILOTKIT_MAIL_CONNECTIONS": "1",
        "PILOTKIT_OUTBOX_LEASE_S": "2",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "pilotkit", "outreach-worker"],
        env=env,
        cwd=REPO_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=(tmp_path / "worker.log").open("ab"),
    )


def test_worker_killed_mid_batch_then_restarted_sends_one_message_per_contact(
    database_url: str, tmp_path: Path, smtp: SmtpTestServer
) -> None:
    """SIGKILL at the worst moment: the SMTP server has taken message 20, the worker never
    heard its 250. The restarted worker sends every other message once and message 20
    again under the same Message-ID, so each contact holds exactly one distinct message."""
    contacts_n = 60
    settings = outreach_settings(database_url, tmp_path, smtp.url)

    async def seed() -> int:
        async with harness(settings) as h:
            pilot_id = await h.pilot("crm")
            await h.contacts(pilot_id, _people(contacts_n))
            return await h.send(pilot_id, "pre", "invitation")

    assert asyncio.run(seed()) == contacts_n
    first = _worker_process(database_url, smtp.url, tmp_path)
    killed: list[int] = []

    def kill_on_twentieth(sink: object) -> None:
        if smtp.sink.accepted == 20 and not killed:
            killed.append(first.pid)
            os.kill(first.pid, signal.SIGKILL)

    smtp.sink.on_message = kill_on_twentieth
    assert first.wait(timeout=60) == -signal.SIGKILL
    smtp.sink.on_message = None
    assert smtp.sink.accepted == 20

    second = _worker_process(database_url, smtp.url, tmp_path)
    try:
        deadline = time.monotonic() + 90

        async def states() -> Counter[str]:
            async with connected(database_url) as engine:
                rows = await engine.run_querystring(
                    QueryString('SELECT "state", "error" FROM "outbox"')
                )
                return Counter(r["state"] for r in rows)

        while asyncio.run(states())["sent"] < contacts_n:
            assert time.monotonic() < deadline, asyncio.run(states())
            time.sleep(0.2)
    finally:
        second.send_signal(signal.SIGINT)
        second.wait(timeout=30)
    by_contact: dict[str, set[str]] = {}
    for received in smtp.sink.received:
        by_contact.setdefault(received.recipients[0], set()).add(received.message_id)
    assert len(by_contact) == contacts_n
    assert all(len(ids) == 1 for ids in by_contact.values())  # one distinct message each
    copies = Counter(r.recipients[0] for r in smtp.sink.received)
    assert sorted(copies.values()) == [1] * (contacts_n - 1) + [2]  # only the one in flight

    async def resent() -> list[str]:
        async with connected(database_url) as engine:
            rows = await engine.run_querystring(
                QueryString('SELECT "error" FROM "outbox" WHERE "error" <> \'\'')
            )
            return [r["error"] for r in rows]

    assert asyncio.run(resent()) in ([], [RESENT])
