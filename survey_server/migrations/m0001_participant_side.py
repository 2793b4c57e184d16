"""Participant side: pilots, waves, participants, drafts, submissions, answers.

Column types are the ones Piccolo's columns map to on each engine (BOOLEAN, JSON,
TIMESTAMPTZ, UUID are declared types SQLite converts through Piccolo's adapters).
"""

from __future__ import annotations


def _statements(serial: str, big_serial: str, now: str) -> list[str]:
    return [
        f"""CREATE TABLE "pilot" (
            "id" {serial},
            "name" VARCHAR(200) NOT NULL,
            "slug" VARCHAR(100) NOT NULL UNIQUE,
            "instrument_id" VARCHAR(100) NOT NULL,
            "instrument_version" INTEGER NOT NULL,
            "instrument" JSON NOT NULL,
            "technology" TEXT NOT NULL DEFAULT '',
            "objectives" TEXT NOT NULL DEFAULT '',
            "anonymous" BOOLEAN NOT NULL DEFAULT false,
            "created_at" TIMESTAMPTZ NOT NULL DEFAULT {now}
        )""",
        f"""CREATE TABLE "wave" (
            "id" {serial},
            "pilot" INTEGER NOT NULL REFERENCES "pilot" ("id") ON DELETE CASCADE,
            "name" VARCHAR(50) NOT NULL,
            "position" INTEGER NOT NULL,
            "status" VARCHAR(20) NOT NULL DEFAULT 'not_open',
            "opens_at" TIMESTAMPTZ NULL,
            "closes_at" TIMESTAMPTZ NULL,
            UNIQUE ("pilot", "name")
        )""",
        f"""CREATE TABLE "participant" (
            "id" {serial},
            "pilot" INTEGER NOT NULL REFERENCES "pilot" ("id") ON DELETE CASCADE,
            "pseudonym" VARCHAR(40) NOT NULL,
            "token_hash" VARCHAR(64) NOT NULL UNIQUE,
            "wave" INTEGER NULL REFERENCES "wave" ("id") ON DELETE CASCADE,
            "created_at" TIMESTAMPTZ NOT NULL DEFAULT {now},
            UNIQUE ("pilot", "pseudonym")
        )""",
        f"""CREATE TABLE "draft" (
            "id" {serial},
            "participant" INTEGER NOT NULL REFERENCES "participant" ("id") ON DELETE CASCADE,
            "wave" INTEGER NOT NULL REFERENCES "wave" ("id") ON DELETE CASCADE,
            "answers" JSON NOT NULL,
            "page" INTEGER NOT NULL DEFAULT 0,
            "updated_at" TIMESTAMPTZ NOT NULL DEFAULT {now},
            UNIQUE ("participant", "wave")
        )""",
        f"""CREATE TABLE "submission" (
            "id" {serial},
            "participant" INTEGER NOT NULL REFERENCES "participant" ("id") ON DELETE CASCADE,
            "wave" INTEGER NOT NULL REFERENCES "wave" ("id") ON DELETE CASCADE,
            "submission_id" UUID NOT NULL UNIQUE,
            "answers_hash" VARCHAR(64) NOT NULL,
            "response_body" JSON NOT NULL,
            "created_at" TIMESTAMPTZ NOT NULL DEFAULT {now},
            UNIQUE ("participant", "wave")
        )""",
        'CREATE INDEX "submission_wave" ON "submission" ("wave", "id")',
        f"""CREATE TABLE "answer" (
            "id" {big_serial},
            "submission" INTEGER NOT NULL REFERENCES "submission" ("id") ON DELETE CASCADE,
            "item_id" VARCHAR(100) NOT NULL,
            "value" TEXT NOT NULL
        )""",
        'CREATE INDEX "answer_submission" ON "answer" ("submission")',
    ]


STATEMENTS: dict[str, list[str]] = {
    "sqlite": _statements(
        "INTEGER PRIMARY KEY NOT NULL", "INTEGER PRIMARY KEY NOT NULL", "current_timestamp"
    ),
    "postgres": _statements("SERIAL PRIMARY KEY", "BIGSERIAL PRIMARY KEY", "current_timestamp"),
}
