"""The report runner: papermill execution, parameters, code-free HTML, clear failures."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from evaluation.reporting.runner import NotebookSpec, ReportError, ReportRequest, run_report
from tests.helpers import REPO_ROOT

PARAMETERS = """\
from typing import Optional

alpha: float = 0.05  # significance level
margin: Optional[float] = None
title: str = "Pilot"
seed: int = 1
instrument_path: str = ""
responses_path: str = ""
notes_path: str = ""
output_dir: str = "."
"""

BODY = """\
import json, pathlib
if not 0 < alpha < 1:
    raise ValueError(f"alpha must be between 0 and 1, not {alpha}")
rows = pathlib.Path(responses_path).read_text().splitlines()
summary = {"alpha": alpha, "margin": margin, "rows": len(rows) - 1, "title": title}
pathlib.Path(output_dir, "summary.json").write_text(json.dumps(summary))
print("SECRET_CODE_MARKER" if False else f"{title}: {len(rows) - 1} answers")
"""


def make_notebook(path: Path) -> Path:
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    params = nbformat.v4.new_code_cell(PARAMETERS)
    params.metadata["tags"] = ["parameters"]
    notebook.cells = [
        nbformat.v4.new_markdown_cell("# The verdict"),
        params,
        nbformat.v4.new_code_cell(BODY),
    ]
    nbformat.write(notebook, str(path))
    return path


@pytest.fixture
def request_for(tmp_path: Path):
    responses = tmp_path / "responses.csv"
    responses.write_text("participant_id,wave,item_id,value\np1,pre,q1,3\np1,post,q1,4\n")
    spec = NotebookSpec(make_notebook(tmp_path / "tiny.ipynb"), "report.html")

    def build(**overrides: str) -> ReportRequest:
        return ReportRequest(
            pilot="demo",
            instrument=REPO_ROOT / "instruments" / "pilot-core.yaml",
            responses=responses,
            overrides=overrides,
            out_root=tmp_path / "reports",
            notebooks=(spec,),
        )

    return build


@pytest.mark.slow
def test_run_writes_folder_with_code_free_html(request_for) -> None:
    run = run_report(request_for(alpha="0.01", margin="0.3"), progress=False)
    assert run.run_dir.parent.name == "demo"
    summary = json.loads(run.summary.read_text())
    assert summary == {"alpha": 0.01, "margin": 0.3, "rows": 2, "title": "Pilot"}
    html = run.report_html.read_text()
    assert "Pilot: 2 answers" in html and "The verdict" in html
    assert "read_text" not in html and "alpha: float" not in html
    assert "Traceback" not in html
    params = json.loads((run.run_dir / "parameters.json").read_text())
    assert params["tiny.ipynb"]["alpha"] == 0.01
    record = json.loads((run.run_dir / "run.json").read_text())
    assert len(record["inputs"]["responses"]["sha256"]) == 64
    assert (run.run_dir / "inputs" / "responses.csv").is_file()
    assert (run.run_dir / "tiny.ipynb").is_file()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"alpah": "0.1"}, "unknown parameter 'alpah'"),
        ({"alpha": "high"}, "parameter 'alpha' must be float, not 'high'"),
        ({"seed": "1.5"}, "parameter 'seed' must be int"),
        ({"output_dir": "/tmp"}, "is set by the report command itself"),
    ],
)
def test_bad_parameter_is_one_clear_error(request_for, overrides, message) -> None:
    with pytest.raises(ReportError, match=message):
        run_report(request_for(**overrides), progress=False)


@pytest.mark.slow
def test_failing_cell_names_notebook_and_cell_and_keeps_partial(request_for) -> None:
    with pytest.raises(ReportError) as info:
        run_report(request_for(alpha="2"), progress=False)
    message = str(info.value)
    assert "tiny.ipynb, cell 4" in message
    assert "ValueError: alpha must be between 0 and 1, not 2.0" in message
    assert "partial notebook is kept" in message
    kept = next((Path(request_for().out_root) / "demo").glob("*/tiny.ipynb"))
    assert kept.is_file()


@pytest.mark.slow
@pytest.mark.browser
def test_pdf_of_the_report(request_for) -> None:
    from dataclasses import replace

    run = run_report(replace(request_for(), pdf=True), progress=False)
    pdf = run.run_dir / "report.pdf"
    assert pdf.read_bytes()[:5] == b"%PDF-"


@pytest.mark.slow
def test_progress_grows_per_cell_and_ends_at_done(request_for) -> None:
    seen: list[tuple[float, str]] = []
    run_report(request_for(), progress=False, on_progress=lambda f, s: seen.append((f, s)))
    fractions = [fraction for fraction, _ in seen]
    assert fractions == sorted(fractions) and all(0 <= f <= 1 for f in fractions)
    assert seen[-1] == (1.0, "Done")
    stages = [stage for _, stage in seen]
    # the parameters cell, the one papermill injects and the body
    assert "Running tiny.ipynb (3 of 3 cells)" in stages
    assert "Writing the HTML report" in stages


@pytest.mark.slow
def test_failing_cell_on_a_pooled_kernel_is_reported_and_the_pool_goes_on(request_for) -> None:
    from evaluation.reporting.kernels import KernelPool

    with KernelPool(size=1) as pool:
        with pytest.raises(ReportError, match=r"tiny.ipynb, cell 4 .*alpha must be between"):
            run_report(request_for(alpha="2"), progress=False, kernels=pool)
        kept = next((Path(request_for().out_root) / "demo").glob("*/tiny.ipynb"))
        assert kept.is_file()
        run = run_report(request_for(alpha="0.02"), progress=False, kernels=pool)
        assert json.loads(run.summary.read_text())["alpha"] == 0.02


@pytest.mark.slow
def test_run_leaves_the_working_directory_alone(request_for, tmp_path: Path) -> None:
    before = Path.cwd()
    run_report(request_for(), progress=False)
    assert Path.cwd() == before != tmp_path
