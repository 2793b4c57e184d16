"""What a report run needs from the database, written to files in one folder.

The evaluation kit reads files only (the responses table, the instrument, the notes);
this service writes them for one pilot: the frozen instrument the pilot asks (as YAML,
so a later edit of `instruments/` never changes a rerun), the responses table, the
focus-group notes, the concern register (how far each concern was dealt with: a verified
one no longer holds the verdict back), and the participation counts the report shows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from piccolo.engine.base import Engine

from pilotkit.instruments.yaml_io import dump_instrument
from survey_server.services.concerns_export import export_concerns
from survey_server.services.export import export_responses
from survey_server.services.notes_export import export_notes
from survey_server.services.pilots import frozen_instrument, get_pilot
from survey_server.tables import Participant, Pilot

if TYPE_CHECKING:
    from evaluation.reporting.runner import ReportRequest


@dataclass(frozen=True)
class PilotInputs:
    """Files and figures of one pilot, ready for `evaluation.reporting.run_report`."""

    slug: str
    name: str
    instrument: Path
    responses: Path
    invited: int
    rows: int
    #: "pre=33 post=30": the links that could answer each wave (the notebook's parameter)
    invited_by_wave: str = ""
    #: the focus-group notes table, or None when the pilot has no notes
    notes: Path | None = None
    #: the concern register, or None when the pilot has no concerns
    concerns: Path | None = None
    #: the pilot's margin in scale points (None: the default) and whether it was changed
    #: once the follow-up wave had answers (`services.pilot_margin`)
    margin: float | None = None
    margin_changed_after_data: bool = False


async def invited_count(engine: Engine, slug: str) -> int:
    """People invited: participants of a linked pilot, or of its first wave if anonymous."""
    pilot = await get_pilot(engine, slug)
    query = Participant.count().where(
        (Participant.pilot == pilot.id) & (Participant.test == False)  # noqa: E712
    )
    if pilot.anonymous and pilot.waves:
        query = query.where(Participant.wave == pilot.waves[0].id)
    return int(await query)


async def invited_by_wave(engine: Engine, pilot_id: int) -> str:
    """Per wave, the links that could answer it, as the pilot page counts them."""
    from survey_server.services.staff_pilots import dashboard

    board = await dashboard(engine, pilot_id, with_names=False)
    return " ".join(f"{w.name}={w.invited}" for w in board.waves)


async def export_pilot_inputs(engine: Engine, slug: str, folder: Path) -> PilotInputs:
    """Write `<slug>-instrument.yaml`, `<slug>-responses.csv`, `-notes.csv` and
    `-concerns.csv` into `folder`."""
    pilot = await get_pilot(engine, slug)
    folder.mkdir(parents=True, exist_ok=True)
    instrument_path = folder / f"{slug}-instrument.yaml"
    instrument_path.write_text(
        dump_instrument(await frozen_instrument(engine, slug)), encoding="utf-8"
    )
    responses_path = folder / f"{slug}-responses.csv"
    rows = await export_responses(engine, slug, responses_path)
    notes_path = folder / f"{slug}-notes.csv"
    has_notes = await export_notes(engine, slug, notes_path) > 0
    concerns_path = folder / f"{slug}-concerns.csv"
    has_concerns = await export_concerns(engine, slug, concerns_path) > 0
    margin = (
        await Pilot.select(Pilot.margin, Pilot.margin_changed_after_data)
        .where(Pilot.id == pilot.id)
        .first()
    ) or {"margin": None, "margin_changed_after_data": False}
    return PilotInputs(
        slug=slug,
        name=pilot.name,
        instrument=instrument_path,
        responses=responses_path,
        invited=await invited_count(engine, slug),
        invited_by_wave=await invited_by_wave(engine, pilot.id),
        rows=rows,
        notes=notes_path if has_notes else None,
        concerns=concerns_path if has_concerns else None,
        margin=None if margin["margin"] is None else float(margin["margin"]),
        margin_changed_after_data=bool(margin["margin_changed_after_data"]),
    )


def pilot_report_request(
    inputs: PilotInputs,
    overrides: Mapping[str, str],
    *,
    notes: Path | None = None,
    concerns: Path | None = None,
    out_root: Path | None = None,
    run_id: str | None = None,
    pdf: bool = False,
    pilot_url: str = "",
) -> ReportRequest:
    """The report run of exported pilot files: its name, participation counts and margin
    filled in, and the link back to the pilot's page when the server runs it (`pilot_url`).

    A margin given as an override (`-p margin M`) is the analyst's and replaces the
    pilot's setting together with its flag."""
    from evaluation.reporting.runner import ReportRequest

    defaults = {
        "pilot_name": inputs.name,
        "invited": str(inputs.invited),
        "invited_by_wave": inputs.invited_by_wave,
    }
    if "margin" not in overrides:
        defaults["margin_changed_after_data"] = str(inputs.margin_changed_after_data).lower()
        if inputs.margin is not None:
            defaults["margin"] = repr(inputs.margin)
            defaults["margin_source"] = "pilot"
    if pilot_url:
        defaults["pilot_url"] = pilot_url
    register = concerns or inputs.concerns
    return ReportRequest(
        pilot=inputs.slug,
        instrument=inputs.instrument,
        responses=inputs.responses,
        notes=notes or inputs.notes,
        overrides={**defaults, **overrides},
        out_root=out_root,
        run_id=run_id,
        pdf=pdf,
        extra_inputs={"concerns": register} if register is not None else {},
    )
