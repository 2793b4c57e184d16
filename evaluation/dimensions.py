"""Per-dimension comparison of the baseline and follow-up waves, and its verdict.

For each dimension of the instrument: scores (`evaluation.scoring`), the primary test
(paired t, the partially overlapping samples t-test or Welch t: `evaluation.means`,
`evaluation.overlap`), the rank test as a sensitivity check (`evaluation.ranks`),
Cronbach's alpha in both waves (`evaluation.reliability`), Holm's adjustment across the
dimensions (`evaluation.multiplicity`), and the verdict. The question for a rollout is
non-inferiority: did the area not get worse by more than the margin, a number of scale
points fixed before the follow-up wave (the pilot's setting, or `--margin`; by default
`default_margin`: 0.25 points on a 1-5 scale, the same share of any other scale):

* `improved`: the Holm-adjusted p-value is below alpha and the change is positive;
* `declined`: the Holm-adjusted p-value is below alpha, the change is negative, and the
  estimated decline reaches the margin: beyond chance and practically important;
* `no_change` (held steady): otherwise, when non-inferiority is shown: the lower end of
  the 1 - 2 alpha CI of the change (the one-sided 1 - alpha bound) lies above -margin.
  A decline beyond chance but shown to lie within the margin is `no_change` with
  `small_decline` set: reported, not blocking;
* `inconclusive`: otherwise, and whenever there are too few scores for a test.

`legacy=True` gives the earlier rules, kept only to compare them (`python -m bench
verdict`): margin half the baseline SD, `no_change` by two one-sided tests within
+/- margin (Schuirmann 1987), `declined` on the adjusted p-value alone.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from evaluation._numbers import num
from evaluation.means import MeanComparison, paired_t, welch_t
from evaluation.multiplicity import holm
from evaluation.overlap import partial_overlap_t
from evaluation.power import minimum_detectable_effect
from evaluation.prepare import AnswerArrays
from evaluation.ranks import RankTest, mann_whitney, wilcoxon_signed_rank
from evaluation.reliability import Reliability, dimension_reliability
from evaluation.scoring import Design, dimension_scores, scored_items
from pilotkit.instruments import Dimension

VERDICTS: tuple[str, ...] = ("improved", "no_change", "declined", "inconclusive")

#: The default margin as a share of the scale's range: 0.25 points on a 1-5 scale.
DEFAULT_MARGIN_SHARE = 0.25 / 4


def default_margin(scale_min: float | None, scale_max: float | None) -> float | None:
    """0.25 points on a 1-5 scale, scaled to the dimension's range; None when unknown."""
    if scale_min is None or scale_max is None or not scale_max > scale_min:
        return None
    return DEFAULT_MARGIN_SHARE * (scale_max - scale_min)


@dataclass(frozen=True)
class DimensionResult:
    """Everything the evaluation says about one dimension."""

    id: str
    label: str
    item_ids: list[str]
    scale_min: float | None
    scale_max: float | None
    n_pre: int
    n_post: int
    n_paired: int
    pre_mean_all: float | None
    post_mean_all: float | None
    pre_sd: float | None
    comparison: MeanComparison
    sensitivity: RankTest | None
    reliability_pre: Reliability
    reliability_post: Reliability
    margin: float | None
    minimum_detectable_effect: float | None
    p_adjusted: float | None = None
    verdict: str = "inconclusive"
    #: where the margin came from: "setting" (pilot or analyst), "default", "baseline_sd"
    margin_source: str = "default"
    #: a decline beyond chance that is shown to lie within the margin (not blocking)
    small_decline: bool = False

    @property
    def non_inferior(self) -> bool:
        """The change is shown not worse than -margin (one-sided, level alpha)."""
        return non_inferior(self.comparison, self.margin)


def _scale_of(answers: AnswerArrays, item_ids: list[str]) -> tuple[float | None, float | None]:
    instrument = answers.instrument
    scales = {
        (s.min, s.max)
        for s in (instrument.scale_of(instrument.item(i)) for i in item_ids)
        if s is not None
    }
    if len(scales) == 1:
        low, high = scales.pop()
        return float(low), float(high)
    return None, None


def _compare(
    pre: np.ndarray, post: np.ndarray, design: Design, alpha: float
) -> tuple[MeanComparison, RankTest | None, float | None]:
    """The primary test, the rank test and the MDE of one dimension's scores."""
    has_pre, has_post = ~np.isnan(pre), ~np.isnan(post)
    both = has_pre & has_post
    n_both = int(both.sum())
    if design.partial and n_both >= 2:
        comparison = partial_overlap_t(
            pre[has_pre & ~both], post[has_post & ~both], pre[both], post[both], alpha
        )
        if comparison.n_pre == comparison.n_post == n_both:  # no singles: the paired t-test
            comparison = paired_t(pre[both], post[both], alpha)
        sensitivity = wilcoxon_signed_rank(pre[both], post[both])
        mde = minimum_detectable_effect(n_both, None, design="paired", alpha=alpha)
    elif design.paired and not design.partial:
        comparison = paired_t(pre[both], post[both], alpha)
        sensitivity = wilcoxon_signed_rank(pre[both], post[both]) if n_both else None
        mde = minimum_detectable_effect(n_both, None, design="paired", alpha=alpha)
    else:
        comparison = welch_t(pre[has_pre], post[has_post], alpha)
        sensitivity = mann_whitney(pre[has_pre], post[has_post])
        mde = minimum_detectable_effect(
            int(has_pre.sum()), int(has_post.sum()), design="unpaired", alpha=alpha
        )
    return comparison, sensitivity, mde


def analyse_dimension(
    answers: AnswerArrays,
    dimension: Dimension,
    design: Design,
    alpha: float,
    margin: float | None,
    *,
    legacy: bool = False,
) -> DimensionResult:
    """Scores, tests, reliability and MDE of one dimension (verdict set by `finish`)."""
    waves = (design.baseline, design.follow_up)
    instrument = answers.instrument
    items = scored_items(instrument, dimension.id, waves)
    item_ids = [i.id for i in items]
    pre = dimension_scores(answers, dimension.id, design.baseline, waves)
    post = dimension_scores(answers, dimension.id, design.follow_up, waves)
    has_pre, has_post = ~np.isnan(pre), ~np.isnan(post)
    both = has_pre & has_post if design.linked else np.zeros_like(has_pre)
    comparison, sensitivity, mde = _compare(pre, post, design, alpha)
    if sensitivity is not None and sensitivity.n == 0:
        sensitivity = None
    pre_sd = num(np.std(pre[has_pre], ddof=1)) if has_pre.sum() >= 2 else None
    low, high = _scale_of(answers, item_ids)
    source = "setting"
    if margin is None and legacy:
        source = "baseline_sd"
        margin = 0.5 * pre_sd if pre_sd is not None and pre_sd > 0 else None
    elif margin is None:
        source, margin = "default", default_margin(low, high)
    columns = [answers.item_index(i) for i in item_ids]
    pre_matrix = answers.scores[answers.wave_index(design.baseline)][:, columns]
    post_matrix = answers.scores[answers.wave_index(design.follow_up)][:, columns]
    return DimensionResult(
        id=dimension.id,
        label=instrument.text(dimension.label),
        item_ids=item_ids,
        scale_min=low,
        scale_max=high,
        n_pre=int(has_pre.sum()),
        n_post=int(has_post.sum()),
        n_paired=int(both.sum()),
        pre_mean_all=num(pre[has_pre].mean()) if has_pre.any() else None,
        post_mean_all=num(post[has_post].mean()) if has_post.any() else None,
        pre_sd=pre_sd,
        comparison=comparison,
        sensitivity=sensitivity,
        reliability_pre=dimension_reliability(pre_matrix, item_ids),
        reliability_post=dimension_reliability(post_matrix, item_ids),
        margin=margin,
        minimum_detectable_effect=mde,
        margin_source=source,
    )


def equivalent(comparison: MeanComparison, margin: float | None) -> bool:
    """True when the 1 - 2 alpha CI of the change lies strictly inside (-margin, margin)."""
    low, high = comparison.equivalence_ci_low, comparison.equivalence_ci_high
    if margin is None or not margin > 0 or low is None or high is None:
        return False
    return -margin < low and high < margin


def non_inferior(comparison: MeanComparison, margin: float | None) -> bool:
    """True when the lower end of the 1 - 2 alpha CI of the change lies above -margin."""
    low = comparison.equivalence_ci_low
    if margin is None or not margin > 0 or low is None or comparison.mean_change is None:
        return False
    if comparison.p_value is None:  # too few scores: nothing is shown
        return False
    return low > -margin


def verdict_of(
    comparison: MeanComparison, p_adjusted: float | None, alpha: float, margin: float | None
) -> str:
    """improved | declined | no_change | inconclusive (see the module docstring)."""
    change = comparison.mean_change
    significant = p_adjusted is not None and p_adjusted < alpha and change is not None
    if significant and change > 0:  # type: ignore[operator]
        return "improved"
    if significant and change < 0 and margin is not None and -change >= margin:  # type: ignore[operator]
        return "declined"
    if non_inferior(comparison, margin):
        return "no_change"
    return "inconclusive"


def legacy_verdict_of(
    comparison: MeanComparison, p_adjusted: float | None, alpha: float, margin: float | None
) -> str:
    """The earlier rule: a change by the adjusted p alone, no_change by equivalence (TOST)."""
    change = comparison.mean_change
    if p_adjusted is not None and p_adjusted < alpha and change is not None and change != 0:
        return "improved" if change > 0 else "declined"
    if equivalent(comparison, margin):
        return "no_change"
    return "inconclusive"


def _finished(r: DimensionResult, p: float | None, alpha: float, legacy: bool) -> DimensionResult:
    rule = legacy_verdict_of if legacy else verdict_of
    verdict = rule(r.comparison, p, alpha, r.margin)
    change = r.comparison.mean_change
    small = (
        not legacy
        and verdict == "no_change"
        and p is not None
        and p < alpha
        and change is not None
        and change < 0
    )
    return replace(r, p_adjusted=p, verdict=verdict, small_decline=small)


def finish(
    results: list[DimensionResult], alpha: float, *, legacy: bool = False
) -> list[DimensionResult]:
    """Holm-adjust the primary p-values across dimensions and set each verdict."""
    adjusted = holm([r.comparison.p_value for r in results])
    return [_finished(r, p, alpha, legacy) for r, p in zip(results, adjusted, strict=True)]
