"""A pilot's non-inferiority margin in scale points, decided before the follow-up wave
(NULL: the evaluation's default, 0.25 points on a 1-5 scale), and whether it was changed
once the follow-up wave had answers (such a change is allowed, and the reports say so)."""

from __future__ import annotations

_CHANGED = (
    'ALTER TABLE "pilot" ADD COLUMN "margin_changed_after_data" BOOLEAN NOT NULL DEFAULT false'
)

STATEMENTS: dict[str, list[str]] = {
    "sqlite": ['ALTER TABLE "pilot" ADD COLUMN "margin" REAL NULL', _CHANGED],
    "postgres": ['ALTER TABLE "pilot" ADD COLUMN "margin" DOUBLE PRECISION NULL', _CHANGED],
}
