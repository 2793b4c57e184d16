"""`pilotkit users create|list`: staff accounts (the first admin is made here)."""

from __future__ import annotations

import sys

import click

from pilotkit.cli.database import run_with_database


@click.group()
def users() -> None:
    """Staff accounts: admin, manager, facilitator, analyst, executive."""


@users.command()
@click.option("--email", required=True, help="The person's e-mail address (their sign-in name).")
@click.option(
    "--role",
    required=True,
    type=click.Choice(["admin", "manager", "facilitator", "analyst", "executive"]),
)
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from standard input (first line) instead of asking.",
)
def create(email: str, role: str, password_stdin: bool) -> None:
    """Create a staff account (password: at least 12 characters, not the e-mail)."""
    from survey_server.services.accounts import create_user
    from survey_server.services.audit import COMMAND_LINE

    if password_stdin or not sys.stdin.isatty():
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    user = run_with_database(
        lambda engine: create_user(
            engine, email=email, role=role, password=password, actor=COMMAND_LINE
        )
    )
    click.echo(f"created {user.role} account {user.email}")


@users.command(name="list")
def list_() -> None:
    """List the staff accounts: e-mail, role, active."""
    from survey_server.services.accounts import list_users

    accounts = run_with_database(list_users)
    if not accounts:
        click.echo("no staff accounts yet; create one with: pilotkit users create --role admin")
        return
    for account in accounts:
        click.echo(f"{account.email}\t{account.role}\t{'active' if account.active else 'inactive'}")
