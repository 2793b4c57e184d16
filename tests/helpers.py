"""Small helpers shared by tests (no fixtures here; those live in conftest.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent


def run_cli(
    *args: str, env: Mapping[str, str] | None = None, cwd: Path | None = None, timeout: int = 300
) -> subprocess.CompletedProcess[str]:
    """Run `pilotkit ARGS` as a user would, in a separate process."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "pilotkit", *args],
        capture_output=True,
        text=True,
        env=full_env,
        cwd=cwd or REPO_ROOT,
        timeout=timeout,
        check=False,
    )


def run_service(database_url: str, action: Any, app_engine: Any) -> Any:
    """Run `action(engine)` on its own connection to the database of a running test app,
    then bind the tables back to the app's engine (connecting binds them to the new one)."""
    import asyncio

    from survey_server.concern_tables import bind_concern_tables
    from survey_server.connection import connected
    from survey_server.outreach_tables import bind_outreach_tables
    from survey_server.staff_tables import bind_staff_tables
    from survey_server.tables import bind_tables

    async def main() -> Any:
        async with connected(database_url) as engine:
            return await action(engine)

    try:
        return asyncio.run(main())
    finally:
        bind_tables(app_engine)
        bind_staff_tables(app_engine)
        bind_outreach_tables(app_engine)
        bind_concern_tables(app_engine)
