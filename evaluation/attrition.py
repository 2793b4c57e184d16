"""Attrition: who answered the baseline but not the follow-up, and are they different?

* attrition rate = participants with baseline answers only / participants with baseline
  answers; flagged `amber` above 20% and `red` above 30% (thresholds in
  `ReadinessRules`);
* per dimension, completers (both waves) and drop-outs (baseline only) are compared on
  their baseline scores with Welch's t-test (`evaluation.means.welch_t`, difference =
  drop-outs - completers), Holm-adjusted across the dimensions: a clear difference means
  the follow-up wave over-represents one kind of participant.

A participant counts in a wave when they gave a measured answer there (free text alone
does not count: `AnswerArrays.present`). Only meaningful when answers are linked person
by person: for an anonymous instrument, or when no participant appears in both waves,
the rate cannot be known and the result says so (`applicable: false`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from evaluation.means import welch_t
from evaluation.multiplicity import holm
from evaluation.prepare import AnswerArrays
from evaluation.scoring import Design, dimension_scores


@dataclass(frozen=True)
class DropoutComparison:
    """Baseline score of completers vs drop-outs on one dimension."""

    dimension: str
    n_completers: int
    n_dropouts: int
    completers_mean: float | None
    dropouts_mean: float | None
    difference: float | None
    statistic: float | None
    df: float | None
    p_value: float | None
    p_adjusted: float | None = None


@dataclass(frozen=True)
class Attrition:
    """Attrition rate, its flag and the completer/drop-out comparison per dimension."""

    applicable: bool
    note: str
    rate: float | None = None
    level: str | None = None
    n_baseline: int = 0
    n_dropouts: int = 0
    comparisons: list[DropoutComparison] = field(default_factory=list)


def analyse_attrition(answers: AnswerArrays, design: Design, amber: float, red: float) -> Attrition:
    """Attrition rate, flag and per-dimension completer vs drop-out comparison."""
    if answers.instrument.anonymous or design.n_paired == 0:
        why = (
            "the instrument is anonymous, so answers are never linked between waves"
            if answers.instrument.anonymous
            else "no participant answered both waves under the same id"
        )
        return Attrition(
            applicable=False,
            note=(
                f"Not measurable: {why}, so drop-outs cannot be told apart from new respondents."
            ),
        )
    n_baseline = int(design.in_pre.sum())
    dropouts = design.in_pre & ~design.in_post
    completers = design.in_pre & design.in_post
    rate = int(dropouts.sum()) / n_baseline if n_baseline else None
    level = None
    if rate is not None:
        level = "red" if rate > red else "amber" if rate > amber else "green"
    waves = (design.baseline, design.follow_up)
    comparisons = []
    for dimension in answers.instrument.dimensions:
        score = dimension_scores(answers, dimension.id, design.baseline, waves)
        kept = ~np.isnan(score)
        test = welch_t(score[completers & kept], score[dropouts & kept])
        comparisons.append(
            DropoutComparison(
                dimension=dimension.id,
                n_completers=test.n_pre,
                n_dropouts=test.n_post,
                completers_mean=test.pre_mean,
                dropouts_mean=test.post_mean,
                difference=test.mean_change,
                statistic=test.statistic,
                df=test.df,
                p_value=test.p_value,
            )
        )
    adjusted = holm([c.p_value for c in comparisons])
    comparisons = [replace(c, p_adjusted=p) for c, p in zip(comparisons, adjusted, strict=True)]
    return Attrition(
        applicable=True,
        note="Participants linked by id: drop-outs answered the baseline wave only.",
        rate=rate,
        level=level,
        n_baseline=n_baseline,
        n_dropouts=int(dropouts.sum()),
        comparisons=comparisons,
    )
