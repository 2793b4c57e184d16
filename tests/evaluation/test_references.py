"""Each building block against a published result (source and tolerance named per test)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from evaluation.categorical import choice_table_test, fisher_2x2, mcnemar_exact
from evaluation.means import hedges_g, paired_t, welch_t
from evaluation.multiplicity import benjamini_hochberg, holm
from evaluation.power import minimum_detectable_effect, sample_size, t_test_power
from evaluation.ranks import mann_whitney, wilcoxon_signed_rank
from evaluation.reliability import cronbach_alpha, dimension_reliability, feldt_interval
from tests.evaluation.conftest import SLEEP_GROUP_1, SLEEP_GROUP_2

GROUP_1 = np.array(SLEEP_GROUP_1)
GROUP_2 = np.array(SLEEP_GROUP_2)

#: Benjamini & Hochberg (1995), section 4.1; statsmodels' multipletests example.
BH_1995 = [0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459,
           0.3240, 0.4262, 0.5719, 0.6528, 0.7590, 1.000]  # fmt: skip


def test_paired_t_reproduces_r_sleep() -> None:
    """R: t.test(extra ~ group, data = sleep, paired = TRUE) (group 1 - group 2):
    t = -4.0621, df = 9, p-value = 0.002833, 95% CI -2.4598858 -0.7001142, mean diff -1.58."""
    result = paired_t(pre=GROUP_2, post=GROUP_1)
    assert result.statistic == pytest.approx(-4.0621, abs=5e-5)
    assert result.df == 9
    assert result.p_value == pytest.approx(0.002833, abs=5e-7)
    assert result.ci_low == pytest.approx(-2.4598858, abs=5e-7)
    assert result.ci_high == pytest.approx(-0.7001142, abs=5e-7)
    assert result.mean_change == pytest.approx(-1.58, abs=1e-12)
    # Cohen's d_z = t / sqrt(n)
    assert result.effect_size == pytest.approx(-4.0621 / np.sqrt(10), abs=5e-5)


def test_welch_t_reproduces_r_sleep() -> None:
    """R: t.test(extra ~ group, data = sleep) (Welch): t = -1.8608, df = 17.776,
    p-value = 0.07939, 95% CI -3.3654832 0.2054832."""
    result = welch_t(pre=GROUP_2, post=GROUP_1)
    assert result.statistic == pytest.approx(-1.8608, abs=5e-5)
    assert result.df == pytest.approx(17.776, abs=5e-4)
    assert result.p_value == pytest.approx(0.07939, abs=5e-6)
    assert result.ci_low == pytest.approx(-3.3654832, abs=5e-7)
    assert result.ci_high == pytest.approx(0.2054832, abs=5e-7)


def test_hedges_g_on_sleep() -> None:
    """Cohen's d of the sleep groups = -1.58 / s_pooled (s_pooled = sqrt((3.2006 + 4.009)/2)),
    times J = 1 - 3/(4*20 - 9) (Hedges & Olkin 1985, eq. 5.10 approximation); 1e-9."""
    s_pooled = np.sqrt((np.var(GROUP_1, ddof=1) + np.var(GROUP_2, ddof=1)) / 2)
    expected = -1.58 / s_pooled * (1 - 3 / 71)
    assert hedges_g(GROUP_2, GROUP_1) == pytest.approx(expected, abs=1e-9)
    assert s_pooled == pytest.approx(1.8986, abs=5e-5)


def test_wilcoxon_exact_reproduces_darwin_corn() -> None:
    """Darwin's Zea mays differences (Fisher 1935; R: wilcox.test(d), exact): V = 96,
    two-sided p = 0.04126 (exact: 1352/32768 = 0.041259765625)."""
    diffs = np.array([6, 8, 14, 16, 23, 24, 28, 29, 41, -48, 49, 56, 60, -67, 75], dtype=float)
    result = wilcoxon_signed_rank(np.zeros_like(diffs), diffs)
    assert result.method == "exact"
    assert result.p_value == pytest.approx(0.041259765625, abs=1e-12)
    assert result.rank_biserial == pytest.approx((96 - 24) / 120, abs=1e-12)


def test_wilcoxon_with_ties_uses_normal_approximation_with_correction() -> None:
    """R: wilcox.test(extra ~ group, data = sleep, paired = TRUE) (ties and a zero):
    V = 0, p-value = 0.009091 (normal approximation, continuity correction)."""
    result = wilcoxon_signed_rank(pre=GROUP_1, post=GROUP_2)
    assert result.method == "asymptotic"
    assert result.p_value == pytest.approx(0.009091, abs=5e-7)


def test_mann_whitney_reproduces_hollander_wolfe() -> None:
    """Hollander & Wolfe (1973, p. 69), R's ?wilcox.test example: x = permeability at
    12-26 weeks, y = at term; wilcox.test(x, y, alternative = "g"): W = 35, p = 0.1272,
    so the exact two-sided p is 0.2544 (2 x 0.1272, rounding of R's print: 5e-4)."""
    x = np.array([0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46])
    y = np.array([1.15, 0.88, 0.90, 0.74, 1.21])
    result = mann_whitney(pre=y, post=x)
    assert result.method == "exact"
    assert result.statistic == 35
    assert result.p_value == pytest.approx(2 * 0.1272, abs=5e-4)
    assert result.rank_biserial == pytest.approx(2 * 35 / 50 - 1)


def test_fisher_reproduces_tea_tasting() -> None:
    """Fisher (1935) lady tasting tea, [[3, 1], [1, 3]]: two-sided p = 0.4857 (R:
    fisher.test(matrix(c(3, 1, 1, 3), 2)), p-value = 0.4857; exact 34/70)."""
    pre = np.array([1, 1, 1, 0], dtype=float)
    post = np.array([1, 0, 0, 0], dtype=float)
    result = fisher_2x2(pre, post)
    assert result.test == "fisher_exact"
    assert result.p_value == pytest.approx(34 / 70, abs=1e-12)
    assert round(result.p_value, 4) == 0.4857


def test_mcnemar_exact_reproduces_fagerland_2013() -> None:
    """Fagerland, Lydersen & Laake (2013), BMC Med Res Methodol 13:91, Table 1 (Bentur et
    al. airway hyper-responsiveness, b = 1, c = 7): exact conditional p = 0.070
    (= 2 * 9/256 = 0.0703125)."""
    pre = np.array([1] * 1 + [0] * 7 + [1] * 5 + [0] * 8, dtype=float)
    post = np.array([0] * 1 + [1] * 7 + [1] * 5 + [0] * 8, dtype=float)
    result = mcnemar_exact(pre, post)
    assert result.test == "mcnemar_exact"
    assert result.p_value == pytest.approx(0.0703125, abs=1e-12)


def test_mcnemar_without_discordant_pairs_is_one() -> None:
    same = np.array([1, 0, 1], dtype=float)
    assert mcnemar_exact(same, same).p_value == 1.0


def test_chi_square_reproduces_agresti_party_gender() -> None:
    """Agresti (2007), Table 2.5 / R's ?chisq.test example (gender x party):
    M = [[762, 327, 468], [484, 239, 477]]: X-squared = 30.07, df = 2, p = 2.954e-07."""
    result = choice_table_test(np.array([[762, 327, 468], [484, 239, 477]]))
    assert result is not None and result.test == "chi_square"
    assert result.statistic == pytest.approx(30.07, abs=5e-3)
    assert result.df == 2
    assert result.p_value == pytest.approx(2.954e-07, abs=5e-10)


def test_small_choice_table_uses_fisher_exact() -> None:
    """Expected counts below 5 switch to Fisher's exact test (tea table again: 0.4857)."""
    result = choice_table_test(np.array([[3, 1], [1, 3]]))
    assert result is not None and result.test == "fisher_exact"
    assert result.p_value == pytest.approx(34 / 70, abs=1e-12)


def test_benjamini_hochberg_rejects_four_of_bh_1995() -> None:
    """Benjamini & Hochberg (1995): at q = 0.05 the step-up procedure rejects 4 of 15."""
    adjusted = benjamini_hochberg(BH_1995)
    assert sum(p < 0.05 for p in adjusted) == 4
    # R: p.adjust(p, "BH")[1:5] = 0.0015 0.0030 0.0095 0.035625 0.0603 (1e-12)
    assert adjusted[:5] == pytest.approx([0.0015, 0.003, 0.0095, 0.035625, 0.0603], abs=1e-12)


def test_holm_rejects_three_of_bh_1995() -> None:
    """Holm (1979) on the same 15 p-values rejects 3 at 0.05 (R: p.adjust(p, "holm"):
    0.0015 0.0056 0.0247 0.1140 ...)."""
    adjusted = holm(BH_1995)
    assert sum(p < 0.05 for p in adjusted) == 3
    assert adjusted[:4] == pytest.approx([0.0015, 0.0056, 0.0247, 0.114], abs=1e-12)


def test_adjustments_keep_missing_p_values_out_of_the_family() -> None:
    assert holm([0.01, None, 0.04]) == pytest.approx([0.02, None, 0.04])
    assert benjamini_hochberg([None]) == [None]


def test_cronbach_alpha_reproduces_psych_complete_cases() -> None:
    """pingouin's `cronbach_wide_missing` dataset (12 x 11, binary), listwise deletion;
    pingouin documents R psych::alpha(data, use = "complete.obs") = 0.8016949 (1e-12).
    (pingouin's CI there uses n = 12 rows before deletion; ours uses the 9 complete cases.)"""
    pingouin = pytest.importorskip("pingouin")
    data = pingouin.read_dataset("cronbach_wide_missing").to_numpy(dtype=float)
    reliability = dimension_reliability(data, [f"i{k}" for k in range(data.shape[1])])
    assert reliability.alpha == pytest.approx(0.8016949152542373, abs=1e-12)
    assert reliability.n_complete == 9
    low, high = feldt_interval(0.8016949152542373, 9, 11)
    assert (reliability.ci_low, reliability.ci_high) == pytest.approx((low, high), abs=1e-12)


def test_cronbach_alpha_and_feldt_ci_reproduce_pingouin_likert_example() -> None:
    """pingouin's `cronbach_alpha` dataset (long format, likert, no missing values):
    documented result alpha = 0.5917188485995826, 95% CI [0.195, 0.84] (rounded: 5e-4)."""
    pingouin = pytest.importorskip("pingouin")
    long = pingouin.read_dataset("cronbach_alpha")
    wide = long.pivot(index="Subj", columns="Items", values="Scores")
    assert not wide.isna().any().any()
    reliability = dimension_reliability(wide.to_numpy(dtype=float), list(map(str, wide.columns)))
    assert reliability.alpha == pytest.approx(0.5917188485995826, abs=1e-12)
    assert reliability.ci_low == pytest.approx(0.195, abs=5e-4)
    assert reliability.ci_high == pytest.approx(0.84, abs=5e-4)


def test_feldt_interval_formula() -> None:
    """Feldt, Woodruff & Salih (1987) formulas 6-7 (cocron::cronbach.alpha.CI):
    alpha = 0.8, n = 100, k = 10: [1 - 0.2 F(.975; 99, 891), 1 - 0.2 F(.025; 99, 891)]."""
    from scipy import stats

    low, high = feldt_interval(0.8, 100, 10)
    assert low == pytest.approx(1 - 0.2 * stats.f.ppf(0.975, 99, 891), abs=1e-12)
    assert high == pytest.approx(1 - 0.2 * stats.f.ppf(0.025, 99, 891), abs=1e-12)
    assert 0.73 < low < 0.8 < high < 0.86


def test_cronbach_alpha_of_a_single_item_is_undefined() -> None:
    assert cronbach_alpha(np.array([[1.0], [2.0]])) is None


def test_sample_size_matches_gpower() -> None:
    """G*Power 3.1 (Faul et al. 2009) a priori, two-tailed, alpha .05, power .80:
    matched pairs d_z = 0.5 -> 34 pairs; two independent means d = 0.5 -> 64 per group;
    Cohen (1988) Table 2.4.1: d = 0.8 -> 26 per group, d = 0.2 -> 394 per group."""
    assert sample_size(0.5, design="paired").n == 34
    assert sample_size(0.5, design="unpaired").n == 64
    assert sample_size(0.8, design="unpaired").n == 26
    assert sample_size(0.2, design="unpaired").n == 394


def test_power_matches_statsmodels() -> None:
    """statsmodels TTestPower / TTestIndPower (noncentral t, two-sided), 1e-8."""
    from statsmodels.stats.power import TTestIndPower, TTestPower

    for n in (5, 20, 34, 100):
        expected = TTestPower().power(effect_size=0.5, nobs=n, alpha=0.05)
        assert t_test_power(0.5, n, None, 0.05, "paired") == pytest.approx(expected, abs=1e-8)
        expected = TTestIndPower().power(effect_size=0.5, nobs1=n, ratio=2.0, alpha=0.05)
        assert t_test_power(0.5, n, 2 * n, 0.05, "unpaired") == pytest.approx(expected, abs=1e-8)
    # a-priori n: statsmodels solves for a fractional n; ours is its ceiling
    n_paired = TTestPower().solve_power(effect_size=0.5, alpha=0.05, power=0.8)
    n_group = TTestIndPower().solve_power(effect_size=0.5, alpha=0.05, power=0.8)
    assert sample_size(0.5, design="paired").n == math.ceil(n_paired)
    assert sample_size(0.5, design="unpaired").n == math.ceil(n_group)
    solved = TTestPower().solve_power(effect_size=None, nobs=34, alpha=0.05, power=0.8)
    mde = minimum_detectable_effect(34, None, design="paired")
    # statsmodels' root finder stops at about 1e-6; ours solves power(d) = 0.8 to 1e-9
    assert mde == pytest.approx(solved, abs=1e-5)
    assert t_test_power(mde, 34, None, 0.05, "paired") == pytest.approx(0.8, abs=1e-9)


def test_no_spread_gets_the_exact_test_made_for_it() -> None:
    """Equal differences (or constant groups) have no standard error, so no t-test; the
    deterministic result gets the exact test: 3 equal rises, sign test p = 2 x 0.5^3 =
    0.25 (scipy.stats.binomtest(3, 3) and R's binom.test(3, 3) agree); 12 pairs all +1,
    p = 2 x 0.5^12; constant groups of 3 and 3, all post above all pre, exact
    Mann-Whitney p = 2 / C(6, 3) = 0.1 (R's wilcox.test(c(2,2,2)+1e-9*1:3, c(1,1,1)))."""
    paired = paired_t(np.array([1.0, 2, 3]), np.array([2.0, 3, 4]))
    assert (paired.test, paired.statistic, paired.df) == ("sign_exact", 3.0, None)
    assert paired.p_value == pytest.approx(0.25, abs=1e-12)
    assert paired.mean_change == 1.0 and paired.ci_low == paired.ci_high == 1.0
    twelve = paired_t(np.full(12, 3.0), np.full(12, 4.0))
    assert twelve.p_value == pytest.approx(2 * 0.5**12, rel=1e-12)
    welch = welch_t(np.array([1.0, 1, 1]), np.array([2.0, 2, 2]))
    assert (welch.test, welch.df) == ("mann_whitney_exact", None)
    assert welch.p_value == pytest.approx(0.1, abs=1e-12)
