"""Property-based checks of every test the engine runs against independent oracles.

Oracles: pingouin (t-tests, Hedges' g, Cronbach's alpha), statsmodels (CIs, Holm, BH,
McNemar, chi-square), and textbook formulas written out here (normal approximations of
the rank tests as in R's wilcox.test, Fisher's test by summing hypergeometric
probabilities). Random data from hypothesis, a bounded number of examples each.
Tolerances: 1e-9 relative on statistics and p-values unless stated.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from scipy import stats

from evaluation.categorical import choice_table_test, fisher_2x2, mcnemar_exact, stuart_maxwell
from evaluation.means import hedges_g, paired_t, welch_t
from evaluation.multiplicity import benjamini_hochberg, holm
from evaluation.ranks import mann_whitney, wilcoxon_signed_rank
from evaluation.reliability import dimension_reliability

pingouin = pytest.importorskip("pingouin")
statsmodels = pytest.importorskip("statsmodels")

from statsmodels.stats.contingency_tables import SquareTable, Table, mcnemar  # noqa: E402
from statsmodels.stats.multitest import multipletests  # noqa: E402
from statsmodels.stats.weightstats import CompareMeans, DescrStatsW  # noqa: E402

FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
REL = 1e-9

likert = st.integers(min_value=1, max_value=5).map(float)
real = st.floats(min_value=-50, max_value=50, allow_nan=False).map(lambda x: round(x, 3))


def _pairs(values: st.SearchStrategy[float], low: int = 3, high: int = 40):
    return st.integers(low, high).flatmap(
        lambda n: st.tuples(st.lists(values, min_size=n, max_size=n),
                            st.lists(values, min_size=n, max_size=n))
    )  # fmt: skip


def _groups(values: st.SearchStrategy[float]):
    return st.tuples(st.lists(values, min_size=3, max_size=40),
                     st.lists(values, min_size=3, max_size=40))  # fmt: skip


@FAST
@given(_pairs(st.one_of(likert, real)))
def test_paired_t_and_dz_match_pingouin_and_statsmodels(data):
    pre, post = map(np.array, data)
    diff = post - pre
    assume(np.ptp(diff) > 1e-6)
    ours = paired_t(pre, post, alpha=0.05)
    oracle = pingouin.ttest(post, pre, paired=True).iloc[0]
    assert ours.statistic == pytest.approx(oracle["T"], rel=REL)
    assert ours.df == oracle["dof"]
    assert ours.p_value == pytest.approx(oracle["p_val"], rel=1e-7, abs=1e-300)
    assert ours.effect_size == pytest.approx(oracle["T"] / math.sqrt(len(diff)), rel=REL)
    low, high = DescrStatsW(diff).tconfint_mean(alpha=0.05)
    assert (ours.ci_low, ours.ci_high) == pytest.approx((low, high), rel=REL, abs=1e-12)
    low, high = DescrStatsW(diff).tconfint_mean(alpha=0.10)
    assert (ours.equivalence_ci_low, ours.equivalence_ci_high) == pytest.approx(
        (low, high), rel=REL, abs=1e-12
    )


@FAST
@given(_groups(st.one_of(likert, real)))
def test_welch_t_and_hedges_g_match_pingouin_and_statsmodels(data):
    pre, post = map(np.array, data)
    assume(np.ptp(pre) > 1e-6 and np.ptp(post) > 1e-6)
    ours = welch_t(pre, post, alpha=0.05)
    oracle = pingouin.ttest(post, pre, paired=False, correction=True).iloc[0]
    assert ours.statistic == pytest.approx(oracle["T"], rel=REL)
    assert ours.df == pytest.approx(oracle["dof"], rel=REL)
    assert ours.p_value == pytest.approx(oracle["p_val"], rel=1e-7)
    compare = CompareMeans(DescrStatsW(post), DescrStatsW(pre))
    low, high = compare.tconfint_diff(alpha=0.05, usevar="unequal")
    assert (ours.ci_low, ours.ci_high) == pytest.approx((low, high), rel=REL, abs=1e-12)
    expected_g = pingouin.compute_effsize(post, pre, paired=False, eftype="hedges")
    assert hedges_g(pre, post) == pytest.approx(expected_g, rel=REL)


def _wilcoxon_normal_p(diff: np.ndarray) -> float:
    """R's wilcox.test(paired, correct=TRUE) normal approximation, written out."""
    d = diff[diff != 0]
    n = len(d)
    ranks = stats.rankdata(np.abs(d))
    v = ranks[d > 0].sum()
    _, ties = np.unique(np.abs(d), return_counts=True)
    sigma = math.sqrt(n * (n + 1) * (2 * n + 1) / 24 - (ties**3 - ties).sum() / 48)
    z = v - n * (n + 1) / 4
    z = (z - math.copysign(0.5, z)) / sigma if z != 0 else 0.0
    return min(1.0, 2 * stats.norm.sf(abs(z)))


@FAST
@given(_pairs(likert, low=5, high=60))
def test_wilcoxon_with_ties_matches_the_normal_approximation_formula(data):
    pre, post = map(np.array, data)
    diff = post - pre
    assume((diff != 0).sum() >= 2)
    ours = wilcoxon_signed_rank(pre, post)
    assert ours.method == "asymptotic"  # likert differences always tie
    assert ours.p_value == pytest.approx(_wilcoxon_normal_p(diff), rel=1e-9)


@FAST
@given(st.lists(st.integers(-1000, 1000).filter(lambda v: v != 0), min_size=3, max_size=25,
                unique_by=abs))  # fmt: skip
def test_wilcoxon_exact_matches_pingouin(diffs):
    diff = np.array(diffs, dtype=float)
    ours = wilcoxon_signed_rank(np.zeros_like(diff), diff)
    assert ours.method == "exact"
    oracle = pingouin.wilcoxon(diff, method="exact").iloc[0]
    assert ours.p_value == pytest.approx(oracle["p_val"], rel=1e-9)
    assert ours.rank_biserial == pytest.approx(oracle["RBC"], rel=1e-9)


def _mann_whitney_normal_p(pre: np.ndarray, post: np.ndarray) -> float:
    """R's wilcox.test(correct=TRUE) normal approximation with tie correction."""
    n1, n2 = len(post), len(pre)
    ranks = stats.rankdata(np.concatenate([post, pre]))
    u = ranks[:n1].sum() - n1 * (n1 + 1) / 2
    _, ties = np.unique(np.concatenate([post, pre]), return_counts=True)
    n = n1 + n2
    sigma = math.sqrt(n1 * n2 / 12 * ((n + 1) - (ties**3 - ties).sum() / (n * (n - 1))))
    z = u - n1 * n2 / 2
    z = (z - math.copysign(0.5, z)) / sigma if z != 0 else 0.0
    return min(1.0, 2 * stats.norm.sf(abs(z)))


@FAST
@given(_groups(likert))
def test_mann_whitney_with_ties_matches_the_normal_approximation_formula(data):
    pre, post = map(np.array, data)
    assume(np.ptp(np.concatenate([pre, post])) > 0)
    ours = mann_whitney(pre, post)
    assert ours.method == "asymptotic"
    assert ours.p_value == pytest.approx(_mann_whitney_normal_p(pre, post), rel=1e-9)
    oracle = pingouin.mwu(post, pre, method="asymptotic").iloc[0]
    assert ours.statistic == oracle["U_val"]
    assert ours.rank_biserial == pytest.approx(oracle["RBC"], rel=1e-9, abs=1e-12)


@FAST
@given(st.lists(st.floats(0, 1, allow_nan=False), min_size=1, max_size=30))
def test_holm_and_bh_match_statsmodels(p_values):
    assert holm(p_values) == pytest.approx(
        list(multipletests(p_values, method="holm")[1]), rel=1e-12, abs=1e-15
    )
    assert benjamini_hochberg(p_values) == pytest.approx(
        list(multipletests(p_values, method="fdr_bh")[1]), rel=1e-12, abs=1e-15
    )


@FAST
@given(
    st.integers(5, 40).flatmap(
        lambda n: st.lists(st.lists(likert, min_size=n, max_size=n), min_size=2, max_size=6)
    )
)
def test_cronbach_alpha_matches_pingouin(columns):
    import pandas as pd

    matrix = np.array(columns).T
    total = matrix.sum(axis=1)
    assume(np.ptp(total) > 0)
    ours = dimension_reliability(matrix, [f"i{k}" for k in range(matrix.shape[1])])
    alpha, ci = pingouin.cronbach_alpha(pd.DataFrame(matrix))
    assert ours.alpha == pytest.approx(alpha, rel=1e-9, abs=1e-12)
    # pingouin rounds its CI to 3 decimals
    assert ours.ci_low == pytest.approx(ci[0], abs=5e-4 + 1e-9)
    assert ours.ci_high == pytest.approx(ci[1], abs=5e-4 + 1e-9)


def _fisher_by_hypergeometric(a: int, b: int, c: int, d: int) -> float:
    """Two-sided Fisher p: sum of table probabilities <= the observed one (R's rule)."""
    row, col, total = a + b, a + c, a + b + c + d
    support = range(max(0, row + col - total), min(row, col) + 1)
    probs = np.array([stats.hypergeom.pmf(x, total, col, row) for x in support])
    observed = stats.hypergeom.pmf(a, total, col, row)
    return float(min(1.0, probs[probs <= observed * (1 + 1e-7)].sum()))


@FAST
@given(st.lists(st.sampled_from([0.0, 1.0]), min_size=2, max_size=40),
       st.lists(st.sampled_from([0.0, 1.0]), min_size=2, max_size=40))  # fmt: skip
def test_fisher_matches_hypergeometric_sum(pre, post):
    pre, post = np.array(pre), np.array(post)
    ours = fisher_2x2(pre, post)
    a, b = int(pre.sum()), int((pre == 0).sum())
    c, d = int(post.sum()), int((post == 0).sum())
    assert ours.p_value == pytest.approx(_fisher_by_hypergeometric(a, b, c, d), rel=1e-9)


@FAST
@given(_pairs(st.sampled_from([0.0, 1.0]), low=2, high=60))
def test_mcnemar_exact_matches_statsmodels(data):
    pre, post = map(np.array, data)
    table = [
        [int(((pre == 1) & (post == 1)).sum()), int(((pre == 1) & (post == 0)).sum())],
        [int(((pre == 0) & (post == 1)).sum()), int(((pre == 0) & (post == 0)).sum())],
    ]
    oracle = mcnemar(table, exact=True)
    assert mcnemar_exact(pre, post).p_value == pytest.approx(oracle.pvalue, rel=1e-9)


@FAST
@given(st.integers(3, 5).flatmap(
    lambda k: st.lists(st.lists(st.integers(5, 200), min_size=k, max_size=k),
                       min_size=2, max_size=2)))  # fmt: skip
def test_chi_square_matches_statsmodels(counts):
    table = np.array(counts)
    ours = choice_table_test(table)
    assert ours is not None
    assume(ours.test == "chi_square")
    oracle = Table(table).test_nominal_association()
    assert ours.statistic == pytest.approx(oracle.statistic, rel=1e-9)
    assert ours.df == oracle.df
    # statsmodels takes 1 - cdf, which loses digits far in the tail: 1e-6 relative
    assert ours.p_value == pytest.approx(oracle.pvalue, rel=1e-6, abs=1e-15)


@FAST
@given(_pairs(st.integers(0, 3), low=8, high=60))
def test_stuart_maxwell_matches_statsmodels(data):
    pre, post = (np.array(x, dtype=float) for x in data)
    table = np.zeros((4, 4))
    np.add.at(table, (pre.astype(int), post.astype(int)), 1)
    used = (table.sum(axis=0) + table.sum(axis=1)) > 0
    reduced = table[np.ix_(used, used)]
    assume(reduced.shape[0] >= 2 and (reduced != reduced.T).any())
    ours = stuart_maxwell(pre, post, 4)
    try:
        oracle = SquareTable(reduced, shift_zeros=False).homogeneity(method="stuart_maxwell")
    except np.linalg.LinAlgError:
        assume(False)
    assume(ours is not None and np.isfinite(oracle.statistic))
    assert ours.statistic == pytest.approx(oracle.statistic, rel=1e-8)
    assert ours.df == oracle.df
    assert ours.p_value == pytest.approx(oracle.pvalue, rel=1e-6, abs=1e-15)
