"""Comparisons of mean scores between two waves: paired t and Welch t, with effect sizes.

* Paired t-test (Student 1908) on the differences d = post - pre of the participants
  scored in both waves: t = mean(d) / (sd(d) / sqrt(n)), df = n - 1, two-sided p, and the
  confidence interval mean(d) +/- t_{1-alpha/2, n-1} * sd(d)/sqrt(n).
  scipy call: `scipy.stats.ttest_rel(post, pre, alternative="two-sided")` and its
  `.confidence_interval(confidence_level)`.
* Welch's t-test (Welch 1947) for two independent groups with unequal variances:
  t = (m_post - m_pre) / sqrt(s_post^2/n_post + s_pre^2/n_pre), Welch-Satterthwaite df
  (fractional). scipy call: `scipy.stats.ttest_ind(post, pre, equal_var=False)`.
* No spread at all (every difference equal; or every answer equal within each wave):
  the t-test has no standard error, so the deterministic result gets the exact test
  made for it: the two-sided exact sign test (`sign_exact`, p = 2 x 0.5^n for n equal
  non-zero differences, also the exact Wilcoxon signed-rank p-value), or the exact
  Mann-Whitney p-value 2 / C(n1 + n2, n1) (`mann_whitney_exact`); the CI is the change.
* Cohen's d_z (paired): mean(d) / sd(d) (sd with n - 1), i.e. t / sqrt(n).
* Hedges' g (unpaired): (m_post - m_pre) / s_pooled with
  s_pooled = sqrt(((n1-1) s1^2 + (n2-1) s2^2) / (n1 + n2 - 2)), times the small-sample
  correction J = 1 - 3 / (4 (n1 + n2) - 9) (Hedges 1981, the usual approximation of the
  exact gamma-function form; the same as pingouin's `compute_effsize(eftype="hedges")`).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
from scipy import stats

from evaluation._numbers import num


@dataclass(frozen=True)
class MeanComparison:
    """A two-sided t-test of post - pre with its CI and the equivalence CI (1 - 2 alpha)."""

    test: str
    n_pre: int
    n_post: int
    pre_mean: float | None
    post_mean: float | None
    mean_change: float | None
    ci_low: float | None
    ci_high: float | None
    equivalence_ci_low: float | None
    equivalence_ci_high: float | None
    statistic: float | None
    df: float | None
    p_value: float | None
    effect_size: float | None
    effect_size_kind: str

    @classmethod
    def untested(
        cls,
        test: str,
        effect_size_kind: str,
        n_pre: int,
        n_post: int,
        pre_mean: float | None,
        post_mean: float | None,
        mean_change: float | None,
    ) -> MeanComparison:
        """Too few values for the test: the means and the change, nothing inferred."""
        return cls(
            test, n_pre, n_post, pre_mean, post_mean, mean_change,
            ci_low=None, ci_high=None, equivalence_ci_low=None, equivalence_ci_high=None,
            statistic=None, df=None, p_value=None, effect_size=None,
            effect_size_kind=effect_size_kind,
        )  # fmt: skip


def _interval(result: object, level: float) -> tuple[float | None, float | None]:
    ci = result.confidence_interval(confidence_level=level)  # type: ignore[attr-defined]
    return num(ci.low), num(ci.high)


def paired_t(pre: np.ndarray, post: np.ndarray, alpha: float = 0.05) -> MeanComparison:
    """Paired t-test of post - pre (arrays aligned by participant, no NaN)."""
    pre = np.asarray(pre, dtype=float)
    post = np.asarray(post, dtype=float)
    n = len(pre)
    diff = post - pre
    mean_change = num(diff.mean()) if n else None
    if n < 2:
        return MeanComparison.untested(
            "paired_t",
            "cohen_dz",
            n,
            n,
            num(pre.mean()) if n else None,
            num(post.mean()) if n else None,
            mean_change,
        )
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        result = stats.ttest_rel(post, pre, alternative="two-sided")
        low, high = _interval(result, 1 - alpha)
        eq_low, eq_high = _interval(result, 1 - 2 * alpha)
        sd = diff.std(ddof=1)
        dz = diff.mean() / sd if sd > 0 else np.nan
    statistic, df, p_value = num(result.statistic), num(result.df), num(result.pvalue)
    test = "paired_t"
    if np.ptp(diff) == 0:  # every difference equal: no standard error, the t-test is undefined
        low = high = eq_low = eq_high = mean_change
        test, statistic, df = "sign_exact", float((diff > 0).sum()), None
        p_value = exact_sign_p(int((diff > 0).sum()), int((diff < 0).sum()))
    return MeanComparison(
        test=test,
        n_pre=n,
        n_post=n,
        pre_mean=num(pre.mean()),
        post_mean=num(post.mean()),
        mean_change=mean_change,
        ci_low=low,
        ci_high=high,
        equivalence_ci_low=eq_low,
        equivalence_ci_high=eq_high,
        statistic=statistic,
        df=df,
        p_value=p_value,
        effect_size=num(dz),
        effect_size_kind="cohen_dz",
    )


def exact_sign_p(positive: int, negative: int) -> float:
    """Two-sided exact sign test (zeros dropped): `scipy.stats.binomtest(k, n, 0.5)`.

    Used when every difference is the same number, where the t-test has no standard
    error: then the exact Wilcoxon signed-rank p-value is the same, 2 x 0.5^n.
    """
    n = positive + negative
    if n == 0:
        return 1.0
    return float(stats.binomtest(positive, n, 0.5).pvalue)


def hedges_g(pre: np.ndarray, post: np.ndarray) -> float | None:
    """Hedges' g of post vs pre with J = 1 - 3 / (4 (n1 + n2) - 9)."""
    n1, n2 = len(pre), len(post)
    if n1 < 2 or n2 < 2:
        return None
    pooled = np.sqrt(
        ((n1 - 1) * np.var(pre, ddof=1) + (n2 - 1) * np.var(post, ddof=1)) / (n1 + n2 - 2)
    )
    if not pooled > 0:
        return None
    correction = 1 - 3 / (4 * (n1 + n2) - 9)
    return num((np.mean(post) - np.mean(pre)) / pooled * correction)


def welch_t(pre: np.ndarray, post: np.ndarray, alpha: float = 0.05) -> MeanComparison:
    """Welch's unequal-variance t-test of post vs pre (independent groups, no NaN)."""
    pre = np.asarray(pre, dtype=float)
    post = np.asarray(post, dtype=float)
    n1, n2 = len(pre), len(post)
    pre_mean = num(pre.mean()) if n1 else None
    post_mean = num(post.mean()) if n2 else None
    change = post_mean - pre_mean if pre_mean is not None and post_mean is not None else None
    if n1 < 2 or n2 < 2:
        return MeanComparison.untested("welch_t", "hedges_g", n1, n2, pre_mean, post_mean, change)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        result = stats.ttest_ind(post, pre, equal_var=False, alternative="two-sided")
        low, high = _interval(result, 1 - alpha)
        eq_low, eq_high = _interval(result, 1 - 2 * alpha)
    statistic, df, p_value = num(result.statistic), num(result.df), num(result.pvalue)
    test = "welch_t"
    if np.ptp(pre) == 0 and np.ptp(post) == 0:  # no spread at all: the t-test is undefined
        low = high = eq_low = eq_high = change
        test, df = "mann_whitney_exact", None
        statistic = float(n1 * n2) if post[0] > pre[0] else 0.0 if post[0] < pre[0] else n1 * n2 / 2
        p_value = 1.0 if post[0] == pre[0] else min(1.0, 2 / math.comb(n1 + n2, n1))
    return MeanComparison(
        test=test,
        n_pre=n1,
        n_post=n2,
        pre_mean=pre_mean,
        post_mean=post_mean,
        mean_change=change,
        ci_low=low,
        ci_high=high,
        equivalence_ci_low=eq_low,
        equivalence_ci_high=eq_high,
        statistic=statistic,
        df=df,
        p_value=p_value,
        effect_size=hedges_g(pre, post),
        effect_size_kind="hedges_g",
    )
