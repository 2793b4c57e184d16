"""Report runs started from the staff workspace: a queue that server processes share.

A job is `queued` until a worker claims it (one statement that flips it to `running`),
then `succeeded` or `failed`. Times a query compares are Unix seconds, as in m0002.
"""

from __future__ import annotations


def _statements(serial: str, real: str) -> list[str]:
    return [
        f"""CREATE TABLE "report_job" (
            "id" {serial},
            "pilot" INTEGER NOT NULL REFERENCES "pilot" ("id") ON DELETE CASCADE,
            "run_id" VARCHAR(40) NOT NULL UNIQUE,
            "status" VARCHAR(12) NOT NULL,
            "requested_by" INTEGER NULL REFERENCES "staff_user" ("id") ON DELETE SET NULL,
            "requested_by_email" VARCHAR(254) NOT NULL,
            "parameters" JSON NOT NULL,
            "pdf" BOOLEAN NOT NULL DEFAULT false,
            "progress" {real} NOT NULL DEFAULT 0,
            "stage" VARCHAR(200) NOT NULL DEFAULT '',
            "error" TEXT NOT NULL DEFAULT '',
            "worker" VARCHAR(100) NOT NULL DEFAULT '',
            "created_at" BIGINT NOT NULL,
            "started_at" BIGINT NULL,
            "finished_at" BIGINT NULL,
            "heartbeat_at" BIGINT NULL
        )""",
        'CREATE INDEX "report_job_status" ON "report_job" ("status", "id")',
        'CREATE INDEX "report_job_pilot" ON "report_job" ("pilot", "id")',
    ]


STATEMENTS: dict[str, list[str]] = {
    "sqlite": _statements("INTEGER PRIMARY KEY NOT NULL", "REAL"),
    "postgres": _statements("SERIAL PRIMARY KEY", "DOUBLE PRECISION"),
}
