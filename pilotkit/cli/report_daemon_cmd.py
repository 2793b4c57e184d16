"""`pilotkit report-daemon`: the background process that keeps report kernels warm."""

from __future__ import annotations

import time

import click

from pilotkit.errors import PilotkitError


@click.group("report-daemon")
def report_daemon() -> None:
    """Warm kernels kept between report runs, so that a rerun skips kernel start-up.

    After a run that had to start its kernels, `pilotkit report` leaves a daemon behind
    that runs the next reports of the same checkout and environment, and ends after
    PILOTKIT_REPORT_DAEMON_MINUTES (15) minutes without one. PILOTKIT_REPORT_DAEMON=off
    keeps every run in its own process.
    """


@report_daemon.command("run")
@click.option(
    "--minutes",
    type=click.FloatRange(min=0, min_open=True),
    default=None,
    help="End after this many minutes without a report (default 15).",
)
def run(minutes: float | None) -> None:
    """Run the daemon in the foreground (until idle, `stop`, or Ctrl-C)."""
    from evaluation.reporting import daemon, daemon_client

    if not daemon.serve(minutes if minutes is not None else daemon_client.idle_minutes()):
        raise PilotkitError("a report daemon already serves this environment")


@report_daemon.command("status")
def status() -> None:
    """List the running daemons (of any checkout) and what they are doing."""
    from evaluation.reporting import daemon_client

    found = 0
    for paths in daemon_client.daemons():
        answer = daemon_client.ask("status", paths)
        if answer is None:
            continue
        found += 1
        doing = (
            "running a report"
            if answer["busy"]
            else f"idle for {answer['idle_for']:.0f} s "
            f"(ends after {answer['ends_after_idle'] / 60:g} min idle)"
        )
        click.echo(
            f"pid {answer['pid']}: {answer['environment']}, since {answer['started']}, "
            f"{answer['runs']} report(s), {doing}"
        )
    if not found:
        click.echo("no report daemon is running")


@report_daemon.command("stop")
def stop() -> None:
    """Stop every running daemon (a report it is running fails)."""
    from evaluation.reporting import daemon_client

    stopped = [
        paths for paths in daemon_client.daemons() if daemon_client.ask("stop", paths) is not None
    ]
    deadline = time.monotonic() + 15
    while any(p.socket.exists() for p in stopped) and time.monotonic() < deadline:
        time.sleep(0.1)
    click.echo(
        f"stopped {len(stopped)} report daemon(s)" if stopped else "no report daemon was running"
    )
