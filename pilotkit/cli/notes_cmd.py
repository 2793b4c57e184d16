"""`pilotkit export-notes SLUG --out FILE.csv`: the focus-group notes table of a pilot."""

from __future__ import annotations

from pathlib import Path

import click

from pilotkit.cli.database import run_with_database


@click.command(name="export-notes")
@click.argument("slug")
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="CSV file to write.",
)
def export_notes(slug: str, out: Path) -> None:
    """Write the notes of pilot SLUG (session_id, date, kind, attendees, dimension,
    sentiment, severity, text, quote, follow_up); no facilitator names."""
    from pilotkit.errors import PilotkitError
    from survey_server.services.notes_export import export_notes as write_notes

    if out.suffix.lower() != ".csv":
        raise PilotkitError(f"--out '{out}' must end in .csv")
    from survey_server.services.command_line import export_audited

    count = run_with_database(lambda engine: export_audited(engine, slug, out, write_notes))
    click.echo(f"wrote {count} notes to {out}")
