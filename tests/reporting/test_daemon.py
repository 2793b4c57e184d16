"""The report daemon: `pilotkit report` hands its run to warm kernels kept in the
background, with the same files, numbers and errors as a run in its own process."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from evaluation.reporting import daemon_client
from tests.helpers import REPO_ROOT, run_cli
from tests.reporting.conftest import input_args

pytestmark = pytest.mark.slow


@pytest.fixture
def runtime(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private runtime folder, and the daemon turned on for this test's commands.

    The folder is a short one directly under the system's temporary folder: a socket's
    path may not exceed 107 bytes, and pytest's own temporary paths can (with xdist)."""
    folder = Path(tempfile.mkdtemp(prefix="pk-rt-"))
    folder.chmod(0o700)
    monkeypatch.setenv("PILOTKIT_RUNTIME_DIR", str(folder))
    monkeypatch.setenv(daemon_client.ENV_SWITCH, "on")  # tests run without a terminal
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def _start_daemon(*extra: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "pilotkit", "report-daemon", "run", *extra],
        cwd=REPO_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _wait_ready(
    paths: daemon_client.DaemonPaths, process: subprocess.Popen[bytes] | None = None
) -> dict:
    """The daemon's status once its kernels are warm (`process`: it must not end first)."""
    deadline = time.monotonic() + 120
    while (answer := daemon_client.ask("ready", paths)) is None:
        assert process is None or process.poll() is None, "the daemon ended before it was ready"
        assert time.monotonic() < deadline, "no daemon was ready within 120 s"
        time.sleep(0.2)
    return answer


@pytest.fixture
def daemon(runtime: Path) -> Iterator[subprocess.Popen[bytes]]:
    """A daemon for the environment as it is now, stopped at the end."""
    paths = daemon_client.daemon_paths()
    process = _start_daemon("--minutes", "5")
    try:
        _wait_ready(paths, process)
        yield process
    finally:
        daemon_client.ask("stop", paths)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            raise


def _report(pilot_files: dict[str, Path], out: Path, *extra: str, **env: str):
    return run_cli(
        "report",
        *input_args(pilot_files),
        "--out",
        str(out),
        "--run-id",
        "run",
        "--no-progress",
        *extra,
        env=env,
    )


def _pids_alive(pids: list[int]) -> list[int]:
    alive = []
    for pid in pids:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            continue
        alive.append(pid)
    return alive


def test_report_runs_in_the_daemon_with_the_same_files_and_numbers(
    pilot_files: dict[str, Path], daemon: subprocess.Popen[bytes], tmp_path: Path
) -> None:
    warm = _report(pilot_files, tmp_path / "warm")
    assert warm.returncode == 0, warm.stderr
    assert "report daemon" not in warm.stderr  # none started: one was running
    status = daemon_client.ask("status", daemon_client.daemon_paths())
    assert status is not None and status["runs"] == 1

    cold = _report(pilot_files, tmp_path / "cold", PILOTKIT_REPORT_DAEMON="off")
    assert cold.returncode == 0, cold.stderr
    warm_dir, cold_dir = tmp_path / "warm/pilot-core/run", tmp_path / "cold/pilot-core/run"
    assert f"run folder: {warm_dir}" in warm.stdout
    summary = (warm_dir / "summary.json").read_bytes()
    assert summary == (cold_dir / "summary.json").read_bytes()
    assert sorted(p.name for p in warm_dir.rglob("*")) == sorted(
        p.name for p in cold_dir.rglob("*")
    )
    assert json.loads((warm_dir / "parameters.json").read_text())["readiness_report.ipynb"][
        "responses_path"
    ] == str(warm_dir / "inputs/responses.csv")


def test_a_pilot_from_the_database_is_exported_here_and_reported_by_the_daemon(
    runtime: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pilotkit.demo.scenarios import CRM_PILOT_SLUG

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'demo.sqlite3'}")
    monkeypatch.setenv("PILOTKIT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("PILOTKIT_REPORTS_DIR", str(tmp_path / "reports"))
    assert run_cli("demo", "--no-serve", "--no-reports").returncode == 0
    first = run_cli("report", "--pilot", CRM_PILOT_SLUG, "--no-progress")
    assert first.returncode == 0, first.stderr
    assert "stay warm in the background" in first.stderr  # a first run leaves one
    paths = daemon_client.daemon_paths()
    try:
        _wait_ready(paths)  # the daemon the first run left behind
        result = run_cli("report", "--pilot", CRM_PILOT_SLUG, "-p", "alpha", "0.01")
        assert result.returncode == 0, result.stderr
        assert daemon_client.ask("status", paths)["runs"] == 1
    finally:
        daemon_client.ask("stop", paths)
    assert "Report: 100%" in result.stderr  # the daemon's progress, shown here
    summary = Path(result.stdout.split("summary: ")[1].splitlines()[0])
    assert summary.is_relative_to(tmp_path / "reports" / CRM_PILOT_SLUG)
    assert '"alpha": 0.01' in summary.read_text()
    parameters = json.loads((summary.parent / "parameters.json").read_text())
    assert parameters["readiness_report.ipynb"]["pilot_name"] == "311 contact center: new CRM pilot"


def test_a_bad_parameter_is_one_error_line_from_the_daemon_too(
    pilot_files: dict[str, Path], daemon: subprocess.Popen[bytes], tmp_path: Path
) -> None:
    result = _report(pilot_files, tmp_path / "bad", "-p", "alpha", "2")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    errors = [ln for ln in result.stderr.splitlines() if ln.startswith("error:")]
    assert len(errors) == 1 and "alpha" in errors[0], result.stderr
    # the daemon goes on serving
    assert daemon_client.ask("status", daemon_client.daemon_paths())["runs"] == 0
    assert _report(pilot_files, tmp_path / "good").returncode == 0


def test_two_commands_at_once_take_turns_in_the_daemon(
    pilot_files: dict[str, Path], daemon: subprocess.Popen[bytes], tmp_path: Path
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    def report(name: str):
        return run_cli("report", *input_args(pilot_files), "--out", str(tmp_path / name))

    with ThreadPoolExecutor(2) as both:
        results = list(both.map(report, ["one", "two"]))
    assert [r.returncode for r in results] == [0, 0], [r.stderr for r in results]
    assert any("Waiting for another report" in r.stderr for r in results)
    assert daemon_client.ask("status", daemon_client.daemon_paths())["runs"] == 2
    one, two = (
        next((tmp_path / name / "pilot-core").iterdir()) / "summary.json" for name in ("one", "two")
    )
    assert one.read_bytes() == two.read_bytes()


def test_a_command_that_goes_away_stops_its_run_in_the_daemon(
    pilot_files: dict[str, Path], daemon: subprocess.Popen[bytes], tmp_path: Path
) -> None:
    from evaluation.reporting.runner import ReportRequest
    from pilotkit.instruments import find_instrument

    request = ReportRequest(
        pilot="gone",
        instrument=find_instrument("pilot-core"),
        responses=pilot_files["responses"],
        notes=pilot_files["notes"],
        out_root=tmp_path / "gone",
    )
    paths = daemon_client.daemon_paths()
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    connection.connect(str(paths.socket))
    daemon_client.send(
        connection, {"command": "report", "request": daemon_client.request_to_json(request)}
    )
    for message in daemon_client.receive(connection):
        if message["event"] == "progress" and "Running" in message["stage"]:
            break
    connection.close()  # as Ctrl-C would

    deadline = time.monotonic() + 30
    while (status := daemon_client.ask("status", paths)) is None or status["busy"]:
        assert time.monotonic() < deadline, "the run went on without its command"
        time.sleep(0.2)
    assert status["runs"] == 0
    assert daemon.poll() is None
    assert _report(pilot_files, tmp_path / "after").returncode == 0


def test_a_report_leaves_a_daemon_behind_that_stop_ends(
    pilot_files: dict[str, Path], runtime: Path, tmp_path: Path
) -> None:
    first = _report(pilot_files, tmp_path / "first", PILOTKIT_REPORT_DAEMON_MINUTES="2")
    assert first.returncode == 0, first.stderr
    assert "stay warm in the background for 2 min" in first.stderr
    paths = daemon_client.daemon_paths()
    try:
        status = _wait_ready(paths)  # the daemon the first run left behind
        assert status["ends_after_idle"] == 120
        listed = run_cli("report-daemon", "status")
        assert f"pid {status['pid']}:" in listed.stdout
        second = _report(pilot_files, tmp_path / "second")
        assert second.returncode == 0 and "stay warm" not in second.stderr
        assert daemon_client.ask("status", paths)["runs"] == 1
    finally:
        stopped = run_cli("report-daemon", "stop")
    assert stopped.stdout.strip() == "stopped 1 report daemon(s)"
    assert not paths.socket.exists()
    deadline = time.monotonic() + 10
    while _pids_alive([status["pid"]]) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _pids_alive([status["pid"]])
    assert run_cli("report-daemon", "status").stdout.strip() == "no report daemon is running"


def test_an_idle_daemon_ends_by_itself(runtime: Path) -> None:
    process = _start_daemon("--minutes", "0.02")
    try:
        _wait_ready(daemon_client.daemon_paths(), process)
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
    assert not daemon_client.daemon_paths().socket.exists()


def test_a_second_daemon_for_the_same_environment_refuses(
    daemon: subprocess.Popen[bytes],
) -> None:
    result = run_cli("report-daemon", "run")
    assert result.returncode != 0
    assert result.stderr.strip() == "error: a report daemon already serves this environment"


def test_the_daemon_key_follows_code_and_environment(
    runtime: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = daemon_client.environment_key()
    monkeypatch.setenv(daemon_client.ENV_SWITCH, "on")
    monkeypatch.setenv(daemon_client.ENV_IDLE_MINUTES, "3")
    monkeypatch.setenv("TERM", "something-else")
    assert daemon_client.environment_key() == key  # settings of the daemon itself
    monkeypatch.setenv("PILOTKIT_REPORTS_DIR", "/elsewhere")
    assert daemon_client.environment_key() != key
    monkeypatch.delenv("PILOTKIT_REPORTS_DIR")
    assert daemon_client.environment_key() == key
    module = Path(daemon_client.__file__)
    info = module.stat()
    try:
        os.utime(module, ns=(info.st_atime_ns, info.st_mtime_ns + 1_000_000_000))
        assert daemon_client.environment_key() != key  # code edited: another daemon
    finally:
        os.utime(module, ns=(info.st_atime_ns, info.st_mtime_ns))


def test_a_runtime_folder_others_can_enter_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    shared.chmod(0o755)
    monkeypatch.setenv("PILOTKIT_RUNTIME_DIR", str(shared))
    with pytest.raises(daemon_client.DaemonError, match="not private"):
        daemon_client.runtime_dir()
    assert daemon_client.connect() is None  # the report command runs without a daemon


def test_a_runtime_folder_too_deep_for_a_socket_is_one_error_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    deep = tmp_path / ("d" * 100)
    deep.mkdir(mode=0o700)
    monkeypatch.setenv("PILOTKIT_RUNTIME_DIR", str(deep))
    monkeypatch.delenv(daemon_client.ENV_SWITCH, raising=False)
    assert daemon_client.connect() is None  # the report command runs without a daemon
    result = run_cli("report-daemon", "run")
    assert result.returncode != 0
    assert result.stderr.startswith(f"error: '{deep}' is too deep for the report daemon's socket")
    assert "Traceback" not in result.stderr and len(result.stderr.splitlines()) == 1


def test_the_daemon_starts_only_for_a_terminal_unless_asked_for(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(daemon_client.ENV_SWITCH, raising=False)
    monkeypatch.setattr(daemon_client, "interactive", lambda: False)  # a script, CI
    assert daemon_client.enabled() is False
    monkeypatch.setattr(daemon_client, "interactive", lambda: True)  # a person at a terminal
    assert daemon_client.enabled() is True
    monkeypatch.setenv(daemon_client.ENV_SWITCH, "off")
    assert daemon_client.enabled() is False
    monkeypatch.setattr(daemon_client, "interactive", lambda: False)
    monkeypatch.setenv(daemon_client.ENV_SWITCH, "on")
    assert daemon_client.enabled() is True
    # under pytest the streams are not a terminal: "auto" leaves no process behind
    monkeypatch.undo()
    monkeypatch.delenv(daemon_client.ENV_SWITCH, raising=False)
    assert daemon_client.interactive() is False
    assert daemon_client.enabled() is False
