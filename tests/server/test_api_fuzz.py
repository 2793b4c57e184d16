"""Schemathesis over the participant API from its own OpenAPI schema: no 5xx, ever."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.hostile import BODY_VALUES, ascii_json, make_hostile, send_hostile, valid_answers
from tests.server.conftest import ALL_TYPES
from tests.server.live import live_server, seed_pilot


@pytest.mark.slow
def test_no_server_errors_on_generated_requests(database_url):
    import schemathesis

    tokens = seed_pilot(database_url, ALL_TYPES, 5)
    with live_server(database_url) as base:
        schema = schemathesis.openapi.from_url(f"{base}/schema/openapi.json")
        operations = [result.ok() for result in schema.get_all_operations()]
        assert any("/submissions" in op.path for op in operations)
        for operation in operations:
            _fuzz(operation, base, tokens)


def _fuzz(operation, base: str, tokens: list[str]) -> None:
    @settings(
        max_examples=60,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(), real=st.sampled_from([None, *tokens]))
    def check(case, real):
        if real is not None and "token" in (case.path_parameters or {}):
            case.path_parameters["token"] = real
        response = case.call(base_url=base)
        assert response.status_code < 500, (
            f"{operation.method} {operation.path} -> {response.status_code}: {response.text[:300]}"
        )

    check()


@pytest.mark.slow
def test_hostile_payloads_never_answer_5xx(database_url):
    """NUL characters, Unicode and 5,000-digit numbers, JSON 10,000 levels deep, texts far
    over every cap and lone surrogates, in queries, paths and bodies: 4xx, never 5xx."""
    import schemathesis

    # the post wave has every answerable type, free text included
    links = seed_pilot(database_url, ALL_TYPES, 40, lang_open="post")
    tokens, fresh = links[:5], links[5:]
    with live_server(database_url) as base:
        schema = schemathesis.openapi.from_url(f"{base}/schema/openapi.json")
        operations = [result.ok() for result in schema.get_all_operations()]
        form = httpx.get(f"{base}/api/v1/forms/{tokens[0]}").json()
        valid = valid_answers(form)
        assert "comments" in valid
        for operation in operations:
            _fuzz_hostile(operation, base, tokens, valid)
        _every_hostile_answer(base, fresh, valid)


def _json(body: Any) -> dict[str, Any]:
    """A request's JSON body as ASCII, so a lone surrogate can be sent."""
    return {"content": ascii_json(body), "headers": {"Content-Type": "application/json"}}


def _every_hostile_answer(base: str, links: list[str], valid: dict[str, Any]) -> None:
    """Each hostile value under each item of an otherwise valid draft and submission: the
    only way a value reaches the database, so none is left to chance. A value that is a
    fine answer (`None` for an optional item, `True` for a yes/no) is accepted and uses up
    its link, so the next value goes to a fresh one."""
    unused = iter(links)
    token = next(unused)
    with httpx.Client(base_url=base, timeout=60) as client:
        for item in valid:
            for value in BODY_VALUES:
                answers = {**valid, item: value}
                draft = client.put(f"/api/v1/forms/{token}/draft", **_json({"answers": answers}))
                submitted = client.post(
                    f"/api/v1/forms/{token}/submissions",
                    **_json({"submission_id": str(uuid.uuid4()), "answers": answers}),
                )
                for response in (draft, submitted):
                    assert response.status_code < 500, (
                        f"{item} = {str(value)[:40]!r} -> {response.status_code}: "
                        f"{response.text[:300]}"
                    )
                assert submitted.status_code in (201, 400, 422), submitted.text[:300]
                if submitted.status_code == 201:
                    token = next(unused)


def _fuzz_hostile(operation, base: str, tokens: list[str], valid: dict[str, Any]) -> None:
    @settings(
        max_examples=40,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(), real=st.sampled_from(tokens), data=st.data())
    def check(case, real, data):
        if "token" in (case.path_parameters or {}):
            case.path_parameters["token"] = real
        place = make_hostile(case, data, frozenset({"token"}), valid)
        response = send_hostile(case, place, base, {}, data)
        assert response.status_code < 500, (
            f"{operation.method} {operation.path} ({place}) -> "
            f"{response.status_code}: {response.text[:300]}"
        )

    check()
