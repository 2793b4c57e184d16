"""Opening a database for a command or the app: engine, pool, migrations, table binding."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from piccolo.engine.base import Engine

from survey_server.concern_tables import bind_concern_tables
from survey_server.database import create_engine, start_engine, stop_engine
from survey_server.migrations import upgrade
from survey_server.outreach_tables import bind_outreach_tables
from survey_server.questionnaire_tables import bind_questionnaire_tables
from survey_server.staff_tables import bind_staff_tables
from survey_server.tables import bind_tables


async def prepare(engine: Engine) -> list[str]:
    """Bring the schema up to date and run the tables on `engine`; returns applied ids."""
    applied = await upgrade(engine)
    bind_tables(engine)
    bind_staff_tables(engine)
    bind_questionnaire_tables(engine)
    bind_outreach_tables(engine)
    bind_concern_tables(engine)
    return applied


@asynccontextmanager
async def connected(database_url: str) -> AsyncIterator[Engine]:
    """A ready engine for one command: schema created or upgraded on first use."""
    engine = create_engine(database_url)
    await start_engine(engine)
    try:
        await prepare(engine)
        yield engine
    finally:
        await stop_engine(engine)
