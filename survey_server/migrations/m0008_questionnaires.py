"""Questionnaires edited in the browser, test answers, and scheduled wave changes.

- `questionnaire_version`: the versions of a pilot's questionnaire. The newest one that
  is not frozen is the draft staff edit; `instrument` holds it as edited (it may have
  problems), so nothing typed is lost. Opening the first wave freezes the version that
  participants answer (`frozen_at`, Unix seconds); later edits make the next number.
- `pilot.instrument_revision`: counts the changes of a draft put in use before the first
  wave, so server processes that cache the parsed instrument notice them.
- `participant.test`: links made for trying the form; their answers stay out of exports,
  dashboards, live results and reports, and can be deleted.
"""

from __future__ import annotations


def _statements(serial: str) -> list[str]:
    return [
        f"""CREATE TABLE "questionnaire_version" (
            "id" {serial},
            "pilot" INTEGER NOT NULL REFERENCES "pilot" ("id") ON DELETE CASCADE,
            "number" INTEGER NOT NULL,
            "instrument" JSON NOT NULL,
            "origin" VARCHAR(200) NOT NULL DEFAULT '',
            "import_report" JSON NOT NULL,
            "created_at" BIGINT NOT NULL,
            "updated_at" BIGINT NOT NULL,
            "updated_by" VARCHAR(254) NOT NULL DEFAULT '',
            "frozen_at" BIGINT NULL,
            UNIQUE ("pilot", "number")
        )""",
        'ALTER TABLE "pilot" ADD COLUMN "instrument_revision" INTEGER NOT NULL DEFAULT 0',
        'ALTER TABLE "participant" ADD COLUMN "test" BOOLEAN NOT NULL DEFAULT false',
    ]


STATEMENTS: dict[str, list[str]] = {
    "sqlite": _statements("INTEGER PRIMARY KEY NOT NULL"),
    "postgres": _statements("SERIAL PRIMARY KEY"),
}
