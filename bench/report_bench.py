"""Report run time next to the floor set by kernel start-up.

A 1,000-participant pilot (pilot-core, both waves, focus-group notes) is reported with
`run_report` (papermill + nbconvert, every figure), and, in the same run and the same
environment, papermill executes a notebook holding one empty cell: the cost of starting
a kernel, which no report can avoid. Each is run `--repeat` times (default 3) in turn;
the medians and their ratio are printed. Target: report / floor <= 2.

Run: `python -m bench report` or `python -m bench.report_bench [--quick]`.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import nbformat


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

    from evaluation.reporting.runner import ReportRequest, run_report
    from pilotkit.demo.scenarios import CRM_SCENARIO, crm_notes
    from pilotkit.demo.synthetic import simulate_responses
    from pilotkit.instruments import find_instrument, load_instrument

    parser = argparse.ArgumentParser(prog="bench.report_bench")
    parser.add_argument("--quick", action="store_true", help="one repetition")
    parser.add_argument("--repeat", type=int, default=3)
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

        report_times: list[float] = []
        floor_times: list[float] = []
        for run in range(repeat):
            start = time.perf_counter()
            papermill.execute_notebook(
                str(empty),
                str(folder / f"empty-{run}.ipynb"),
                kernel_name="python3",
                progress_bar=False,
            )
            floor_times.append(time.perf_counter() - start)
            start = time.perf_counter()
            run_report(
                ReportRequest(
                    pilot="bench",
                    instrument=find_instrument("pilot-core"),
                    responses=responses,
                    notes=notes,
                    out_root=folder / "reports",
                ),
                progress=False,
            )
            report_times.append(time.perf_counter() - start)

    report = statistics.median(report_times)
    floor = statistics.median(floor_times)
    print(
        f"report of a {args.participants}-participant pilot (2 notebooks, HTML, figures): "
        f"{report:.2f} s (median of {repeat})"
    )
    print(f"papermill on an empty notebook (kernel start-up floor): {floor:.2f} s")
    print(
        f"ratio report / floor: {report / floor:.2f}  (target <= 2 per notebook: "
        f"{report / floor / 2:.2f} per notebook)"
    )


if __name__ == "__main__":
    main()
