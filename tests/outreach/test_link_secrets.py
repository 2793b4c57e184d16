"""A leaked database opens no form, on every engine.

Links are issued every way the server makes them (a batch from the staff page, a reissue,
a test link, e-mail invitations queued for later in a linked and an anonymous pilot);
then every text of every table is read and every 32-character run in it is tried as a
link token. None opens a form, no card's short code is in it (nor its unkeyed hash),
while the issuer still reads the batch with its key and expired batches are purged by
the background sweep.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import time
from pathlib import Path
from typing import Any

import pytest
from piccolo.querystring import QueryString

from survey_server.errors import NotFoundError
from survey_server.services import staff_pilots
from survey_server.services.accounts import add_member
from survey_server.services.audit import COMMAND_LINE
from survey_server.services.test_links import create_test_link
from survey_server.services.tokens import hash_token
from survey_server.staff_tables import InvitationBatch
from tests.outreach.conftest import DAY, harness, outreach_settings

BASE = "http://survey.test"
_RUN = re.compile(r"[A-Za-z0-9_-]{32,}")
_TOKEN = re.compile(r"/f/([A-Za-z0-9_-]+)")


async def _every_text(engine: Any) -> str:
    sqlite = engine.__class__.__name__.lower().find("sqlite") >= 0
    listing = (
        "SELECT name AS t FROM sqlite_master WHERE type = 'table'"
        if sqlite
        else "SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public'"
    )
    texts = []
    for row in await engine.run_querystring(QueryString(listing)):
        for record in await engine.run_querystring(QueryString(f'SELECT * FROM "{row["t"]}"')):
            texts.extend(str(value) for value in record.values())
    return "\n".join(texts)


def _openers(dump: str, hashes: set[str]) -> list[str]:
    """Every 32-character window of the dump whose SHA-256 is a participant's token hash."""
    found = []
    for run in _RUN.findall(dump):
        for start in range(len(run) - 31):
            if hash_token(run[start : start + 32]) in hashes:
                found.append(run[start : start + 32])
    return found


def test_a_leaked_database_opens_no_form(database_url: str, tmp_path: Path) -> None:
    settings = outreach_settings(database_url, tmp_path)

    async def main() -> None:
        async with harness(settings) as h:
            linked = await h.pilot("linked")
            anonymous = await h.pilot("youth", instrument="youth-civic", anonymous=True)
            for slug in ("linked", "youth"):
                await add_member(h.engine, slug, h.manager.email, COMMAND_LINE)
            key = await staff_pilots.issue_links(h.engine, h.manager, "linked", 3, BASE, h.key)
            shown = await staff_pilots.batch_links(h.engine, h.manager, linked, key)
            participant = shown[0].participant_id
            again = await staff_pilots.reissue_link(
                h.engine, h.manager, linked, participant, BASE, h.key
            )
            reissued = await staff_pilots.batch_links(h.engine, h.manager, linked, again)
            test_link = await create_test_link(h.engine, h.manager.actor, linked, "pre", BASE)
            people = "email\n" + "".join(f"p{i}@example.org\n" for i in range(3))
            await h.contacts(linked, people)
            await h.contacts(anonymous, people)
            later = int(h.clock()) + 3 * DAY
            assert await h.send(linked, "pre", "invitation", send_at=later) == 3
            assert await h.send(anonymous, "pre", "invitation", send_at=later) == 3
            tokens = [_TOKEN.search(link.url).group(1) for link in shown + reissued]  # type: ignore[union-attr]
            tokens.append(_TOKEN.search(test_link).group(1))  # type: ignore[union-attr]
            rows = await h.engine.run_querystring(
                QueryString('SELECT "token_hash" FROM "participant"')
            )
            hashes = {r["token_hash"] for r in rows}
            assert len(hashes) == 3 + 1 + 3 + 3  # batch, test link, two sets of contacts
            dump = await _every_text(h.engine)
            for token in tokens:
                assert token not in dump
            assert _openers(dump, hashes) == []
            codes = [link.code for link in shown + reissued]
            assert len(codes) == 4 and all(len(code) == 11 for code in codes)
            for code in codes:
                plain = code.replace("-", "")
                unkeyed = hashlib.sha256(plain.encode()).hexdigest()
                assert code not in dump and plain not in dump and unkeyed not in dump
            code_rows = await h.engine.run_querystring(
                QueryString('SELECT "code_hash" FROM "invitation_code"')
            )
            assert len(code_rows) == 3  # the reissue replaced its participant's code
            # The issuer still reads the batch through its key, for its hour.
            assert await staff_pilots.batch_links(h.engine, h.manager, linked, key) == shown

    asyncio.run(main())


def test_expired_batches_are_purged_by_the_background_sweep(
    database_url: str, tmp_path: Path
) -> None:
    settings = outreach_settings(database_url, tmp_path)

    async def main() -> None:
        async with harness(settings) as h:
            linked = await h.pilot("linked")
            await add_member(h.engine, "linked", h.manager.email, COMMAND_LINE)
            key = await staff_pilots.issue_links(h.engine, h.manager, "linked", 2, BASE, h.key)
            await InvitationBatch.update(
                {InvitationBatch.expires_at: int(time.time()) - 1}, force=True
            )
            assert await staff_pilots.purge_expired_batches(h.engine) == 1
            assert await InvitationBatch.count() == 0
            with pytest.raises(NotFoundError):
                await staff_pilots.batch_links(h.engine, h.manager, linked, key)

    asyncio.run(main())
