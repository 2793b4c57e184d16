"""Report runs started from the staff workspace: the job queue and its state.

Staff queue a run (`start_report`); a worker in some server process claims it
(`claim_next`, one atomic UPDATE so two processes never take the same job), records its
progress as it goes and finishes it. Runs made with `pilotkit report --pilot` appear in
the same list: `list_runs` merges the jobs with the run folders on disk.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import msgspec
from piccolo.engine.base import Engine
from piccolo.engine.sqlite import SQLiteEngine
from piccolo.querystring import QueryString

from survey_server.database import run_write_batch, write_transaction
from survey_server.errors import ConflictError, InvalidInputError, NotFoundError
from survey_server.i18n.lazy import lazy_gettext
from survey_server.services import audit
from survey_server.services.accounts import StaffAccount
from survey_server.services.report_files import RunFolder, read_run_folders
from survey_server.staff_tables import ReportJob
from survey_server.tables import Pilot, Submission, Wave

#: Significance levels offered on the form (the notebooks accept any; the CLI takes -p).
ALPHAS: tuple[str, ...] = ("0.05", "0.01", "0.1")
ACTIVE: tuple[str, ...] = ("queued", "running")
#: A running job whose worker has not written for this long is taken as abandoned.
STALE_AFTER_S = 300
MAX_STAGE = 200
#: What the people who started a run read when its worker stopped before the end.
STOPPED = "the server stopped before the report was finished; start it again"
NOTHING_TO_REPORT = "the pilot has no submitted answers yet: there is nothing to report"


class ReportFieldsError(InvalidInputError):
    """Fields of the start-a-report form are wrong: one message per field."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))


@dataclass(frozen=True)
class ReportChoices:
    """What the start-a-report form offers for one pilot."""

    languages: list[str]
    alphas: tuple[str, ...] = ALPHAS

    @property
    def named_languages(self) -> list[tuple[str, str]]:
        """(code, the language's own name) for the form's choices; a language the
        report's own texts are not written in says that they will be in English."""
        from evaluation.reporting.i18n import report_languages
        from survey_server.i18n import language_name

        written = report_languages()
        return [
            (
                code,
                language_name(code)
                if code in written
                else lazy_gettext(
                    "%(language)s (report texts in English)", language=language_name(code)
                ),
            )
            for code in self.languages
        ]


@dataclass(frozen=True)
class JobState:
    """A job as the list and the progress poll show it."""

    id: int
    run_id: str
    status: str
    progress: float
    stage: str
    error: str
    requested_by: str
    parameters: dict[str, str]
    pdf: bool
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


@dataclass(frozen=True)
class ReportRunInfo:
    """One row of a pilot's report list: a job, a finished folder, or both."""

    run_id: str
    status: str  # queued | running | succeeded | failed
    requested_by: str
    parameters: dict[str, str]
    when: datetime | None
    job: JobState | None
    folder: RunFolder | None

    @property
    def verdict(self) -> str | None:
        return self.folder.verdict if self.folder else None

    @property
    def language(self) -> str:
        """The report's language, as the run recorded it: the parameters its notebook
        received, else the job's."""
        if self.folder is not None:
            return self.folder.language
        return self.parameters.get("language") or "en"


@dataclass(frozen=True)
class ClaimedJob:
    """What a worker needs to run a job."""

    id: int
    run_id: str
    pilot_slug: str
    parameters: dict[str, str]
    pdf: bool


def _now() -> int:
    return int(time.time())


def _time(value: int | None) -> datetime | None:
    return datetime.fromtimestamp(value, UTC) if value is not None else None


def _parameters(raw: Any) -> dict[str, str]:
    if isinstance(raw, str):
        raw = msgspec.json.decode(raw)
    return {str(k): str(v) for k, v in (raw or {}).items()}


def _job_state(row: dict[str, Any]) -> JobState:
    return JobState(
        id=row["id"],
        run_id=row["run_id"],
        status=row["status"],
        progress=float(row["progress"] or 0.0),
        stage=row["stage"],
        error=row["error"],
        requested_by=row["requested_by_email"],
        parameters=_parameters(row["parameters"]),
        pdf=bool(row["pdf"]),
        created_at=_time(row["created_at"]) or datetime.now(UTC),
        started_at=_time(row["started_at"]),
        finished_at=_time(row["finished_at"]),
    )


async def report_choices(engine: Engine, pilot_id: int) -> ReportChoices:
    """The languages of the pilot's instrument: a reader of one the report's own texts
    are not written in gets them in English, with the questions in that language."""
    from survey_server.services.pilots import frozen_instrument

    row = await Pilot.select(Pilot.slug).where(Pilot.id == pilot_id).first()
    if row is None:
        raise NotFoundError(lazy_gettext("no such pilot"))
    instrument = await frozen_instrument(engine, row["slug"])
    return ReportChoices(languages=list(instrument.languages))


async def _submissions(pilot_id: int) -> int:
    waves = await Wave.select(Wave.id).where(Wave.pilot == pilot_id)
    if not waves:
        return 0
    return int(
        await Submission.count().where(
            Submission.wave.is_in([w["id"] for w in waves]) & (Submission.participant.test == False)  # noqa: E712 (test answers never count)
        )
    )


async def start_report(
    engine: Engine,
    user: StaffAccount,
    pilot_id: int,
    choices: ReportChoices,
    *,
    language: str,
    alpha: str,
    pdf: bool,
) -> JobState:
    """Queue a report run of the pilot; the worker picks it up within seconds."""
    from evaluation.reporting.runner import new_run_id

    errors: dict[str, str] = {}
    if language not in choices.languages:
        offered = ", ".join(choices.languages)
        errors["language"] = lazy_gettext(
            "Choose one of the report's languages (%(offered)s).", offered=offered
        )
    if alpha not in choices.alphas:
        errors["alpha"] = lazy_gettext(
            "Choose a significance level (%(value)s).", value=", ".join(choices.alphas)
        )
    if errors:
        raise ReportFieldsError(errors)
    if await _submissions(pilot_id) == 0:
        raise ConflictError(NOTHING_TO_REPORT)
    parameters = {"language": language, "alpha": alpha}
    async with write_transaction(engine):
        busy = await ReportJob.exists().where(
            (ReportJob.pilot == pilot_id) & ReportJob.status.is_in(list(ACTIVE))
        )
        if busy:
            raise ConflictError(
                lazy_gettext(
                    "a report of this pilot is already being prepared: wait until it is done"
                )
            )
        run_id = new_run_id()
        rows = await ReportJob.insert(
            ReportJob(
                pilot=pilot_id,
                run_id=run_id,
                status="queued",
                requested_by=user.id,
                requested_by_email=user.email,
                parameters=msgspec.json.encode(parameters).decode(),
                pdf=pdf,
                progress=0.0,
                stage="Waiting for the report worker",
                created_at=_now(),
            )
        ).returning(ReportJob.id)
        await audit.record(
            user.actor,
            "report.start",
            "report_job",
            run_id,
            pilot=pilot_id,
            after={**parameters, "pdf": pdf},
        )
    return await job_state(engine, rows[0]["id"])


async def job_state(engine: Engine, job_id: int) -> JobState:
    row = await ReportJob.select().where(ReportJob.id == job_id).first()
    if row is None:
        raise NotFoundError(lazy_gettext("no such report job"))
    return _job_state(row)


async def pilot_jobs(engine: Engine, pilot_id: int, *, limit: int = 200) -> list[JobState]:
    """The pilot's jobs, newest first."""
    rows = (
        await ReportJob.select()
        .where(ReportJob.pilot == pilot_id)
        .order_by(ReportJob.id, ascending=False)
        .limit(limit)
    )
    return [_job_state(row) for row in rows]


async def list_runs(
    engine: Engine, pilot_id: int, slug: str, reports_root: Path
) -> list[ReportRunInfo]:
    """Every report run of the pilot, newest first: jobs and run folders merged by run id."""
    jobs = {job.run_id: job for job in await pilot_jobs(engine, pilot_id)}
    folders = {folder.run_id: folder for folder in read_run_folders(reports_root / slug)}
    runs: list[ReportRunInfo] = []
    for run_id in set(jobs) | set(folders):
        job, folder = jobs.get(run_id), folders.get(run_id)
        if job is not None:
            status = job.status
            if status == "succeeded" and (folder is None or not folder.has_report):
                status = "failed"  # the files were removed since
        else:
            status = "succeeded" if folder is not None and folder.has_report else "failed"
        runs.append(
            ReportRunInfo(
                run_id=run_id,
                status=status,
                requested_by=job.requested_by if job else "command line",
                parameters=job.parameters if job else (folder.overrides if folder else {}),
                when=(job.created_at if job else folder.started_at if folder else None),
                job=job,
                folder=folder,
            )
        )
    epoch = datetime.fromtimestamp(0, UTC)
    return sorted(runs, key=lambda r: (r.when or epoch, r.run_id), reverse=True)


async def latest_report(
    engine: Engine,
    pilot_id: int,
    slug: str,
    reports_root: Path,
    languages: Sequence[str] = (),
) -> ReportRunInfo | None:
    """The newest run that produced a report, or None: the newest in the first of
    `languages` (a reader's, by preference) that has one, else the newest of all."""
    runs = [
        run
        for run in await list_runs(engine, pilot_id, slug, reports_root)
        if run.status == "succeeded"
    ]
    for language in languages:
        for run in runs:
            if run.language == language:
                return run
    return runs[0] if runs else None


async def latest_reports(
    engine: Engine,
    pilots: list[tuple[int, str]],
    reports_root: Path,
    languages: Sequence[str] = (),
) -> dict[str, ReportRunInfo]:
    """The newest finished report of each (id, slug) pilot that has one (in the first of
    `languages` that has one, as `latest_report`)."""
    found: dict[str, ReportRunInfo] = {}
    for pilot_id, slug in pilots:
        latest = await latest_report(engine, pilot_id, slug, reports_root, languages)
        if latest is not None:
            found[slug] = latest
    return found


# --- the worker's side ---------------------------------------------------------------


async def claim_next(engine: Engine, worker: str) -> ClaimedJob | None:
    """Take the oldest queued job, or None; atomic across processes and engines."""
    # An idle worker polls: a plain read keeps it from taking SQLite's write lock.
    if not await ReportJob.exists().where(ReportJob.status == "queued"):
        return None
    now = _now()
    # One UPDATE picks and flips the job. PostgreSQL skips rows another worker is
    # claiming; SQLite serialises writers (BEGIN IMMEDIATE), so no row can be taken twice.
    lock = "" if isinstance(engine, SQLiteEngine) else " FOR UPDATE SKIP LOCKED"
    statement = QueryString(
        'UPDATE "report_job" SET "status" = {}, "worker" = {}, "started_at" = {}, '
        '"heartbeat_at" = {}, "stage" = {} WHERE "id" = (SELECT "id" FROM "report_job" '
        f'WHERE "status" = {{}} ORDER BY "id" LIMIT 1{lock}) AND "status" = {{}} '
        'RETURNING "id", "run_id", "pilot", "parameters", "pdf"',
        "running",
        worker[:100],
        now,
        now,
        "Starting",
        "queued",
        "queued",
    )
    rows = (await run_write_batch(engine, [statement]))[0]
    if not rows:
        return None
    row = rows[0]
    pilot = await Pilot.select(Pilot.slug).where(Pilot.id == row["pilot"]).first()
    slug = pilot["slug"] if pilot else ""
    return ClaimedJob(
        id=row["id"],
        run_id=row["run_id"],
        pilot_slug=slug,
        parameters=_parameters(row["parameters"]),
        pdf=bool(row["pdf"]),
    )


async def record_progress(engine: Engine, job_id: int, fraction: float, stage: str) -> None:
    """Store how far the job is (also the worker's heartbeat)."""
    async with write_transaction(engine):
        await ReportJob.update(
            {
                ReportJob.progress: max(0.0, min(1.0, fraction)),
                ReportJob.stage: stage[:MAX_STAGE],
                ReportJob.heartbeat_at: _now(),
            }
        ).where((ReportJob.id == job_id) & (ReportJob.status == "running"))


async def finish_job(engine: Engine, job_id: int, *, error: str | None = None) -> None:
    """Mark the job succeeded, or failed with a message for the people who started it."""
    values: dict[Any, Any] = {
        ReportJob.status: "failed" if error else "succeeded",
        ReportJob.finished_at: _now(),
        ReportJob.heartbeat_at: _now(),
        ReportJob.error: error or "",
        ReportJob.stage: "Failed" if error else "Done",
    }
    if not error:
        values[ReportJob.progress] = 1.0
    async with write_transaction(engine):
        await ReportJob.update(values).where(ReportJob.id == job_id)


async def _fail_running(engine: Engine, where: Any, message: str) -> int:
    async with write_transaction(engine):
        rows = await (
            ReportJob.update(
                {
                    ReportJob.status: "failed",
                    ReportJob.finished_at: _now(),
                    ReportJob.stage: "Failed",
                    ReportJob.error: message,
                }
            )
            .where((ReportJob.status == "running") & where)
            .returning(ReportJob.id)
        )
    return len(rows)


async def fail_abandoned(engine: Engine, *, older_than_s: int = STALE_AFTER_S) -> int:
    """Fail running jobs whose worker stopped writing (a server killed mid-run)."""
    return await _fail_running(engine, ReportJob.heartbeat_at < _now() - older_than_s, STOPPED)


async def fail_jobs_of_worker(engine: Engine, worker: str, message: str = STOPPED) -> int:
    """Fail the jobs a stopping worker still runs, so nobody waits for them."""
    return await _fail_running(engine, ReportJob.worker == worker, message)
