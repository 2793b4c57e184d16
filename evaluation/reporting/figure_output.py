"""Report figures as files and in the notebook, drawn in worker processes if asked.

Drawing is most of a report's run time, and matplotlib draws on one core. A report
run turns on `draw_in_background()` in its kernels: `show()` then hands each figure to a
worker process (forked from the kernel, so it shares its imports, style and data) and
returns at once, with a placeholder in the notebook that `wait()`, the notebook's last
cell, replaces by the figure. The notebook's outputs keep their order, and the files and
the page are the same as when drawn in place. Without it (an analyst running cells one
by one in JupyterLab), `show()` draws the figure there and then.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from matplotlib.figure import Figure

from evaluation.reporting.svg import draw_svg

#: draws a figure from data: one of `evaluation.reporting.figures`' functions
FigureFunction = Callable[..., Figure]


class FigureError(RuntimeError):
    """A figure that could not be drawn; the message names it."""


@dataclass
class _Pending:
    name: str
    future: Future[str]
    handle: Any  # IPython's DisplayHandle of the placeholder


@dataclass
class _Background:
    executor: ProcessPoolExecutor
    pending: list[_Pending] = field(default_factory=list)
    started: bool = False


_background: _Background | None = None


def save(figure: Figure, folder: Path | str, name: str) -> Path:
    """Save a figure as `folder/figures/<name>.svg` and free its memory; the file's path.

    SVG rather than PNG: sharp on any screen and in print, a fraction of the bytes, and
    a third of the drawing time (see `evaluation.reporting.svg`).
    """
    return _write(draw_svg(figure).document(), folder, name)


def show(
    folder: Path | str, name: str, function: FigureFunction, /, *args: Any, **kwargs: Any
) -> None:
    """Draw `function(*args, **kwargs)`, save it as `figures/<name>.svg`, show it.

    The notebook shows the saved file itself, so the report does not depend on the
    kernel's matplotlib backend and equals the file an analyst picks up.
    """
    from IPython.display import display

    if _background is None:
        display({"image/svg+xml": _draw_and_save(folder, name, function, args, kwargs)}, raw=True)
        return
    _update(block=False)
    first = not _background.started
    if first:
        # the workers are forked at the first submit; objects moved out of the garbage
        # collector's reach are not written to (copied) by each worker's collections
        gc.freeze()
    future = _background.executor.submit(_draw_and_save, folder, name, function, args, kwargs)
    if first:
        _background.started = True
        gc.unfreeze()
    handle = display({"text/plain": f"(figure {name} is being drawn)"}, raw=True, display_id=True)
    _background.pending.append(_Pending(name, future, handle))


def wait() -> None:
    """Put every figure drawn in the background in its place; raise `FigureError` if one
    failed. Does nothing when figures are drawn in place."""
    _update(block=True)


def draw_in_background(workers: int | None = None) -> None:
    """From now on, `show()` draws in `workers` processes (one per core by default).

    The processes are forked at the first `show()`, when the notebook's imports, style
    and data are in place, and end with this process.
    """
    global _background
    if _background is None:
        executor = ProcessPoolExecutor(
            max_workers=workers or os.cpu_count() or 1,
            mp_context=multiprocessing.get_context("fork"),
            initializer=_worker_started,
        )
        _background = _Background(executor)


def draw_in_place() -> None:
    """Undo `draw_in_background` (after putting every pending figure in place)."""
    global _background
    if _background is not None:
        try:
            wait()
        finally:
            _background.executor.shutdown(cancel_futures=True)
            _background = None


def _update(*, block: bool) -> None:
    if _background is None:
        return
    still: list[_Pending] = []
    for pending in _background.pending:
        if not (block or pending.future.done()):
            still.append(pending)
            continue
        try:
            page = pending.future.result()
        except Exception as exc:
            _background.pending = []
            raise FigureError(
                f"figure '{pending.name}' could not be drawn: {type(exc).__name__}: {exc}"
            ) from exc
        pending.handle.update({"image/svg+xml": page}, raw=True)
    _background.pending = still


def _draw_and_save(
    folder: Path | str,
    name: str,
    function: FigureFunction,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> str:
    """Draw, write the file; the file's text."""
    document = draw_svg(function(*args, **kwargs)).document()
    _write(document, folder, name)
    return document


def _write(document: str, folder: Path | str, name: str) -> Path:
    target = Path(folder) / "figures"
    target.mkdir(parents=True, exist_ok=True)
    path = target / f"{name}.svg"
    path.write_text(document, encoding="utf-8")
    return path


def _worker_started() -> None:
    """In each worker: end with the kernel, and keep off the kernel's output streams."""
    if sys.platform == "linux":
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL(None).prctl(pr_set_pdeathsig, signal.SIGTERM)
    # the kernel's stdout/stderr objects send through its own threads, which a forked
    # process does not have; a warning printed here must not wait for them
    sys.stdout = sys.stderr = Path(os.devnull).open("w")  # noqa: SIM115 - the worker's own
