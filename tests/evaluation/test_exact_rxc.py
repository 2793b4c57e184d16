"""Fisher's exact test on r x c tables (`evaluation.exact_rxc`) against references.

References: R's `fisher.test` (reference output of its documented example), scipy's
exact 2 x 2 test, and a brute-force oracle written out here that lists every table with
the observed margins one by one (no merging, no bounds) and sums P(T) over those with
P(T) <= P(observed) (1 + 1e-7), R's rule. Tolerance: 1e-6 relative unless stated.
"""

from __future__ import annotations

import math
from itertools import product

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import stats
from scipy.special import gammaln

from evaluation import exact_rxc
from evaluation.categorical import choice_table_test
from evaluation.exact_rxc import fisher_rxc

REL = 1e-6

#: Agresti (2002, p. 57) job satisfaction by income, as R's ?fisher.test example
#: `Job <- matrix(c(1,2,1,0, 3,3,6,1, 10,10,14,9, 6,7,12,11), 4, 4)`: R fills by column,
#: so R's table (income x satisfaction) is the transpose of this one.
JOB = np.array([[1, 2, 1, 0], [3, 3, 6, 1], [10, 10, 14, 9], [6, 7, 12, 11]])
#: Mehta & Patel (1983), 6th example (R's ?fisher.test `MP6`).
MP6 = np.array(
    [
        [1, 2, 2, 1, 1, 0, 1],
        [2, 0, 0, 2, 3, 0, 0],
        [0, 1, 1, 1, 2, 7, 3],
        [1, 1, 2, 0, 0, 0, 1],
        [0, 1, 1, 1, 1, 0, 0],
    ]
)
#: The youth-civic demo's `age_group` answers, pre and post (12_13, 14_15, 16_17, other):
#: scipy's unseeded Monte Carlo gave 0.8279, 0.8135, 0.8192 on three runs.
YOUTH_AGE = np.array([[11, 7, 4, 10], [6, 5, 5, 7]])
#: 817 answers over 8 choices, one rare: far more tables than the work limit allows.
BEYOND_LIMIT = np.array([[60, 55, 70, 48, 52, 66, 58, 3], [50, 65, 52, 70, 61, 49, 57, 1]])


def brute_force_p(table: np.ndarray) -> float:
    """Every table with the margins of `table`, listed one by one; sum of the extreme P(T).

    The first column is looped over in Python; the rest are filled cell by cell in
    arrays (each cell between what its row and column still need and allow).
    """
    t = np.asarray(table, dtype=np.int64)
    rows, cols = t.sum(axis=1), t.sum(axis=0)
    r, c = t.shape
    log_fact = gammaln(np.arange(t.sum() + 1) + 1.0)
    constant = log_fact[rows].sum() + log_fact[cols].sum() - log_fact[t.sum()]
    limit = constant - log_fact[t].sum() + math.log1p(1e-7)
    masses = []
    for first in product(*(range(min(x, cols[0]) + 1) for x in rows)):
        if sum(first) != cols[0]:
            continue
        left = (rows - np.array(first))[None, :]
        score = np.array([log_fact[list(first)].sum()])
        for j in range(1, c - 1):
            need = np.full(len(left), cols[j])
            for i in range(r):
                low = np.maximum.reduce(
                    [np.zeros_like(need), need - left[:, i + 1 :].sum(axis=1),
                     left[:, i] - cols[j + 1 :].sum()]
                )  # fmt: skip
                high = np.minimum(left[:, i], need)
                sizes = np.maximum(high - low + 1, 0)
                owner = np.repeat(np.arange(len(left)), sizes)
                offset = np.arange(sizes.sum()) - np.repeat(np.cumsum(sizes) - sizes, sizes)
                value = low[owner] + offset
                left, need = left[owner].copy(), need[owner] - value
                score = score[owner] + log_fact[value]
                left[:, i] -= value
        log_p = constant - (score + log_fact[left].sum(axis=1))  # last column: what is left
        masses.append(np.exp(log_p[log_p <= limit]).sum())
    return math.fsum(masses)


def test_job_satisfaction_reproduces_r() -> None:
    """R: fisher.test(Job) gives p-value = 0.7827 (tests/Examples/stats-Ex.Rout.save of R's
    sources); printed to 4 digits, so compared within half a unit of the last digit. Both
    orientations (R tests the transpose)."""
    for table in (JOB, JOB.T):
        result = fisher_rxc(table)
        assert result.method == "exact"
        assert result.p_value == pytest.approx(0.7827, abs=5e-5)


@pytest.mark.slow
def test_job_satisfaction_matches_enumeration_of_all_90_million_tables() -> None:
    """The same p-value to 1e-6 relative by listing all 90,208,550 tables (about 10 s)."""
    assert fisher_rxc(JOB).p_value == pytest.approx(brute_force_p(JOB), rel=REL)


def test_youth_age_group_matches_enumeration() -> None:
    """The table whose Monte Carlo p-value moved between runs: exact p = 0.8234 (the
    sum over the 1,643 tables with its margins), the same float on every call."""
    expected = brute_force_p(YOUTH_AGE)
    first, again = fisher_rxc(YOUTH_AGE), fisher_rxc(YOUTH_AGE)
    assert first.method == "exact"
    assert first.p_value == pytest.approx(expected, rel=REL)
    assert round(first.p_value, 4) == 0.8234
    assert first.p_value == again.p_value  # identical, not merely close


def test_brute_force_oracle_agrees_with_scipy_on_2x2() -> None:
    """The oracle itself: on 2 x 2 tables it gives scipy's exact hypergeometric p-value."""
    for table in ([[3, 1], [1, 3]], [[2, 15], [10, 3]], [[0, 5], [6, 1]]):
        oracle = stats.fisher_exact(table).pvalue
        assert brute_force_p(np.array(table)) == pytest.approx(oracle, rel=1e-9)


small_tables = st.integers(2, 3).flatmap(
    lambda r: st.integers(2, 4).flatmap(
        lambda c: st.lists(
            st.lists(st.integers(0, 6), min_size=c, max_size=c), min_size=r, max_size=r
        )
    )
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_tables)
def test_random_small_tables_match_enumeration(cells: list[list[int]]) -> None:
    table = np.array(cells)
    table = table[table.sum(axis=1) > 0][:, table.sum(axis=0) > 0]
    result = fisher_rxc(table)
    assert result.method == "exact"
    if min(table.shape, default=0) < 2:
        assert result.p_value == 1.0  # one row or column left: every table is this one
        return
    assert result.p_value == pytest.approx(min(1.0, brute_force_p(table)), rel=REL)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 60), min_size=4, max_size=4))
def test_2x2_matches_scipy_exact_test(cells: list[int]) -> None:
    """scipy.stats.fisher_exact on 2 x 2 tables is the exact hypergeometric test."""
    table = np.array(cells).reshape(2, 2)
    if (table.sum(axis=0) == 0).any() or (table.sum(axis=1) == 0).any():
        return
    oracle = stats.fisher_exact(table).pvalue
    assert fisher_rxc(table).p_value == pytest.approx(oracle, rel=1e-9)


def test_same_p_value_for_transposed_and_permuted_tables() -> None:
    """P(T) does not depend on the order of rows or columns (Mehta & Patel's MP6)."""
    p = fisher_rxc(MP6).p_value
    assert fisher_rxc(MP6.T).p_value == pytest.approx(p, rel=1e-9)
    assert fisher_rxc(MP6[[3, 0, 4, 2, 1]][:, [6, 2, 0, 5, 1, 4, 3]]).p_value == pytest.approx(
        p, rel=1e-9
    )


def test_empty_rows_and_columns_change_nothing() -> None:
    padded = np.zeros((3, 6), dtype=int)
    padded[:2, 1:5] = YOUTH_AGE
    assert fisher_rxc(padded).p_value == fisher_rxc(YOUTH_AGE).p_value
    assert fisher_rxc(np.array([[3, 4, 5]])) == exact_rxc.RxCResult(1.0, "exact")


def test_beyond_the_work_limit_a_seeded_monte_carlo_estimate() -> None:
    """A table past `MAX_WORK` gets scipy's Monte Carlo p-value with a fixed seed: the same
    float on every call, within 5 standard errors of the exact value (computed here with
    no limit, about a second)."""
    first, again = fisher_rxc(BEYOND_LIMIT), fisher_rxc(BEYOND_LIMIT)
    assert first.method == "monte_carlo"
    assert first.p_value == again.p_value
    exact = fisher_rxc(BEYOND_LIMIT, max_work=10**9)
    assert exact.method == "exact"
    standard_error = math.sqrt(exact.p_value * (1 - exact.p_value) / 99_999)
    assert abs(first.p_value - exact.p_value) < 5 * standard_error


def test_a_tiny_work_limit_falls_back_too() -> None:
    result = fisher_rxc(JOB, max_work=1_000)
    assert result.method == "monte_carlo"
    assert result == fisher_rxc(JOB, max_work=1_000)
    assert result.p_value == pytest.approx(0.7827, abs=0.01)  # R's simulated: 0.7842


def test_choice_table_test_uses_the_exact_p_value() -> None:
    result = choice_table_test(YOUTH_AGE)
    assert result is not None
    assert (result.test, result.method, result.statistic) == ("fisher_exact", "exact", None)
    assert result.p_value == fisher_rxc(YOUTH_AGE).p_value
    fallback = choice_table_test(BEYOND_LIMIT)
    assert fallback is not None
    assert (fallback.test, fallback.method) == ("fisher_exact", "monte_carlo")


def test_choice_table_2x2_keeps_scipy_and_says_exact() -> None:
    result = choice_table_test(np.array([[3, 1], [1, 3]]))
    assert result is not None and result.method == "exact"
    assert result.p_value == pytest.approx(34 / 70, abs=1e-12)  # Fisher's tea tasting
