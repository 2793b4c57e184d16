"""The rollout-readiness verdict: documented, parameterised rules (docs/readiness.md).

Verdicts from most to least severe: `insufficient_data`, `not_ready`, `conditional`,
`ready`. Every rule that fires adds a plain-words reason naming the dimension and the
figure; the most severe verdict among the fired rules wins.

| rule | verdict |
| --- | --- |
| fewer than `min_respondents_per_wave` respondents in a compared wave | insufficient_data |
| a dimension declined (Holm-adjusted test) | not_ready |
| a blocker concern from the focus groups | not_ready |
| a dimension is inconclusive (neither a clear change nor clearly no change) | conditional |
| a major concern from the focus groups | conditional |
| Cronbach's alpha of a dimension (baseline) below `reliability_threshold` | conditional |
| an item looks mis-keyed (negative corrected item-total correlation) | conditional |
| attrition above `attrition_amber` (amber) or `attrition_red` (red) | conditional |
| drop-outs scored a dimension differently at baseline (Holm-adjusted p < alpha) | conditional |
| none of the above | ready |
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from evaluation.attrition import Attrition
from evaluation.dimensions import DimensionResult
from evaluation.notes import NotesSummary
from evaluation.scoring import Design

SEVERITY_ORDER: tuple[str, ...] = ("ready", "conditional", "not_ready", "insufficient_data")


@dataclass(frozen=True)
class ReadinessRules:
    """Thresholds of the readiness rules (defaults as documented in docs/readiness.md)."""

    min_respondents_per_wave: int = 10
    reliability_threshold: float = 0.70
    attrition_amber: float = 0.20
    attrition_red: float = 0.30
    inconclusive_is_conditional: bool = True
    blocker_is_not_ready: bool = True
    major_is_conditional: bool = True
    miskeyed_item_is_conditional: bool = True


@dataclass(frozen=True)
class Finding:
    """One fired rule: its name, the verdict it asks for, the dimension and the reason.

    `values` holds the figures the reason is written from (changes, counts, thresholds),
    so a report can write the same reason in another language; summary.json keeps only
    the English `reason` (`summary_fields`).
    """

    rule: str
    verdict: str
    reason: str
    dimension: str | None = None
    values: dict[str, Any] = field(default_factory=dict)

    def summary_fields(self) -> dict[str, Any]:
        """The finding as summary.json writes it (without `values`)."""
        return {
            "rule": self.rule,
            "verdict": self.verdict,
            "reason": self.reason,
            "dimension": self.dimension,
        }


@dataclass(frozen=True)
class AreaOfConcern:
    """A dimension (or `general`) that needs attention before a rollout, and why."""

    dimension: str
    label: str
    reasons: list[str]


@dataclass(frozen=True)
class Readiness:
    """The verdict, all fired reasons, and the areas of concern for the report."""

    verdict: str
    reasons: list[str]
    findings: list[Finding] = field(default_factory=list)
    areas_of_concern: list[AreaOfConcern] = field(default_factory=list)


def _points(value: float) -> str:
    return f"{abs(value):.2f} point{'s' if abs(value) != 1 else ''}"


def _scale(result: DimensionResult) -> str:
    if result.scale_min is None or result.scale_max is None:
        return "on its scale"
    if result.scale_min < 0:
        return f"on a {result.scale_min:g} to {result.scale_max:g} scale"
    return f"on a {result.scale_min:g}-{result.scale_max:g} scale"


def _ci(result: DimensionResult, alpha: float) -> str:
    c = result.comparison
    if c.ci_low is None or c.ci_high is None:
        return ""
    return f" ({100 * (1 - alpha):g}% CI {c.ci_low:.2f} to {c.ci_high:.2f})"


def _change_sentence(result: DimensionResult, alpha: float) -> str:
    change = result.comparison.mean_change
    if change is None:
        return f"{result.label} could not be compared"
    direction = "rose" if change > 0 else "fell" if change < 0 else "did not move"
    amount = f" by {_points(change)}" if change != 0 else ""
    return f"{result.label} {direction}{amount} {_scale(result)}{_ci(result, alpha)}"


def _change_values(result: DimensionResult, alpha: float) -> dict[str, Any]:
    c = result.comparison
    return {
        "change": c.mean_change,
        "ci_low": c.ci_low,
        "ci_high": c.ci_high,
        "level": 1 - alpha,
        "scale_min": result.scale_min,
        "scale_max": result.scale_max,
    }


def _dimension_findings(
    result: DimensionResult, rules: ReadinessRules, alpha: float, design: Design
) -> list[Finding]:
    found: list[Finding] = []
    c = result.comparison
    if result.verdict == "declined" and c.mean_change is not None:
        found.append(
            Finding(
                "dimension_declined",
                "not_ready",
                f"{result.label} declined by {_points(c.mean_change)} {_scale(result)}"
                f"{_ci(result, alpha)}: a drop larger than chance explains, even allowing "
                "for every area tested.",
                result.id,
                _change_values(result, alpha),
            )
        )
    elif result.verdict == "inconclusive" and rules.inconclusive_is_conditional:
        analysed = result.n_paired if design.paired else min(result.n_pre, result.n_post)
        if c.p_value is None:
            reason = (
                f"{result.label} could not be tested: too few scores or no variation in them "
                f"({result.n_pre} before, {result.n_post} after, {result.n_paired} in both waves)."
            )
        else:
            margin = f"±{result.margin:.2f}" if result.margin is not None else "the margin"
            reason = (
                f"{_change_sentence(result, alpha)}: not clear "
                "enough to call a change once every area tested is allowed for, nor small "
                f"enough to call no change (within {margin} points; n = {analysed})."
            )
        values = {
            **_change_values(result, alpha),
            "testable": c.p_value is not None,
            "n_pre": result.n_pre,
            "n_post": result.n_post,
            "n_paired": result.n_paired,
            "n": analysed,
            "margin": result.margin,
        }
        found.append(Finding("dimension_inconclusive", "conditional", reason, result.id, values))
    reliability = result.reliability_pre.alpha
    if reliability is not None and reliability < rules.reliability_threshold:
        found.append(
            Finding(
                "weak_reliability",
                "conditional",
                f"{result.label}: its questions agree weakly with each other (Cronbach's alpha "
                f"{reliability:.2f} before the pilot, below "
                f"{rules.reliability_threshold:.2f}), so its score is a rough measure.",
                result.id,
                {"reliability": reliability, "threshold": rules.reliability_threshold},
            )
        )
    miskeyed = result.reliability_pre.negative_items
    if miskeyed and rules.miskeyed_item_is_conditional:
        found.append(
            Finding(
                "miskeyed_item",
                "conditional",
                f"{result.label}: question(s) {', '.join(miskeyed)} run against the others "
                "(negative item-total correlation); check their wording or reverse-coding.",
                result.id,
                {"items": list(miskeyed)},
            )
        )
    return found


def decide_readiness(
    dimensions: list[DimensionResult],
    design: Design,
    attrition: Attrition,
    notes: NotesSummary | None,
    rules: ReadinessRules,
    alpha: float,
    labels: dict[str, str],
) -> Readiness:
    """Apply the rules; the most severe verdict wins, every fired reason is listed."""
    findings: list[Finding] = []
    for wave in (design.baseline, design.follow_up):
        n = design.n.get(wave, 0)
        if n < rules.min_respondents_per_wave:
            findings.append(
                Finding(
                    "too_few_respondents",
                    "insufficient_data",
                    f"Only {n} participant{'s' if n != 1 else ''} answered the '{wave}' wave; at "
                    f"least {rules.min_respondents_per_wave} are needed for a verdict.",
                    values={"n": n, "wave": wave, "minimum": rules.min_respondents_per_wave},
                )
            )
    for result in dimensions:
        findings.extend(_dimension_findings(result, rules, alpha, design))
    if notes is not None:
        findings.extend(_note_findings(notes, rules, labels))
    if attrition.applicable and attrition.rate is not None and attrition.level != "green":
        threshold = rules.attrition_red if attrition.level == "red" else rules.attrition_amber
        findings.append(
            Finding(
                "high_attrition",
                "conditional",
                f"{attrition.rate:.0%} of the participants who answered before the pilot did not "
                f"answer after it ({attrition.n_dropouts} of {attrition.n_baseline}; "
                f"{attrition.level}: "
                f"above {threshold:.0%}).",
                values={
                    "rate": attrition.rate,
                    "n_dropouts": attrition.n_dropouts,
                    "n_baseline": attrition.n_baseline,
                    "level": attrition.level,
                    "threshold": threshold,
                },
            )
        )
    if attrition.applicable:
        findings.extend(_dropout_findings(attrition, alpha, labels))
    if not findings:
        summary = ", ".join(f"{d.label} {d.verdict.replace('_', ' ')}" for d in dimensions)
        return Readiness(
            "ready",
            [f"No rule raised a concern: {summary}." if summary else "No rule raised a concern."],
        )
    verdict = max((f.verdict for f in findings), key=SEVERITY_ORDER.index)
    return Readiness(
        verdict=verdict,
        reasons=_unique_reasons(findings),
        findings=findings,
        areas_of_concern=_areas(findings, labels),
    )


def _dropout_findings(attrition: Attrition, alpha: float, labels: dict[str, str]) -> list[Finding]:
    found = []
    for c in attrition.comparisons:
        if c.p_adjusted is None or c.p_adjusted >= alpha or c.difference is None:
            continue
        label = labels.get(c.dimension, c.dimension)
        direction = "higher" if c.difference > 0 else "lower"
        found.append(
            Finding(
                "dropout_difference",
                "conditional",
                f"Those who dropped out had rated {label} {_points(c.difference)} {direction} "
                f"before the pilot than those who stayed ({c.n_dropouts} vs {c.n_completers} "
                "people; more than chance explains): the results after the pilot "
                "may not speak for everyone.",
                c.dimension,
                {
                    "difference": c.difference,
                    "n_dropouts": c.n_dropouts,
                    "n_completers": c.n_completers,
                },
            )
        )
    return found


def _note_findings(
    notes: NotesSummary, rules: ReadinessRules, labels: dict[str, str]
) -> list[Finding]:
    found = []
    for concern in notes.concerns:
        if concern.severity == "blocker" and not rules.blocker_is_not_ready:
            continue
        if concern.severity == "major" and not rules.major_is_conditional:
            continue
        verdict = "not_ready" if concern.severity == "blocker" else "conditional"
        names = ", ".join(labels.get(d, d) for d in concern.dimensions)
        detail = f": {concern.text}" if concern.text else ""
        reason = f"Focus groups raised a {concern.severity} concern about {names}{detail}"
        if not reason.endswith((".", "!", "?")):
            reason += "."
        values = {
            "severity": concern.severity,
            "dimensions": list(concern.dimensions),
            "text": concern.text,
        }
        # one finding per dimension named, so each shows as an area of concern
        found.extend(
            Finding(f"{concern.severity}_concern", verdict, reason, dimension, values)
            for dimension in concern.dimensions
        )
    return found


def by_severity(findings: Iterable[Finding]) -> list[Finding]:
    """Findings, most severe first (in the order found within a severity)."""
    return sorted(findings, key=lambda f: -SEVERITY_ORDER.index(f.verdict))


def reasons_per_area(
    findings: Iterable[Finding], text: Callable[[Finding], str]
) -> dict[str, list[str]]:
    """Per dimension a finding names, in the order found: its findings' `text`, each once."""
    grouped: dict[str, list[str]] = {}
    for finding in findings:
        if finding.dimension is None:
            continue
        reasons = grouped.setdefault(finding.dimension, [])
        if (said := text(finding)) not in reasons:
            reasons.append(said)
    return grouped


def _unique_reasons(findings: list[Finding]) -> list[str]:
    """Reasons, most severe first, each once (a note naming two dimensions is one reason)."""
    return list(dict.fromkeys(f.reason for f in by_severity(findings) if f.reason))


def _areas(findings: list[Finding], labels: dict[str, str]) -> list[AreaOfConcern]:
    grouped = reasons_per_area(findings, lambda finding: finding.reason)
    return [
        AreaOfConcern(dimension, labels.get(dimension, dimension), reasons)
        for dimension, reasons in grouped.items()
    ]
