"""Questionnaire versions and wave schedules, through the services, on both engines.

The schedule's exactly-once rule is checked with several engines (as several server
processes would have) applying the same due change at the same moment.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from pilotkit.instruments import load_instrument_file
from survey_server.connection import connected
from survey_server.services import questionnaire_edits as edits
from survey_server.services import questionnaires, schedule
from survey_server.services.audit import COMMAND_LINE, read_log
from survey_server.services.pilots import (
    create_pilot,
    frozen_instrument,
    get_pilot,
    set_wave_status,
)
from survey_server.services.waves import WaveInfo

REPO_ROOT = Path(__file__).resolve().parents[2]
T0 = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)

_APPLY = """
import asyncio, sys
from datetime import datetime
from survey_server.connection import connected
from survey_server.services.schedule import apply_due

async def main():
    async with connected(sys.argv[1]) as engine:
        for t in await apply_due(engine, datetime.fromisoformat(sys.argv[2])):
            print(t.wave, t.status)

asyncio.run(main())
"""


def _apply_in_processes(database_url: str, now: datetime, *, processes: int) -> list[str]:
    """Run the schedule in several processes at the same moment; the changes made."""
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _APPLY, database_url, now.isoformat()],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=REPO_ROOT,
        )
        for _ in range(processes)
    ]
    lines: list[str] = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        lines.extend(line for line in out.splitlines() if line.strip())
    return lines


async def _pilot(engine, slug: str = "crm") -> int:
    instrument = load_instrument_file(REPO_ROOT / "instruments" / "pilot-core.yaml")
    pilot = await create_pilot(engine, slug=slug, instrument=instrument)
    return pilot.id


NEW_ITEM = {
    "id": "crm_history",
    "type": "likert",
    "text": {"en": "The new CRM shows a caller's history quickly", "es": ""},
    "dimension": "productivity",
}


def test_draft_goes_live_until_the_first_wave_then_versions(database_url: str) -> None:
    async def main() -> None:
        async with connected(database_url) as engine:
            pilot_id = await _pilot(engine)
            first = await questionnaires.load(engine, pilot_id)
            assert first.number == 1 and first.draft and not first.started
            assert "prod_1" in first.core_ids

            # A Spanish text missing: saved, in use in English only.
            item = dict(NEW_ITEM)
            done = await questionnaires.edit(
                engine,
                COMMAND_LINE,
                pilot_id,
                edits.save_item(None, item),
                action="questionnaire.item",
                detail={"item": "crm_history"},
            )
            assert done.check.missing["es"] == [("item:crm_history", "text")]
            assert done.check.offered == ["en"]
            live = await frozen_instrument(engine, "crm")
            assert live.languages == ["en"] and live.item("crm_history")

            # Translated: both languages in use again.
            item["text"] = {**item["text"], "es": "El nuevo CRM muestra rápido el historial"}
            done = await questionnaires.edit(
                engine,
                COMMAND_LINE,
                pilot_id,
                edits.save_item("crm_history", item),
                action="questionnaire.item",
                detail={"item": "crm_history"},
            )
            assert done.check.problems == [] and done.check.offered == ["en", "es"]
            assert (await frozen_instrument(engine, "crm")).languages == ["en", "es"]

            # A problem is kept in the draft, participants keep the last good version.
            bad = {**item, "relevant": "${prod_1} = = 3"}
            done = await questionnaires.edit(
                engine,
                COMMAND_LINE,
                pilot_id,
                edits.save_item("crm_history", bad),
                action="questionnaire.item",
                detail={"item": "crm_history"},
            )
            [problem] = done.check.problems
            assert problem.key == "item:crm_history:relevant"
            assert "at position" in problem.message
            assert (await frozen_instrument(engine, "crm")).item("crm_history").relevant is None

            # Opening the first wave freezes the version in use; the unfinished edit
            # becomes version 2.
            await set_wave_status(engine, "crm", "pre", "open")
            after = await questionnaires.load(engine, pilot_id)
            assert [v.number for v in after.versions] == [1, 2]
            assert after.versions[0].frozen_at is not None and after.draft
            assert after.started and after.live_number == 1

            # Rewording a scored core item in version 2 is flagged.
            prod_1 = next(i for i in after.data["items"] if i["id"] == "prod_1")
            reworded = {
                **prod_1,
                "text": {"en": "I finish my work on time", "es": "Termino a tiempo"},
            }
            fixed = {**bad, "relevant": "${prod_1} >= 3"}

            def both(data):
                data = edits.save_item("prod_1", reworded)(data)
                return edits.save_item("crm_history", fixed)(data)

            v2 = await questionnaires.edit(
                engine,
                COMMAND_LINE,
                pilot_id,
                both,
                action="questionnaire.item",
                detail={"item": "prod_1"},
            )
            assert v2.number == 2 and v2.check.problems == []
            kinds = {(c.item_id, c.kind, c.scored) for c in v2.changes}
            assert ("prod_1", "reworded", True) in kinds
            assert ("crm_history", "changed", True) in kinds

            # Not while a wave is open; then, between waves, only with the flag accepted.
            with pytest.raises(Exception, match="a wave is open"):
                await questionnaires.put_in_use(
                    engine, COMMAND_LINE, pilot_id, accept_reworded=True
                )
            await set_wave_status(engine, "crm", "pre", "closed")
            with pytest.raises(Exception, match="reworded scored items"):
                await questionnaires.put_in_use(
                    engine, COMMAND_LINE, pilot_id, accept_reworded=False
                )
            used = await questionnaires.put_in_use(
                engine, COMMAND_LINE, pilot_id, accept_reworded=True
            )
            assert not used.draft and used.live_number == 2
            live = await frozen_instrument(engine, "crm")
            assert live.version == 2 and live.item("crm_history").relevant == "${prod_1} >= 3"
            log = await read_log(engine, pilot=pilot_id)
            assert "questionnaire.put_in_use" in {e["action"] for e in log.entries}

    asyncio.run(main())


def test_core_items_stay_and_conditions_follow_a_renamed_item(database_url: str) -> None:
    async def main() -> None:
        async with connected(database_url) as engine:
            pilot_id = await _pilot(engine)
            core = (await questionnaires.load(engine, pilot_id)).core_ids
            with pytest.raises(Exception, match="core item"):
                edits.delete_item("prod_1", core)

    asyncio.run(main())


def test_schedule_opens_and_closes_each_wave_exactly_once(database_url: str) -> None:
    """Three processes (as three servers' workers) apply the same due changes at once."""

    async def main() -> None:
        async with connected(database_url) as engine:
            pilot_id = await _pilot(engine)
            await schedule.set_dates(
                engine, COMMAND_LINE, pilot_id, "pre", T0, T0 + timedelta(days=7)
            )
            await schedule.set_dates(
                engine, COMMAND_LINE, pilot_id, "post", T0 + timedelta(days=30), None
            )

            def everyone(now: datetime) -> list[str]:
                return _apply_in_processes(database_url, now, processes=3)

            assert everyone(T0 - timedelta(minutes=1)) == []
            assert everyone(T0) == ["pre open"]
            assert everyone(T0 + timedelta(hours=1)) == []
            assert everyone(T0 + timedelta(days=7)) == ["pre closed"]
            assert everyone(T0 + timedelta(days=30)) == ["post open"]
            log = await read_log(engine, pilot=pilot_id)
            actions = [(e["action"], e["actor_email"]) for e in reversed(log.entries)]
            assert actions.count(("wave.open", "schedule")) == 2
            assert actions.count(("wave.close", "schedule")) == 1
            assert actions.count(("wave.schedule", "command line")) == 2
            q = await questionnaires.load(engine, pilot_id)
            assert q.versions[0].frozen_at is not None  # the first opening froze it
            waves = (await get_pilot(engine, "crm")).waves
            planned = [WaveInfo(1, "pre", 0, "not_open", T0, T0 + timedelta(days=7))]
            assert schedule.next_event(planned, T0 - timedelta(days=1)) == schedule.NextEvent(
                "pre", "opens", T0
            )
            assert schedule.next_event(planned, T0).action == "closes"  # type: ignore[union-attr]
            assert schedule.next_event(waves, T0 + timedelta(days=31)) is None

    asyncio.run(main())


def test_schedule_refuses_bad_dates(database_url: str) -> None:
    async def main() -> None:
        async with connected(database_url) as engine:
            pilot_id = await _pilot(engine)
            with pytest.raises(Exception, match="must be after it opens"):
                await schedule.set_dates(engine, COMMAND_LINE, pilot_id, "pre", T0, T0)
            with pytest.raises(Exception, match="not a date"):
                schedule.parse_moment("next tuesday", "pre opens")
            with pytest.raises(Exception, match="no wave"):
                await schedule.set_dates(engine, COMMAND_LINE, pilot_id, "mid", T0, None)

    asyncio.run(main())


def test_the_report_worker_opens_the_post_wave_when_its_clock_reaches_the_date(
    database_url: str, tmp_path: Path
) -> None:
    """The server's background worker applies the schedule by its settings' clock."""
    from survey_server.report_worker import ReportWorker
    from survey_server.settings import Settings

    moment = [T0]

    async def main() -> None:
        async with connected(database_url) as engine:
            pilot_id = await _pilot(engine)
            await set_wave_status(engine, "crm", "pre", "open")
            await schedule.set_dates(
                engine, COMMAND_LINE, pilot_id, "post", T0 + timedelta(days=30), None
            )
            settings = Settings(
                database_url=database_url, reports_dir=tmp_path, clock=lambda: moment[0]
            )
            worker = ReportWorker(engine, settings)
            assert await worker.apply_schedule() == []
            moment[0] = T0 + timedelta(days=30)
            assert await worker.apply_schedule() == [schedule.Transition(pilot_id, "post", "open")]
            assert await worker.apply_schedule() == []
            post = next(w for w in (await get_pilot(engine, "crm")).waves if w.name == "post")
            assert post.status == "open" and post.state() == "open"

    asyncio.run(main())


def test_editing_a_ranking_position_keeps_its_tie_to_the_question() -> None:
    """The editor has no field for `rank_of`: saving the item keeps the imported one."""
    from survey_server.services.questionnaire_edits import save_item

    tie = {"question": "priorities", "choice": "speed"}
    data = {"items": [{"id": "p_speed", "type": "number", "text": "Speed", "rank_of": tie}]}
    edited = {"id": "p_speed", "type": "number", "text": "Speed of service"}
    assert save_item("p_speed", edited)(data)["items"] == [{**edited, "rank_of": tie}]
    as_text = {"id": "p_speed", "type": "text", "text": "Speed"}
    assert save_item("p_speed", as_text)(data)["items"] == [as_text]


def test_a_default_spelled_out_is_no_change() -> None:
    """`required: true` and `reverse: false` written or left out are the same item."""
    from survey_server.services.questionnaire_content import diff

    item = {"id": "crm", "type": "likert", "text": {"en": "Fast"}, "dimension": "productivity"}
    before = {"languages": ["en"], "items": [item]}
    after = {"languages": ["en"], "items": [{**item, "required": True, "reverse": False}]}
    assert diff(before, after) == []
    required = {"languages": ["en"], "items": [{**item, "required": False}]}
    assert [c.kind for c in diff(before, required)] == ["changed"]
