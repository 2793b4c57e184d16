"""Internal consistency of a dimension: Cronbach's alpha, its Feldt CI, item-total checks.

* Cronbach (1951): alpha = k / (k - 1) * (1 - sum(var(item)) / var(total)), variances with
  n - 1, on the complete cases (participants who answered every item of the dimension),
  after reverse-coding.
* Feldt (1965) confidence interval, level 1 - gamma, with F(n - 1, (n - 1)(k - 1)):
  [1 - (1 - alpha) F_{1-gamma/2}, 1 - (1 - alpha) F_{gamma/2}] (the interval pingouin's
  `cronbach_alpha` reports). scipy call: `scipy.stats.f.ppf`.
* Corrected item-total correlation: Pearson r of an item with the sum of the other items.
  A negative value suggests a mis-keyed item (reverse-coding forgotten or wrong).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import stats

from evaluation._numbers import num


@dataclass(frozen=True)
class Reliability:
    """Cronbach's alpha of one dimension in one wave, with its Feldt CI."""

    alpha: float | None
    ci_low: float | None
    ci_high: float | None
    n_complete: int
    n_items: int
    item_total: dict[str, float | None] = field(default_factory=dict)

    @property
    def negative_items(self) -> list[str]:
        return [i for i, r in self.item_total.items() if r is not None and r < 0]


def cronbach_alpha(matrix: np.ndarray) -> float | None:
    """Cronbach's alpha of a complete-case matrix (rows = participants, columns = items)."""
    n, k = matrix.shape
    if k < 2 or n < 2:
        return None
    total_variance = matrix.sum(axis=1).var(ddof=1)
    if not total_variance > 0:
        return None
    return num(k / (k - 1) * (1 - matrix.var(axis=0, ddof=1).sum() / total_variance))


def feldt_interval(alpha: float, n: int, k: int, level: float = 0.95) -> tuple[float, float]:
    """Feldt's CI of Cronbach's alpha for n participants and k items."""
    gamma = 1 - level
    df1, df2 = n - 1, (n - 1) * (k - 1)
    low = 1 - (1 - alpha) * stats.f.ppf(1 - gamma / 2, df1, df2)
    high = 1 - (1 - alpha) * stats.f.ppf(gamma / 2, df1, df2)
    return float(low), float(high)


def corrected_item_total(matrix: np.ndarray) -> np.ndarray:
    """Correlation of each item with the sum of the other items (NaN when undefined)."""
    total = matrix.sum(axis=1)
    out = np.full(matrix.shape[1], np.nan)
    for column in range(matrix.shape[1]):
        rest = total - matrix[:, column]
        item = matrix[:, column]
        if np.ptp(rest) > 0 and np.ptp(item) > 0:
            out[column] = np.corrcoef(item, rest)[0, 1]
    return out


def dimension_reliability(
    matrix: np.ndarray, item_ids: list[str], level: float = 0.95
) -> Reliability:
    """Alpha, Feldt CI and corrected item-total r on the complete cases of `matrix`."""
    complete = matrix[~np.isnan(matrix).any(axis=1)]
    n, k = complete.shape
    alpha = cronbach_alpha(complete)
    low = high = None
    if alpha is not None and n > 2:
        low, high = feldt_interval(alpha, n, k, level)
    item_total: dict[str, float | None] = {}
    if k >= 2 and n >= 3:
        item_total = {
            item: num(r) for item, r in zip(item_ids, corrected_item_total(complete), strict=True)
        }
    return Reliability(alpha, num(low), num(high), n, k, item_total)
