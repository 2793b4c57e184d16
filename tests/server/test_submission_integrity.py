"""A refused submission writes nothing, and no link's request touches another link's rows.

Two pilots share one database; their participants' submission ids live in one unique
index, so a submission id one link used is refused to every other link (409
`submission_id_reused`). The refusal must leave both links' rows as they were.
On SQLite and PostgreSQL.
"""

from __future__ import annotations

import random
import uuid
from typing import Any

from piccolo.querystring import QueryString

from tests.server.conftest import DATA, Site

ALL_OPTIONAL = DATA / "all-optional.yaml"


def _rows_of(site: Site, token: str) -> dict[str, Any]:
    """What the database holds for the link `token`: its submission, answers and draft."""
    return _rows_of_links(site, [token])[token]


def _rows_of_links(site: Site, tokens: list[str]) -> dict[str, dict[str, Any]]:
    async def read(engine: Any) -> dict[str, dict[str, Any]]:
        return {token: await _link_rows(engine, token) for token in tokens}

    return site.run(read)


async def _link_rows(engine: Any, token: str) -> dict[str, Any]:
    from survey_server.services.tokens import hash_token

    async def rows(sql: str) -> list[dict[str, Any]]:
        return [dict(r) for r in await engine.run_querystring(QueryString(sql, digest))]

    digest = hash_token(token)
    participant = 'SELECT "id" FROM "participant" WHERE "token_hash" = {}'
    submissions = await rows(
        'SELECT CAST("submission_id" AS TEXT) AS sid, "answers_hash" FROM "submission" '
        f'WHERE "participant" = ({participant})'
    )
    answers = await rows(
        'SELECT a."item_id", a."value" FROM "answer" a '
        'JOIN "submission" s ON s."id" = a."submission" '
        f'WHERE s."participant" = ({participant}) ORDER BY a."item_id"'
    )
    drafts = await rows(
        f'SELECT "answers", "page" FROM "draft" WHERE "participant" = ({participant})'
    )
    return {
        "submissions": sorted((str(s["sid"]), s["answers_hash"]) for s in submissions),
        "answers": [(a["item_id"], a["value"]) for a in answers],
        "drafts": [(str(d["answers"]), d["page"]) for d in drafts],
    }


def _submit(site: Site, token: str, submission_id: uuid.UUID, answers: dict[str, Any]) -> Any:
    body = {"submission_id": str(submission_id), "answers": answers}
    return site.client.post(f"/api/v1/forms/{token}/submissions", json=body)


def _draft(site: Site, token: str, answers: dict[str, Any]) -> Any:
    return site.client.put(f"/api/v1/forms/{token}/draft", json={"answers": answers})


def test_reused_submission_id_of_another_pilot_writes_nothing(site: Site) -> None:
    site.pilot("alpha", ALL_OPTIONAL)
    site.pilot("beta", ALL_OPTIONAL)
    [a] = site.tokens("alpha")
    [b] = site.tokens("beta")
    reused = uuid.uuid4()
    assert _submit(site, a, reused, {}).status_code == 201
    a_before = _rows_of(site, a)
    assert _draft(site, b, {"work_1": 4, "comments": "B's own words"}).status_code == 200
    b_before = _rows_of(site, b)

    refused = _submit(site, b, reused, {"work_1": 4, "comments": "B's own words"})

    assert refused.status_code == 409
    assert refused.json()["code"] == "submission_id_reused"
    assert _rows_of(site, a) == a_before  # nothing of B's in A's submission (or export)
    assert _rows_of(site, b) == b_before  # B's draft kept, nothing stored for B
    assert b_before["drafts"]
    # B can still submit with a fresh id, and its answers are its own
    assert _submit(site, b, uuid.uuid4(), {"work_1": 4}).status_code == 201
    assert _rows_of(site, b)["answers"] == [("work_1", "4")]
    assert _rows_of(site, a) == a_before


def test_changed_retry_on_own_empty_submission_writes_nothing(site: Site) -> None:
    site.pilot("alpha", ALL_OPTIONAL)
    [a] = site.tokens("alpha")
    sid = uuid.uuid4()
    assert _submit(site, a, sid, {}).status_code == 201
    before = _rows_of(site, a)
    changed = _submit(site, a, sid, {"comments": "added later"})
    assert changed.status_code == 409
    assert _rows_of(site, a) == before
    assert _submit(site, a, sid, {}).status_code == 200  # the identical retry still replays


def test_random_interleavings_never_touch_another_links_rows(site: Site) -> None:
    """Property: whatever a request on one link does (draft, submit, replay, reuse of an
    id another link used, changed retry), every other link's rows stay as they were.
    A seeded generator replays the same sequences each run."""
    site.pilot("alpha", ALL_OPTIONAL)
    site.pilot("beta", ALL_OPTIONAL)
    links = site.tokens("alpha", 3) + site.tokens("beta", 3)
    rng = random.Random(20261204)
    used_ids: list[uuid.UUID] = []
    values: list[dict[str, Any]] = [
        {},
        {},
        {"work_1": 2},
        {"comments": "first"},
        {"work_1": 5, "comments": "second"},
    ]
    state = _rows_of_links(site, links)
    for _ in range(80):
        token = rng.choice(links)
        action = rng.choice(["draft", "draft", "submit", "reuse", "reuse"])
        answers = rng.choice(values)
        if action == "draft":
            response = _draft(site, token, answers)
        else:
            fresh = action == "submit" or not used_ids
            sid = uuid.uuid4() if fresh else rng.choice(used_ids)
            response = _submit(site, token, sid, answers)
            if fresh:
                used_ids.append(sid)
        assert response.status_code < 500, response.text
        after = _rows_of_links(site, links)
        for other in links:
            if other != token:
                assert after[other] == state[other], (action, response.status_code)
        if response.status_code >= 400:  # a refusal changes nothing, not even its own link
            assert after[token] == state[token], (action, response.status_code)
        state = after
