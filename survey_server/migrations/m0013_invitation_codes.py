"""Invitation codes: the short code printed on an invitation card, kept only as a keyed
hash (HMAC-SHA256 under the installation's key, never the code itself), and the wrong
codes typed per address, counted to throttle guessing. Times are Unix seconds."""

from __future__ import annotations


def _statements(serial: str) -> list[str]:
    return [
        f"""CREATE TABLE "invitation_code" (
            "id" {serial},
            "participant" INTEGER NOT NULL REFERENCES "participant" ("id") ON DELETE CASCADE,
            "code_hash" VARCHAR(64) NOT NULL,
            "created_at" BIGINT NOT NULL
        )""",
        'CREATE UNIQUE INDEX "invitation_code_hash" ON "invitation_code" ("code_hash")',
        'CREATE UNIQUE INDEX "invitation_code_participant" ON "invitation_code" ("participant")',
        f"""CREATE TABLE "code_attempt" (
            "id" {serial},
            "address" VARCHAR(64) NOT NULL,
            "at" BIGINT NOT NULL
        )""",
        'CREATE INDEX "code_attempt_address" ON "code_attempt" ("address", "at")',
    ]


STATEMENTS: dict[str, list[str]] = {
    "sqlite": _statements("INTEGER PRIMARY KEY NOT NULL"),
    "postgres": _statements("SERIAL PRIMARY KEY"),
}
