"""`pilotkit export-concerns SLUG --out FILE.csv`: the concern register of a pilot."""

from __future__ import annotations

from pathlib import Path

import click

from pilotkit.cli.database import run_with_database


@click.command(name="export-concerns")
@click.argument("slug")
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="CSV file to write.",
)
def export_concerns(slug: str, out: Path) -> None:
    """Write the concern register of pilot SLUG, one row per concern (source, note id,
    severity, status, plan, mitigation, verification, accepted risk with its rationale,
    ...), for `pilotkit evaluate --concerns` and `pilotkit report --concerns`."""
    from pilotkit.errors import PilotkitError
    from survey_server.services.command_line import export_audited
    from survey_server.services.concerns_export import export_concerns as write_concerns

    if out.suffix.lower() != ".csv":
        raise PilotkitError(f"--out '{out}' must end in .csv")
    count = run_with_database(lambda engine: export_audited(engine, slug, out, write_concerns))
    click.echo(f"wrote {count} concern{'s' if count != 1 else ''} to {out}")
