"""Piccolo tables of the concern register and the rollout decisions (data only).

The schema comes from `survey_server.migrations.m0012_concerns`: concerns are never
deleted, decisions never changed (database triggers).
"""

from __future__ import annotations

from piccolo.columns import JSON, BigInt, ForeignKey, Integer, Text, Varchar
from piccolo.engine.base import Engine
from piccolo.table import Table

from survey_server.tables import Pilot


class Concern(Table, tablename="concern"):
    """One area of concern of a pilot and how far it has been dealt with.

    `source`: note | run | manual; `status`: open | planned | mitigated | verified | accepted.
    """

    pilot = ForeignKey(Pilot)
    source = Varchar(length=10)
    note = Integer(null=True, default=None)
    run_id = Varchar(length=80, default="")
    dimension = Varchar(length=100, default="")
    severity = Varchar(length=10)
    title = Text()
    quote = Text(default="")
    status = Varchar(length=12)
    owner_email = Varchar(length=254, default="")
    due_on = Varchar(length=10, default="")
    plan = Text(default="")
    mitigation = Text(default="")
    evidence = Text(default="")
    evidence_note = Integer(null=True, default=None)
    verification = Text(default="")
    verified_by_email = Varchar(length=254, default="")
    rationale = Text(default="")
    accepted_by_email = Varchar(length=254, default="")
    created_by_email = Varchar(length=254)
    created_at = BigInt()
    updated_at = BigInt()


class Decision(Table, tablename="decision"):
    """A rollout decision on one report run: append-only, a later one supersedes it."""

    pilot = ForeignKey(Pilot)
    run_id = Varchar(length=80)
    summary_sha256 = Varchar(length=64)
    verdict = Varchar(length=20)
    outcome = Varchar(length=20)
    conditions = Text(default="")
    figures = JSON()
    register = JSON()
    supersedes = Integer(null=True, default=None)
    decided_by = Integer(null=True, default=None)
    decided_by_email = Varchar(length=254)
    decided_at = BigInt()


CONCERN_TABLES: tuple[type[Table], ...] = (Concern, Decision)


def bind_concern_tables(engine: Engine) -> None:
    for table in CONCERN_TABLES:
        table._meta.db = engine
