"""Fisher's exact test on r x c tables (`evaluation.exact_rxc.fisher_rxc`), timed.

Figures: best of five wall times of one call on the published reference tables, on the
youth-civic demo's age table, on a 2 x 5 table close to the work limit (one of the
slowest found among random tables admitted by `MAX_WORK`), and on a table past the limit
(the attempt up to the limit plus the seeded Monte Carlo fallback), with the method used.

Run: `python -m bench fisher`.
"""

from __future__ import annotations

import time

import numpy as np

from evaluation.exact_rxc import MAX_WORK, fisher_rxc

TABLES = {
    "youth-civic age_group, 2 x 4, n = 55": [[11, 7, 4, 10], [6, 5, 5, 7]],
    "Agresti's job satisfaction, 4 x 4, n = 104": [
        [1, 2, 1, 0], [3, 3, 6, 1], [10, 10, 14, 9], [6, 7, 12, 11],
    ],
    "Mehta & Patel's MP6, 5 x 7, n = 40": [
        [1, 2, 2, 1, 1, 0, 1], [2, 0, 0, 2, 3, 0, 0], [0, 1, 1, 1, 2, 7, 3],
        [1, 1, 2, 0, 0, 0, 1], [0, 1, 1, 1, 1, 0, 0],
    ],
    "near the work limit, 2 x 5, n = 879": [
        [108, 1, 49, 96, 190], [6, 39, 215, 175, 0],
    ],
    "past the work limit, 2 x 8, n = 817": [
        [60, 55, 70, 48, 52, 66, 58, 3], [50, 65, 52, 70, 61, 49, 57, 1],
    ],
}  # fmt: skip


def main() -> None:
    print(f"work limit: {MAX_WORK:,} units")
    print(f"{'table':44} {'method':>12} {'p-value':>12} {'best ms':>9}")
    for name, cells in TABLES.items():
        table = np.array(cells)
        times = []
        for _ in range(5):
            start = time.perf_counter()
            result = fisher_rxc(table)
            times.append((time.perf_counter() - start) * 1000)
        print(f"{name:44} {result.method:>12} {result.p_value:>12.6g} {min(times):>9.1f}")


if __name__ == "__main__":
    main()
