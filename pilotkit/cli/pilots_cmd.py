"""`pilotkit pilots create|list`: pilots with a frozen copy of their instrument."""

from __future__ import annotations

import click

from pilotkit.cli.database import run_with_database


@click.group()
def pilots() -> None:
    """Create and list pilots."""


@pilots.command("create")
@click.option("--slug", required=True, help="Short name used in commands and reports.")
@click.option("--instrument", "instrument_ref", required=True, help="Instrument id or file.")
@click.option("--name", default=None, help="Display name (default: the instrument's title).")
@click.option(
    "--anonymous",
    is_flag=True,
    default=False,
    help="Unlinked waves: a fresh link per wave, nothing pairs pre and post.",
)
@click.option("--technology", default="", help="The technology or programme piloted.")
@click.option("--objectives", default="", help="What the pilot is meant to achieve.")
def create(
    slug: str,
    instrument_ref: str,
    name: str | None,
    anonymous: bool,
    technology: str,
    objectives: str,
) -> None:
    """Create a pilot with the instrument's waves (pre and post), all not open yet."""
    from pilotkit.instruments import load_instrument
    from survey_server.services.command_line import create_pilot_audited

    instrument = load_instrument(instrument_ref)
    pilot = run_with_database(
        lambda engine: create_pilot_audited(
            engine,
            slug=slug,
            instrument=instrument,
            name=name,
            anonymous=True if anonymous else None,
            technology=technology,
            objectives=objectives,
        )
    )
    kind = "anonymous" if pilot.anonymous else "linked"
    waves = ", ".join(w.name for w in pilot.waves)
    click.echo(
        f"created pilot '{pilot.slug}' ({kind}) with {pilot.instrument_id} "
        f"v{pilot.instrument_version}; waves {waves} are not open yet "
        f"(open one with: pilotkit waves open {pilot.slug} {pilot.waves[0].name})"
    )


@pilots.command("list")
def list_() -> None:
    """List pilots with their waves and counts."""
    from survey_server.services.pilots import list_pilots

    rows = run_with_database(list_pilots)
    if not rows:
        click.echo("no pilots yet (create one with: pilotkit pilots create --slug ...)")
        return
    for pilot in rows:
        kind = "anonymous" if pilot.anonymous else "linked"
        waves = ", ".join(
            f"{w.name} {w.state().replace('_', ' ')} ({pilot.submissions.get(w.name, 0)} submitted)"
            for w in pilot.waves
        )
        click.echo(
            f"{pilot.slug}\t{pilot.name}\t{pilot.instrument_id} v{pilot.instrument_version}"
            f"\t{kind}\t{pilot.participants} participants\t{waves}"
        )
