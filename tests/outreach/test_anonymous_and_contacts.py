"""Anonymous pilots (nothing stored ties an address to a link or answers) and the contact
list itself (validation, merged duplicates, opt-outs that stay, deletion)."""

from __future__ import annotations

import asyncio
import re
import uuid
from pathlib import Path

import pytest

from survey_server.errors import InvalidInputError
from survey_server.outreach_tables import Contact, Outbox
from survey_server.services import contacts, outreach
from survey_server.services.forms import open_form, submit
from survey_server.tables import Participant
from tests.outreach.conftest import DAY, harness, outreach_settings
from tests.outreach.smtp import SmtpTestServer

LINK = re.compile(r"/f/([A-Za-z0-9_-]+)\?lang=")


def test_anonymous_pilot_keeps_no_tie_and_reminds_everyone(
    database_url: str, tmp_path: Path, smtp: SmtpTestServer
) -> None:
    settings = outreach_settings(database_url, tmp_path, smtp.url)

    async def main() -> None:
        async with harness(settings) as h:
            pilot_id = await h.pilot("youth", instrument="youth-civic", anonymous=True)
            people = "email\n" + "".join(f"kid{i}@example.org\n" for i in range(4))
            await h.contacts(pilot_id, people)
            contact_rows = await Contact.select()
            assert all(row["participant"] is None for row in contact_rows)
            await h.send(pilot_id, "pre", "invitation")
            worker = h.worker()
            await worker.drain()
            # once sent, the outbox keeps no link, and participants carry no contact
            assert {r["link_token"] for r in await Outbox.select(Outbox.link_token)} == {""}
            participants = await Participant.select().where(Participant.pilot == pilot_id)
            assert len(participants) == 4
            assert len({p["created_at"] for p in participants}) == 1  # one stamp for all
            stored = str(await Contact.select()) + str(await Outbox.select())
            for p in participants:
                assert p["token_hash"] not in stored and p["pseudonym"] not in stored
            first = {r.recipients[0]: LINK.findall(r.text)[0] for r in smtp.sink.received}
            # kid0 answers; anonymous pilots cannot know, so everyone is reminded
            token = first["kid0@example.org"]
            context = await open_form(h.engine, token)
            answers = {
                i.id: True for i in context.instrument.items_in_wave("pre") if i.type == "boolean"
            }
            await submit(h.engine, token, uuid.uuid4(), answers)
            h.clock.advance(4 * DAY)
            assert await h.send(pilot_id, "pre", "reminder") == 4
            await worker.drain()
            await worker.transport.close()
            reminders = [r for r in smtp.sink.received if r.message["Subject"].startswith("Rem")]
            assert len(reminders) == 4
            for reminder in reminders:
                assert "If you have already answered, thank you" in reminder.text
                assert "please do not answer a second time" in reminder.text
                new_link = LINK.findall(reminder.text)[0]
                assert new_link != first[reminder.recipients[0]]
                assert (await open_form(h.engine, new_link)).wave.name == "pre"
            board = await outreach.board(h.engine, pilot_id, now=int(h.clock()))
            pre = board.waves[0]
            assert (pre.emailed, pre.reminded, pre.submitted) == (4, 4, 1)

    asyncio.run(main())


def test_contact_list_validates_merges_and_reports(database_url: str, tmp_path: Path) -> None:
    settings = outreach_settings(database_url, tmp_path)

    async def main() -> None:
        async with harness(settings) as h:
            pilot_id = await h.pilot("crm")
            first = await h.contacts(
                pilot_id,
                "Name,E-mail,Idioma\n"
                "Ann,ann@example.org,ES-mx\n"
                "Nobody,nobody@,en\n"
                ",ANN@example.org,\n"
                "Dee,dee@example.org\n"
                'Tab,"tab@example.org",\n',
            )
            assert (first.rows, first.added, first.merged, first.invalid) == (5, 3, 1, 1)
            assert first.problems[0][0] == 3 and "nobody@" in first.problems[0][1]
            (ann,) = await Contact.select().where(Contact.email_key == "ann@example.org")
            assert ann["language"] == "es" and ann["name"] == "Ann"
            second = await h.contacts(
                pilot_id, "email,name\ndee@example.org,Dee Two\nnew@example.org,\n"
            )
            assert (second.added, second.merged) == (1, 1)
            assert "already in the list" in second.notes[0][1]
            # an address that opted out stays opted out when uploaded again
            seed = ann["link_seed"]
            from survey_server.services.outreach_keys import opt_out_token

            await contacts.opt_out(h.engine, opt_out_token(h.key, seed))
            third = await h.contacts(pilot_id, "email\nann@example.org\n")
            assert "stays opted out" in third.notes[0][1]
            (ann,) = await Contact.select().where(Contact.email_key == "ann@example.org")
            assert ann["status"] == "opted_out"
            with pytest.raises(InvalidInputError, match="not UTF-8"):
                await h.contacts_raw(pilot_id, "email\nñ@example.org\n".encode("latin-1"))
            with pytest.raises(InvalidInputError, match="no rows"):
                await h.contacts(pilot_id, "\n\n")
            with pytest.raises(InvalidInputError, match="not an e-mail address"):
                await contacts.add_contact(h.engine, h.manager.actor, pilot_id, h.key, email="x@y")
            # a deleted contact's link still opens the form; its queued messages are dropped
            await h.send(pilot_id, "pre", "invitation")
            (dee,) = await Contact.select().where(Contact.email_key == "dee@example.org")
            participant = dee["participant"]
            await contacts.delete_contact(h.engine, h.manager.actor, pilot_id, dee["id"])
            assert await Participant.exists().where(Participant.id == participant)
            dropped = await Outbox.select().where(Outbox.state == "cancelled")
            assert [r["error"] for r in dropped] == ["the contact was deleted"]
            with pytest.raises(Exception, match="no such contact"):
                await contacts.delete_contact(h.engine, h.manager.actor, pilot_id + 99, ann["id"])

    asyncio.run(main())


def test_rate_limit_spaces_the_messages() -> None:
    """PILOTKIT_MAIL_RATE: starts are spaced 1/rate apart, by a clock the test holds."""
    from survey_server.outreach_worker import RateLimiter

    now = [100.0]
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(round(seconds, 6))

    async def main() -> None:
        limiter = RateLimiter(10, monotonic=lambda: now[0], sleep=sleep)
        await asyncio.gather(*(limiter.wait() for _ in range(4)))
        now[0] += 1.0  # a quiet second later: no wait
        await limiter.wait()
        unlimited = RateLimiter(0, monotonic=lambda: now[0], sleep=sleep)
        await unlimited.wait()

    asyncio.run(main())
    assert slept == [0.1, 0.2, 0.3]
