"""`pilotkit report`: run the report notebooks into `reports/<pilot>/<run>/`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from pilotkit.errors import PilotkitError

if TYPE_CHECKING:
    from evaluation.reporting.runner import ReportRun


@click.command()
@click.option("--pilot", "pilot_slug", default=None, help="Export this pilot from the database.")
@click.option("--instrument", type=click.Path(path_type=Path), help="Instrument file or id.")
@click.option("--responses", type=click.Path(path_type=Path), help="Responses table (CSV/Parquet).")
@click.option("--notes", type=click.Path(path_type=Path), help="Focus-group notes (CSV).")
@click.option("--name", default=None, help="Folder name under reports/ (default: instrument id).")
@click.option(
    "-p",
    "--parameter",
    "parameters",
    nargs=2,
    multiple=True,
    metavar="NAME VALUE",
    help="Override a notebook parameter (repeatable), e.g. -p alpha 0.01.",
)
@click.option("--out", "out_root", type=click.Path(path_type=Path), help="Reports folder.")
@click.option("--run-id", default=None, help="Name of the run folder (default: time-stamped).")
@click.option("--pdf", is_flag=True, help="Also print the report to PDF (needs chromium).")
@click.option("--progress/--no-progress", default=True, help="Show a progress bar.")
def report(
    pilot_slug: str | None,
    instrument: Path | None,
    responses: Path | None,
    notes: Path | None,
    name: str | None,
    parameters: tuple[tuple[str, str], ...],
    out_root: Path | None,
    run_id: str | None,
    pdf: bool,
    progress: bool,
) -> None:
    """Run the readiness report notebooks and write code-free HTML, summary.json and figures.

    Give either --pilot SLUG (exports the pilot's responses and notes from DATABASE_URL
    first) or --instrument FILE --responses FILE.
    """
    from evaluation.reporting.runner import ReportRequest, run_report
    from pilotkit.instruments import find_instrument, load_instrument

    if pilot_slug is not None and (instrument or responses):
        raise click.UsageError("give either --pilot or --instrument with --responses, not both")
    if pilot_slug is None and not (instrument and responses):
        raise click.UsageError("give --pilot SLUG, or both --instrument and --responses")
    if pilot_slug is not None:
        run = report_for_pilot(
            pilot_slug,
            dict(parameters),
            notes=notes,
            out_root=out_root,
            run_id=run_id,
            pdf=pdf,
            progress=progress,
        )
        _print_run(run)
        return
    assert instrument is not None and responses is not None
    instrument_path = instrument if instrument.is_file() else find_instrument(str(instrument))
    inst = load_instrument(instrument_path)
    overrides = dict(parameters)
    run = run_report(
        ReportRequest(
            pilot=name or inst.id,
            instrument=instrument_path,
            responses=responses,
            notes=notes,
            overrides=overrides,
            out_root=out_root,
            run_id=run_id,
            pdf=pdf,
        ),
        progress=progress,
        on_notebook=lambda nb: click.echo(f"running {nb}", err=True) if progress else None,
    )
    _print_run(run)


def _print_run(run: ReportRun) -> None:
    click.echo(f"report: {run.report_html}")
    click.echo(f"summary: {run.summary}")
    click.echo(f"run folder: {run.run_dir}")


def report_for_pilot(
    slug: str,
    overrides: dict[str, str],
    *,
    notes: Path | None = None,
    out_root: Path | None = None,
    run_id: str | None = None,
    pdf: bool = False,
    progress: bool = True,
) -> ReportRun:
    """Export a pilot's instrument and responses from DATABASE_URL, then run its report."""
    import asyncio
    import tempfile

    from evaluation.reporting.kernels import KernelPool
    from evaluation.reporting.runner import KERNEL_NAME, default_notebooks, run_report
    from survey_server.connection import connected
    from survey_server.services.report_inputs import export_pilot_inputs, pilot_report_request
    from survey_server.settings import Settings

    settings = Settings.from_env()

    async def export(folder: Path):
        async with connected(settings.database_url) as engine:
            return await export_pilot_inputs(engine, slug, folder)

    # the kernels boot and import their libraries while the database is read (one of
    # them goes unused when the pilot has no focus-group notes)
    with (
        KernelPool(len(default_notebooks()), KERNEL_NAME, refill=False) as kernels,
        tempfile.TemporaryDirectory(prefix="pilotkit-export-") as tmp,
    ):
        inputs = asyncio.run(export(Path(tmp)))
        if inputs.rows == 0:
            raise PilotkitError(f"pilot '{slug}' has no submissions yet: nothing to report")
        request = pilot_report_request(
            inputs, overrides, notes=notes, out_root=out_root, run_id=run_id, pdf=pdf
        )
        return run_report(request, progress=progress, kernels=kernels)
