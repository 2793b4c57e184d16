"""Test links: the real participant form, answered by staff trying it out.

A test link is a participant marked `test`, tied to one wave, that opens that wave's
form whatever the schedule says. Its drafts and answers never reach exports, dashboards,
live results or reports (every query of those leaves test participants out), and
"clear" deletes them all.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from piccolo.engine.base import Engine

from survey_server.database import write_transaction
from survey_server.errors import NotFoundError
from survey_server.i18n.lazy import lazy_gettext
from survey_server.services import audit
from survey_server.services.tokens import hash_token, new_token
from survey_server.tables import Participant, Submission, Wave


@dataclass(frozen=True)
class TestFigures:
    links: int
    submitted: int


async def create_test_link(
    engine: Engine, actor: audit.Actor, pilot_id: int, wave: str, base_url: str
) -> str:
    """A new test link for `wave`; the URL is shown once (only its hash is kept)."""
    row = await Wave.select(Wave.id).where((Wave.pilot == pilot_id) & (Wave.name == wave)).first()
    if row is None:
        raise NotFoundError(lazy_gettext("this pilot has no wave '%(wave)s'", wave=wave))
    token = new_token()
    pseudonym = "test-" + secrets.token_hex(3)
    async with write_transaction(engine):
        await Participant.insert(
            Participant(
                pilot=pilot_id,
                pseudonym=pseudonym,
                token_hash=hash_token(token),
                wave=row["id"],
                created_at=datetime.now(UTC),
                test=True,
            )
        )
        await audit.record(
            actor,
            "test_link.create",
            "participant",
            pseudonym,
            pilot=pilot_id,
            after={"wave": wave},
        )
    return f"{base_url}/f/{token}"


async def test_figures(engine: Engine, pilot_id: int) -> TestFigures:
    where = (Participant.pilot == pilot_id) & (Participant.test == True)  # noqa: E712
    links = await Participant.count().where(where)
    submitted = await Submission.count().where(
        (Submission.participant.pilot == pilot_id) & (Submission.participant.test == True)  # noqa: E712
    )
    return TestFigures(int(links), int(submitted))


async def clear_test_answers(engine: Engine, actor: audit.Actor, pilot_id: int) -> int:
    """Delete every test link of the pilot with its drafts and answers; how many."""
    async with write_transaction(engine):
        where = (Participant.pilot == pilot_id) & (Participant.test == True)  # noqa: E712
        count = int(await Participant.count().where(where))
        await Participant.delete().where(where)
        await audit.record(
            actor,
            "test_link.clear",
            "participant",
            f"{count} test links",
            pilot=pilot_id,
            after={"deleted": count},
        )
    return count
