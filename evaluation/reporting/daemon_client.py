"""The report command's side of the report daemon (`evaluation.reporting.daemon`).

A daemon serves one environment: this Python, this checkout's code and the environment
variables a kernel's results can depend on. Its socket's name is a digest of all three,
so a command only ever reaches a daemon that runs the code it would run itself; after an
edit or an upgrade the old daemon is simply no longer found, and ends when idle.

This module stays light (no pandas, no papermill): the command imports it on every run.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import subprocess
import sys
import sysconfig
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import evaluation
import pilotkit
from evaluation.reporting.runner import NotebookSpec, ReportError, ReportRequest, ReportRun
from pilotkit.errors import PilotkitError

#: "off" (or 0, no, false) turns the daemon off: every run starts its own kernels; "on"
#: (or 1, yes, true) turns it on for scripts too; unset ("auto"): only in a terminal
ENV_SWITCH = "PILOTKIT_REPORT_DAEMON"
#: minutes a daemon waits for the next report before it ends
ENV_IDLE_MINUTES = "PILOTKIT_REPORT_DAEMON_MINUTES"
DEFAULT_IDLE_MINUTES = 15.0
PROTOCOL = 1

#: environment variables that reach a kernel and can change what it computes or finds
_ENV_NAMES = ("PATH", "HOME", "LANG", "LANGUAGE", "TZ", "TMPDIR", "VIRTUAL_ENV")
_ENV_PREFIXES = ("PILOTKIT_", "PYTHON", "MPL", "LC_", "JUPYTER", "IPYTHON", "OMP_", "OPENBLAS_")


class DaemonError(PilotkitError):
    """The report daemon could not be reached, started or asked."""


@dataclass(frozen=True)
class DaemonPaths:
    """Where the daemon of this environment listens, locks and logs."""

    socket: Path
    lock: Path
    log: Path


def enabled() -> bool:
    """Whether report runs may use (and start) a daemon: when asked for, else only for a
    person at an interactive terminal. A script, a cron job or CI gets no background
    process that holds kernels (about 700 MB) for minutes after it has finished."""
    value = os.environ.get(ENV_SWITCH, "auto").strip().lower()
    if value in ("0", "off", "no", "false"):
        return False
    if value in ("1", "on", "yes", "true"):
        return True
    return interactive()


def interactive() -> bool:
    """Both the keyboard and the messages are a terminal's (not a pipe, a file or CI)."""
    try:
        return sys.stdin.isatty() and sys.stderr.isatty()
    except (AttributeError, ValueError):  # closed or replaced streams
        return False


def idle_minutes() -> float:
    raw = os.environ.get(ENV_IDLE_MINUTES, "")
    try:
        minutes = float(raw) if raw.strip() else DEFAULT_IDLE_MINUTES
    except ValueError:
        raise DaemonError(f"{ENV_IDLE_MINUTES} must be a number of minutes, not '{raw}'") from None
    if minutes <= 0:
        raise DaemonError(f"{ENV_IDLE_MINUTES} must be more than 0, not '{raw}'")
    return minutes


def runtime_dir() -> Path:
    """The user's private folder for daemon sockets (created with mode 0700).

    `PILOTKIT_RUNTIME_DIR`, else `$XDG_RUNTIME_DIR/pilotkit`, else a folder per user in
    the temporary folder. A folder that others can enter is refused: whoever can reach
    the socket can have reports written with this user's rights.
    """
    if configured := os.environ.get("PILOTKIT_RUNTIME_DIR"):
        folder = Path(configured)
    elif xdg := os.environ.get("XDG_RUNTIME_DIR"):
        folder = Path(xdg) / "pilotkit"
    else:
        folder = Path(tempfile.gettempdir()) / f"pilotkit-{os.getuid()}"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = folder.stat()
    except OSError as exc:
        raise DaemonError(f"cannot use '{folder}' for the report daemon: {exc.strerror}") from None
    if info.st_uid != os.getuid() or info.st_mode & 0o077:
        raise DaemonError(
            f"'{folder}' is not private to this user (mode {info.st_mode & 0o777:o}); "
            "the report daemon needs a folder only its owner can enter"
        )
    return folder


def environment_key() -> str:
    """A digest of this Python, the code it would run and the environment it passes on."""
    digest = hashlib.sha256(f"{PROTOCOL}\0{sys.executable}\0{sys.prefix}\0".encode())
    for name, value in sorted(os.environ.items()):
        relevant = name in _ENV_NAMES or name.startswith(_ENV_PREFIXES)
        if relevant and not name.startswith(ENV_SWITCH):
            digest.update(f"{name}={value}\0".encode())
    for package in (evaluation, pilotkit):
        root = Path(package.__file__).parent
        for path in sorted(root.rglob("*")):
            if "__pycache__" in path.parts or not path.is_file():
                continue
            info = path.stat()
            digest.update(f"{path}\0{info.st_size}\0{info.st_mtime_ns}\0".encode())
    # installing or removing a package changes its folder's entries, so its time
    digest.update(str(Path(sysconfig.get_paths()["purelib"]).stat().st_mtime_ns).encode())
    return digest.hexdigest()[:20]


#: A Unix socket's path is at most 107 bytes on Linux (108 with its closing NUL).
_SOCKET_PATH_MAX = 107


def daemon_paths(folder: Path | None = None, key: str | None = None) -> DaemonPaths:
    folder = folder or runtime_dir()
    stem = folder / f"report-{key or environment_key()}"
    socket_path = Path(f"{stem}.sock")
    if len(os.fsencode(socket_path)) > _SOCKET_PATH_MAX:
        raise DaemonError(
            f"'{folder}' is too deep for the report daemon's socket "
            f"(at most {_SOCKET_PATH_MAX} bytes); set PILOTKIT_RUNTIME_DIR to a shorter folder"
        )
    return DaemonPaths(socket_path, Path(f"{stem}.lock"), Path(f"{stem}.log"))


# -- messages: one JSON object per line, both ways ------------------------------------


def send(connection: socket.socket, message: dict[str, Any]) -> None:
    connection.sendall(json.dumps(message).encode() + b"\n")


def receive(connection: socket.socket) -> Iterator[dict[str, Any]]:
    with connection.makefile("rb") as lines:
        for line in lines:
            yield json.loads(line)


def request_to_json(request: ReportRequest) -> dict[str, Any]:
    """The request with every path absolute: the daemon runs in a folder of its own."""

    def absolute(path: Path | None) -> str | None:
        return None if path is None else str(path.absolute())

    return {
        "pilot": request.pilot,
        "instrument": absolute(request.instrument),
        "responses": absolute(request.responses),
        "notes": absolute(request.notes),
        "overrides": dict(request.overrides),
        "out_root": absolute(request.out_root),
        "run_id": request.run_id,
        "notebooks": [
            {"source": absolute(s.source), "html_name": s.html_name, "needs_notes": s.needs_notes}
            for s in request.notebooks
        ],
        "extra_inputs": {role: absolute(path) for role, path in request.extra_inputs.items()},
        "pdf": request.pdf,
    }


def request_from_json(data: dict[str, Any]) -> ReportRequest:
    def path(value: str | None) -> Path | None:
        return None if value is None else Path(value)

    return ReportRequest(
        pilot=data["pilot"],
        instrument=Path(data["instrument"]),
        responses=Path(data["responses"]),
        notes=path(data["notes"]),
        overrides=dict(data["overrides"]),
        out_root=path(data["out_root"]),
        run_id=data["run_id"],
        notebooks=tuple(
            NotebookSpec(Path(s["source"]), s["html_name"], s["needs_notes"])
            for s in data["notebooks"]
        ),
        extra_inputs={role: Path(p) for role, p in data["extra_inputs"].items()},
        pdf=data["pdf"],
    )


def run_to_json(run: ReportRun) -> dict[str, Any]:
    return {
        "run_dir": str(run.run_dir),
        "notebooks": [str(p) for p in run.notebooks],
        "html": [str(p) for p in run.html],
        "parameters": run.parameters,
    }


def run_from_json(data: dict[str, Any]) -> ReportRun:
    return ReportRun(
        run_dir=Path(data["run_dir"]),
        notebooks=[Path(p) for p in data["notebooks"]],
        html=[Path(p) for p in data["html"]],
        parameters=data["parameters"],
    )


# -- the command's side ----------------------------------------------------------------


def connect(paths: DaemonPaths | None = None) -> socket.socket | None:
    """A connection to this environment's daemon, or None when none is listening."""
    try:
        paths = paths or daemon_paths()
    except DaemonError:
        return None
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        connection.connect(str(paths.socket))
    except OSError:
        connection.close()
        return None
    return connection


def run_in_daemon(
    request: ReportRequest,
    *,
    on_notebook: Callable[[str], None] | None = None,
    on_progress: Callable[[float, str], None] | None = None,
) -> ReportRun | None:
    """Run the report in this environment's daemon; None when no daemon took it.

    Raises `ReportError` (or the error the run raised, as its message and exit code)
    when the daemon took the run and it failed.
    """
    try:
        paths = daemon_paths()
    except DaemonError:
        return None
    connection = connect(paths)
    if connection is None:
        return None
    with connection:
        accepted = False
        try:
            send(connection, {"command": "report", "request": request_to_json(request)})
            for message in receive(connection):
                event = message.get("event")
                if event == "accepted":
                    accepted = True
                elif event == "notebook" and on_notebook is not None:
                    on_notebook(message["name"])
                elif event == "progress" and on_progress is not None:
                    on_progress(message["fraction"], message["stage"])
                elif event == "done":
                    return run_from_json(message["run"])
                elif event == "error":
                    error = ReportError(message["message"])
                    error.exit_code = int(message.get("exit_code", ReportError.exit_code))
                    raise error
        except OSError:
            pass  # the daemon went away; what it had accepted is reported below
        if not accepted:
            return None  # it was ending as we came: run without it
    raise ReportError(
        f"the background report process stopped before the run finished (its log: {paths.log})"
    )


def ask(command: str, paths: DaemonPaths) -> dict[str, Any] | None:
    """Send `command` ("status", "ready" or "stop") to one daemon; its answer or None."""
    connection = connect(paths)
    if connection is None:
        return None
    with connection:
        try:
            send(connection, {"command": command})
            return next(receive(connection), None)
        except OSError:
            return None


def running() -> bool:
    """Whether this environment's daemon is running (and answering)."""
    try:
        return ask("status", daemon_paths()) is not None
    except DaemonError:
        return False


def daemons() -> list[DaemonPaths]:
    """Every daemon socket in the user's runtime folder (of any environment)."""
    folder = runtime_dir()
    return [
        daemon_paths(folder, path.stem.removeprefix("report-"))
        for path in sorted(folder.glob("report-*.sock"))
    ]


def start_in_background(minutes: float) -> DaemonPaths | None:
    """Start this environment's daemon, detached, to end after `minutes` idle; its
    paths, or None when it is running already.

    The daemon writes its output to its log, never to this command's streams, so a
    caller that reads them to the end is not kept waiting.
    """
    paths = daemon_paths()
    if ask("status", paths) is not None:
        return None
    with paths.log.open("ab") as log:
        subprocess.Popen(
            [sys.executable, "-m", "pilotkit", "report-daemon", "run", "--minutes", f"{minutes:g}"],
            cwd=paths.socket.parent,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return paths
