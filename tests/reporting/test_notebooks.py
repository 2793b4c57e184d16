"""Every notebook executes on small fixture data; the report is code-free and reproducible."""

from __future__ import annotations

import json
import re

import nbformat
import pytest

from evaluation.reporting.runner import ReportError, ReportRequest, run_report
from tests.helpers import REPO_ROOT
from tests.reporting.conftest import evaluate_json, report_error_line

pytestmark = pytest.mark.slow
NOTEBOOKS = REPO_ROOT / "notebooks"


@pytest.fixture(scope="module")
def first_run(pilot_files):
    return run_report(_crm_request(pilot_files, "reports"), progress=False)


def _crm_request(pilot_files, folder: str) -> ReportRequest:
    """The fixture pilot's report, written under `folder` of the fixture folder."""
    return ReportRequest(
        pilot="crm",
        instrument=REPO_ROOT / "instruments" / "pilot-core.yaml",
        responses=pilot_files["responses"],
        notes=pilot_files["notes"],
        overrides={"pilot_name": "CRM pilot", "alpha": "0.05"},
        out_root=pilot_files["folder"] / folder,
    )


def test_notebooks_are_stored_without_outputs() -> None:
    for path in NOTEBOOKS.glob("*.ipynb"):
        notebook = nbformat.read(str(path), as_version=4)
        assert notebook.metadata["kernelspec"]["name"] == "python3", path.name
        tags = [set(c.metadata.get("tags", [])) for c in notebook.cells]
        assert any("parameters" in t for t in tags), path.name
        for cell in notebook.cells:
            if cell.cell_type == "code":
                assert cell.outputs == [] and cell.execution_count is None, path.name


def test_report_html_has_no_code_and_no_traceback(first_run) -> None:
    for html_path in first_run.html:
        html = html_path.read_text()
        assert "Traceback (most recent call last)" not in html
        assert 'data-mime-type="application/vnd.jupyter.stderr"' not in html
        assert "from evaluation" not in html and "check_report_parameters" not in html
        code_cells = re.findall(r'class="jp-Cell jp-CodeCell[^"]*"', html)
        assert code_cells and all("jp-mod-noInput" in c for c in code_cells)
        assert 'class="highlight' not in html
    report = first_run.report_html.read_text()
    assert "Not ready for a wider rollout" in report
    assert "Effortlessness of the job" in report
    # figures as SVG images, each named by its title for screen readers
    figure_alts = re.findall(r'<img alt="([^"]*)" src="data:image/svg\+xml;base64,', report)
    assert len(figure_alts) >= 5
    assert any(alt.startswith("How each area changed. ") for alt in figure_alts)
    assert "No description has been provided for this image" not in report
    assert (first_run.run_dir / "figures" / "change_by_area.svg").is_file()
    assert (first_run.run_dir / "focus_groups.html").is_file()


def test_summary_equals_evaluate_json(first_run, pilot_files) -> None:
    assert first_run.summary.read_bytes() == evaluate_json(pilot_files)


def test_rerun_gives_the_same_numbers(first_run, pilot_files) -> None:
    again = run_report(
        ReportRequest(
            pilot="crm",
            instrument=REPO_ROOT / "instruments" / "pilot-core.yaml",
            responses=pilot_files["responses"],
            notes=pilot_files["notes"],
            overrides={"pilot_name": "CRM pilot"},
            out_root=pilot_files["folder"] / "reports",
        ),
        progress=False,
    )
    assert again.run_dir != first_run.run_dir
    assert again.summary.read_bytes() == first_run.summary.read_bytes()
    params = json.loads((again.run_dir / "parameters.json").read_text())
    assert params["readiness_report.ipynb"]["pilot_name"] == "CRM pilot"


def test_warm_pool_runs_match_the_cold_run(first_run, pilot_files) -> None:
    from evaluation.reporting.kernels import KernelPool

    with KernelPool(size=2) as pool:
        runs = [
            run_report(_crm_request(pilot_files, "pooled"), progress=False, kernels=pool)
            for _ in range(2)
        ]
    for run in runs:
        assert run.summary.read_bytes() == first_run.summary.read_bytes()
        # same inputs, same numbers and the very same figures (jitter is seeded)
        figures = sorted(p.name for p in (run.run_dir / "figures").iterdir())
        assert figures == sorted(p.name for p in (first_run.run_dir / "figures").iterdir())
        for name in figures:
            drawing = (run.run_dir / "figures" / name).read_bytes()
            assert drawing == (first_run.run_dir / "figures" / name).read_bytes(), name


def test_broken_parameter_stops_with_a_clear_message(pilot_files) -> None:
    line = report_error_line(pilot_files, "alpha", "0.7")
    assert "readiness_report.ipynb, cell" in line
    assert "alpha must be between 0 and 0.5, not 0.7" in line


def test_unknown_parameter_is_refused_before_running(pilot_files) -> None:
    with pytest.raises(ReportError, match="unknown parameter 'alfa'"):
        run_report(
            ReportRequest(
                pilot="crm",
                instrument=REPO_ROOT / "instruments" / "pilot-core.yaml",
                responses=pilot_files["responses"],
                overrides={"alfa": "0.1"},
                out_root=pilot_files["folder"] / "reports",
            ),
            progress=False,
        )


def test_compare_pilots_notebook(first_run, pilot_files) -> None:
    import papermill

    other = pilot_files["folder"] / "other.json"
    other.write_text(first_run.summary.read_text())
    target = pilot_files["folder"] / "compare.ipynb"
    papermill.execute_notebook(
        str(NOTEBOOKS / "compare_pilots.ipynb"),
        str(target),
        parameters={
            "summaries": f"{first_run.summary},{other}",
            "names": "Site A,Site B",
            "output_dir": str(pilot_files["folder"]),
        },
        kernel_name="python3",
        progress_bar=False,
        cwd=str(pilot_files["folder"]),
    )
    executed = nbformat.read(str(target), as_version=4)
    html = "".join(
        out.get("data", {}).get("text/html", "")
        for c in executed.cells
        if c.cell_type == "code"
        for out in c.outputs
    )
    assert "Site A" in html and "Site B" in html
    assert (pilot_files["folder"] / "figures" / "pilots_side_by_side.svg").is_file()
