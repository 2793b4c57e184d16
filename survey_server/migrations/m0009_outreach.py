"""E-mail outreach: contacts (personal data, kept apart from answers), message templates,
per-wave reminder plans, send batches and the outbox the sending worker drains.

Times a query compares are Unix seconds in BIGINT columns, as in m0002 and m0003.
"""

from __future__ import annotations


def _statements(serial: str) -> list[str]:
    return [
        f"""CREATE TABLE "contact" (
            "id" {serial},
            "pilot" INTEGER NOT NULL REFERENCES "pilot" ("id") ON DELETE CASCADE,
            "email" VARCHAR(320) NOT NULL,
            "email_key" VARCHAR(320) NOT NULL,
            "name" VARCHAR(200) NOT NULL DEFAULT '',
            "language" VARCHAR(20) NOT NULL DEFAULT '',
            "participant" INTEGER NULL REFERENCES "participant" ("id") ON DELETE SET NULL,
            "link_seed" VARCHAR(64) NOT NULL,
            "opt_out_hash" VARCHAR(64) NOT NULL UNIQUE,
            "status" VARCHAR(12) NOT NULL DEFAULT 'active',
            "status_detail" TEXT NOT NULL DEFAULT '',
            "status_at" BIGINT NULL,
            "created_at" BIGINT NOT NULL
        )""",
        'CREATE UNIQUE INDEX "contact_pilot_email" ON "contact" ("pilot", "email_key")',
        f"""CREATE TABLE "mail_template" (
            "id" {serial},
            "pilot" INTEGER NOT NULL REFERENCES "pilot" ("id") ON DELETE CASCADE,
            "kind" VARCHAR(12) NOT NULL,
            "language" VARCHAR(20) NOT NULL,
            "subject" TEXT NOT NULL,
            "body" TEXT NOT NULL,
            "updated_at" BIGINT NOT NULL,
            "updated_by_email" VARCHAR(254) NOT NULL DEFAULT ''
        )""",
        'CREATE UNIQUE INDEX "mail_template_key" ON "mail_template" ("pilot", "kind", "language")',
        f"""CREATE TABLE "reminder_plan" (
            "id" {serial},
            "pilot" INTEGER NOT NULL REFERENCES "pilot" ("id") ON DELETE CASCADE,
            "wave" INTEGER NOT NULL UNIQUE REFERENCES "wave" ("id") ON DELETE CASCADE,
            "automatic" BOOLEAN NOT NULL DEFAULT false,
            "max_reminders" INTEGER NOT NULL,
            "gap_days" INTEGER NOT NULL,
            "updated_by" INTEGER NULL REFERENCES "staff_user" ("id") ON DELETE SET NULL,
            "updated_by_email" VARCHAR(254) NOT NULL DEFAULT '',
            "updated_at" BIGINT NOT NULL
        )""",
        f"""CREATE TABLE "outreach_batch" (
            "id" {serial},
            "pilot" INTEGER NOT NULL REFERENCES "pilot" ("id") ON DELETE CASCADE,
            "wave" INTEGER NOT NULL REFERENCES "wave" ("id") ON DELETE CASCADE,
            "kind" VARCHAR(12) NOT NULL,
            "automatic" BOOLEAN NOT NULL DEFAULT false,
            "created_by" INTEGER NULL REFERENCES "staff_user" ("id") ON DELETE SET NULL,
            "created_by_email" VARCHAR(254) NOT NULL,
            "templates" JSON NOT NULL,
            "recipients" INTEGER NOT NULL,
            "send_at" BIGINT NOT NULL,
            "created_at" BIGINT NOT NULL
        )""",
        'CREATE INDEX "outreach_batch_pilot" ON "outreach_batch" ("pilot", "wave", "id")',
        f"""CREATE TABLE "outbox" (
            "id" {serial},
            "pilot" INTEGER NOT NULL REFERENCES "pilot" ("id") ON DELETE CASCADE,
            "batch" INTEGER NOT NULL REFERENCES "outreach_batch" ("id") ON DELETE CASCADE,
            "wave" INTEGER NOT NULL REFERENCES "wave" ("id") ON DELETE CASCADE,
            "contact" INTEGER NULL REFERENCES "contact" ("id") ON DELETE SET NULL,
            "kind" VARCHAR(12) NOT NULL,
            "sequence" INTEGER NOT NULL,
            "message_id" VARCHAR(250) NOT NULL UNIQUE,
            "state" VARCHAR(12) NOT NULL,
            "attempts" INTEGER NOT NULL DEFAULT 0,
            "not_before" BIGINT NOT NULL,
            "lease_until" BIGINT NULL,
            "worker" VARCHAR(100) NOT NULL DEFAULT '',
            "link_token" VARCHAR(64) NOT NULL DEFAULT '',
            "error" TEXT NOT NULL DEFAULT '',
            "sent_at" BIGINT NULL,
            "created_at" BIGINT NOT NULL
        )""",
        'CREATE UNIQUE INDEX "outbox_once" ON "outbox" ("contact", "wave", "kind", "sequence")',
        'CREATE INDEX "outbox_due" ON "outbox" ("state", "not_before", "id")',
        'CREATE INDEX "outbox_wave" ON "outbox" ("wave", "kind", "state", "contact")',
        'CREATE INDEX "outbox_batch" ON "outbox" ("batch", "state")',
    ]


STATEMENTS: dict[str, list[str]] = {
    "sqlite": _statements("INTEGER PRIMARY KEY NOT NULL"),
    "postgres": _statements("SERIAL PRIMARY KEY"),
}
