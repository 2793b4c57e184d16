"""The demo's e-mail side: the CRM pilot's participants are contacts with (made-up)
addresses, and each wave's invitation goes out before its answers come in.

With no SMTP server set, the invitations are `.eml` files under the data folder's
`outbox/`, which staff open from the pilot's *E-mail invitations* page.
"""

from __future__ import annotations

from dataclasses import replace
from itertools import cycle

from piccolo.engine.base import Engine

from survey_server.outreach_tables import Contact
from survey_server.outreach_worker import OutreachWorker
from survey_server.services import contacts, outreach
from survey_server.services.audit import Actor
from survey_server.services.outreach_keys import link_token, server_key
from survey_server.settings import Settings

DEMO_ACTOR = Actor(None, "demo")
_FIRST = ("ana", "ben", "carla", "deshawn", "elena", "farid", "grace", "hugo", "ines", "jamal")
_LAST = ("rivera", "okafor", "chen", "nguyen", "haddad", "kowalski", "osei", "diaz")


def demo_addresses(count: int) -> str:
    """A CSV of `count` made-up contacts; one in five reads Spanish."""
    names = cycle((first, last) for last in _LAST for first in _FIRST)
    rows = ["email,name,language"]
    for number in range(count):
        first, last = next(names)
        language = "es" if number % 5 == 4 else "en"
        rows.append(f"{first}.{last}{number}@example.org,{first.title()} {last.title()},{language}")
    return "\n".join(rows) + "\n"


async def contact_links(engine: Engine, settings: Settings, pilot_id: int, count: int) -> list[str]:
    """Create `count` contacts of a linked pilot; their link tokens, in order."""
    key = server_key(settings.outreach, settings.database_url)
    await contacts.import_contacts(
        engine, DEMO_ACTOR, pilot_id, key, demo_addresses(count).encode()
    )
    rows = (
        await Contact.select(Contact.link_seed)
        .where(Contact.pilot == pilot_id)
        .order_by(Contact.id)
    )
    return [link_token(key, row["link_seed"]) for row in rows]


async def send_invitations(engine: Engine, settings: Settings, pilot_id: int, wave: str) -> int:
    """Queue the wave's invitations and send them at once; returns how many went out."""
    now = outreach.now_s()
    batch = await outreach.plan_batch(engine, pilot_id, wave, "invitation", send_at=now, now=now)
    if batch.blocked:
        return 0
    await outreach.queue_batch(
        engine,
        DEMO_ACTOR,
        batch,
        send_at=now,
        now=now,
        sender=settings.outreach.mail_from,
        link_key=server_key(settings.outreach, settings.database_url),
    )
    fast = replace(settings, outreach=replace(settings.outreach, rate_per_s=0))
    worker = OutreachWorker(engine, fast)
    try:
        return await worker.drain()
    finally:
        await worker.transport.close()
