"""Progress of a report run as one fraction, for `run_report(on_progress=...)`.

A run is counted in steps: one per code cell of every notebook it executes (the cell
papermill injects with the parameters included), a few per HTML page and for the PDF,
and a last one for "Done". Notebooks run side by side, so steps arrive from several
threads; the fraction handed to the callback only ever grows, and 1.0 comes once, with
"Done".
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import nbformat

#: Steps of one HTML page and of the PDF, next to one step per code cell.
HTML_STEPS = 2
PDF_STEPS = 6

ProgressCallback = Callable[[float, str], None]


def code_cells(notebook: Path, *, injected: bool) -> int:
    """Code cells nbclient will execute: non-blank ones, plus papermill's parameters."""
    cells = nbformat.read(str(notebook), as_version=4).cells
    return sum(1 for c in cells if c.cell_type == "code" and c.source.strip()) + int(injected)


class RunProgress:
    """Counts the steps of one run and reports them as a growing fraction."""

    def __init__(self, callback: ProgressCallback | None, *, pages: int, pdf: bool) -> None:
        self._callback = callback
        self._cells: dict[str, int] = {}
        self._done_cells: dict[str, int] = {}
        self._fixed = pages * HTML_STEPS + (PDF_STEPS if pdf else 0) + 1
        self._total = self._fixed
        self._done = 0
        self._last = -1.0
        self._lock = threading.Lock()

    def start(self, stage: str) -> None:
        """Report 0.0 at once, before the notebooks' cells are counted."""
        self._report(0, stage)

    def plan(self, cells: Mapping[str, int]) -> None:
        """Cells to execute per notebook; called before the first cell finishes."""
        with self._lock:
            self._cells = dict(cells)
            self._done_cells = dict.fromkeys(cells, 0)
            self._total = sum(cells.values()) + self._fixed

    def cell_done(self, notebook: str) -> None:
        """One code cell of `notebook` finished (safe to call from any thread)."""
        with self._lock:
            done = self._done_cells[notebook]
            if done >= self._cells[notebook]:
                return  # more cells than counted: the fraction simply waits
            self._done_cells[notebook] = done + 1
            stage = f"Running {notebook} ({done + 1} of {self._cells[notebook]} cells)"
            self._step(1, stage)

    def page_done(self, stage: str) -> None:
        self._report(HTML_STEPS, stage)

    def pdf_done(self, stage: str) -> None:
        self._report(PDF_STEPS, stage)

    def finish(self) -> None:
        with self._lock:
            self._done = self._total
            self._emit(1.0, "Done")

    def hooks(self, notebook: str) -> dict[str, Any]:
        """nbclient hooks (passed through papermill) that count `notebook`'s cells."""
        if self._callback is None:
            return {}
        return {"on_cell_executed": lambda **_: self.cell_done(notebook)}

    def _report(self, steps: int, stage: str) -> None:
        with self._lock:
            self._step(steps, stage)

    def _step(self, steps: int, stage: str) -> None:
        # the caller holds the lock, so callbacks arrive in the order of their fractions
        self._done = min(self._done + steps, self._total - 1)
        self._emit(self._done / self._total, stage)

    def _emit(self, fraction: float, stage: str) -> None:
        if self._callback is None or fraction < self._last:
            return
        self._last = fraction
        self._callback(fraction, stage)
