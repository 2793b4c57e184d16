"""Tests for yes/no and choice items.

* McNemar's exact test (paired yes/no): the two-sided binomial test of the discordant
  pairs, b = yes->no... precisely b = pre 1 & post 0 and c = pre 0 & post 1, against
  p = 1/2: `scipy.stats.binomtest(c, b + c, 0.5, alternative="two-sided")`
  (p = min(1, 2 P(X <= min(b, c))), statsmodels' `mcnemar(exact=True)`).
* Fisher's exact test (independent yes/no): `scipy.stats.fisher_exact(table,
  alternative="two-sided")` on [[pre yes, pre no], [post yes, post no]].
* Choice items (waves x choices table, choices never chosen dropped): Pearson's
  chi-square test of homogeneity without continuity correction,
  `scipy.stats.chi2_contingency(table, correction=False)`; when any expected count is
  below 5 and the table holds at most 1,000 answers, Fisher's exact test instead
  (`scipy.stats.fisher_exact(table)`: the 2 x 2 test, or for larger tables the exact
  test over all tables with the observed margins, Freeman-Halton).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from evaluation._numbers import num

SMALL_EXPECTED = 5.0
EXACT_TABLE_LIMIT = 1000


@dataclass(frozen=True)
class CategoricalTest:
    """The name, statistic (if any) and p-value of a test on counts."""

    test: str
    statistic: float | None
    p_value: float | None
    df: float | None = None


def mcnemar_exact(pre: np.ndarray, post: np.ndarray) -> CategoricalTest:
    """McNemar's exact test on paired 0/1 answers (aligned arrays, no NaN)."""
    pre = np.asarray(pre, dtype=float)
    post = np.asarray(post, dtype=float)
    became_no = int(((pre == 1) & (post == 0)).sum())
    became_yes = int(((pre == 0) & (post == 1)).sum())
    discordant = became_no + became_yes
    if discordant == 0:
        return CategoricalTest("mcnemar_exact", 0.0, 1.0)
    result = stats.binomtest(became_yes, discordant, 0.5, alternative="two-sided")
    return CategoricalTest("mcnemar_exact", float(min(became_no, became_yes)), num(result.pvalue))


def fisher_2x2(pre: np.ndarray, post: np.ndarray) -> CategoricalTest:
    """Fisher's exact test of the yes-rate in two independent groups of 0/1 answers."""
    table = [
        [int((pre == 1).sum()), int((pre == 0).sum())],
        [int((post == 1).sum()), int((post == 0).sum())],
    ]
    result = stats.fisher_exact(table, alternative="two-sided")
    return CategoricalTest("fisher_exact", num(result.statistic), num(result.pvalue))


def choice_table_test(table: np.ndarray) -> CategoricalTest | None:
    """Chi-square (or Fisher's exact when counts are small) on a waves x choices table."""
    table = np.asarray(table, dtype=np.int64)
    table = table[:, table.sum(axis=0) > 0]
    if table.shape[1] < 2 or (table.sum(axis=1) == 0).any():
        return None
    expected = stats.contingency.expected_freq(table)
    if expected.min() < SMALL_EXPECTED and table.sum() <= EXACT_TABLE_LIMIT:
        result = stats.fisher_exact(table)
        statistic = num(result.statistic) if table.shape == (2, 2) else None
        return CategoricalTest("fisher_exact", statistic, num(result.pvalue))
    result = stats.chi2_contingency(table, correction=False)
    return CategoricalTest("chi_square", num(result.statistic), num(result.pvalue), num(result.dof))
