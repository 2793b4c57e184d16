"""`pilotkit waves open|close SLUG WAVE`."""

from __future__ import annotations

import click

from pilotkit.cli.database import run_with_database


@click.group()
def waves() -> None:
    """Open or close a pilot's waves for answers."""


def _set(slug: str, wave: str, status: str) -> None:
    from survey_server.services.command_line import set_wave_status_audited

    info = run_with_database(lambda engine: set_wave_status_audited(engine, slug, wave, status))
    click.echo(f"wave '{info.name}' of pilot '{slug}' is now {info.state().replace('_', ' ')}")


@waves.command("open")
@click.argument("slug")
@click.argument("wave")
def open_(slug: str, wave: str) -> None:
    """Start taking answers in WAVE."""
    _set(slug, wave, "open")


@waves.command("close")
@click.argument("slug")
@click.argument("wave")
def close(slug: str, wave: str) -> None:
    """Stop taking answers in WAVE (saved answers are kept)."""
    _set(slug, wave, "closed")
