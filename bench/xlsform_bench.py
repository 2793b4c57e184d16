"""XLSForm import/export and skip-logic evaluation, measured side by side.

Figures: median wall time of `write_xlsform`, `read_xlsform` and pyxform's own
XLSForm -> XForm conversion for each shipped instrument (the ratio says what our
import costs next to the converter every ODK server runs), and `relevant_items` on a
generated 300-item instrument with chained conditions, with the parse cache warm
versus parsing every condition again.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from pilotkit.instruments import Instrument, Item, available_instruments, load_instrument_file
from pilotkit.instruments.relevance import parse_relevance, relevant_items
from pilotkit.instruments.xlsform import read_xlsform, write_xlsform


def _median_ms(action: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _forms(folder: Path) -> None:
    from pyxform.xls2xform import convert

    print(f"{'instrument':24} {'items':>5} {'export ms':>10} {'import ms':>10} "
          f"{'pyxform ms':>11} {'import/pyxform':>15}")  # fmt: skip
    for path in available_instruments():
        inst = load_instrument_file(path)
        form = folder / f"{inst.id}.xlsx"
        export_ms = _median_ms(lambda i=inst, f=form: write_xlsform(i, f), 15)
        import_ms = _median_ms(lambda f=form: read_xlsform(f), 15)
        pyxform_ms = _median_ms(lambda f=form: convert(str(f), warnings=[]), 15)
        print(f"{inst.id:24} {len(inst.items):>5} {export_ms:>10.1f} {import_ms:>10.1f} "
              f"{pyxform_ms:>11.1f} {import_ms / pyxform_ms:>15.2f}")  # fmt: skip


def _chained(n: int) -> Instrument:
    items = [Item(id="q0", type="number", text="Start")]
    for k in range(1, n):
        condition = (
            f"${{q{k - 1}}} != '' and (${{q{k - 1}}} > {k % 7} or "
            f"string-length(${{q{k - 1}}}) >= 1)"
        )
        items.append(Item(id=f"q{k}", type="number", text=f"Q{k}", relevant=condition))
    return Instrument(id="chain", version=1, title="Chain", languages=["en"], items=items)


def _skip_logic() -> None:
    inst = _chained(300)
    answers = {f"q{k}": float(k % 11) for k in range(300)}
    assert len(relevant_items(inst, answers)) > 1
    warm = _median_ms(lambda: relevant_items(inst, answers), 50)

    def cold() -> None:
        parse_relevance.cache_clear()
        relevant_items(inst, answers)

    cold_ms = _median_ms(cold, 20)
    print(f"relevant_items, 300 chained conditions: {warm:.2f} ms with the parse cache, "
          f"{cold_ms:.2f} ms parsing every time (x{cold_ms / warm:.1f})")  # fmt: skip


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        _forms(Path(folder))
    _skip_logic()


if __name__ == "__main__":
    main()
