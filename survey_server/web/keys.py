"""The installation's key (`outreach_keys.server_key`), read once per app."""

from __future__ import annotations

from litestar.datastructures import State

from survey_server.services.outreach_keys import server_key


def installation_key(state: State) -> bytes:
    cached = getattr(state, "outreach_key", None)
    if cached is None:
        settings = state.settings
        cached = server_key(settings.outreach, settings.database_url)
        state.outreach_key = cached
    return cached
