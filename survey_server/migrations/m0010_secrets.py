"""Secrets and health: a table the health check writes to (and rolls back); outbox link
tokens kept sealed (longer than a plain token, hence TEXT); issued batches stored before
links were sealed are deleted (they held plain links; they lived an hour at most)."""

from __future__ import annotations

_PLAIN_BATCHES = 'DELETE FROM "invitation_batch"'
_HEALTH_CHECK = (
    'CREATE TABLE "health_check" ("id" INTEGER PRIMARY KEY NOT NULL, "at" BIGINT NOT NULL)'
)

STATEMENTS: dict[str, list[str]] = {
    # SQLite does not enforce VARCHAR lengths: the outbox column holds the longer text as is.
    "sqlite": [_HEALTH_CHECK, _PLAIN_BATCHES],
    "postgres": [
        _HEALTH_CHECK,
        _PLAIN_BATCHES,
        'ALTER TABLE "outbox" ALTER COLUMN "link_token" TYPE TEXT',
    ],
}
