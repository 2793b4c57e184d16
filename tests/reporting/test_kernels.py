"""The warm kernel pool: preloaded, one notebook per kernel, nothing left running."""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path

import nbformat
import papermill
import pytest

from evaluation.reporting.kernels import KernelPool, KernelPoolError

pytestmark = pytest.mark.slow

PROBE = """\
import json, os, sys
state = {
    "cwd": os.getcwd(),
    "preloaded": all(m in sys.modules for m in ("pandas", "scipy.stats", "seaborn", "evaluation")),
    "backend": sys.modules["matplotlib"].get_backend(),
    "names": sorted(k for k in globals() if not k.startswith("_")),
    "pid": os.getpid(),
}
print(json.dumps(state))
"""


def probe_notebook(folder: Path) -> Path:
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    notebook.cells = [nbformat.v4.new_code_cell(PROBE)]
    path = folder / "probe.ipynb"
    nbformat.write(notebook, str(path))
    return path


def run_probe(km: object, source: Path, target: Path) -> dict:
    executed = papermill.execute_notebook(
        str(source), str(target), kernel_name="python3", progress_bar=False, km=km
    )
    return json.loads(executed.cells[0].outputs[0]["text"])


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie (exited, not yet reaped) counts as gone
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.is_file() and stat.read_text().split(") ", 1)[1].startswith("Z"))


def processes_of(pool: KernelPool) -> list[int]:
    """Live processes started for this pool (their command line names its folder)."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            command = (proc / "cmdline").read_bytes().decode(errors="replace")
        except OSError:
            continue
        if proc.name.isdigit() and str(pool.folder) in command and alive(int(proc.name)):
            found.append(int(proc.name))
    return found


def test_warm_kernel_runs_one_notebook_in_the_run_folder(tmp_path: Path) -> None:
    source = probe_notebook(tmp_path)
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    with KernelPool(size=1) as pool:
        pool.wait_ready(timeout=60)
        with pool.kernel(cwd=run_dir) as km:
            state = run_probe(km, source, tmp_path / "out.ipynb")
        assert state["cwd"] == str(run_dir)
        assert state["preloaded"] and state["backend"].lower() == "agg"
        # the preload leaves no names behind, and did not move the execution counter
        assert not {"numpy", "pandas", "matplotlib", "evaluation"} & set(state["names"])
        executed = nbformat.read(str(tmp_path / "out.ipynb"), as_version=4)
        assert executed.cells[0].execution_count == 1
        # the used kernel is shut down and a fresh one takes its place
        pool.wait_ready(timeout=60)
        with pool.kernel() as km:
            second = run_probe(km, source, tmp_path / "out2.ipynb")
        assert second["pid"] != state["pid"]
        deadline = time.monotonic() + 10
        while alive(state["pid"]) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not alive(state["pid"])


def test_close_leaves_no_kernel_process() -> None:
    pool = KernelPool(size=2)
    pool.wait_ready(timeout=60)
    held = pool.acquire()
    pids = pool.kernel_pids()
    assert len(pids) == 2 and all(alive(pid) for pid in pids)
    assert sorted(processes_of(pool)) == sorted(pids)
    pool.close()
    assert not any(alive(pid) for pid in pids)
    assert processes_of(pool) == []
    assert not pool.folder.exists()
    assert not held.has_kernel or not held.provisioner.has_process
    with pytest.raises(KernelPoolError, match="closed"):
        pool.acquire()
    pool.close()  # idempotent


def test_close_stops_kernels_that_are_still_starting() -> None:
    pool = KernelPool(size=2)
    deadline = time.monotonic() + 30
    while not processes_of(pool) and time.monotonic() < deadline:
        time.sleep(0.02)  # until a kernel process exists, before its preload is done
    started = time.monotonic()
    pool.close()
    assert time.monotonic() - started < 15
    assert processes_of(pool) == []


def test_acquire_from_threads_starts_extra_kernels_when_all_are_taken(tmp_path: Path) -> None:
    source = probe_notebook(tmp_path)
    pids: list[int] = []
    with KernelPool(size=1) as pool:

        def use(index: int) -> None:
            with pool.kernel() as km:
                pids.append(run_probe(km, source, tmp_path / f"out{index}.ipynb")["pid"])

        threads = [threading.Thread(target=use, args=(i,)) for i in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    assert len(set(pids)) == 3  # never one kernel for two notebooks


def test_a_preload_that_fails_is_reported() -> None:
    with (
        KernelPool(size=1, preload="import no_such_module_here\n") as pool,
        pytest.raises(KernelPoolError, match="no_such_module_here"),
    ):
        pool.acquire(timeout=60)


def test_a_kernel_that_died_while_waiting_is_replaced(tmp_path: Path) -> None:
    import signal

    source = probe_notebook(tmp_path)
    with KernelPool(size=1) as pool:
        pool.wait_ready(timeout=60)
        (dead,) = pool.kernel_pids()
        os.kill(dead, signal.SIGKILL)
        with pool.kernel(cwd=tmp_path) as km:
            state = run_probe(km, source, tmp_path / "out.ipynb")
    assert state["pid"] != dead and state["cwd"] == str(tmp_path)
