"""`pilotkit report`: run the report notebooks into `reports/<pilot>/<run>/`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from pilotkit.errors import PilotkitError

if TYPE_CHECKING:
    from evaluation.reporting.kernels import KernelPool
    from evaluation.reporting.runner import ReportRequest, ReportRun


@click.command()
@click.option("--pilot", "pilot_slug", default=None, help="Export this pilot from the database.")
@click.option("--instrument", type=click.Path(path_type=Path), help="Instrument file or id.")
@click.option("--responses", type=click.Path(path_type=Path), help="Responses table (CSV/Parquet).")
@click.option("--notes", type=click.Path(path_type=Path), help="Focus-group notes (CSV).")
@click.option(
    "--concerns",
    type=click.Path(path_type=Path),
    help="Concern register (CSV, pilotkit export-concerns; with --pilot: the pilot's own).",
)
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
    concerns: Path | None,
    name: str | None,
    parameters: tuple[tuple[str, str], ...],
    out_root: Path | None,
    run_id: str | None,
    pdf: bool,
    progress: bool,
) -> None:
    """Run the readiness report notebooks and write code-free HTML, summary.json and figures.

    Give either --pilot SLUG (exports the pilot's responses, notes and concern register
    from DATABASE_URL first) or --instrument FILE --responses FILE.

    In an interactive terminal, after a run that started its own kernels, warm ones are
    kept in the background for 15 minutes, so that the next run starts at once (see
    `pilotkit report-daemon`). Scripts and CI get no background process unless
    PILOTKIT_REPORT_DAEMON=on; PILOTKIT_REPORT_DAEMON=off turns it off everywhere.
    """
    from evaluation.reporting.runner import ReportRequest
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
            concerns=concerns,
            out_root=out_root,
            run_id=run_id,
            pdf=pdf,
            progress=progress,
            daemon=True,
        )
        _print_run(run)
        return
    assert instrument is not None and responses is not None
    instrument_path = instrument if instrument.is_file() else find_instrument(str(instrument))
    inst = load_instrument(instrument_path)
    request = ReportRequest(
        pilot=name or inst.id,
        instrument=instrument_path,
        responses=responses,
        notes=notes,
        overrides=dict(parameters),
        out_root=out_root,
        run_id=run_id,
        pdf=pdf,
        extra_inputs={"concerns": concerns} if concerns is not None else {},
    )
    _print_run(run_request(request, progress=progress, daemon=True))


def run_request(
    request: ReportRequest,
    *,
    progress: bool,
    daemon: bool = False,
    kernels: KernelPool | None = None,
) -> ReportRun:
    """Run a report: in this environment's daemon when `daemon` and one is running,
    else here (on `kernels`, or on kernels of its own, after which a daemon is left
    behind for the next run when `daemon`)."""
    from evaluation.reporting import daemon_client
    from evaluation.reporting.runner import run_report

    daemon = daemon and daemon_client.enabled()
    if daemon:
        with _ProgressBar(progress) as bar:
            run = daemon_client.run_in_daemon(
                request, on_notebook=bar.notebook, on_progress=bar.update
            )
        if run is not None:
            return run
    run = run_report(
        request,
        progress=progress,
        on_notebook=lambda nb: click.echo(f"running {nb}", err=True) if progress else None,
        kernels=kernels,
    )
    if daemon:
        _leave_daemon()
    return run


def _leave_daemon() -> None:
    from evaluation.reporting import daemon_client

    try:
        minutes = daemon_client.idle_minutes()
        started = daemon_client.start_in_background(minutes)
    except PilotkitError as exc:
        click.echo(f"note: report kernels are not kept warm: {exc}", err=True)
        return
    if started is not None:
        click.echo(
            f"note: report kernels stay warm in the background for {minutes:g} min, so "
            "the next run starts at once ('pilotkit report-daemon stop' ends them, "
            "PILOTKIT_REPORT_DAEMON=off turns this off)",
            err=True,
        )


class _ProgressBar:
    """The progress of a run in the daemon, on stderr like papermill's bar."""

    def __init__(self, show: bool) -> None:
        self.show = show
        self._bar: Any = None

    def __enter__(self) -> _ProgressBar:
        return self

    def __exit__(self, *_: object) -> None:
        if self._bar is not None:
            self._bar.close()

    def notebook(self, name: str) -> None:
        if self.show:
            self._open().write(f"running {name}", file=sys.stderr)

    def update(self, fraction: float, stage: str) -> None:
        if self.show:
            bar = self._open()
            bar.n = round(100 * fraction)
            bar.set_description_str(stage, refresh=False)
            bar.refresh()

    def _open(self) -> Any:
        if self._bar is None:
            from tqdm import tqdm

            self._bar = tqdm(
                total=100,
                bar_format="Report: {percentage:3.0f}%|{bar}| {elapsed}  {desc}",
                file=sys.stderr,
            )
        return self._bar


def _print_run(run: ReportRun) -> None:
    click.echo(f"report: {run.report_html}")
    click.echo(f"summary: {run.summary}")
    click.echo(f"run folder: {run.run_dir}")


def report_for_pilot(
    slug: str,
    overrides: dict[str, str],
    *,
    notes: Path | None = None,
    concerns: Path | None = None,
    out_root: Path | None = None,
    run_id: str | None = None,
    pdf: bool = False,
    progress: bool = True,
    daemon: bool = False,
) -> ReportRun:
    """Export a pilot's instrument and responses from DATABASE_URL, then run its report
    (in the daemon when `daemon` and one is running, see `run_request`)."""
    import asyncio
    import contextlib
    import tempfile

    from evaluation.reporting import daemon_client
    from evaluation.reporting.kernels import KernelPool
    from evaluation.reporting.runner import KERNEL_NAME, default_notebooks
    from survey_server.connection import connected
    from survey_server.services.report_inputs import export_pilot_inputs, pilot_report_request
    from survey_server.settings import Settings

    settings = Settings.from_env()

    async def export(folder: Path):
        async with connected(settings.database_url) as engine:
            return await export_pilot_inputs(engine, slug, folder)

    warm = daemon and daemon_client.enabled() and daemon_client.running()
    with contextlib.ExitStack() as stack:
        # without a daemon, the kernels boot and import their libraries while the
        # database is read (one goes unused when the pilot has no focus-group notes)
        kernels = (
            None
            if warm
            else stack.enter_context(
                KernelPool(len(default_notebooks()), KERNEL_NAME, refill=False)
            )
        )
        tmp = stack.enter_context(tempfile.TemporaryDirectory(prefix="pilotkit-export-"))
        inputs = asyncio.run(export(Path(tmp)))
        if inputs.rows == 0:
            raise PilotkitError(f"pilot '{slug}' has no submissions yet: nothing to report")
        request = pilot_report_request(
            inputs,
            overrides,
            notes=notes,
            concerns=concerns,
            out_root=out_root,
            run_id=run_id,
            pdf=pdf,
        )
        return run_request(request, progress=progress, daemon=daemon, kernels=kernels)
