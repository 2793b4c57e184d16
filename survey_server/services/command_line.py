"""What the command line changes and exports, recorded in the audit log like the staff
pages' actions (the actor is "command line"): each change and its entry commit together,
and an export is recorded once its file is written."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

from piccolo.engine.base import Engine

from pilotkit.instruments import Instrument
from survey_server.database import write_transaction
from survey_server.services import audit
from survey_server.services.audit import COMMAND_LINE
from survey_server.services.invitations import Invitation, invite
from survey_server.services.pilot_margin import (
    MarginSetting,
    parse_margin,
    pilot_scale,
    set_margin,
)
from survey_server.services.pilots import PilotSummary, create_pilot, get_pilot, set_wave_status
from survey_server.services.waves import WaveInfo
from survey_server.tables import Pilot

T = TypeVar("T")


async def create_pilot_audited(
    engine: Engine, *, slug: str, instrument: Instrument, margin: str = "", **options: Any
) -> PilotSummary:
    """Create the pilot; `margin` (scale points, empty: the default) is checked first."""
    margin_value = parse_margin(margin, pilot_scale(instrument))
    async with write_transaction(engine):
        pilot = await create_pilot(engine, slug=slug, instrument=instrument, **options)
        if margin_value is not None:
            await Pilot.update({Pilot.margin: margin_value}).where(Pilot.id == pilot.id)
        await audit.record(
            COMMAND_LINE,
            "pilot.create",
            "pilot",
            pilot.id,
            pilot=pilot.id,
            after={
                "slug": pilot.slug,
                "name": pilot.name,
                "instrument": f"{pilot.instrument_id} v{pilot.instrument_version}",
                "anonymous": pilot.anonymous,
                **({"margin": f"{margin_value:g} points"} if margin_value is not None else {}),
            },
        )
    return pilot


async def set_margin_audited(engine: Engine, slug: str, margin: str) -> tuple[MarginSetting, bool]:
    """Set the pilot's margin (empty: the default), audited as the staff page does."""
    pilot = await get_pilot(engine, slug)
    return await set_margin(engine, COMMAND_LINE, pilot.id, margin)


async def set_wave_status_audited(engine: Engine, slug: str, wave: str, status: str) -> WaveInfo:
    pilot = await get_pilot(engine, slug)
    before = next((w for w in pilot.waves if w.name == wave), None)
    async with write_transaction(engine):
        after = await set_wave_status(engine, slug, wave, status)
        await audit.record(
            COMMAND_LINE,
            f"wave.{'open' if status == 'open' else 'close'}",
            "wave",
            after.id,
            pilot=pilot.id,
            before={"wave": wave, "status": before.status if before else None},
            after={"wave": wave, "status": after.status},
        )
    return after


async def invite_audited(
    engine: Engine,
    slug: str,
    count: int,
    *,
    wave: str | None = None,
    code_key: bytes | None = None,
) -> list[Invitation]:
    pilot = await get_pilot(engine, slug)
    async with write_transaction(engine):
        invitations = await invite(engine, slug, count, wave=wave, code_key=code_key)
        await audit.record(
            COMMAND_LINE,
            "invitation.issue",
            "invitation_batch",
            f"{count} links",
            pilot=pilot.id,
            after={
                "participants": [i.participant_id for i in invitations],
                "wave": invitations[0].wave if invitations else "",
            },
        )
    return invitations


async def export_audited(
    engine: Engine, slug: str, out: Path, write: Callable[[Engine, str, Path], Awaitable[T]]
) -> T:
    """Run `write(engine, slug, out)`, then record which pilot's data went to which file."""
    pilot = await get_pilot(engine, slug)
    result = await write(engine, slug, out)
    async with write_transaction(engine):
        await audit.record(
            COMMAND_LINE,
            "export.write",
            "pilot",
            slug,
            pilot=pilot.id,
            after={"file": out.name, "rows": result if isinstance(result, int) else None},
        )
    return result
