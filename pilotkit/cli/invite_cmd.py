"""`pilotkit invite SLUG --count N --out FILE.csv`: participant links."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import click

from pilotkit.cli.database import run_with_database


@click.command()
@click.argument("slug")
@click.option("--count", required=True, type=int, help="Number of links to issue.")
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="CSV file to write (participant_id, wave, token, url, code, code_url).",
)
@click.option("--wave", default=None, help="Anonymous pilots: the wave the links answer.")
@click.option(
    "--codes/--no-codes",
    default=True,
    show_default=True,
    help="Give each link a short code to type at /c (for printed cards and posters).",
)
def invite(slug: str, count: int, out: Path, wave: str | None, codes: bool) -> None:
    """Issue COUNT participant links for pilot SLUG.

    Tokens are shown only in this file (the database keeps a hash): send each
    participant their url and keep the file safe. Linked pilots: one link answers
    both waves. Anonymous pilots: one link per wave (default: the open wave).
    Each link also gets a short code (like K7QMX-3TD9R) that opens the same form when
    typed at the code_url, as on the staff pages' invitation cards; the code is derived
    under the installation's key, so run this where the server finds the same key.
    """
    from pilotkit.errors import PilotkitError
    from survey_server.services.command_line import invite_audited as issue
    from survey_server.settings import Settings

    if out.suffix.lower() != ".csv":
        raise PilotkitError(f"--out '{out}' must end in .csv")
    if count < 1:
        raise PilotkitError(f"--count must be at least 1, not {count}")
    settings = Settings.from_env()
    base_url = settings.base_url
    from survey_server.services.invitation_codes import grouped
    from survey_server.services.outreach_keys import server_key
    from survey_server.services.pilots import get_pilot

    code_key = server_key(settings.outreach, settings.database_url) if codes else None

    async def issue_and_look(engine: Any) -> tuple[Any, Any]:
        issued = await issue(engine, slug, count, wave=wave, code_key=code_key)
        return issued, await get_pilot(engine, slug)

    invitations, pilot = run_with_database(issue_and_look)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["participant_id", "wave", "token", "url", "code", "code_url"])
        for i in invitations:
            # An anonymous pilot's links (the only ones with a wave) name nobody.
            participant = "" if i.wave else i.participant_id
            code, code_url = (grouped(i.code), f"{base_url}/c") if i.code else ("", "")
            writer.writerow(
                [participant, i.wave, i.token, f"{base_url}/f/{i.token}", code, code_url]
            )
    scope = f"wave '{invitations[0].wave}'" if invitations[0].wave else "both waves"
    click.echo(f"wrote {len(invitations)} links for pilot '{slug}' ({scope}) to {out}")
    closed = [w.name for w in pilot.waves if w.state() == "closed"]
    if closed and not pilot.anonymous:
        later = ", ".join(w.name for w in pilot.waves if w.name not in closed)
        click.echo(
            f"warning: wave {', '.join(closed)} is closed: these links can answer only "
            f"{later}, and count as invited to that wave only",
            err=True,
        )
