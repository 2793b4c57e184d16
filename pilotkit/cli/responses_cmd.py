"""`pilotkit responses import`: submissions collected in KoboToolbox or ODK Central."""

from __future__ import annotations

from pathlib import Path

import click


@click.group()
def responses() -> None:
    """Bring responses collected elsewhere into the responses table."""


@responses.command(name="import")
@click.argument("form", type=click.Path(path_type=Path))
@click.argument("export", type=click.Path(path_type=Path))
@click.option("--wave", required=True, help="The wave these submissions belong to (pre, post).")
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Responses table to write: .csv or .parquet.",
)
@click.option(
    "--participant-column",
    default=None,
    help="Column (or question) holding the participant ids, for linked waves "
    "(default: each submission's id, an unlinked wave).",
)
@click.option("--strict", is_flag=True, help="Fail when any cell cannot be kept.")
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
def import_responses(
    form: Path,
    export: Path,
    wave: str,
    out: Path,
    participant_column: str | None,
    strict: bool,
    force: bool,
) -> None:
    """Read EXPORT (a KoboToolbox or ODK Central submissions export, .csv or .xlsx) of the
    XLSForm FORM (or an instrument id or file) into the responses table.

    Every cell that is not kept is printed with its row and column; with --strict those
    lines are errors and nothing is written.
    """
    from evaluation.submissions import read_submissions, write_table
    from pilotkit.errors import PilotkitError
    from pilotkit.instruments import load_instrument

    if out.suffix.lower() not in (".csv", ".parquet"):
        raise click.BadParameter(f"'{out}' must end in .csv or .parquet", param_hint="--out")
    if out.exists() and not force:
        raise PilotkitError(f"{out} already exists (use --force to overwrite it)")
    if form.suffix.lower() == ".xlsx":
        from pilotkit.instruments.xlsform import read_xlsform

        instrument = read_xlsform(form).instrument
    else:
        instrument = load_instrument(str(form))
    result = read_submissions(instrument, export, wave=wave, participant_column=participant_column)
    label = "error" if strict else "warning"
    for line in result.report:
        click.echo(f"{label}: {export}: {line}", err=True)
    if strict and result.report:
        raise PilotkitError(
            f"{export}: {len(result.report)} problem(s) (--strict); nothing written"
        )
    if result.table.empty:
        raise PilotkitError(f"{export}: no answer to any question of '{instrument.id}'")
    out.parent.mkdir(parents=True, exist_ok=True)
    write_table(result.table, out)
    note = f", {len(result.report)} warning(s)" if result.report else ""
    click.echo(
        f"wrote {out}: {len(result.table)} answers from {result.submissions} submissions, "
        f"wave '{wave}', instrument {instrument.id}{note}"
    )
    if result.bookkeeping:
        click.echo(f"not answers, left aside: {', '.join(result.bookkeeping)}")
