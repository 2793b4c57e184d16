"""Issuing participant links: one token per participant (per wave for anonymous pilots).

Links issued for printing also get a short code (`invitation_codes`): their token is then
derived from the code under the installation's key, so the code alone leads to the form.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from piccolo.engine.base import Engine

from survey_server.database import write_transaction
from survey_server.errors import ConflictError, InvalidInputError
from survey_server.i18n.lazy import lazy_gettext
from survey_server.services.invitation_codes import attach_codes, code_token, unused_codes
from survey_server.services.pilots import get_pilot, wave_named
from survey_server.services.tokens import hash_token, new_pseudonym, new_token
from survey_server.tables import Participant

MAX_INVITATIONS = 100_000


@dataclass(frozen=True)
class Invitation:
    participant_id: str
    token: str
    wave: str  # "" for linked pilots: the token answers every wave
    code: str = ""  # the card's short code (canonical form), when one was asked for


async def invite(
    engine: Engine,
    slug: str,
    count: int,
    *,
    wave: str | None = None,
    code_key: bytes | None = None,
) -> list[Invitation]:
    """Create `count` participants and return their tokens (shown only this once).

    Linked pilots: one token per participant answers both waves (the exported
    participant id pairs them). Anonymous pilots: each token answers one wave, the
    `wave` given or else the open one, and nothing links two waves. With `code_key` (the
    installation's key) each link also gets a short code to type at `/c`.
    """
    if count < 1 or count > MAX_INVITATIONS:
        raise InvalidInputError(
            lazy_gettext(
                "--count must be between 1 and %(limit)s, not %(count)s",
                limit=MAX_INVITATIONS,
                count=count,
            )
        )
    pilot = await get_pilot(engine, slug)
    wave_id: int | None = None
    wave_name = ""
    if wave is not None:
        match = wave_named(pilot, wave)
        wave_id, wave_name = match.id, match.name
        if pilot.anonymous and match.state() == "closed":
            raise ConflictError(
                lazy_gettext(
                    "wave '%(wave)s' of pilot '%(slug)s' is closed: its links could not answer; "
                    "open it again first, or issue links for another wave",
                    wave=wave,
                    slug=slug,
                )
            )
    elif pilot.anonymous:
        open_waves = [w for w in pilot.waves if w.state() == "open"]
        if len(open_waves) != 1:
            raise InvalidInputError(
                lazy_gettext(
                    "pilot '%(slug)s' is anonymous: links are per wave, and %(length)s waves are "
                    "open; name one with --wave",
                    slug=slug,
                    length=len(open_waves),
                )
            )
        wave_id, wave_name = open_waves[0].id, open_waves[0].name
    if not pilot.anonymous:
        wave_id, wave_name = None, ""
        if pilot.waves and all(w.state() == "closed" for w in pilot.waves):
            raise ConflictError(
                lazy_gettext(
                    "every wave of pilot '%(slug)s' is closed: new links could not answer",
                    slug=slug,
                )
            )
    now = datetime.now(UTC)
    async with write_transaction(engine):
        if code_key is None:
            invitations = [
                Invitation(new_pseudonym(), new_token(), wave_name) for _ in range(count)
            ]
        else:
            invitations = [
                Invitation(new_pseudonym(), code_token(code_key, code), wave_name, code)
                for code in await unused_codes(code_key, count)
            ]
        for start in range(0, count, 1000):
            chunk = invitations[start : start + 1000]
            await Participant.insert(
                *[
                    Participant(
                        pilot=pilot.id,
                        pseudonym=i.participant_id,
                        token_hash=hash_token(i.token),
                        wave=wave_id,
                        created_at=now,
                    )
                    for i in chunk
                ]
            )
        if code_key is not None:
            await attach_codes(code_key, {hash_token(i.token): i.code for i in invitations})
    return invitations
