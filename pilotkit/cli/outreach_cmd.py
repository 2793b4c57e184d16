"""`pilotkit outreach-worker`: send queued invitations and reminders outside the web server."""

from __future__ import annotations

import click


@click.command("outreach-worker")
@click.option("--once", is_flag=True, help="Send what is due now, then stop (for cron or tests).")
def outreach_worker(once: bool) -> None:
    """Send the e-mail invitations and reminders queued from the staff pages.

    Reads DATABASE_URL, PILOTKIT_SMTP_URL (without it: .eml files in data/outbox/),
    PILOTKIT_MAIL_FROM, PILOTKIT_MAIL_RATE and PILOTKIT_SECRET_KEY. `pilotkit serve` runs
    a worker in each server process already; use this command when the web processes are
    started with PILOTKIT_OUTREACH_WORKER=0. Several workers may run at once.
    """
    import asyncio

    from survey_server.connection import connected
    from survey_server.mail import check_sender
    from survey_server.outreach_worker import OutreachWorker
    from survey_server.settings import Settings

    settings = Settings.from_env()
    check_sender(settings.outreach)

    async def main() -> int:
        async with connected(settings.database_url) as engine:
            worker = OutreachWorker(engine, settings)
            if once:
                try:
                    await worker.plan_reminders()
                    return await worker.drain()
                finally:
                    await worker.stop()
            worker.start()
            try:
                await asyncio.Event().wait()  # until Ctrl+C cancels the loop
            finally:
                await worker.stop()
            return 0

    where = settings.outreach.smtp_url.split("@")[-1] or str(settings.outreach.outbox_dir)
    click.echo(f"outreach worker on {settings.database_url}, sending to {where}")
    try:
        handled = asyncio.run(main())
    except KeyboardInterrupt:
        return
    if once:
        click.echo(f"messages handled: {handled}")
