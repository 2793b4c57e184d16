"""Schemathesis over the participant API from its own OpenAPI schema: no 5xx, ever."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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
