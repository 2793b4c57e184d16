"""Progress of a report run: a fraction that only grows, from any thread, ending at 1.0."""

from __future__ import annotations

import threading

from evaluation.reporting.progress import RunProgress


def test_fractions_only_grow_across_threads_and_end_with_done() -> None:
    seen: list[tuple[float, str]] = []
    progress = RunProgress(lambda f, stage: seen.append((f, stage)), pages=2, pdf=True)
    progress.start("Preparing the run")
    progress.plan({"a.ipynb": 40, "b.ipynb": 25})

    def run(name: str, cells: int) -> None:
        for _ in range(cells + 3):  # a few more than counted: they must not overshoot
            progress.cell_done(name)
        progress.page_done(f"Writing {name}")

    threads = [threading.Thread(target=run, args=a) for a in (("a.ipynb", 40), ("b.ipynb", 25))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    progress.pdf_done("Printing the PDF")
    progress.finish()

    fractions = [fraction for fraction, _ in seen]
    assert fractions == sorted(fractions)
    assert all(0 <= f <= 1 for f in fractions)
    assert seen[0] == (0.0, "Preparing the run")
    assert seen[-1] == (1.0, "Done")
    assert [f for f in fractions if f == 1.0] == [1.0]
    assert "Running a.ipynb (40 of 40 cells)" in {stage for _, stage in seen}
    assert fractions[-2] < 1.0


def test_no_callback_no_hooks() -> None:
    progress = RunProgress(None, pages=1, pdf=False)
    progress.plan({"a.ipynb": 3})
    assert progress.hooks("a.ipynb") == {}
    progress.cell_done("a.ipynb")
    progress.finish()
