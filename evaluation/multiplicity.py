"""Multiple-testing adjustments (p-values in, adjusted p-values out; None stays None).

* Holm (1979) step-down, family-wise error: sort p ascending, p_adj(i) =
  max_{j<=i} min(1, (m - j + 1) p(j)). Used across the dimensions (confirmatory family).
* Benjamini-Hochberg (1995) step-up false discovery rate: p_adj(i) =
  min_{j>=i} min(1, m p(j) / j). Used across the items (exploratory family).

Both equal statsmodels' `multipletests(method="holm" | "fdr_bh")` and R's `p.adjust`.
Missing p-values (no test possible) are left out of the family and stay missing.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def _split(p_values: Sequence[float | None]) -> tuple[np.ndarray, np.ndarray]:
    present = np.array([p is not None for p in p_values], dtype=bool)
    values = np.array([p for p in p_values if p is not None], dtype=float)
    return present, values


def _merge(present: np.ndarray, adjusted: np.ndarray) -> list[float | None]:
    out: list[float | None] = [None] * len(present)
    for slot, value in zip(np.flatnonzero(present), adjusted, strict=True):
        out[int(slot)] = float(value)
    return out


def holm(p_values: Sequence[float | None]) -> list[float | None]:
    """Holm-adjusted p-values, in the input order."""
    present, values = _split(p_values)
    m = len(values)
    if m == 0:
        return [None] * len(p_values)
    order = np.argsort(values, kind="mergesort")
    scaled = (m - np.arange(m)) * values[order]
    adjusted_sorted = np.minimum(1.0, np.maximum.accumulate(scaled))
    adjusted = np.empty(m)
    adjusted[order] = adjusted_sorted
    return _merge(present, adjusted)


def benjamini_hochberg(p_values: Sequence[float | None]) -> list[float | None]:
    """Benjamini-Hochberg (FDR) adjusted p-values, in the input order."""
    present, values = _split(p_values)
    m = len(values)
    if m == 0:
        return [None] * len(p_values)
    order = np.argsort(values, kind="mergesort")
    scaled = values[order] * m / np.arange(1, m + 1)
    adjusted_sorted = np.minimum(1.0, np.minimum.accumulate(scaled[::-1])[::-1])
    adjusted = np.empty(m)
    adjusted[order] = adjusted_sorted
    return _merge(present, adjusted)
