"""`pilotkit report-worker`: run queued report jobs outside the web server."""

from __future__ import annotations

import click


@click.command("report-worker")
@click.option("--once", is_flag=True, help="Run the queued jobs, then stop (for cron or tests).")
def report_worker(once: bool) -> None:
    """Run report jobs queued from the staff pages (DATABASE_URL, PILOTKIT_REPORTS_DIR).

    `pilotkit serve` runs a worker in each server process already; use this command when
    the web processes are started with PILOTKIT_REPORT_WORKER=0.
    """
    import asyncio

    from survey_server.connection import connected
    from survey_server.report_worker import ReportWorker
    from survey_server.settings import Settings

    settings = Settings.from_env()

    async def main() -> int:
        async with connected(settings.database_url) as engine:
            worker = ReportWorker(engine, settings)
            if once:
                done = 0
                try:
                    while await worker.run_once():
                        done += 1
                finally:
                    await worker.stop()
                return done
            worker.start()
            try:
                await asyncio.Event().wait()  # until Ctrl+C cancels the loop
            finally:
                await worker.stop()
            return 0

    click.echo(f"report worker on {settings.database_url}, writing to {settings.reports_dir}")
    try:
        done = asyncio.run(main())
    except KeyboardInterrupt:
        return
    if once:
        click.echo(f"report jobs run: {done}")
