"""The report daemon: warm kernels kept for the report command between its runs.

A report's own work takes about a second; starting its kernels and importing pandas,
scipy, matplotlib and seaborn in them takes three times as long. An analyst reruns a
report with other parameters many times in a row, so after a run that had to start its
own kernels the command leaves this process behind: it holds a `KernelPool`, runs the
next reports the command hands it (one at a time, each on fresh kernels, exactly as the
command would), and ends after some minutes without one, or on
`pilotkit report-daemon stop`.

It listens on a Unix socket in the user's private runtime folder (see `daemon_client`),
holds a lock so that one daemon serves one environment, and writes its log beside it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import logging
import os
import signal
import socket
import sys
import threading
import time
import traceback
from pathlib import Path
from typing import Any

from evaluation.reporting import daemon_client
from evaluation.reporting.daemon_client import DaemonPaths, receive, send
from evaluation.reporting.kernels import KernelPool
from evaluation.reporting.runner import ReportRequest, ReportRun, run_report
from pilotkit.errors import PilotkitError

log = logging.getLogger("pilotkit.report_daemon")

#: kernels kept warm: one per notebook of a report with focus-group notes
POOL_SIZE = 2


class _Client:
    """One connection; sends are serialised (progress arrives from several threads)."""

    def __init__(self, connection: socket.socket) -> None:
        self.connection = connection
        self.gone = threading.Event()
        #: whether this client's report is running now (guarded by `run_state`)
        self.running = False
        self.run_state = threading.Lock()
        self._lock = threading.Lock()

    def send(self, message: dict[str, Any]) -> None:
        if self.gone.is_set():
            return
        with self._lock:
            try:
                send(self.connection, message)
            except OSError:
                self.gone.set()


class ReportDaemon:
    """Serve report runs on `paths.socket` until idle for `minutes` or asked to stop."""

    def __init__(self, paths: DaemonPaths, minutes: float) -> None:
        self.paths = paths
        self.idle_seconds = minutes * 60
        self.started = dt.datetime.now(dt.UTC)
        self.runs = 0
        self._busy = 0
        self._last_activity = time.monotonic()
        self._state = threading.Lock()
        self._one_run = threading.Lock()
        self._stop = threading.Event()
        self._pool: KernelPool | None = None

    def serve(self) -> bool:
        """Listen and serve; False when another daemon already serves this environment."""
        with self.paths.lock.open("w") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return False
            self.paths.socket.unlink(missing_ok=True)  # left by a daemon that was killed
            _remove_ended(self.paths)
            listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                listener.bind(str(self.paths.socket))
                self.paths.socket.chmod(0o600)
                listener.listen(8)
                listener.settimeout(1.0)
                self._pool = KernelPool(POOL_SIZE)
                threading.Thread(target=_warm_up, name="warm-up", daemon=True).start()
                log.info(
                    "serving %s (ends after %.0f s idle)", self.paths.socket, self.idle_seconds
                )
                self._accept(listener)
            finally:
                listener.close()
                self.paths.socket.unlink(missing_ok=True)
                if self._pool is not None:
                    self._pool.close()
                log.info("stopped after %d report(s)", self.runs)
        return True

    def stop(self) -> None:
        self._stop.set()

    def _accept(self, listener: socket.socket) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                with self._state:
                    idle = not self._busy and (
                        time.monotonic() - self._last_activity > self.idle_seconds
                    )
                if idle:
                    log.info("idle for %.0f s: ending", self.idle_seconds)
                    return
                continue
            connection.settimeout(None)
            threading.Thread(target=self._handle, args=(connection,), daemon=True).start()

    def _handle(self, connection: socket.socket) -> None:
        with connection:
            client = _Client(connection)
            try:
                message = next(receive(connection), None)
            except (OSError, ValueError):
                return
            command = (message or {}).get("command")
            if command == "report":
                self._report(client, message or {})
            elif command in ("status", "ready"):
                if command == "ready" and self._pool is not None:
                    try:
                        self._pool.wait_ready(timeout=120)
                    except PilotkitError as exc:
                        client.send({"event": "error", "message": str(exc)})
                        return
                client.send(self._status())
            elif command == "stop":
                client.send({"event": "stopping", "pid": os.getpid()})
                self.stop()
            else:
                client.send({"event": "error", "message": f"unknown command {command!r}"})

    def _status(self) -> dict[str, Any]:
        with self._state:
            idle_for = 0.0 if self._busy else time.monotonic() - self._last_activity
            busy = bool(self._busy)
        return {
            "event": "status",
            "pid": os.getpid(),
            "environment": sys.prefix,
            "started": self.started.isoformat(timespec="seconds"),
            "runs": self.runs,
            "busy": busy,
            "idle_for": round(idle_for, 1),
            "ends_after_idle": self.idle_seconds,
        }

    def _report(self, client: _Client, message: dict[str, Any]) -> None:
        assert self._pool is not None
        pool = self._pool
        with self._state:
            self._busy += 1
        try:
            request = daemon_client.request_from_json(message["request"])
            client.send({"event": "accepted", "pid": os.getpid()})
            # a client that goes away (Ctrl-C) takes its run with it: its kernels are
            # stopped, so the run fails at once instead of using the cores for nothing
            threading.Thread(
                target=self._watch, args=(client, pool), daemon=True, name="client-watch"
            ).start()
            run = self._run_in_turn(client, request, pool)
            if run is None:
                return
            self.runs += 1
            client.send({"event": "done", "run": daemon_client.run_to_json(run)})
        except PilotkitError as exc:
            client.send({"event": "error", "message": str(exc), "exit_code": exc.exit_code})
        except Exception as exc:
            if client.gone.is_set():
                log.info("run stopped: its command went away")
                return
            log.error("report run failed:\n%s", traceback.format_exc())
            client.send(
                {
                    "event": "error",
                    "message": f"unexpected {type(exc).__name__}: {exc} "
                    f"(details in {self.paths.log})",
                    "exit_code": 1,
                }
            )
        finally:
            with self._state:
                self._busy -= 1
                self._last_activity = time.monotonic()

    def _run_in_turn(
        self, client: _Client, request: ReportRequest, pool: KernelPool
    ) -> ReportRun | None:
        """Run the report once no other is running; None if its command went away first."""
        if not self._one_run.acquire(blocking=False):
            client.send(
                {"event": "progress", "fraction": 0.0, "stage": "Waiting for another report"}
            )
            self._one_run.acquire()
        try:
            if client.gone.is_set():
                return None
            with client.run_state:
                client.running = True
            return run_report(
                request,
                progress=False,
                on_notebook=lambda name: client.send({"event": "notebook", "name": name}),
                on_progress=lambda fraction, stage: client.send(
                    {"event": "progress", "fraction": fraction, "stage": stage}
                ),
                kernels=pool,
            )
        finally:
            with client.run_state:
                client.running = False
            self._one_run.release()

    def _watch(self, client: _Client, pool: KernelPool) -> None:
        with contextlib.suppress(OSError):
            while client.connection.recv(1024):
                pass
        client.gone.set()
        # only while this client's own run holds the pool's kernels: runs take turns
        with client.run_state:
            if client.running:
                pool.stop_in_use()


def _remove_ended(own: DaemonPaths) -> None:
    """Remove the lock and log files of daemons that have ended (each code change or
    environment makes a new one), so the runtime folder does not fill up."""
    for lock_path in own.lock.parent.glob("report-*.lock"):
        if lock_path == own.lock:
            continue
        with contextlib.suppress(OSError), lock_path.open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)  # fails while one serves
            lock_path.with_suffix(".log").unlink(missing_ok=True)
            lock_path.with_suffix(".sock").unlink(missing_ok=True)
            lock_path.unlink()


def _warm_up() -> None:
    """This process's own first-use costs, paid before the first report instead of in
    it: papermill's imports and nbconvert's HTML templates."""
    import tempfile

    import nbformat
    import papermill  # noqa: F401

    from evaluation.reporting.html import export_notebook_html

    with tempfile.TemporaryDirectory(prefix="pilotkit-warm-up-") as folder:
        export_notebook_html(nbformat.v4.new_notebook(), Path(folder) / "warm-up.html", page="-")


def serve(minutes: float) -> bool:
    """Run this environment's daemon in this process until it ends.

    False at once when another daemon serves this environment already.
    """
    paths = daemon_client.daemon_paths()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    daemon = ReportDaemon(paths, minutes)
    signal.signal(signal.SIGTERM, lambda *_: daemon.stop())
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    os.chdir(paths.socket.parent)  # never hold a checkout folder that may go away
    return daemon.serve()
