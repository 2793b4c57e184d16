"""Rollout decisions: an executive's go / no-go on one finished report run.

A decision pins what it was made on: the run's summary.json (its SHA-256), the verdict,
the three figures the report's first screen shows (respondents before, after, and in
both waves), and the concern register as it stood (each concern's id, title, severity
and status). A decision is never changed: a later one supersedes it (`supersedes`), and
the database refuses UPDATE and DELETE (m0012's triggers). Each one is audited.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import msgspec
from piccolo.engine.base import Engine
from piccolo.engine.sqlite import SQLiteEngine
from piccolo.querystring import QueryString

from survey_server.concern_tables import Concern, Decision
from survey_server.database import write_transaction
from survey_server.errors import ConflictError, InvalidInputError, NotFoundError
from survey_server.i18n.lazy import lazy_gettext
from survey_server.services import audit
from survey_server.services.accounts import StaffAccount
from survey_server.services.report_files import run_file
from survey_server.services.report_jobs import list_runs

#: go | go with conditions | extend the pilot | no-go
OUTCOMES: tuple[str, ...] = ("go", "go_with_conditions", "extend", "no_go")
VERDICTS: tuple[str, ...] = ("ready", "conditional", "not_ready", "insufficient_data")
MAX_CONDITIONS = 5000


class DecisionFieldsError(InvalidInputError):
    """One message per form field; nothing was written."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))


@dataclass(frozen=True)
class Figures:
    """The three figures under the report's verdict (its first screen)."""

    before_wave: str
    after_wave: str
    n_before: int | None
    n_after: int | None
    n_both: int | None

    def as_json(self) -> dict[str, Any]:
        return {
            "before_wave": self.before_wave,
            "after_wave": self.after_wave,
            "n_before": self.n_before,
            "n_after": self.n_after,
            "n_both": self.n_both,
        }

    @classmethod
    def from_json(cls, data: Any) -> Figures:
        data = data if isinstance(data, dict) else {}
        return cls(
            before_wave=str(data.get("before_wave") or ""),
            after_wave=str(data.get("after_wave") or ""),
            n_before=_count(data.get("n_before")),
            n_after=_count(data.get("n_after")),
            n_both=_count(data.get("n_both")),
        )


@dataclass(frozen=True)
class RunEvidence:
    """What a decision on a run would pin: the run, its summary's hash, verdict, figures."""

    run_id: str
    when: datetime | None
    summary_sha256: str
    verdict: str
    figures: Figures


@dataclass(frozen=True)
class RegisterEntry:
    id: int
    title: str
    severity: str
    status: str


@dataclass(frozen=True)
class DecisionRecord:
    id: int
    pilot_id: int
    run_id: str
    summary_sha256: str
    verdict: str
    outcome: str
    conditions: str
    figures: Figures
    register: list[RegisterEntry]
    supersedes: int | None
    superseded_by: int | None
    decided_by_email: str
    decided_at: datetime


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _figures(summary: dict[str, Any]) -> Figures:
    """Respondents before, after and in both waves, as the report's headline states them."""
    waves = summary.get("waves") if isinstance(summary.get("waves"), dict) else {}
    names = list(waves)
    before = str(summary.get("baseline_wave") or (names[0] if names else ""))
    after = str(summary.get("follow_up_wave") or (names[1] if len(names) > 1 else ""))

    def n(wave: str) -> int | None:
        entry = waves.get(wave)
        return _count(entry.get("n")) if isinstance(entry, dict) else None

    return Figures(before, after, n(before), n(after), _count(summary.get("n_paired")))


async def run_evidence(
    engine: Engine, pilot_id: int, slug: str, reports_root: Path, run_id: str
) -> RunEvidence:
    """A finished run of this pilot and what a decision on it pins, or a clear error."""
    runs = {run.run_id: run for run in await list_runs(engine, pilot_id, slug, reports_root)}
    run = runs.get(run_id)
    if run is None:
        raise NotFoundError(lazy_gettext("no such report run of this pilot"))
    if run.status != "succeeded":
        raise ConflictError(
            lazy_gettext("this report run did not finish: decide on a finished report")
        )
    raw = run_file(reports_root, slug, run_id, "summary.json").read_bytes()
    try:
        summary = json.loads(raw)
    except ValueError:
        summary = None
    readiness = summary.get("readiness") if isinstance(summary, dict) else None
    verdict = readiness.get("verdict") if isinstance(readiness, dict) else None
    if not isinstance(summary, dict) or verdict not in VERDICTS:
        raise ConflictError(
            lazy_gettext("this report run's summary.json holds no verdict: run the report again")
        )
    return RunEvidence(
        run_id=run_id,
        when=run.when,
        summary_sha256=hashlib.sha256(raw).hexdigest(),
        verdict=str(verdict),
        figures=_figures(summary),
    )


def _json(value: Any) -> Any:
    return msgspec.json.decode(value) if isinstance(value, str | bytes) else value


def _record(row: dict[str, Any], superseded_by: int | None) -> DecisionRecord:
    register = [
        RegisterEntry(int(e["id"]), str(e["title"]), str(e["severity"]), str(e["status"]))
        for e in _json(row["register"]) or []
    ]
    return DecisionRecord(
        id=row["id"],
        pilot_id=row["pilot"],
        run_id=row["run_id"],
        summary_sha256=row["summary_sha256"],
        verdict=row["verdict"],
        outcome=row["outcome"],
        conditions=row["conditions"],
        figures=Figures.from_json(_json(row["figures"])),
        register=register,
        supersedes=row["supersedes"],
        superseded_by=superseded_by,
        decided_by_email=row["decided_by_email"],
        decided_at=datetime.fromtimestamp(row["decided_at"], UTC),
    )


async def list_decisions(engine: Engine, pilot_id: int) -> list[DecisionRecord]:
    """Every decision of the pilot, newest first, each with the one that superseded it."""
    rows = await Decision.select().where(Decision.pilot == pilot_id).order_by(Decision.id)
    later = {row["supersedes"]: row["id"] for row in rows if row["supersedes"] is not None}
    return [_record(row, later.get(row["id"])) for row in reversed(rows)]


async def get_decision(engine: Engine, pilot_id: int, decision_id: int) -> DecisionRecord:
    row = (
        await Decision.select()
        .where((Decision.id == decision_id) & (Decision.pilot == pilot_id))
        .first()
    )
    if row is None:
        raise NotFoundError(lazy_gettext("no such decision in this pilot"))
    later = (
        await Decision.select(Decision.id)
        .where((Decision.supersedes == decision_id) & (Decision.pilot == pilot_id))
        .first()
    )
    return _record(row, later["id"] if later else None)


async def current_decisions(engine: Engine, pilot_ids: Iterable[int]) -> dict[int, DecisionRecord]:
    """The decision in force of each pilot that has one (its newest)."""
    ids = list(pilot_ids)
    if not ids:
        return {}
    rows = await Decision.select().where(Decision.pilot.is_in(ids)).order_by(Decision.id)
    newest: dict[int, dict[str, Any]] = {}
    for row in rows:
        newest[row["pilot"]] = row
    return {pilot: _record(row, None) for pilot, row in newest.items()}


def check_fields(outcome: str, conditions: str) -> str:
    """The conditions, trimmed; DecisionFieldsError names each field that is wrong."""
    errors: dict[str, str] = {}
    conditions = conditions.strip()
    if outcome not in OUTCOMES:
        errors["outcome"] = lazy_gettext(
            "Choose go, go with conditions, extend the pilot, or no-go."
        )
    if len(conditions) > MAX_CONDITIONS:
        errors["conditions"] = lazy_gettext(
            "Keep the conditions under %(limit)s characters.",
            limit=MAX_CONDITIONS,
        )
    elif outcome == "go_with_conditions" and not conditions:
        errors["conditions"] = lazy_gettext("Write the conditions of the go, in plain words.")
    if errors:
        raise DecisionFieldsError(errors)
    return conditions


async def _lock_pilot(engine: Engine, pilot_id: int) -> None:
    """PostgreSQL: one decision of a pilot at a time (SQLite's writer lock already is)."""
    if not isinstance(engine, SQLiteEngine):
        await engine.run_querystring(
            QueryString('SELECT "id" FROM "pilot" WHERE "id" = {} FOR UPDATE', pilot_id)
        )


async def record_decision(
    engine: Engine,
    user: StaffAccount,
    pilot_id: int,
    evidence: RunEvidence,
    *,
    outcome: str,
    conditions: str,
    current: str,
) -> int:
    """Record a decision on the run of `evidence`; `current` is the id of the decision in
    force when the executive opened the form ("" for none): if another was recorded
    since, nothing is written (409), so nobody supersedes a decision they have not read."""
    conditions = check_fields(outcome, conditions)
    async with write_transaction(engine):
        await _lock_pilot(engine, pilot_id)
        newest = (
            await Decision.select(Decision.id)
            .where(Decision.pilot == pilot_id)
            .order_by(Decision.id, ascending=False)
            .first()
        )
        newest_id = newest["id"] if newest else None
        if (str(newest_id) if newest_id else "") != current.strip():
            raise ConflictError(
                lazy_gettext(
                    "another decision was recorded since you opened this page: "
                    "read it, then decide again"
                )
            )
        concerns = (
            await Concern.select(Concern.id, Concern.title, Concern.severity, Concern.status)
            .where(Concern.pilot == pilot_id)
            .order_by(Concern.id)
        )
        register = [
            {"id": c["id"], "title": c["title"], "severity": c["severity"], "status": c["status"]}
            for c in concerns
        ]
        figures = evidence.figures.as_json()
        rows = await Decision.insert(
            Decision(
                pilot=pilot_id,
                run_id=evidence.run_id,
                summary_sha256=evidence.summary_sha256,
                verdict=evidence.verdict,
                outcome=outcome,
                conditions=conditions,
                figures=msgspec.json.encode(figures).decode(),
                register=msgspec.json.encode(register).decode(),
                supersedes=newest_id,
                decided_by=user.id,
                decided_by_email=user.email,
                decided_at=int(time.time()),
            )
        ).returning(Decision.id)
        decision_id = int(rows[0]["id"])
        await audit.record(
            user.actor,
            "decision.record",
            "decision",
            decision_id,
            pilot=pilot_id,
            after={
                "run_id": evidence.run_id,
                "summary_sha256": evidence.summary_sha256,
                "verdict": evidence.verdict,
                "outcome": outcome,
                "conditions": conditions,
                "figures": figures,
                "concerns": len(register),
                "supersedes": newest_id,
            },
        )
    return decision_id
