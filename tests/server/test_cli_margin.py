"""`pilotkit pilots create --margin` and `pilotkit pilots margin`: the pilot's margin for
the verdict from the command line, checked like the staff form and audited."""

from __future__ import annotations

import asyncio
from typing import Any

from survey_server.connection import connected
from survey_server.services.audit import read_log
from tests.helpers import run_cli


def _cli(database_url: str, *args: str) -> Any:
    return run_cli(*args, env={"DATABASE_URL": database_url})


def _entries(database_url: str) -> list[dict[str, Any]]:
    async def read() -> list[dict[str, Any]]:
        async with connected(database_url) as engine:
            return (await read_log(engine)).entries

    return asyncio.run(read())


def test_margin_from_the_command_line(database_url: str) -> None:
    created = _cli(
        database_url, "pilots", "create", "--slug", "p", "--instrument", "pilot-core",
        "--margin", "0.3",
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    create_entry = next(e for e in _entries(database_url) if e["action"] == "pilot.create")
    assert create_entry["after"]["margin"] == "0.3 points"

    shown = _cli(database_url, "pilots", "margin", "p")
    assert shown.returncode == 0 and "pilot 'p': margin 0.3 points" in shown.stdout
    changed = _cli(database_url, "pilots", "margin", "p", "0.5")
    assert changed.returncode == 0, changed.stderr
    assert "margin set to 0.5 points" in changed.stdout and "note:" not in changed.stdout
    entry = next(e for e in _entries(database_url) if e["action"] == "pilot.margin")
    assert entry["actor_email"] == "command line"
    assert (entry["before"]["margin"], entry["after"]["margin"]) == ("0.3 points", "0.5 points")

    back = _cli(database_url, "pilots", "margin", "p", "--default")
    assert "margin set to the default, 0.25 points" in back.stdout


def test_a_refused_margin_is_one_line_and_changes_nothing(database_url: str) -> None:
    refused = _cli(
        database_url, "pilots", "create", "--slug", "q", "--instrument", "pilot-core",
        "--margin", "9",
    )  # fmt: skip
    assert refused.returncode != 0 and "Traceback" not in refused.stderr
    assert "margin: the margin must be at most 4 points" in refused.stderr
    assert "no pilot" in _cli(database_url, "pilots", "margin", "q").stderr  # not created

    assert (
        _cli(
            database_url, "pilots", "create", "--slug", "q", "--instrument", "pilot-core"
        ).returncode
        == 0
    )
    for bad, words in (("abc", "enter a number"), ("-1", "above 0"), ("nan", "enter a number")):
        result = _cli(database_url, "pilots", "margin", "q", "--", bad)
        assert result.returncode != 0, bad
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert len(lines) == 1 and words in lines[0], result.stderr
    assert "the default, 0.25 points" in _cli(database_url, "pilots", "margin", "q").stdout
    assert not [e for e in _entries(database_url) if e["action"] == "pilot.margin"]
