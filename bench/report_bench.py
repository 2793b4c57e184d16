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
that no measurement shares the CPU with it); the medians and the ratios to the floor are
printed. Target: report / floor <= 2.

Run: `python -m bench report` or `python -m bench.report_bench [--quick]`.
"""

from __future__ import annotations

import argparse
import statistics
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
    args = parser.parse_args(argv or [])
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

    floor, cold, warm = (statistics.median(times[kind]) for kind in ("floor", "cold", "warm"))
    print(f"{args.participants}-participant pilot, 2 notebooks, HTML, figures; medians of {repeat}")
    print(f"  floor: papermill on an empty notebook (kernel start-up): {floor:5.2f} s")
    print(f"  cold report (command line, kernels started by the run): {cold:5.2f} s")
    print(f"  warm report (KernelPool warmed before the clock):       {warm:5.2f} s")
    print(f"  ratio cold / floor: {cold / floor:.2f}   warm / floor: {warm / floor:.2f}")
    print("  (target: report / floor <= 2)")


if __name__ == "__main__":
    main()
