"""The typed result of one evaluation and its summary.json form (contracts.md section 5).

`EvaluationResult.to_summary()` writes the contract keys first, in the contract's order
and with the contract's names, then the added keys. Numbers are plain floats (never
rounded here), missing values are None (JSON null), never NaN.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import pandas as pd

from evaluation.attrition import Attrition
from evaluation.concerns import RegisterConcern
from evaluation.dimensions import DEFAULT_MARGIN_SHARE, DimensionResult
from evaluation.items import ItemResult, TextItemCount
from evaluation.notes import NotesSummary
from evaluation.power import MDE_POWER
from evaluation.readiness import MarginInfo, Readiness, ReadinessRules, ResponseRate
from evaluation.scoring import PAIRED_SHARE, Design

#: Cronbach's alpha below this is flagged `low_reliability` (Nunnally 1978's usual floor).
RELIABILITY_FLAG = 0.70

METHODS: dict[str, str] = {
    "scoring": (
        "Reverse-coded items scored as min + max - x; a dimension score is the mean of its "
        "answered likert items (asked in both compared waves) when at least half are answered."
    ),
    "design": (
        "A participant is present in a wave with at least one measured (not free-text) "
        "answer; pairs = present in both the baseline and follow-up wave under one id. "
        "paired: everyone is a pair; partially_paired: at least 2 pairs and others in one "
        "wave only; unpaired otherwise, and always for an anonymous instrument."
    ),
    "dimension_test": (
        "Paired t-test on post - pre (scipy.stats.ttest_rel); partially paired: the "
        "partially overlapping samples t-test Tnew2 (Derrick, Toher & White 2017; "
        "partial_overlap_t); unpaired: Welch's t-test (scipy.stats.ttest_ind, "
        "equal_var=False); two-sided; CI of the change at 1 - alpha. No spread at all: "
        "exact sign test (sign_exact) or exact Mann-Whitney (mann_whitney_exact)."
    ),
    "sensitivity_test": (
        "Wilcoxon signed-rank (scipy.stats.wilcoxon, zero_method='wilcox', exact when n < 50 "
        "without ties or zeros, else normal approximation with continuity correction) or "
        "Mann-Whitney U (scipy.stats.mannwhitneyu, use_continuity=True, exact when both n < 50 "
        "without ties, else normal approximation); as R's wilcox.test."
    ),
    "effect_size": (
        "Cohen's d_z = mean(d) / sd(d) (paired); Hedges' g = (m_post - m_pre) / s_pooled x "
        "(1 - 3 / (4 (n1 + n2) - 9)) (unpaired)."
    ),
    "dimension_adjustment": "Holm (1979) step-down across dimensions.",
    "verdict": (
        "improved: Holm-adjusted p < alpha and a rise; declined: Holm-adjusted p < alpha "
        "and a fall of at least the margin; no_change: non-inferiority, the lower end of "
        "the 1 - 2 alpha CI of the change above -margin; inconclusive otherwise. Margin in "
        "scale points, fixed before the follow-up wave; default 0.25 points on a 1-5 "
        "scale (1/16 of the scale's range)."
    ),
    "reliability": (
        "Cronbach's alpha on complete cases; Feldt (1965) 95% CI with F(n - 1, (n - 1)(k - 1)); "
        "corrected item-total correlation (negative: possibly mis-keyed)."
    ),
    "item_tests": (
        "likert/number: Wilcoxon signed-rank (paired) or Mann-Whitney U; boolean: McNemar "
        "exact (scipy.stats.binomtest on discordant pairs) or Fisher's exact "
        "(scipy.stats.fisher_exact); single: Pearson chi-square (scipy.stats.chi2_contingency, "
        "correction=False) or, when an expected count < 5, Fisher's exact test (2 x 2: "
        "scipy.stats.fisher_exact; larger: the exact Freeman-Halton p-value by the network "
        "algorithm of Mehta & Patel, as R's fisher.test, or past a work limit a Monte Carlo "
        "estimate with a fixed seed, test_method 'monte_carlo'); multi: shares only."
    ),
    "item_adjustment": "Benjamini-Hochberg (1995) false discovery rate across items.",
    "attrition": (
        "Rate = baseline-only / baseline respondents, presence = a measured answer "
        "(linked designs only); completers vs "
        "drop-outs on baseline dimension scores by Welch's t-test, Holm-adjusted."
    ),
    "minimum_detectable_effect": (
        "Standardised effect detectable with 80% power at the achieved sample, two-sided "
        "noncentral t (scipy.stats.nct)."
    ),
}


@dataclass(frozen=True)
class EvaluationResult:
    """Everything one evaluation found; `to_summary()` gives summary.json."""

    instrument_id: str
    instrument_version: int
    alpha: float
    margin: float | None
    design: Design
    dimensions: list[DimensionResult]
    items: list[ItemResult]
    text_items: list[TextItemCount]
    attrition: Attrition
    readiness: Readiness
    rules: ReadinessRules
    notes: NotesSummary | None = None
    minimum_detectable_effect: dict[str, Any] | None = None
    input: dict[str, Any] = field(default_factory=dict)
    software: dict[str, str] = field(default_factory=dict)
    response_rates: list[ResponseRate] = field(default_factory=list)
    margin_info: MarginInfo | None = None
    #: the concern register the verdict read (None: no register was given)
    concerns: list[RegisterConcern] | None = None
    legacy: bool = False

    def dimension(self, dimension_id: str) -> DimensionResult:
        return next(d for d in self.dimensions if d.id == dimension_id)

    def item(self, item_id: str) -> ItemResult:
        return next(i for i in self.items if i.id == item_id)

    def dimensions_frame(self) -> pd.DataFrame:
        """One row per dimension with the scalar figures of summary.json (for notebooks)."""
        rows = [_dimension_summary(d, self.alpha) for d in self.dimensions]
        return pd.DataFrame([_scalars(row) for row in rows])

    def items_frame(self) -> pd.DataFrame:
        """One row per item with the scalar figures of summary.json (for notebooks)."""
        return pd.DataFrame([_scalars(_item_summary(i)) for i in self.items])

    def to_summary(self) -> dict[str, Any]:
        """The summary.json structure: contract keys in order, then the added keys."""
        design = self.design
        return {
            "instrument": {"id": self.instrument_id, "version": self.instrument_version},
            "alpha": float(self.alpha),
            "waves": {wave: {"n": n} for wave, n in design.n.items()},
            "n_paired": design.n_paired,
            "design": design.name,
            "dimensions": [_dimension_summary(d, self.alpha) for d in self.dimensions],
            "items": [_item_summary(i) for i in self.items],
            "readiness": {
                "verdict": self.readiness.verdict,
                "reasons": list(self.readiness.reasons),
                "areas_of_concern": [asdict(a) for a in self.readiness.areas_of_concern],
                "findings": [f.summary_fields() for f in self.readiness.findings],
                "rules": asdict(self.rules),
            },
            # -- added keys ------------------------------------------------------------
            "baseline_wave": design.baseline,
            "follow_up_wave": design.follow_up,
            "n_pre_only": design.n_pre_only,
            "n_post_only": design.n_post_only,
            "margin": self._margin_used(),
            "margin_source": self._margin_source(),
            "margin_changed_after_data": bool(
                self.margin_info is not None and self.margin_info.changed_after_data
            ),
            "linked": design.linked,
            "response_rates": {
                r.wave: {"invited": r.invited, "n": r.n, "rate": r.rate}
                for r in self.response_rates
            },
            "attrition": _attrition_summary(self.attrition),
            "minimum_detectable_effect": self.minimum_detectable_effect,
            "text_items": [{"id": t.id, "answered": t.answered} for t in self.text_items],
            "notes": _notes_summary(self.notes),
            "concerns": _concerns_summary(self.concerns, self.readiness.concern_effects),
            "parameters": {
                "alpha": float(self.alpha),
                "ci_level": 1 - float(self.alpha),
                "equivalence_ci_level": 1 - 2 * float(self.alpha),
                "margin": self.margin,
                "margin_default": (
                    "half the baseline SD of each dimension"
                    if self.legacy
                    else f"{DEFAULT_MARGIN_SHARE:g} of each dimension's scale range "
                    "(0.25 points on a 1-5 scale)"
                ),
                "verdict_rules": "legacy" if self.legacy else "non_inferiority",
                # the share of pairs at which the legacy rules switched to a paired test
                "paired_share": PAIRED_SHARE if self.legacy else None,
                "score_min_share_answered": 0.5,
                "mde_power": MDE_POWER,
                "rules": asdict(self.rules),
            },
            "methods": dict(METHODS),
            "input": dict(self.input),
            "software": dict(self.software),
        }

    def _margin_used(self) -> float | None:
        """The margin in scale points: the setting, or the default when every area shares it."""
        if self.margin is not None:
            return float(self.margin)
        used = {d.margin for d in self.dimensions}
        return float(used.pop()) if len(used) == 1 and None not in used else None

    def _margin_source(self) -> str:
        if self.margin is None:
            return "baseline_sd" if self.legacy else "default"
        return self.margin_info.source if self.margin_info is not None else "analyst"


def _dimension_summary(d: DimensionResult, alpha: float) -> dict[str, Any]:
    c = d.comparison
    s = d.sensitivity
    return {
        "id": d.id,
        "n_pre": d.n_pre,
        "n_post": d.n_post,
        "n_paired": d.n_paired,
        "pre_mean": c.pre_mean,
        "post_mean": c.post_mean,
        "mean_change": c.mean_change,
        "ci_low": c.ci_low,
        "ci_high": c.ci_high,
        "test": c.test,
        "statistic": c.statistic,
        "df": c.df,
        "p_value": c.p_value,
        "p_adjusted": d.p_adjusted,
        "effect_size": c.effect_size,
        "effect_size_kind": c.effect_size_kind,
        "reliability_alpha": d.reliability_pre.alpha,
        "verdict": d.verdict,
        # -- added keys
        "label": d.label,
        "items": list(d.item_ids),
        "scale": {"min": d.scale_min, "max": d.scale_max},
        "ci_level": 1 - alpha,
        "n_analysed_pre": c.n_pre,
        "n_analysed_post": c.n_post,
        "pre_mean_all": d.pre_mean_all,
        "post_mean_all": d.post_mean_all,
        "pre_sd": d.pre_sd,
        "equivalence_margin": d.margin,
        "margin": d.margin,
        "margin_source": d.margin_source,
        "non_inferior": d.non_inferior,
        "small_decline": d.small_decline,
        "equivalence_ci_level": 1 - 2 * alpha,
        "equivalence_ci_low": c.equivalence_ci_low,
        "equivalence_ci_high": c.equivalence_ci_high,
        "sensitivity": None
        if s is None
        else {
            "test": s.test,
            "statistic": s.statistic,
            "p_value": s.p_value,
            "method": s.method,
            "rank_biserial": s.rank_biserial,
        },
        "reliability_alpha_ci_low": d.reliability_pre.ci_low,
        "reliability_alpha_ci_high": d.reliability_pre.ci_high,
        "reliability_n_complete": d.reliability_pre.n_complete,
        "reliability_alpha_post": d.reliability_post.alpha,
        "reliability_alpha_post_ci_low": d.reliability_post.ci_low,
        "reliability_alpha_post_ci_high": d.reliability_post.ci_high,
        "item_total_correlation": dict(d.reliability_pre.item_total),
        "negative_item_total": d.reliability_pre.negative_items,
        "flags": _flags(d),
        "minimum_detectable_effect": d.minimum_detectable_effect,
    }


def _scalars(row: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in row.items() if not isinstance(value, dict | list)}


def _flags(d: DimensionResult) -> list[str]:
    """Short machine-readable warnings: low_reliability (alpha < 0.70), miskeyed_item."""
    flags = []
    if d.reliability_pre.alpha is not None and d.reliability_pre.alpha < RELIABILITY_FLAG:
        flags.append("low_reliability")
    if d.reliability_pre.negative_items:
        flags.append("miskeyed_item")
    return flags


def _item_summary(i: ItemResult) -> dict[str, Any]:
    return {
        "id": i.id,
        "type": i.type,
        "n_pre": i.n_pre,
        "n_post": i.n_post,
        **i.figures,
        "test": i.test,
        "p_value": i.p_value,
        "p_adjusted": i.p_adjusted,
        # -- added keys
        "dimension": i.dimension,
        "n_paired": i.n_paired,
        "statistic": i.statistic,
        "test_method": i.test_method,
        "direction": i.direction,
        **i.extra,
    }


def _attrition_summary(a: Attrition) -> dict[str, Any]:
    return {
        "applicable": a.applicable,
        "note": a.note,
        "rate": a.rate,
        "level": a.level,
        "n_baseline": a.n_baseline,
        "n_dropouts": a.n_dropouts,
        "dimensions": [asdict(c) for c in a.comparisons],
    }


def _notes_summary(notes: NotesSummary | None) -> dict[str, Any] | None:
    if notes is None:
        return None
    return {
        "n_notes": notes.n_notes,
        "by_dimension": notes.by_dimension,
        "concerns": [asdict(c) for c in notes.concerns],
    }


#: What summary.json says of how a concern was dealt with, by its status.
_HOW: dict[str, tuple[str, ...]] = {
    "verified": (
        "plan",
        "mitigation",
        "evidence",
        "verification",
        "verified_by",
        "verified_by_role",
    ),
    "accepted": ("rationale", "accepted_by", "accepted_by_role"),
}


def _concerns_summary(
    concerns: list[RegisterConcern] | None, effects: dict[int, str]
) -> list[dict[str, Any]] | None:
    """The register as the verdict read it: every concern, what it did to the verdict
    (`effect`), and for a resolved or accepted one how (docs/readiness.md)."""
    if concerns is None:
        return None
    rows = []
    for c in concerns:
        row: dict[str, Any] = {
            "id": c.id,
            "source": c.source,
            "note_id": c.note_id,
            "run_id": c.run_id,
            "dimension": c.dimension,
            "severity": c.severity,
            "status": c.status,
            "title": c.title,
            "effect": effects.get(c.id, "none"),
        }
        row.update({key: getattr(c, key) for key in _HOW.get(c.status, ())})
        rows.append(row)
    return rows
