"""Report run time next to the floor set by kernel start-up.

A 1,000-participant pilot (pilot-core, both waves, focus-group notes) is reported with
`run_report` (papermill + nbconvert, every figure) two ways, and, in the same run and the
same environment, papermill executes a notebook holding one empty cell: the cost of
starting a kernel, which a cold report cannot avoid.

- cold: `run_report(request)` as the command line runs it, kernels started by the run;
- warm: `run_report(request, kernels=pool)` with a `KernelPool` created and warmed before
  the clock starts, as a long-running report worker runs reports.

After one untimed report (this process's first-use costs), the three are run `--repeat`
times (default 5) in turn, each after the pool has finished warming its replacements (so
that no measurement shares the CPU with it).

Then the same as commands, each a new process, as an analyst types them: `papermill` on
the empty notebook (the floor), `pilotkit report` with PILOTKIT_REPORT_DAEMON=off (every
run starts its kernels), and `pilotkit report` handing its run to a report daemon that
was started before (`pilotkit report-daemon run`, in a private runtime folder), each
daemon run after the daemon has warmed its kernels again.

The medians and the ratios to the floor are printed. Target: report / floor <= 2.

Run: `python -m bench report` or `python -m bench.report_bench [--quick]`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

import nbformat

if TYPE_CHECKING:
    from evaluation.reporting.kernels import KernelPool


def _empty_notebook(folder: Path) -> Path:
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    cell = nbformat.v4.new_code_cell("x = 1")
    cell.metadata["tags"] = ["parameters"]
    notebook.cells = [cell]
    path = folder / "empty.ipynb"
    nbformat.write(notebook, str(path))
    return path


def main(argv: list[str] | None = None) -> None:
    import papermill

    from evaluation.reporting.kernels import KernelPool
    from evaluation.reporting.runner import ReportRequest, run_report
    from pilotkit.demo.scenarios import CRM_SCENARIO, crm_notes
    from pilotkit.demo.synthetic import simulate_responses
    from pilotkit.instruments import find_instrument, load_instrument

    parser = argparse.ArgumentParser(prog="bench.report_bench")
    parser.add_argument("--quick", action="store_true", help="one repetition")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--participants", type=int, default=1000)
    args = parser.parse_args(argv)  # None: this process's own arguments
    repeat = 1 if args.quick else args.repeat

    with tempfile.TemporaryDirectory(prefix="pilotkit-report-bench-") as tmp:
        folder = Path(tmp)
        inst = load_instrument("pilot-core")
        scenario = type(CRM_SCENARIO)(
            **{**CRM_SCENARIO.__dict__, "participants": args.participants}
        )
        responses = folder / "responses.csv"
        simulate_responses(inst, scenario).to_csv(responses, index=False)
        notes = folder / "notes.csv"
        crm_notes().to_csv(notes, index=False)
        empty = _empty_notebook(folder)

        def report(kernels: KernelPool | None) -> None:
            run_report(
                ReportRequest(
                    pilot="bench",
                    instrument=find_instrument("pilot-core"),
                    responses=responses,
                    notes=notes,
                    out_root=folder / "reports",
                ),
                progress=False,
                kernels=kernels,
            )

        times: dict[str, list[float]] = {"floor": [], "cold": [], "warm": []}
        # one untimed report first: this process's own first-use costs (papermill's and
        # nbconvert's imports, the HTML templates) would otherwise land on one timing
        report(None)
        with KernelPool(size=2) as pool:
            for run in range(repeat):
                for kind in times:
                    pool.wait_ready()
                    start = time.perf_counter()
                    if kind == "floor":
                        papermill.execute_notebook(
                            str(empty),
                            str(folder / f"empty-{run}.ipynb"),
                            kernel_name="python3",
                            progress_bar=False,
                        )
                    else:
                        report(pool if kind == "warm" else None)
                    times[kind].append(time.perf_counter() - start)

        report_args = [
            "report",
            "--instrument",
            "pilot-core",
            "--responses",
            str(responses),
            "--notes",
            str(notes),
            "--out",
            str(folder / "reports"),
            "--no-progress",
        ]
        commands = _time_commands(folder, empty, report_args, repeat)

    print(f"{args.participants}-participant pilot, 2 notebooks, HTML, figures; medians of {repeat}")
    _print_rows(
        "in one process (papermill and the report code imported before the clock):",
        times,
        {
            "floor": "floor: papermill on an empty notebook (kernel start-up)",
            "cold": "cold report (kernels started by the run)",
            "warm": "warm report (KernelPool warmed before the clock)",
        },
    )
    _print_rows(
        "as commands (each a new process):",
        commands,
        {
            "floor": "floor: papermill empty.ipynb out.ipynb",
            "cold": "pilotkit report, PILOTKIT_REPORT_DAEMON=off",
            "warm": "pilotkit report, report daemon running",
        },
        ratios=("no daemon", "with daemon"),
    )
    print("(target: report / floor <= 2)")


def _print_rows(
    heading: str,
    times: dict[str, list[float]],
    labels: dict[str, str],
    ratios: tuple[str, str] = ("cold", "warm"),
) -> None:
    """Each kind's median (and range), then the ratios of the medians to the floor's."""
    print(heading)
    medians = {kind: statistics.median(times[kind]) for kind in labels}
    for kind, label in labels.items():
        low, high = min(times[kind]), max(times[kind])
        print(f"  {label + ':':58} {medians[kind]:5.2f} s  ({low:.2f}-{high:.2f})")
    floor = medians["floor"]
    print(
        f"  ratio {ratios[0]} / floor: {medians['cold'] / floor:.2f}"
        f"   {ratios[1]} / floor: {medians['warm'] / floor:.2f}"
    )


def _time_commands(
    folder: Path, empty: Path, report_args: list[str], repeat: int
) -> dict[str, list[float]]:
    """Median wall times of the floor and report commands, a daemon serving the latter."""
    from evaluation.reporting import daemon_client

    bin_dir = Path(sys.executable).parent
    runtime = folder / "runtime"
    runtime.mkdir(mode=0o700)
    saved = os.environ.get("PILOTKIT_RUNTIME_DIR")
    os.environ["PILOTKIT_RUNTIME_DIR"] = str(runtime)  # the daemon's key includes it
    environment = {k: v for k, v in os.environ.items() if k != daemon_client.ENV_SWITCH}
    daemon = subprocess.Popen(
        [str(bin_dir / "pilotkit"), "report-daemon", "run", "--minutes", "10"],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    paths = daemon_client.daemon_paths()

    def ready() -> None:
        deadline = time.monotonic() + 120
        while daemon_client.ask("ready", paths) is None:
            if daemon.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("the report daemon did not start")
            time.sleep(0.2)

    def timed(argv: list[str], env: dict[str, str]) -> float:
        ready()  # no run shares the CPU with the daemon warming its kernels
        start = time.perf_counter()
        subprocess.run(argv, env=env, check=True, capture_output=True)
        return time.perf_counter() - start

    runs: dict[str, tuple[list[str], dict[str, str]]] = {
        "floor": (
            [str(bin_dir / "papermill"), "-k", "python3", str(empty), str(folder / "o.ipynb")],
            environment,
        ),
        "cold": (
            [str(bin_dir / "pilotkit"), *report_args],
            {**environment, daemon_client.ENV_SWITCH: "off"},
        ),
        "warm": ([str(bin_dir / "pilotkit"), *report_args], environment),
    }
    times: dict[str, list[float]] = {kind: [] for kind in runs}
    try:
        for _ in range(repeat):
            for kind, (argv, env) in runs.items():
                times[kind].append(timed(argv, env))
    finally:
        daemon_client.ask("stop", paths)
        daemon.wait(timeout=30)
        if saved is None:
            os.environ.pop("PILOTKIT_RUNTIME_DIR")
        else:
            os.environ["PILOTKIT_RUNTIME_DIR"] = saved
    return times


if __name__ == "__main__":
    main()
