"""`pilotkit serve`: run the survey server."""

from __future__ import annotations

import os

import click


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Server processes (use several only with PostgreSQL or a busy SQLite).",
)
def serve(host: str, port: int, workers: int) -> None:
    """Run the survey server (SQLite file by default, DATABASE_URL for PostgreSQL)."""
    run_server(host=host, port=port, workers=workers)


def run_server(*, host: str, port: int, workers: int) -> None:
    """Print where the server listens, then run uvicorn until interrupted."""
    import uvicorn

    from survey_server.settings import Settings

    settings = Settings.from_env()
    if "PILOTKIT_BASE_URL" not in os.environ:
        shown_host = "127.0.0.1" if host in ("0.0.0.0", "::") else host
        os.environ["PILOTKIT_BASE_URL"] = f"http://{shown_host}:{port}"
        settings = Settings.from_env()
    click.echo(
        f"pilotkit survey server on {settings.base_url}/  (database: {settings.database_url})"
    )
    click.echo("press Ctrl+C to stop")
    uvicorn.run(
        "survey_server.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
    )
