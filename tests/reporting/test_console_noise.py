"""What a user sees on the console: no warning about figures' alternative text (each
figure gets its title and description as alt text), no openpyxl `UserWarning` lines."""

from __future__ import annotations

import logging
import warnings
from pathlib import Path

import nbformat

from evaluation.reporting import html as report_html
from pilotkit.cli.main import _quiet_library_warnings

# a 1x1 transparent PNG: an image output without alternative text
PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def test_html_export_says_nothing_about_alternative_text(tmp_path: Path) -> None:
    notebook = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("figure")
    cell.outputs = [nbformat.v4.new_output("display_data", data={"image/png": PNG})]
    notebook.cells = [cell]
    with report_html._exporter() as exporter:
        collected = _Collect()
        exporter.log.addHandler(collected)
    try:
        report_html.export_notebook_html(notebook, tmp_path / "page.html", page="page")
    finally:
        exporter.log.removeHandler(collected)
    assert (tmp_path / "page.html").is_file()
    assert not [m for m in collected.messages if "Alternative text" in m]


def test_cli_silences_openpyxl_user_warnings_only() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _quiet_library_warnings()
        warnings.warn_explicit(
            "Data Validation extension is not supported and will be removed",
            UserWarning,
            "openpyxl/worksheet/_reader.py",
            1,
            module="openpyxl.worksheet._reader",
        )
        warnings.warn_explicit("ours", UserWarning, "pilotkit/x.py", 1, module="pilotkit.x")
    assert [str(w.message) for w in caught] == ["ours"]
