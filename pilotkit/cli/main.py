"""Entry point of the `pilotkit` command.

Sub-command groups live in their own modules and are registered in `COMMANDS`; each
module imports its heavy dependencies inside the commands, so `pilotkit --help` stays
fast. Every user-fixable error becomes one line on stderr and a non-zero exit.
"""

from __future__ import annotations

import importlib
import os
import sys
import warnings

import click

from pilotkit import __version__
from pilotkit.errors import PilotkitError

#: "module:attribute" of every command or group of the CLI, in help order.
COMMANDS: list[str] = [
    "pilotkit.cli.instruments_cmd:instruments",
    "pilotkit.cli.translations_cmd:translations",
    "pilotkit.cli.server_cmd:serve",
    "pilotkit.cli.evaluate_cmd:evaluate",
    "pilotkit.cli.evaluate_cmd:plan",
    "pilotkit.cli.report_cmd:report",
    "pilotkit.cli.worker_cmd:report_worker",
    "pilotkit.cli.outreach_cmd:outreach_worker",
    "pilotkit.cli.report_daemon_cmd:report_daemon",
    "pilotkit.cli.demo_cmd:demo",
    "pilotkit.cli.db_cmd:db",
    "pilotkit.cli.pilots_cmd:pilots",
    "pilotkit.cli.waves_cmd:waves",
    "pilotkit.cli.invite_cmd:invite",
    "pilotkit.cli.export_cmd:export",
    "pilotkit.cli.responses_cmd:responses",
    "pilotkit.cli.users_cmd:users",
    "pilotkit.cli.notes_cmd:export_notes",
    "pilotkit.cli.concerns_cmd:export_concerns",
]


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="pilotkit")
def cli() -> None:
    """pilotkit: pilot surveys, focus-group notes and rollout-readiness reports."""


def _register() -> None:
    for spec in COMMANDS:
        module_name, attribute = spec.split(":")
        command = getattr(importlib.import_module(module_name), attribute)
        cli.add_command(command)


def _quiet_library_warnings() -> None:
    """openpyxl warns about workbook features it drops while reading (data validation,
    conditional formatting, unknown extensions) that say nothing about the answers or the
    form read from it: a user would see `UserWarning` lines with site-packages paths."""
    warnings.filterwarnings("ignore", category=UserWarning, module=r"openpyxl(\..*)?$")


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; turn known errors into one line and an exit code, never a traceback."""
    _register()
    _quiet_library_warnings()
    try:
        result = cli.main(args=argv, prog_name="pilotkit", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except PilotkitError as exc:
        for line in str(exc).splitlines() or ["error"]:
            click.echo(f"error: {line}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
    except Exception as exc:
        if os.environ.get("PILOTKIT_DEBUG"):
            raise
        click.echo(
            f"error: unexpected {type(exc).__name__}: {exc} "
            "(run again with PILOTKIT_DEBUG=1 to see where)",
            err=True,
        )
        sys.exit(1)
    sys.exit(result if isinstance(result, int) else 0)


if __name__ == "__main__":
    main()
