"""Invitations and reminders through a real SMTP server (aiosmtpd), on both engines.

What arrives is read back from the server: headers, the language of each contact, a link
that opens the participant's own form, nothing of anybody else, a working opt-out link.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

from survey_server.outreach_tables import Contact, Outbox
from survey_server.services import contacts, forms, outreach
from tests.outreach.conftest import DAY, harness, outreach_settings
from tests.outreach.smtp import SmtpTestServer

LINK = re.compile(r"http://survey\.test/f/([A-Za-z0-9_-]+)\?lang=(\w+)")
OPT_OUT = re.compile(r"http://survey\.test/o/([A-Za-z0-9_-]+)")
PEOPLE = """email,name,language
ana@example.org,Ana Pérez,es
bob@example.org,Bob Stone,en
carla@example.org,,
"""


def test_linked_invitations_arrive_in_each_language_with_own_link(
    database_url: str, tmp_path: Path, smtp: SmtpTestServer
) -> None:
    settings = outreach_settings(database_url, tmp_path, smtp.url)

    async def main() -> None:
        async with harness(settings) as h:
            pilot_id = await h.pilot("crm")
            report = await h.contacts(pilot_id, PEOPLE)
            assert report.added == 3
            assert await h.send(pilot_id, "pre", "invitation") == 3
            worker = h.worker()
            assert await worker.drain() == 3
            await worker.transport.close()

            assert len(smtp.sink.received) == 3
            tokens: dict[str, str] = {}
            for address, lang, greeting in (
                ("ana@example.org", "es", "Hola, Ana Pérez:"),
                ("bob@example.org", "en", "Hello Bob Stone,"),
                ("carla@example.org", "en", "Hello there,"),
            ):
                (got,) = smtp.sink.to(address)
                message = got.message
                assert got.sender == "pilots@city.example.org"
                assert message["Content-Language"] == lang
                assert message["Message-ID"].endswith("@city.example.org>")
                assert "crm" not in message["From"] or "pilots@city.example.org" in message["From"]
                assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
                text = got.text
                assert greeting in text
                assert ("Su enlace personal" in text) == (lang == "es")
                (link,) = LINK.findall(text)
                assert link[1] == lang
                tokens[address] = link[0]
                # nobody else's address or name is in the message
                others = {"ana@example.org", "bob@example.org", "carla@example.org"} - {address}
                raw = message.as_string()
                assert not any(o in raw for o in others)
                assert ("Ana" in raw) == (address == "ana@example.org")
                unsubscribe = OPT_OUT.search(message["List-Unsubscribe"])
                assert unsubscribe and unsubscribe.group(0) in text
            assert len(set(tokens.values())) == 3
            # each link opens its own participant's form, for the open wave
            seen = set()
            for address, token in tokens.items():
                context = await forms.open_form(h.engine, token)
                assert context.wave.name == "pre"
                seen.add(context.participant_id)
                row = (
                    await Contact.select(Contact.participant)
                    .where(Contact.email_key == address)
                    .first()
                )
                assert row["participant"] == context.participant_id
            assert len(seen) == 3

            # opting out is honoured at once: Ana's queued reminder is dropped
            h.clock.advance(4 * DAY)
            assert await h.send(pilot_id, "pre", "reminder") == 3
            opt = OPT_OUT.search(smtp.sink.to("ana@example.org")[0].text)
            assert opt
            await contacts.opt_out(h.engine, opt.group(1))
            worker = h.worker()
            assert await worker.drain() == 2  # Ana's reminder was dropped when she opted out
            await worker.transport.close()
            assert len(smtp.sink.to("ana@example.org")) == 1
            assert len(smtp.sink.to("bob@example.org")) == 2
            reminder = smtp.sink.to("bob@example.org")[1]
            assert reminder.message["Subject"].startswith("Reminder:")
            assert LINK.findall(reminder.text)[0][0] == tokens["bob@example.org"]
            states = {
                r["state"]
                for r in await Outbox.select(Outbox.state).where(Outbox.contact.is_not_null())
            }
            assert states == {"sent", "cancelled"}
            board = await outreach.board(h.engine, pilot_id, now=int(h.clock()))
            pre = board.waves[0]
            assert (pre.invited, pre.emailed, pre.reminded) == (3, 3, 2)
            assert board.contacts["opted_out"] == 1

    asyncio.run(main())
