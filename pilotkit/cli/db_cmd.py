"""`pilotkit db upgrade`: create or update the database schema."""

from __future__ import annotations

import click


@click.group()
def db() -> None:
    """Database maintenance."""


@db.command()
def upgrade() -> None:
    """Apply pending schema migrations to DATABASE_URL (default: the SQLite file)."""
    import asyncio

    from survey_server.database import create_engine, start_engine, stop_engine
    from survey_server.migrations import upgrade as apply
    from survey_server.settings import Settings

    url = Settings.from_env().database_url

    async def main() -> list[str]:
        engine = create_engine(url)
        await start_engine(engine)
        try:
            return await apply(engine)
        finally:
            await stop_engine(engine)

    applied = asyncio.run(main())
    if applied:
        click.echo(f"applied migrations: {', '.join(applied)}")
    else:
        click.echo("the database schema is up to date")
