"""The partially overlapping samples t-test: pairs and single-wave respondents together.

When some participants answered both waves and others only one, dropping the singles
(a paired test on the pairs) wastes answers, and treating everyone as independent (Welch)
ignores the pairing. Derrick, Russ, Toher & White (2017) give a t-statistic that uses
every observation; Derrick, Toher & White (2017, The Quantitative Methods in Psychology
13(2), 120-126) show how to compute it. With sample 1 = the follow-up wave and sample 2 =
the baseline:

* n_a: follow-up only, n_b: baseline only, n_c: pairs; n1 = n_a + n_c, n2 = n_b + n_c;
* x̄1, x̄2, S1, S2: mean and SD (n - 1) of all observations of each wave; r: Pearson
  correlation of the pairs (0 when either side of the pairs has no spread);
* Tnew2 (default, unequal variances):
  T = (x̄1 - x̄2) / sqrt(S1²/n1 + S2²/n2 - 2 r S1 S2 n_c / (n1 n2)),
  df = (n_c - 1) + (γ - n_c + 1) (n_a + n_b) / (n_a + n_b + 2 n_c), with γ the
  Welch-Satterthwaite df of the two waves;
* Tnew1 (`equal_var=True`): the pooled SD S_p replaces S1 and S2,
  T = (x̄1 - x̄2) / (S_p sqrt(1/n1 + 1/n2 - 2 r n_c / (n1 n2))),
  df = (n_c - 1) + (n_a + n_b + n_c - 1) (n_a + n_b) / (n_a + n_b + 2 n_c).

Two-sided p from Student's t with that df, CI = estimate ± t_{1-α/2, df} x SE: the same
as R's `Partiallyoverlapping::Partover.test` (x1 = follow-up only, x2 = baseline only,
x3/x4 = the pairs' follow-up/baseline). With no singles it is the paired t-test.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats

from evaluation._numbers import num
from evaluation.means import MeanComparison

TEST_NAME = "partial_overlap_t"


def _correlation(x: np.ndarray, y: np.ndarray) -> float:
    if len(x) < 2 or np.ptp(x) == 0 or np.ptp(y) == 0:
        return 0.0
    return float(np.corrcoef(x, y)[0, 1])


def partial_overlap_t(
    pre_only: np.ndarray,
    post_only: np.ndarray,
    pre_paired: np.ndarray,
    post_paired: np.ndarray,
    alpha: float = 0.05,
    *,
    equal_var: bool = False,
) -> MeanComparison:
    """Tnew2 (or Tnew1 with `equal_var`) of post - pre on partially overlapping samples.

    `pre_paired[i]` and `post_paired[i]` are the same participant; the `*_only` arrays
    are those who answered one wave. Needs at least 2 pairs; no NaN.
    """
    pre_only, post_only = np.asarray(pre_only, float), np.asarray(post_only, float)
    pre_paired, post_paired = np.asarray(pre_paired, float), np.asarray(post_paired, float)
    n_a, n_b, n_c = len(post_only), len(pre_only), len(pre_paired)
    post_all = np.concatenate([post_only, post_paired])
    pre_all = np.concatenate([pre_only, pre_paired])
    n1, n2 = len(post_all), len(pre_all)
    post_mean = num(post_all.mean()) if n1 else None
    pre_mean = num(pre_all.mean()) if n2 else None
    change = post_mean - pre_mean if post_mean is not None and pre_mean is not None else None
    if n_c < 2 or change is None:
        return MeanComparison.untested(TEST_NAME, "cohen_d_av", n2, n1, pre_mean, post_mean, change)
    var1, var2 = float(np.var(post_all, ddof=1)), float(np.var(pre_all, ddof=1))
    r = _correlation(post_paired, pre_paired)
    if equal_var:
        pooled = ((n1 - 1) * var1 + (n2 - 1) * var2) / (n1 + n2 - 2)
        se_squared = pooled * (1 / n1 + 1 / n2 - 2 * r * n_c / (n1 * n2))
        df = (n_c - 1) + (n_a + n_b + n_c - 1) / (n_a + n_b + 2 * n_c) * (n_a + n_b)
    else:
        se_squared = var1 / n1 + var2 / n2 - 2 * r * math.sqrt(var1 * var2) * n_c / (n1 * n2)
        welch_df = (var1 / n1 + var2 / n2) ** 2 / (
            (var1 / n1) ** 2 / (n1 - 1) + (var2 / n2) ** 2 / (n2 - 1)
        )
        df = (n_c - 1) + (welch_df - n_c + 1) / (n_a + n_b + 2 * n_c) * (n_a + n_b)
    spread = math.sqrt((var1 + var2) / 2)
    effect = num(change / spread) if spread > 0 else None
    if not se_squared > 0 or not math.isfinite(df):  # no spread: nothing to test
        return MeanComparison(
            TEST_NAME, n2, n1, pre_mean, post_mean, change, change, change, change, change,
            statistic=None, df=None, p_value=None, effect_size=effect,
            effect_size_kind="cohen_d_av",
        )  # fmt: skip
    se = math.sqrt(se_squared)
    statistic = change / se
    p_value = float(2 * stats.t.sf(abs(statistic), df))
    half = float(stats.t.ppf(1 - alpha / 2, df)) * se
    half_eq = float(stats.t.ppf(1 - alpha, df)) * se
    return MeanComparison(
        test=TEST_NAME,
        n_pre=n2,
        n_post=n1,
        pre_mean=pre_mean,
        post_mean=post_mean,
        mean_change=change,
        ci_low=num(change - half),
        ci_high=num(change + half),
        equivalence_ci_low=num(change - half_eq),
        equivalence_ci_high=num(change + half_eq),
        statistic=num(statistic),
        df=num(df),
        p_value=num(p_value),
        effect_size=effect,
        effect_size_kind="cohen_d_av",
    )
