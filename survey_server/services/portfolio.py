"""The portfolio: every pilot a user can see, one row each, for deciding where to look.

A row holds figures only (never participant-level data): the latest report's verdict, the
concerns not yet verified or accepted by severity, the decision in force, and when the
last answer arrived.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from piccolo.engine.base import Engine
from piccolo.querystring import QueryString

from survey_server.services import concerns, decisions, report_jobs, staff_pilots
from survey_server.services.accounts import StaffAccount

#: Sort keys the page offers (`?sort=`), the first the default.
SORTS: tuple[str, ...] = ("name", "verdict", "concerns", "decision", "data")
_VERDICT_RANK = {"ready": 0, "conditional": 1, "not_ready": 2, "insufficient_data": 3}
_DECISION_RANK = {"go": 0, "go_with_conditions": 1, "extend": 2, "no_go": 3}


@dataclass(frozen=True)
class PortfolioRow:
    slug: str
    name: str
    verdict: str | None
    report_run: str | None
    report_when: datetime | None
    blockers: int
    majors: int
    decision: str  # "none" or one of decisions.OUTCOMES
    decision_id: int | None
    decided_at: datetime | None
    last_data: datetime | None


def _moment(value: Any) -> datetime | None:
    """A timestamp as either engine returns it from a raw query (text on SQLite)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if not isinstance(value, datetime):
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


async def _last_data(engine: Engine, pilot_ids: list[int]) -> dict[int, datetime]:
    """Per pilot, when its last (non-test) submission arrived."""
    if not pilot_ids:
        return {}
    marks = ", ".join("{}" for _ in pilot_ids)
    rows = await engine.run_querystring(
        QueryString(
            'SELECT w."pilot" AS pilot, MAX(s."created_at") AS last FROM "submission" s '
            'JOIN "wave" w ON w."id" = s."wave" '
            'JOIN "participant" p ON p."id" = s."participant" '
            f'WHERE p."test" = {{}} AND w."pilot" IN ({marks}) GROUP BY w."pilot"',
            False,
            *pilot_ids,
        )
    )
    found = {int(row["pilot"]): _moment(row["last"]) for row in rows}
    return {pilot: moment for pilot, moment in found.items() if moment is not None}


def _key(sort: str) -> Any:
    epoch = datetime.fromtimestamp(0, UTC)
    keys: dict[str, Any] = {
        "name": lambda r: (r.name.lower(), r.slug),
        "verdict": lambda r: (_VERDICT_RANK.get(r.verdict or "", 9), r.name.lower()),
        "concerns": lambda r: (r.blockers, r.majors, r.name.lower()),
        "decision": lambda r: (_DECISION_RANK.get(r.decision, 9), r.name.lower()),
        "data": lambda r: (r.last_data or epoch, r.name.lower()),
    }
    return keys[sort]


async def portfolio(
    engine: Engine,
    user: StaffAccount,
    reports_root: Path,
    *,
    sort: str = "name",
    descending: bool = False,
    languages: Sequence[str] = (),
) -> list[PortfolioRow]:
    """One row per pilot the user can see, sorted by `sort` (one of SORTS; the page refuses
    any other)."""
    pilots = await staff_pilots.pilots_for(engine, user)
    ids = [p.id for p in pilots]
    reports = await report_jobs.latest_reports(
        engine, [(p.id, p.slug) for p in pilots], reports_root, languages
    )
    open_counts = await concerns.open_counts(engine, ids)
    in_force = await decisions.current_decisions(engine, ids)
    last = await _last_data(engine, ids)
    rows = []
    for pilot in pilots:
        report = reports.get(pilot.slug)
        decision = in_force.get(pilot.id)
        counts = open_counts.get(pilot.id, {})
        rows.append(
            PortfolioRow(
                slug=pilot.slug,
                name=pilot.name,
                verdict=report.verdict if report else None,
                report_run=report.run_id if report else None,
                report_when=report.when if report else None,
                blockers=counts.get("blocker", 0),
                majors=counts.get("major", 0),
                decision=decision.outcome if decision else "none",
                decision_id=decision.id if decision else None,
                decided_at=decision.decided_at if decision else None,
                last_data=last.get(pilot.id),
            )
        )
    return sorted(rows, key=_key(sort), reverse=descending)
