"""Running one database action for a command: DATABASE_URL, schema on first use."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from piccolo.engine.base import Engine

T = TypeVar("T")


def run_with_database(action: Callable[[Engine], Awaitable[T]]) -> T:
    """Open the database named by DATABASE_URL (default: the SQLite file), run `action`."""
    from survey_server.connection import connected
    from survey_server.settings import Settings

    async def main() -> T:
        async with connected(Settings.from_env().database_url) as engine:
            return await action(engine)

    return asyncio.run(main())
