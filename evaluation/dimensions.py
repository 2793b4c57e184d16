"""Per-dimension comparison of the baseline and follow-up waves, and its verdict.

For each dimension of the instrument: scores (`evaluation.scoring`), the primary test
(paired t or Welch t, `evaluation.means`), the rank test as a sensitivity check
(`evaluation.ranks`), Cronbach's alpha in both waves (`evaluation.reliability`), Holm's
adjustment across the dimensions (`evaluation.multiplicity`), and the verdict:

* `improved` / `declined`: the Holm-adjusted p-value is below alpha; the sign of the
  change (post - pre, after reverse-coding) gives the direction;
* `no_change`: otherwise, when the equivalence check holds: the 1 - 2 alpha CI of the
  change lies strictly within +/- margin (two one-sided tests, Schuirmann 1987). The
  margin defaults to half the standard deviation of the baseline dimension scores (a
  "medium" standardised difference of 0.5 SD, Norman et al. 2003) and can be set;
* `inconclusive`: otherwise, and whenever there are too few scores for a test.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from evaluation._numbers import num
from evaluation.means import MeanComparison, paired_t, welch_t
from evaluation.multiplicity import holm
from evaluation.power import minimum_detectable_effect
from evaluation.prepare import AnswerArrays
from evaluation.ranks import RankTest, mann_whitney, wilcoxon_signed_rank
from evaluation.reliability import Reliability, dimension_reliability
from evaluation.scoring import Design, dimension_scores, scored_items
from pilotkit.instruments import Dimension

VERDICTS: tuple[str, ...] = ("improved", "no_change", "declined", "inconclusive")


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


def analyse_dimension(
    answers: AnswerArrays, dimension: Dimension, design: Design, alpha: float, margin: float | None
) -> DimensionResult:
    """Scores, tests, reliability and MDE of one dimension (verdict set by `finish`)."""
    waves = (design.baseline, design.follow_up)
    instrument = answers.instrument
    items = scored_items(instrument, dimension.id, waves)
    item_ids = [i.id for i in items]
    pre = dimension_scores(answers, dimension.id, design.baseline, waves)
    post = dimension_scores(answers, dimension.id, design.follow_up, waves)
    has_pre, has_post = ~np.isnan(pre), ~np.isnan(post)
    both = has_pre & has_post
    if design.paired:
        comparison = paired_t(pre[both], post[both], alpha)
        sensitivity = wilcoxon_signed_rank(pre[both], post[both]) if both.sum() else None
        mde = minimum_detectable_effect(int(both.sum()), None, design="paired", alpha=alpha)
    else:
        comparison = welch_t(pre[has_pre], post[has_post], alpha)
        sensitivity = mann_whitney(pre[has_pre], post[has_post])
        mde = minimum_detectable_effect(
            int(has_pre.sum()), int(has_post.sum()), design="unpaired", alpha=alpha
        )
    if sensitivity is not None and sensitivity.n == 0:
        sensitivity = None
    pre_sd = num(np.std(pre[has_pre], ddof=1)) if has_pre.sum() >= 2 else None
    if margin is None and pre_sd is not None and pre_sd > 0:
        margin = 0.5 * pre_sd
    columns = [answers.item_index(i) for i in item_ids]
    pre_matrix = answers.scores[answers.wave_index(design.baseline)][:, columns]
    post_matrix = answers.scores[answers.wave_index(design.follow_up)][:, columns]
    low, high = _scale_of(answers, item_ids)
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
    )


def equivalent(comparison: MeanComparison, margin: float | None) -> bool:
    """True when the 1 - 2 alpha CI of the change lies strictly inside (-margin, margin)."""
    low, high = comparison.equivalence_ci_low, comparison.equivalence_ci_high
    if margin is None or not margin > 0 or low is None or high is None:
        return False
    return -margin < low and high < margin


def verdict_of(
    comparison: MeanComparison, p_adjusted: float | None, alpha: float, margin: float | None
) -> str:
    """improved | declined (Holm-adjusted p < alpha), no_change (equivalent), inconclusive."""
    change = comparison.mean_change
    if p_adjusted is not None and p_adjusted < alpha and change is not None and change != 0:
        return "improved" if change > 0 else "declined"
    if equivalent(comparison, margin):
        return "no_change"
    return "inconclusive"


def finish(results: list[DimensionResult], alpha: float) -> list[DimensionResult]:
    """Holm-adjust the primary p-values across dimensions and set each verdict."""
    adjusted = holm([r.comparison.p_value for r in results])
    return [
        replace(r, p_adjusted=p, verdict=verdict_of(r.comparison, p, alpha, r.margin))
        for r, p in zip(results, adjusted, strict=True)
    ]
