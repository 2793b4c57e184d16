"""Staff workspace: accounts, memberships, sessions, sign-in failures, audit log,
invitation batches, focus-group sessions and notes, API tokens."""

from __future__ import annotations


def _statements(serial: str, big_serial: str, now: str) -> list[str]:
    return [
        f"""CREATE TABLE "staff_user" (
            "id" {serial},
            "email" VARCHAR(254) NOT NULL UNIQUE,
            "role" VARCHAR(20) NOT NULL,
            "password_hash" TEXT NOT NULL,
            "active" BOOLEAN NOT NULL DEFAULT true,
            "created_at" TIMESTAMPTZ NOT NULL DEFAULT {now}
        )""",
        f"""CREATE TABLE "membership" (
            "id" {serial},
            "user" INTEGER NOT NULL REFERENCES "staff_user" ("id") ON DELETE CASCADE,
            "pilot" INTEGER NOT NULL REFERENCES "pilot" ("id") ON DELETE CASCADE,
            UNIQUE ("user", "pilot")
        )""",
        f"""CREATE TABLE "staff_session" (
            "id" {serial},
            "id_hash" VARCHAR(64) NOT NULL UNIQUE,
            "user" INTEGER NOT NULL REFERENCES "staff_user" ("id") ON DELETE CASCADE,
            "csrf_token" VARCHAR(64) NOT NULL,
            "created_at" BIGINT NOT NULL,
            "last_seen_at" BIGINT NOT NULL,
            "expires_at" BIGINT NOT NULL
        )""",
        f"""CREATE TABLE "login_failure" (
            "id" {big_serial},
            "email" VARCHAR(254) NOT NULL,
            "address" VARCHAR(64) NOT NULL,
            "at" BIGINT NOT NULL
        )""",
        'CREATE INDEX "login_failure_email" ON "login_failure" ("email", "at")',
        'CREATE INDEX "login_failure_address" ON "login_failure" ("address", "at")',
        f"""CREATE TABLE "audit_entry" (
            "id" {big_serial},
            "at" TIMESTAMPTZ NOT NULL DEFAULT {now},
            "actor" INTEGER NULL,
            "actor_email" VARCHAR(254) NOT NULL,
            "action" VARCHAR(60) NOT NULL,
            "object_type" VARCHAR(40) NOT NULL,
            "object_id" VARCHAR(100) NOT NULL,
            "pilot" INTEGER NULL,
            "before" JSON NULL,
            "after" JSON NULL
        )""",
        'CREATE INDEX "audit_entry_pilot" ON "audit_entry" ("pilot", "id")',
        'CREATE INDEX "audit_entry_actor" ON "audit_entry" ("actor", "id")',
        f"""CREATE TABLE "invitation_batch" (
            "id" {serial},
            "key_hash" VARCHAR(64) NOT NULL UNIQUE,
            "pilot" INTEGER NOT NULL REFERENCES "pilot" ("id") ON DELETE CASCADE,
            "user" INTEGER NOT NULL REFERENCES "staff_user" ("id") ON DELETE CASCADE,
            "links" JSON NOT NULL,
            "expires_at" BIGINT NOT NULL
        )""",
        f"""CREATE TABLE "focus_session" (
            "id" {serial},
            "pilot" INTEGER NOT NULL REFERENCES "pilot" ("id") ON DELETE CASCADE,
            "held_on" VARCHAR(10) NOT NULL,
            "kind" VARCHAR(20) NOT NULL,
            "attendees" INTEGER NOT NULL,
            "facilitator" VARCHAR(200) NOT NULL,
            "created_by" INTEGER NULL REFERENCES "staff_user" ("id") ON DELETE SET NULL,
            "created_at" TIMESTAMPTZ NOT NULL DEFAULT {now}
        )""",
        f"""CREATE TABLE "note" (
            "id" {serial},
            "session" INTEGER NOT NULL REFERENCES "focus_session" ("id") ON DELETE CASCADE,
            "text" TEXT NOT NULL,
            "dimensions" TEXT NOT NULL,
            "sentiment" VARCHAR(10) NOT NULL,
            "severity" VARCHAR(10) NOT NULL,
            "quote" TEXT NOT NULL DEFAULT '',
            "follow_up" TEXT NOT NULL DEFAULT '',
            "created_at" TIMESTAMPTZ NOT NULL DEFAULT {now},
            "updated_at" TIMESTAMPTZ NOT NULL DEFAULT {now}
        )""",
        f"""CREATE TABLE "api_token" (
            "id" {serial},
            "user" INTEGER NOT NULL REFERENCES "staff_user" ("id") ON DELETE CASCADE,
            "name" VARCHAR(100) NOT NULL,
            "token_hash" VARCHAR(64) NOT NULL UNIQUE,
            "prefix" VARCHAR(12) NOT NULL,
            "created_at" TIMESTAMPTZ NOT NULL DEFAULT {now},
            "last_used_at" TIMESTAMPTZ NULL,
            "revoked" BOOLEAN NOT NULL DEFAULT false
        )""",
    ]


# The audit log is append-only in the database itself, not only by convention.
_SQLITE_AUDIT_GUARD = [
    """CREATE TRIGGER "audit_entry_no_update" BEFORE UPDATE ON "audit_entry"
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
    """CREATE TRIGGER "audit_entry_no_delete" BEFORE DELETE ON "audit_entry"
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
]
_POSTGRES_AUDIT_GUARD = [
    """CREATE FUNCTION "audit_entry_append_only"() RETURNS trigger AS $$
    BEGIN RAISE EXCEPTION 'the audit log is append-only'; END; $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER "audit_entry_no_change" BEFORE UPDATE OR DELETE ON "audit_entry"
    FOR EACH ROW EXECUTE FUNCTION "audit_entry_append_only"()""",
]

STATEMENTS: dict[str, list[str]] = {
    "sqlite": _statements(
        "INTEGER PRIMARY KEY NOT NULL", "INTEGER PRIMARY KEY NOT NULL", "current_timestamp"
    )
    + _SQLITE_AUDIT_GUARD,
    "postgres": _statements("SERIAL PRIMARY KEY", "BIGSERIAL PRIMARY KEY", "current_timestamp")
    + _POSTGRES_AUDIT_GUARD,
}
