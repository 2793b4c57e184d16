"""`pilotkit pilots create|list`: pilots with a frozen copy of their instrument."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from pilotkit.cli.database import run_with_database

if TYPE_CHECKING:
    from piccolo.engine.base import Engine

    from survey_server.services.pilot_margin import MarginSetting


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
@click.option(
    "--margin",
    default="",
    help="Non-inferiority margin in scale points, decided before the follow-up wave "
    "(default: 0.25 points on a 1-5 scale).",
)
def create(
    slug: str,
    instrument_ref: str,
    name: str | None,
    anonymous: bool,
    technology: str,
    objectives: str,
    margin: str,
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
            margin=margin,
        )
    )
    kind = "anonymous" if pilot.anonymous else "linked"
    waves = ", ".join(w.name for w in pilot.waves)
    click.echo(
        f"created pilot '{pilot.slug}' ({kind}) with {pilot.instrument_id} "
        f"v{pilot.instrument_version}; waves {waves} are not open yet "
        f"(open one with: pilotkit waves open {pilot.slug} {pilot.waves[0].name})"
    )


@pilots.command("margin")
@click.argument("slug")
@click.argument("value", required=False, default=None)
@click.option("--default", "use_default", is_flag=True, help="Go back to the default margin.")
def margin_(slug: str, value: str | None, use_default: bool) -> None:
    """Show or set the pilot's margin for the verdict, in scale points (VALUE).

    Decide it before the follow-up wave: a change once that wave has answers is
    allowed, audited, and stated in every later report of the pilot."""
    from survey_server.services.command_line import set_margin_audited
    from survey_server.services.pilot_margin import margin_setting
    from survey_server.services.pilots import get_pilot

    if value is not None and use_default:
        raise click.UsageError("give a margin or --default, not both")
    if value is None and not use_default:

        async def show(engine: Engine) -> MarginSetting:
            return await margin_setting(engine, (await get_pilot(engine, slug)).id)

        setting = run_with_database(show)
        click.echo(f"pilot '{slug}': margin {_margin_words(setting)}")
        return
    setting, changed = run_with_database(
        lambda engine: set_margin_audited(engine, slug, "" if use_default else value or "")
    )
    verb = "set to" if changed else "unchanged:"
    click.echo(f"pilot '{slug}': margin {verb} {_margin_words(setting)}")
    if changed and setting.changed_after_data:
        click.echo(
            f"note: the {setting.follow_up_wave} wave has {setting.follow_up_answers} answer(s): "
            "every report of this pilot will say the margin was changed after answers came in"
        )


def _margin_words(setting: MarginSetting) -> str:
    if setting.value is not None:
        return f"{setting.value:g} points"
    if setting.default is not None:
        return f"the default, {setting.default:g} points"
    return "the default"


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
