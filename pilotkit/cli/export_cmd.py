"""`pilotkit export SLUG --out FILE (.csv | .parquet)`: the responses table."""

from __future__ import annotations

from pathlib import Path

import click

from pilotkit.cli.database import run_with_database


@click.command()
@click.argument("slug")
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write: .csv or .parquet.",
)
def export(slug: str, out: Path) -> None:
    """Write the responses table of pilot SLUG (participant_id, wave, item_id, value)."""
    from pilotkit.errors import PilotkitError
    from survey_server.services.export import export_responses

    if out.suffix.lower() not in (".csv", ".parquet"):
        raise PilotkitError(f"--out '{out}' must end in .csv or .parquet")
    from survey_server.services.command_line import export_audited

    rows = run_with_database(lambda engine: export_audited(engine, slug, out, export_responses))
    click.echo(f"wrote {rows} rows to {out}")
