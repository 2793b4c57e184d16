"""Secrets and health: a table the health check writes to (and rolls back), and outbox
link tokens kept encrypted (longer than a plain token, hence TEXT)."""

from __future__ import annotations

_HEALTH_CHECK = (
    'CREATE TABLE "health_check" ("id" INTEGER PRIMARY KEY NOT NULL, "at" BIGINT NOT NULL)'
)

STATEMENTS: dict[str, list[str]] = {
    # SQLite does not enforce VARCHAR lengths: the outbox column holds the longer text as is.
    "sqlite": [_HEALTH_CHECK],
    "postgres": [
        _HEALTH_CHECK,
        'ALTER TABLE "outbox" ALTER COLUMN "link_token" TYPE TEXT',
    ],
}
