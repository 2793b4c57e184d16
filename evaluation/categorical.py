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
  below 5 and the table holds at most 1,000 answers, Fisher's exact test instead. A 2 x 2
  table gets `scipy.stats.fisher_exact(table)`. A larger one gets the exact
  Fisher-Freeman-Halton p-value of `evaluation.exact_rxc.fisher_rxc`: the sum of P(T)
  over all tables T with the observed margins and P(T) <= P(observed) (1 + 1e-7), as R's
  `fisher.test` (scipy's `fisher_exact` would estimate it by unseeded Monte Carlo for
  such tables, a different p-value on every run). A table too large to enumerate within
  `exact_rxc.MAX_WORK` gets a Monte Carlo estimate with a fixed seed instead; `method`
  says which ("exact" or "monte_carlo"), the test name stays `fisher_exact`.
* Paired choice items also get the Stuart-Maxwell test of marginal homogeneity (Stuart
  1955; Maxwell 1970) on the k x k table of (before, after) choices of the same people:
  d_i = n_i. - n_.i, V_ii = n_i. + n_.i - 2 n_ii, V_ij = -(n_ij + n_ji) over the first k-1
  categories, X2 = d' V^-1 d with k - 1 df (`scipy.stats.chi2.sf`). It respects the
  pairing that the chi-square above ignores; it is reported next to it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from evaluation._numbers import num
from evaluation.exact_rxc import fisher_rxc

SMALL_EXPECTED = 5.0
EXACT_TABLE_LIMIT = 1000


@dataclass(frozen=True)
class CategoricalTest:
    """The name, statistic (if any) and p-value of a test on counts."""

    test: str
    statistic: float | None
    p_value: float | None
    df: float | None = None
    #: how the p-value was computed where there is a choice: "exact" or "monte_carlo"
    method: str | None = None


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
        if table.shape == (2, 2):
            result = stats.fisher_exact(table)  # exact hypergeometric test, deterministic
            return CategoricalTest(
                "fisher_exact", num(result.statistic), num(result.pvalue), method="exact"
            )
        exact = fisher_rxc(table)
        return CategoricalTest("fisher_exact", None, num(exact.p_value), method=exact.method)
    result = stats.chi2_contingency(table, correction=False)
    return CategoricalTest("chi_square", num(result.statistic), num(result.pvalue), num(result.dof))


def stuart_maxwell(pre: np.ndarray, post: np.ndarray, k: int) -> CategoricalTest | None:
    """Stuart-Maxwell marginal homogeneity test on paired choice codes 0..k-1 (no NaN)."""
    table = np.zeros((k, k), dtype=float)
    np.add.at(table, (pre.astype(int), post.astype(int)), 1)
    used = (table.sum(axis=0) + table.sum(axis=1)) > 0
    table = table[np.ix_(used, used)]
    size = table.shape[0]
    if size < 2:
        return None
    rows, columns = table.sum(axis=1), table.sum(axis=0)
    d = (rows - columns)[:-1]
    covariance = -(table + table.T)
    np.fill_diagonal(covariance, rows + columns - 2 * np.diag(table))
    covariance = covariance[:-1, :-1]
    if not d.any():
        return CategoricalTest("stuart_maxwell", 0.0, 1.0, float(size - 1))
    try:
        statistic = float(d @ np.linalg.solve(covariance, d))
    except np.linalg.LinAlgError:
        return None
    df = size - 1
    return CategoricalTest(
        "stuart_maxwell", num(statistic), num(stats.chi2.sf(statistic, df)), float(df)
    )
