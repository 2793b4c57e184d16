"""The concern register and the rollout decisions of a pilot.

A concern is never deleted (its steps change its status; the audit log keeps each step);
a decision is never changed or deleted (a later one supersedes it). Both rules are
enforced by triggers, as for the audit log (m0002). Times are Unix seconds.
"""

from __future__ import annotations


def _statements(serial: str) -> list[str]:
    return [
        f"""CREATE TABLE "concern" (
            "id" {serial},
            "pilot" INTEGER NOT NULL REFERENCES "pilot" ("id"),
            "source" VARCHAR(10) NOT NULL,
            "note" INTEGER NULL,
            "run_id" VARCHAR(80) NOT NULL DEFAULT '',
            "dimension" VARCHAR(100) NOT NULL DEFAULT '',
            "severity" VARCHAR(10) NOT NULL,
            "title" TEXT NOT NULL,
            "quote" TEXT NOT NULL DEFAULT '',
            "status" VARCHAR(12) NOT NULL,
            "owner_email" VARCHAR(254) NOT NULL DEFAULT '',
            "due_on" VARCHAR(10) NOT NULL DEFAULT '',
            "plan" TEXT NOT NULL DEFAULT '',
            "mitigation" TEXT NOT NULL DEFAULT '',
            "evidence" TEXT NOT NULL DEFAULT '',
            "evidence_note" INTEGER NULL,
            "verification" TEXT NOT NULL DEFAULT '',
            "verified_by_email" VARCHAR(254) NOT NULL DEFAULT '',
            "rationale" TEXT NOT NULL DEFAULT '',
            "accepted_by_email" VARCHAR(254) NOT NULL DEFAULT '',
            "created_by_email" VARCHAR(254) NOT NULL,
            "created_at" BIGINT NOT NULL,
            "updated_at" BIGINT NOT NULL
        )""",
        'CREATE INDEX "concern_pilot" ON "concern" ("pilot", "status", "id")',
        'CREATE UNIQUE INDEX "concern_note" ON "concern" ("note")',
        f"""CREATE TABLE "decision" (
            "id" {serial},
            "pilot" INTEGER NOT NULL REFERENCES "pilot" ("id"),
            "run_id" VARCHAR(80) NOT NULL,
            "summary_sha256" VARCHAR(64) NOT NULL,
            "verdict" VARCHAR(20) NOT NULL,
            "outcome" VARCHAR(20) NOT NULL,
            "conditions" TEXT NOT NULL DEFAULT '',
            "figures" JSON NOT NULL,
            "register" JSON NOT NULL,
            "supersedes" INTEGER NULL REFERENCES "decision" ("id"),
            "decided_by" INTEGER NULL,
            "decided_by_email" VARCHAR(254) NOT NULL,
            "decided_at" BIGINT NOT NULL
        )""",
        'CREATE INDEX "decision_pilot" ON "decision" ("pilot", "id")',
    ]


_SQLITE_GUARDS = [
    """CREATE TRIGGER "concern_no_delete" BEFORE DELETE ON "concern"
    BEGIN SELECT RAISE(ABORT, 'concerns are never deleted'); END""",
    """CREATE TRIGGER "decision_no_update" BEFORE UPDATE ON "decision"
    BEGIN SELECT RAISE(ABORT, 'decisions are append-only'); END""",
    """CREATE TRIGGER "decision_no_delete" BEFORE DELETE ON "decision"
    BEGIN SELECT RAISE(ABORT, 'decisions are append-only'); END""",
]
_POSTGRES_GUARDS = [
    """CREATE FUNCTION "concern_kept"() RETURNS trigger AS $$
    BEGIN RAISE EXCEPTION 'concerns are never deleted'; END; $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER "concern_no_delete" BEFORE DELETE ON "concern"
    FOR EACH ROW EXECUTE FUNCTION "concern_kept"()""",
    """CREATE FUNCTION "decision_append_only"() RETURNS trigger AS $$
    BEGIN RAISE EXCEPTION 'decisions are append-only'; END; $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER "decision_no_change" BEFORE UPDATE OR DELETE ON "decision"
    FOR EACH ROW EXECUTE FUNCTION "decision_append_only"()""",
]

STATEMENTS: dict[str, list[str]] = {
    "sqlite": _statements("INTEGER PRIMARY KEY NOT NULL") + _SQLITE_GUARDS,
    "postgres": _statements("SERIAL PRIMARY KEY") + _POSTGRES_GUARDS,
}
