"""Rank tests: Wilcoxon signed-rank (paired) and Mann-Whitney U (independent groups).

Both follow the defaults of R's `wilcox.test`, so results can be checked against it, and
pass every option to scipy explicitly (scipy's own defaults changed across versions):

* Wilcoxon signed-rank on d = post - pre: `scipy.stats.wilcoxon(d, zero_method="wilcox",
  correction=..., alternative="two-sided", method=...)`. Zero differences are dropped
  ("wilcox", as R does). `method="exact"` when fewer than 50 non-zero differences remain
  and none are tied or zero; otherwise `method="asymptotic"` (normal approximation with
  the tie-corrected variance) with the continuity correction (`correction=True`).
* Mann-Whitney U: `scipy.stats.mannwhitneyu(post, pre, use_continuity=True,
  alternative="two-sided", method=...)`, `method="exact"` when both groups have fewer
  than 50 values and there are no ties, otherwise `"asymptotic"` (tie-corrected normal
  approximation with continuity correction). The reported statistic is U of `post`.
* The rank-biserial correlation is reported as the effect size of each: matched-pairs
  r = (W+ - W-) / (W+ + W-) (Kerby 2014) and r = 2 U / (n1 n2) - 1 for Mann-Whitney
  (positive = post higher).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from evaluation._numbers import num

EXACT_LIMIT = 50


@dataclass(frozen=True)
class RankTest:
    """The result of a rank test: name, statistic, p-value, the scipy method used."""

    test: str
    n: int
    statistic: float | None
    p_value: float | None
    method: str | None
    rank_biserial: float | None


def wilcoxon_signed_rank(pre: np.ndarray, post: np.ndarray) -> RankTest:
    """Wilcoxon signed-rank test of post - pre (R's `wilcox.test(paired=TRUE)` rules)."""
    diff = np.asarray(post, dtype=float) - np.asarray(pre, dtype=float)
    nonzero = diff[diff != 0]
    n = len(nonzero)
    if n == 0:
        return RankTest("wilcoxon", len(diff), None, None, None, None)
    magnitudes = np.abs(nonzero)
    has_ties = len(np.unique(magnitudes)) < n
    has_zeros = n < len(diff)
    exact = n < EXACT_LIMIT and not has_ties and not has_zeros
    method = "exact" if exact else "asymptotic"
    result = stats.wilcoxon(
        diff,
        zero_method="wilcox",
        correction=not exact,
        alternative="two-sided",
        method=method,
    )
    ranks = stats.rankdata(magnitudes)
    positive = float(ranks[nonzero > 0].sum())
    negative = float(ranks[nonzero < 0].sum())
    return RankTest(
        test="wilcoxon",
        n=len(diff),
        statistic=num(result.statistic),
        p_value=num(result.pvalue),
        method=method,
        rank_biserial=num((positive - negative) / (positive + negative)),
    )


def mann_whitney(pre: np.ndarray, post: np.ndarray) -> RankTest:
    """Mann-Whitney U test of post vs pre (R's `wilcox.test(paired=FALSE)` rules)."""
    pre = np.asarray(pre, dtype=float)
    post = np.asarray(post, dtype=float)
    n1, n2 = len(pre), len(post)
    if n1 == 0 or n2 == 0:
        return RankTest("mann_whitney", n1 + n2, None, None, None, None)
    pooled = np.concatenate([pre, post])
    has_ties = len(np.unique(pooled)) < len(pooled)
    exact = n1 < EXACT_LIMIT and n2 < EXACT_LIMIT and not has_ties
    method = "exact" if exact else "asymptotic"
    if np.ptp(pooled) == 0:  # all values equal: no evidence either way
        return RankTest("mann_whitney", n1 + n2, num(n1 * n2 / 2), 1.0, method, 0.0)
    result = stats.mannwhitneyu(
        post, pre, use_continuity=True, alternative="two-sided", method=method
    )
    return RankTest(
        test="mann_whitney",
        n=n1 + n2,
        statistic=num(result.statistic),
        p_value=num(result.pvalue),
        method=method,
        rank_biserial=num(2 * result.statistic / (n1 * n2) - 1),
    )
