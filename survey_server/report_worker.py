"""The report worker: runs queued report jobs in the background of a server process.

The app's lifespan starts one per process (`Settings.report_worker`). Between jobs it
also opens and closes waves at their scheduled dates (`services.schedule`). It claims a job
from the shared queue, exports the pilot's files, and runs the notebooks in a thread of
its own while the event loop keeps answering requests and writes the job's progress to
the database every half second (that row is also its heartbeat). Kernels come from a
warm pool, created on the first job and closed after a quiet spell, so a server that
never runs a report never starts a kernel.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from piccolo.engine.base import Engine

from pilotkit.errors import PilotkitError
from survey_server.services import report_jobs, schedule, staff_pilots
from survey_server.services.report_inputs import export_pilot_inputs, pilot_report_request
from survey_server.settings import Settings

if TYPE_CHECKING:
    from evaluation.reporting.kernels import KernelPool

log = logging.getLogger("pilotkit.report_worker")

T = TypeVar("T")

#: Share of the progress bar taken by exporting the pilot's answers.
EXPORT_SHARE = 0.05
#: Close the warm kernels after this long without a job (they hold memory).
POOL_IDLE_S = 15 * 60
#: How often the queue is looked at when nobody in this process woke the worker.
POLL_S = 2.0
#: How often abandoned jobs (of a killed server) are looked for.
SWEEP_S = 60.0
#: How often wave schedules are looked at (waves open and close at their dates).
SCHEDULE_S = 2.0


def _in_daemon_thread(work: Callable[[], T]) -> asyncio.Future[T]:
    """Run `work` in a daemon thread: a stopping server never waits for a notebook."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()

    def settle(action: Callable[[], None]) -> None:
        if not future.done():
            action()

    def target() -> None:
        try:
            result = work()
        except BaseException as exc:  # handed to the awaiting coroutine
            error = exc
            _call_soon(loop, lambda: settle(lambda: future.set_exception(error)))
        else:
            _call_soon(loop, lambda: settle(lambda: future.set_result(result)))

    threading.Thread(target=target, name="pilotkit-report-job", daemon=True).start()
    return future


def _call_soon(loop: asyncio.AbstractEventLoop, callback: Callable[[], None]) -> None:
    # RuntimeError: the loop closed while the notebook ran, so nobody is waiting
    with contextlib.suppress(RuntimeError):
        loop.call_soon_threadsafe(callback)


class ReportWorker:
    """Claims and runs report jobs until stopped; one per server process."""

    def __init__(
        self, engine: Engine, settings: Settings, *, poll_interval: float = POLL_S
    ) -> None:
        self.engine = engine
        self.settings = settings
        self.name = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
        self.poll_interval = poll_interval
        self._wake = asyncio.Event()
        self._stopping = False
        self._task: asyncio.Task[None] | None = None
        self._pool: KernelPool | None = None
        self._pool_lock = threading.Lock()
        self._last_job_at = 0.0
        self._last_schedule = 0.0

    # --- lifecycle --------------------------------------------------------------------

    def start(self) -> None:
        self._task = asyncio.create_task(self._loop(), name="pilotkit-report-worker")

    def wake(self) -> None:
        """A job was queued by this process: look now instead of at the next poll."""
        self._wake.set()

    async def stop(self) -> None:
        """Stop claiming; a job still running fails (its kernels are shut down)."""
        self._stopping = True
        self._wake.set()
        await asyncio.to_thread(self._close_pool)  # ends a running notebook at once
        if self._task is not None:
            try:
                await asyncio.wait_for(self._task, timeout=10)
            except (TimeoutError, asyncio.CancelledError):
                self._task.cancel()
        try:
            await report_jobs.fail_jobs_of_worker(self.engine, self.name)
        except Exception:  # the database may already be gone at shutdown
            log.exception("could not mark the report worker's jobs as stopped")

    async def _loop(self) -> None:
        last_sweep = 0.0
        while not self._stopping:
            try:
                if time.monotonic() - last_sweep > SWEEP_S:
                    last_sweep = time.monotonic()
                    await report_jobs.fail_abandoned(self.engine)
                    await staff_pilots.purge_expired_batches(self.engine)
                if time.monotonic() - self._last_schedule >= min(SCHEDULE_S, self.poll_interval):
                    self._last_schedule = time.monotonic()
                    await self.apply_schedule()
                ran = await self.run_once()
            except Exception:  # the worker must outlive a bad moment
                log.exception("report worker: could not look at the queue")
                ran = False
            if ran or self._stopping:
                continue
            if self._pool is not None and time.monotonic() - self._last_job_at > POOL_IDLE_S:
                await asyncio.to_thread(self._close_pool)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self.poll_interval)
            self._wake.clear()

    async def apply_schedule(self) -> list[schedule.Transition]:
        """Open and close the waves whose dates have come (by the settings' clock)."""
        return await schedule.apply_due(self.engine, self.settings.clock())

    # --- one job ----------------------------------------------------------------------

    async def run_once(self) -> bool:
        """Claim and run one job; False when the queue is empty."""
        job = await report_jobs.claim_next(self.engine, self.name)
        if job is None:
            return False
        self._last_job_at = time.monotonic()
        error = await self._run(job)
        self._last_job_at = time.monotonic()
        await report_jobs.finish_job(self.engine, job.id, error=error)
        return True

    async def _run(self, job: report_jobs.ClaimedJob) -> str | None:
        """Run the job; None when it succeeded, else the message its requester sees."""
        latest: list[Any] = [0.0, "Exporting the pilot's answers"]
        written: list[Any] = [None, None]

        def on_progress(fraction: float, stage: str) -> None:
            latest[0] = EXPORT_SHARE + (1 - EXPORT_SHARE) * fraction
            latest[1] = stage

        async def write_progress() -> None:
            if written != latest:
                written[:] = latest
                await report_jobs.record_progress(self.engine, job.id, latest[0], latest[1])

        folder = Path(tempfile.mkdtemp(prefix="pilotkit-job-"))
        try:
            await write_progress()
            inputs = await export_pilot_inputs(self.engine, job.pilot_slug, folder)
            if inputs.rows == 0:
                return report_jobs.NOTHING_TO_REPORT
            on_progress(0.0, "Starting the analysis")
            request = pilot_report_request(
                inputs,
                job.parameters,
                out_root=self.settings.reports_dir,
                run_id=job.run_id,
                pdf=job.pdf,
                pilot_url=f"{self.settings.base_url}/staff/pilots/{job.pilot_slug}",
            )
            pool = await asyncio.to_thread(self._kernel_pool)

            def work() -> object:
                from evaluation.reporting.runner import run_report

                return run_report(request, progress=False, on_progress=on_progress, kernels=pool)

            running = _in_daemon_thread(work)
            while not running.done():
                await asyncio.wait({running}, timeout=0.5)
                await write_progress()
            running.result()
        except PilotkitError as exc:
            if self._stopping:
                return report_jobs.STOPPED
            return str(exc)
        except Exception as exc:  # reported on the job, logged in full here
            log.exception("report job %s failed", job.run_id)
            if self._stopping:
                return report_jobs.STOPPED
            return f"the report could not be made ({type(exc).__name__}: {exc})"
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return None

    # --- kernels ----------------------------------------------------------------------

    def _kernel_pool(self) -> KernelPool | None:
        if self.settings.report_kernels <= 0 or self._stopping:
            return None
        with self._pool_lock:
            if self._pool is None:
                from evaluation.reporting.kernels import KernelPool

                self._pool = KernelPool(size=self.settings.report_kernels)
            return self._pool

    def _close_pool(self) -> None:
        with self._pool_lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.close()
