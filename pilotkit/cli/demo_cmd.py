"""`pilotkit demo`: a realistic demo pilot in the default database, its reports, the server."""

from __future__ import annotations

import asyncio
import os
import sys
from dataclasses import replace
from pathlib import Path

import click


@click.command()
@click.option(
    "--serve/--no-serve",
    default=True,
    show_default=True,
    help="Start the survey server afterwards.",
)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--reports/--no-reports",
    "with_reports",
    default=True,
    show_default=True,
    help="Write the readiness reports of the demo pilots.",
)
def demo(serve: bool, host: str, port: int, with_reports: bool) -> None:
    """Build the 311 CRM pilot and the youth program survey, write their reports, serve.

    The demo pilots are created once in the database DATABASE_URL names (the SQLite file
    in the data folder by default); later runs reuse them.
    """
    from tqdm import tqdm

    from pilotkit.cli.report_cmd import report_for_pilot
    from pilotkit.demo.builder import DemoBuild, build_demo, demo_answer_count, demo_link
    from pilotkit.demo.scenarios import CRM_PILOT_SLUG, YOUTH_SLUG
    from pilotkit.paths import data_dir, reports_dir
    from survey_server.connection import connected
    from survey_server.settings import Settings

    if "PILOTKIT_BASE_URL" not in os.environ:
        os.environ["PILOTKIT_BASE_URL"] = f"http://{host}:{port}"
    settings = Settings.from_env()
    folder = data_dir() / "demo"
    # the demo's made-up addresses are never sent to a real mail server
    mail_to_files = replace(settings, outreach=replace(settings.outreach, smtp_url=""))

    async def build() -> DemoBuild:
        async with connected(settings.database_url) as engine:
            # the bar keeps its own line (it ends with a line break) and follows the
            # terminal's width; not drawn at all when stderr is not a terminal
            total = await demo_answer_count(engine)  # 0 when the demo pilots exist
            with tqdm(
                total=total,
                desc="demo answers",
                unit="form",
                leave=True,
                dynamic_ncols=True,
                disable=None if total else True,
                file=sys.stderr,
            ) as bar:
                return await build_demo(engine, folder, tick=bar.update, settings=mail_to_files)

    result = asyncio.run(build())
    sys.stderr.flush()
    built = result.built
    click.echo(f"demo pilots {'created' if built else 'already there'} in {settings.database_url}")
    reports: list[Path] = []
    if with_reports:
        for slug in (CRM_PILOT_SLUG, YOUTH_SLUG):
            existing = sorted((reports_dir() / slug).glob("*/report.html"))
            if existing and not built:
                reports.append(existing[-1])
                continue
            click.echo(f"writing the readiness report of {slug} ...")
            run = report_for_pilot(slug, {}, progress=False)
            reports.append(run.report_html)
    token = demo_link(folder)
    click.echo("")
    if token:
        click.echo(f"participant form (post-pilot wave open): {settings.base_url}/f/{token}")
    for report in reports:
        run_folder = report.parent
        click.echo(
            f"readiness report: {settings.base_url}/staff/pilots/{run_folder.parent.name}/"
            f"reports/{run_folder.name}/report.html  (after signing in)"
        )
        click.echo(f"  file: {report}")
    if built:
        click.echo(
            f"e-mail invitations sent: {settings.base_url}/staff/pilots/{CRM_PILOT_SLUG}/outreach"
            f"  (files: {settings.outreach.outbox_dir / CRM_PILOT_SLUG})"
        )
    click.echo(
        f"staff sign-in: {settings.base_url}/staff/sign-in  (demo password: "
        f"{result.staff.password})"
    )
    for account in result.staff.accounts:
        click.echo(f"  {account.role:<12} {account.email}")
    if serve:
        from pilotkit.cli.server_cmd import run_server

        run_server(host=host, port=port, workers=1)
