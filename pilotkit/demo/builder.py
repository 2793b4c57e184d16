"""Build the demo pilots in a database, through the same services participants use.

Two pilots: the 311 CRM pilot (linked, pilot-core, 60 participants, both waves, two
focus-group sessions) and the youth civic program (anonymous yes/no survey). Every
answer is submitted through `survey_server.services.forms.submit`, exactly as the form
and the JSON API store them; the pre wave is then closed and the post wave left open,
so the printed participant link opens a real form.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd
from piccolo.engine.base import Engine

from pilotkit.demo.scenarios import (
    CRM_OBJECTIVES,
    CRM_PILOT_NAME,
    CRM_PILOT_SLUG,
    CRM_SCENARIO,
    CRM_TECHNOLOGY,
    YOUTH_NAME,
    YOUTH_SCENARIO,
    YOUTH_SLUG,
)
from pilotkit.demo.staff import DemoStaff, ensure_demo_staff, record_crm_focus_groups
from pilotkit.demo.synthetic import Scenario, simulate_responses
from pilotkit.instruments import Instrument, Item, load_instrument
from survey_server.errors import NotFoundError
from survey_server.services.forms import submit
from survey_server.services.invitations import invite
from survey_server.services.pilots import create_pilot, get_pilot, set_wave_status
from survey_server.settings import Settings

#: File in the demo folder holding the participant link printed at the end.
LINK_FILE = "participant-link.txt"


@dataclass(frozen=True)
class DemoPilot:
    slug: str
    name: str
    #: a token whose owner has not answered the open wave yet
    open_token: str | None


def typed_answer(item: Item, raw: str) -> object | None:
    """A responses-table value as the participant API takes it (None: not answered)."""
    if raw == "":
        return None
    if item.type == "likert":
        return int(raw)
    if item.type == "boolean":
        return raw == "1"
    if item.type == "number":
        return float(raw)
    if item.type == "multi":
        return raw.split()
    return raw


def answers_by_participant(
    instrument: Instrument, frame: pd.DataFrame, wave: str
) -> dict[str, dict[str, object]]:
    """Per participant id, the typed answers of one wave."""
    items = {item.id: item for item in instrument.items}
    grouped: dict[str, dict[str, object]] = {}
    for row in frame[frame["wave"] == wave].itertuples(index=False):
        value = typed_answer(items[row.item_id], row.value)
        if value is not None:
            grouped.setdefault(row.participant_id, {})[row.item_id] = value
    return grouped


async def pilot_exists(engine: Engine, slug: str) -> bool:
    try:
        await get_pilot(engine, slug)
    except NotFoundError:
        return False
    return True


async def _answer_wave(
    engine: Engine,
    tokens: Mapping[str, str],
    answers: Mapping[str, Mapping[str, object]],
    tick: Callable[[], None],
) -> None:
    for participant, token in tokens.items():
        if participant in answers:
            await submit(engine, token, uuid.uuid4(), answers[participant])
            tick()


async def build_linked_pilot(
    engine: Engine,
    *,
    slug: str,
    name: str,
    instrument: Instrument,
    scenario: Scenario,
    technology: str = "",
    objectives: str = "",
    tick: Callable[[], None] = lambda: None,
    settings: Settings | None = None,
) -> DemoPilot:
    """A linked pilot: one invitation per participant, answered in both waves.

    With `settings`, the participants are e-mail contacts and each wave's invitation is
    sent (see `pilotkit.demo.outreach`) before its answers arrive."""
    frame = _linked_frame(instrument, scenario)
    pre, post = instrument.wave_ids[0], instrument.wave_ids[-1]
    pilot = await create_pilot(
        engine,
        slug=slug,
        instrument=instrument,
        name=name,
        technology=technology,
        objectives=objectives,
        anonymous=False,
    )
    people = sorted(set(frame["participant_id"]))
    if settings is None:
        links = [i.token for i in await invite(engine, slug, len(people) + 2)]
    else:
        from pilotkit.demo.outreach import contact_links

        links = await contact_links(engine, settings, pilot.id, len(people) + 2)
    tokens = dict(zip(people, links, strict=False))
    for wave in (pre, post):
        if wave == post:
            await set_wave_status(engine, slug, pre, "closed")
        await set_wave_status(engine, slug, wave, "open")
        if settings is not None:
            from pilotkit.demo.outreach import send_invitations

            await send_invitations(engine, settings, pilot.id, wave)
        await _answer_wave(engine, tokens, answers_by_participant(instrument, frame, wave), tick)
    # one of the two invitations nobody used: a fresh link to try the open wave
    return DemoPilot(slug=slug, name=name, open_token=links[-1])


async def build_anonymous_pilot(
    engine: Engine,
    *,
    slug: str,
    name: str,
    instrument: Instrument,
    scenario: Scenario,
    tick: Callable[[], None] = lambda: None,
) -> DemoPilot:
    """An anonymous pilot: a fresh invitation per wave, nothing links the waves."""
    frame = _anonymous_frame(instrument, scenario)
    await create_pilot(engine, slug=slug, instrument=instrument, name=name, anonymous=True)
    open_token = None
    for position, wave in enumerate(instrument.wave_ids):
        answers = answers_by_participant(instrument, frame, wave)
        await set_wave_status(engine, slug, wave, "open")
        invitations = await invite(engine, slug, len(answers) + 1, wave=wave)
        tokens = {person: inv.token for person, inv in zip(answers, invitations, strict=False)}
        await _answer_wave(engine, tokens, answers, tick)
        if position < len(instrument.wave_ids) - 1:
            await set_wave_status(engine, slug, wave, "closed")
        else:
            open_token = invitations[-1].token
    return DemoPilot(slug=slug, name=name, open_token=open_token)


def _linked_frame(instrument: Instrument, scenario: Scenario) -> pd.DataFrame:
    # participants answer every required question through the form: no skipped items
    return simulate_responses(instrument, replace(scenario, skip_rate=0.0))


def _anonymous_frame(instrument: Instrument, scenario: Scenario) -> pd.DataFrame:
    return simulate_responses(instrument, replace(scenario, skip_rate=0.0, anonymous=True))


def _submissions(instrument: Instrument, frame: pd.DataFrame) -> int:
    return sum(len(answers_by_participant(instrument, frame, w)) for w in instrument.wave_ids)


async def demo_answer_count(engine: Engine) -> int:
    """The submissions the demo will make, one tick each of the progress bar: the same
    simulated answers (seeded) of the demo pilots not built yet, so the bar ends full."""
    count = 0
    if not await pilot_exists(engine, CRM_PILOT_SLUG):
        crm = load_instrument("pilot-core")
        count += _submissions(crm, _linked_frame(crm, CRM_SCENARIO))
    if not await pilot_exists(engine, YOUTH_SLUG):
        youth = load_instrument("youth-civic")
        count += _submissions(youth, _anonymous_frame(youth, YOUTH_SCENARIO))
    return count


@dataclass(frozen=True)
class DemoBuild:
    """What a demo run found or made."""

    built: list[DemoPilot]
    staff: DemoStaff


async def build_demo(
    engine: Engine,
    folder: Path,
    tick: Callable[[], None] = lambda: None,
    settings: Settings | None = None,
) -> DemoBuild:
    """Create both demo pilots unless they exist, the demo staff and the CRM pilot's
    focus-group notes; keep the participant link in `folder`. With `settings`, the CRM
    pilot's participants are e-mail contacts who were sent each wave's invitation."""
    folder.mkdir(parents=True, exist_ok=True)
    built: list[DemoPilot] = []
    if not await pilot_exists(engine, CRM_PILOT_SLUG):
        crm = await build_linked_pilot(
            engine,
            slug=CRM_PILOT_SLUG,
            name=CRM_PILOT_NAME,
            instrument=load_instrument("pilot-core"),
            scenario=CRM_SCENARIO,
            technology=CRM_TECHNOLOGY,
            objectives=CRM_OBJECTIVES,
            tick=tick,
            settings=settings,
        )
        (folder / LINK_FILE).write_text(crm.open_token or "", encoding="utf-8")
        built.append(crm)
    if not await pilot_exists(engine, YOUTH_SLUG):
        built.append(
            await build_anonymous_pilot(
                engine,
                slug=YOUTH_SLUG,
                name=YOUTH_NAME,
                instrument=load_instrument("youth-civic"),
                scenario=YOUTH_SCENARIO,
                tick=tick,
            )
        )
    staff = await ensure_demo_staff(engine)
    if any(p.slug == CRM_PILOT_SLUG for p in built):
        facilitator = next(a for a in staff.accounts if a.role == "facilitator")
        await record_crm_focus_groups(engine, facilitator)
    return DemoBuild(built=built, staff=staff)


def demo_link(folder: Path) -> str | None:
    """The saved participant token of the CRM pilot's open wave, if the demo made one."""
    path = folder / LINK_FILE
    return path.read_text(encoding="utf-8").strip() or None if path.is_file() else None
