"""The demo's staff side: sign-in accounts for each role, members of both demo pilots, and
the CRM pilot's two focus-group sessions with their notes, all through the services.

The demo accounts share one password printed by `pilotkit demo`; they exist only in the
demo database and are meant for trying the workspace, never for real pilots.
"""

from __future__ import annotations

from dataclasses import dataclass

from piccolo.engine.base import Engine

from pilotkit.demo.scenarios import CRM_NOTES, CRM_PILOT_SLUG, CRM_SESSIONS, YOUTH_SLUG
from survey_server.errors import InvalidInputError
from survey_server.services.accounts import StaffAccount, add_member, create_user, list_users
from survey_server.services.audit import COMMAND_LINE
from survey_server.services.focus_groups import NoteInput, add_note, create_session
from survey_server.services.pilots import get_pilot

DEMO_PASSWORD = "demo-pilotkit-2026"
#: (e-mail, role) of the demo accounts; the first one is printed as the sign-in.
DEMO_ACCOUNTS: tuple[tuple[str, str], ...] = (
    ("manager@demo.pilotkit.test", "manager"),
    ("facilitator@demo.pilotkit.test", "facilitator"),
    ("analyst@demo.pilotkit.test", "analyst"),
    ("executive@demo.pilotkit.test", "executive"),
    ("admin@demo.pilotkit.test", "admin"),
)
FACILITATOR_NAME = "Demo facilitator"


@dataclass(frozen=True)
class DemoStaff:
    accounts: list[StaffAccount]
    password: str


async def ensure_demo_staff(engine: Engine) -> DemoStaff:
    """Create the demo accounts (once) and make them members of both demo pilots."""
    existing = {account.email: account for account in await list_users(engine)}
    accounts: list[StaffAccount] = []
    for email, role in DEMO_ACCOUNTS:
        account = existing.get(email)
        if account is None:
            try:
                account = await create_user(
                    engine, email=email, role=role, password=DEMO_PASSWORD, actor=COMMAND_LINE
                )
            except InvalidInputError:  # created meanwhile by another process
                account = {a.email: a for a in await list_users(engine)}[email]
        accounts.append(account)
        for slug in (CRM_PILOT_SLUG, YOUTH_SLUG):
            await add_member(engine, slug, email, COMMAND_LINE)
    return DemoStaff(accounts=accounts, password=DEMO_PASSWORD)


async def record_crm_focus_groups(engine: Engine, facilitator: StaffAccount) -> int:
    """The CRM pilot's two sessions and their notes; returns the number of notes."""
    pilot = await get_pilot(engine, CRM_PILOT_SLUG)
    session_ids: dict[str, int] = {}
    for key, held_on, kind, attendees in CRM_SESSIONS:
        session_ids[key] = await create_session(
            engine,
            facilitator,
            pilot.id,
            held_on=held_on,
            kind=kind,
            attendees=str(attendees),
            facilitator=FACILITATOR_NAME,
        )
    for key, dimension, sentiment, severity, text, quote, follow_up in CRM_NOTES:
        await add_note(
            engine,
            facilitator,
            pilot.id,
            session_ids[key],
            NoteInput(
                text=text,
                dimensions=dimension.split(),
                sentiment=sentiment,
                severity=severity,
                quote=quote,
                follow_up=follow_up,
            ),
        )
    return len(CRM_NOTES)
