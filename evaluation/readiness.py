"""The rollout-readiness verdict: documented, parameterised rules (docs/readiness.md).

Verdicts from most to least severe: `insufficient_data`, `not_ready`, `conditional`,
`ready`. Every rule that fires adds a plain-words reason naming the dimension and the
figure; the most severe verdict among the fired rules wins.

| rule | verdict |
| --- | --- |
| fewer than `min_respondents_per_wave` in a compared wave (pairs, if paired) | insufficient_data |
| nothing measured: no area score and no tested question | insufficient_data |
| a dimension declined (Holm-adjusted test, and the decline reaches the margin) | not_ready |
| a question outside any area got worse (Benjamini-Hochberg adjusted test) | not_ready |
| a blocker concern from the focus groups (or the register), not verified nor accepted | not_ready |
| a dimension is inconclusive (no clear change, not shown within the margin) | conditional |
| a question inside an area got worse (adjusted test) | conditional |
| no areas, and no question improved clearly | conditional |
| a wave answered by fewer than `min_response_rate` of those invited | conditional |
| the margin was changed after answers of the follow-up wave existed | conditional |
| a major concern from the focus groups (or the register), not verified nor accepted | conditional |
| a concern whose risk an executive accepted (register) | conditional |
| Cronbach's alpha of a dimension (baseline) below `reliability_threshold` | conditional |
| an item looks mis-keyed (negative corrected item-total correlation) | conditional |
| attrition above `attrition_amber` (amber) or `attrition_red` (red) | conditional |
| drop-outs scored a dimension differently at baseline (Holm-adjusted p < alpha) | conditional |

`ready` needs positive evidence: every area improved or held steady within its margin
(or, without areas, a question improved clearly and none got worse). That evidence is a
finding of its own (`positive_evidence`, verdict `ready`), as are notes that do not
change the verdict (`small_decline`: a decline beyond chance shown to lie within the
margin; `response_rate_unknown`: the number invited was not given). Each rule is one
small function below; `decide_readiness` collects them.

With the concern register (`evaluation.concerns`), a focus-group note's concern is
found by the note's id: verified, it no longer counts; accepted as a risk, it counts as
conditional at most; otherwise it counts as before. Concerns added to the register by
hand count the same way; a report run's own concerns do not (each run judges its areas
from its answers).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any

from evaluation.attrition import Attrition
from evaluation.concerns import RegisterConcern
from evaluation.dimensions import DimensionResult
from evaluation.errors import EvaluationInputError
from evaluation.items import ItemResult
from evaluation.notes import Concern, NotesSummary
from evaluation.scoring import Design

SEVERITY_ORDER: tuple[str, ...] = ("ready", "conditional", "not_ready", "insufficient_data")
#: What a register concern did to a verdict: verified and no longer counted (`resolved`),
#: accepted and counted as conditional at most (`accepted`), still counted at its
#: severity (`holds`), or not read (`none`: a run's own concern, or its note was not in
#: the notes table).
CONCERN_EFFECTS: tuple[str, ...] = ("resolved", "accepted", "holds", "none")


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
    min_response_rate: float = 0.50

    def check(self) -> None:
        """Refuse thresholds that cannot work, naming the first one (one line)."""
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, float) and not math.isfinite(value):
                raise EvaluationInputError(f"{f.name} must be a finite number, not {value}")
        if self.min_respondents_per_wave < 1:
            raise EvaluationInputError(
                f"min_respondents_per_wave must be 1 or more, not {self.min_respondents_per_wave}"
            )
        if not 0 < self.reliability_threshold < 1:
            raise EvaluationInputError(
                f"reliability_threshold must lie between 0 and 1, not {self.reliability_threshold}"
            )
        for name in ("attrition_amber", "attrition_red", "min_response_rate"):
            if not 0 <= getattr(self, name) <= 1:
                raise EvaluationInputError(
                    f"{name} must lie between 0 and 1, not {getattr(self, name)}"
                )
        if self.attrition_amber > self.attrition_red:
            raise EvaluationInputError(
                f"attrition_amber ({self.attrition_amber}) must not be above attrition_red "
                f"({self.attrition_red})"
            )


@dataclass(frozen=True)
class ResponseRate:
    """Invited and answering people of one wave (`invited` None when not known)."""

    wave: str
    invited: int | None
    n: int

    @property
    def rate(self) -> float | None:
        return self.n / self.invited if self.invited else None


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
    #: per concern id of the register, what it did to this verdict (`CONCERN_EFFECTS`)
    concern_effects: dict[int, str] = field(default_factory=dict)


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
                f"for every area tested, and at least the margin of {_points(result.margin or 0)}.",
                result.id,
                {**_change_values(result, alpha), "margin": result.margin},
            )
        )
    elif result.verdict == "inconclusive" and rules.inconclusive_is_conditional:
        found.append(_inconclusive_finding(result, alpha, design))
    found.extend(_small_decline_findings(result, alpha))
    found.extend(_reliability_findings(result, rules))
    return found


def _analysed(result: DimensionResult, design: Design) -> int:
    if design.partial:
        return min(result.n_pre, result.n_post)
    return result.n_paired if design.paired else min(result.n_pre, result.n_post)


def _inconclusive_finding(result: DimensionResult, alpha: float, design: Design) -> Finding:
    c = result.comparison
    analysed = _analysed(result, design)
    if c.p_value is None:
        reason = (
            f"{result.label} could not be tested: too few scores or no variation in them "
            f"({result.n_pre} before, {result.n_post} after, {result.n_paired} in both waves)."
        )
    else:
        # without a known scale there is no margin in points to name
        margin = f"a drop of {result.margin:.2f} points; " if result.margin is not None else ""
        reason = (
            f"{_change_sentence(result, alpha)}: not clear "
            "enough to call a change once every area tested is allowed for, nor shown to be "
            f"no worse than the margin ({margin}n = {analysed})."
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
    return Finding("dimension_inconclusive", "conditional", reason, result.id, values)


def _small_decline_findings(result: DimensionResult, alpha: float) -> list[Finding]:
    """A decline beyond chance shown to lie within the margin: reported, not blocking."""
    c = result.comparison
    if not result.small_decline or c.mean_change is None or result.margin is None:
        return []
    return [
        Finding(
            "small_decline",
            "ready",
            f"{result.label} fell by {_points(c.mean_change)} {_scale(result)}{_ci(result, alpha)}:"
            f" more than chance explains, but shown to stay within the margin of "
            f"{_points(result.margin)}, so it does not hold the rollout back.",
            result.id,
            {**_change_values(result, alpha), "margin": result.margin},
        )
    ]


def _reliability_findings(result: DimensionResult, rules: ReadinessRules) -> list[Finding]:
    found: list[Finding] = []
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


def _respondent_findings(design: Design, rules: ReadinessRules) -> list[Finding]:
    """Too few respondents in a compared wave, or too few pairs in a paired design."""
    found = []
    for wave in (design.baseline, design.follow_up):
        n = design.n.get(wave, 0)
        if n < rules.min_respondents_per_wave:
            found.append(
                Finding(
                    "too_few_respondents",
                    "insufficient_data",
                    f"Only {n} participant{'s' if n != 1 else ''} answered the '{wave}' wave; at "
                    f"least {rules.min_respondents_per_wave} are needed for a verdict.",
                    values={"n": n, "wave": wave, "minimum": rules.min_respondents_per_wave},
                )
            )
    if design.paired and not design.partial and not found:
        n = design.n_paired
        if n < rules.min_respondents_per_wave:
            found.append(
                Finding(
                    "too_few_pairs",
                    "insufficient_data",
                    f"Only {n} participant{'s' if n != 1 else ''} answered both waves; at "
                    f"least {rules.min_respondents_per_wave} are needed for a verdict.",
                    values={"n": n, "minimum": rules.min_respondents_per_wave},
                )
            )
    return found


def _item_label(item: ItemResult, texts: Mapping[str, str]) -> str:
    # the wording is in the finding's values["text"]; the reason names the item by id, as
    # the report's catalogs do, so both read the same
    return f"'{item.id}'"


def _item_change(item: ItemResult) -> str:
    f = item.figures
    if item.type == "boolean" and f.get("pre_rate") is not None and f.get("post_rate") is not None:
        return f"{f['pre_rate']:.0%} answered yes before, {f['post_rate']:.0%} after"
    if f.get("pre_mean") is not None and f.get("post_mean") is not None:
        return f"average {f['pre_mean']:.2f} before, {f['post_mean']:.2f} after"
    return "its answers moved"


_ITEM_FIGURES = ("pre_rate", "post_rate", "pre_mean", "post_mean")


def _item_findings(
    items: Sequence[ItemResult], alpha: float, texts: Mapping[str, str]
) -> list[Finding]:
    """A question that got worse beyond chance (Benjamini-Hochberg adjusted)."""
    found = []
    for item in items:
        if item.direction != "worse" or item.p_adjusted is None or item.p_adjusted >= alpha:
            continue
        outside = item.dimension is None
        found.append(
            Finding(
                "item_declined",
                "not_ready" if outside else "conditional",
                f"Question {_item_label(item, texts)} got worse ({_item_change(item)}; "
                f"adjusted p = {item.p_adjusted:.3g}): more than chance explains, even "
                "allowing for every question tested.",
                item.dimension,
                {
                    "item": item.id,
                    "text": texts.get(item.id, ""),
                    "type": item.type,
                    "p_adjusted": item.p_adjusted,
                    **{k: item.figures.get(k) for k in _ITEM_FIGURES},
                },
            )
        )
    return found


def _evidence_findings(
    dimensions: Sequence[DimensionResult], items: Sequence[ItemResult], alpha: float
) -> list[Finding]:
    """`ready` needs positive evidence on what was measured; say what is missing."""
    tested = [i for i in items if i.p_value is not None]
    scored = [d for d in dimensions if d.comparison.p_value is not None]
    if not scored and not tested:
        return [
            Finding(
                "nothing_measured",
                "insufficient_data",
                "Nothing was measured that can be compared before and after: no area has "
                "scores in both waves and no question could be tested.",
                values={"n_dimensions": len(dimensions), "n_items": len(items)},
            )
        ]
    if dimensions:
        if not all(d.verdict in ("improved", "no_change") for d in dimensions):
            return []  # the inconclusive or declined areas already say what is missing
        held = ", ".join(
            f"{d.label} {'improved' if d.verdict == 'improved' else 'held steady'}"
            for d in dimensions
        )
        return [
            Finding(
                "positive_evidence",
                "ready",
                f"Every area improved or was shown not to get worse by more than its margin: "
                f"{held}.",
                values={"dimensions": {d.id: d.verdict for d in dimensions}},
            )
        ]
    better = [i for i in tested if i.direction == "better" and (i.p_adjusted or 1) < alpha]
    worse = [i for i in tested if i.direction == "worse" and (i.p_adjusted or 1) < alpha]
    if better and not worse:
        return [
            Finding(
                "positive_evidence",
                "ready",
                f"{len(better)} of {len(tested)} questions tested improved beyond chance and "
                "none got worse.",
                values={"improved": [i.id for i in better], "tested": len(tested)},
            )
        ]
    if worse:
        return []  # the questions that got worse already say why
    return [
        Finding(
            "no_positive_evidence",
            "conditional",
            f"The questionnaire has no areas, and none of the {len(tested)} questions tested "
            "improved beyond chance: the data show neither an improvement nor that nothing "
            "got worse.",
            values={"tested": len(tested)},
        )
    ]


def _response_rate_findings(
    rates: Sequence[ResponseRate] | None, rules: ReadinessRules
) -> list[Finding]:
    """A wave answered by fewer than `min_response_rate` of those invited."""
    if not rates or all(r.invited is None for r in rates):
        return [
            Finding(
                "response_rate_unknown",
                "ready",
                "The response rate could not be checked: the number of people invited was "
                "not given.",
                values={"minimum": rules.min_response_rate},
            )
        ]
    found = []
    for r in rates:
        rate = r.rate
        if rate is None or rate >= rules.min_response_rate:
            continue
        found.append(
            Finding(
                "low_response_rate",
                "conditional",
                f"Only {rate:.0%} of the people invited answered the '{r.wave}' wave "
                f"({r.n} of {r.invited}; at least {rules.min_response_rate:.0%} are needed for "
                "its answers to speak for the group).",
                values={
                    "wave": r.wave,
                    "rate": rate,
                    "n": r.n,
                    "invited": r.invited,
                    "minimum": rules.min_response_rate,
                },
            )
        )
    return found


@dataclass(frozen=True)
class MarginInfo:
    """The non-inferiority margin: its value (None = default per area), where it came
    from, and whether it was changed after the follow-up wave had answers."""

    value: float | None = None
    source: str = "default"
    changed_after_data: bool = False


def _margin_findings(margin: MarginInfo | None) -> list[Finding]:
    if margin is None or not margin.changed_after_data:
        return []
    value = "the default" if margin.value is None else f"{margin.value:g} points"
    return [
        Finding(
            "margin_changed_after_data",
            "conditional",
            f"The margin ({value}) was changed after answers to the follow-up wave came in: "
            "a margin chosen after seeing the data can make any result look acceptable.",
            values={"margin": margin.value},
        )
    ]


def _attrition_findings(attrition: Attrition, rules: ReadinessRules) -> list[Finding]:
    if not attrition.applicable or attrition.rate is None or attrition.level == "green":
        return []
    threshold = rules.attrition_red if attrition.level == "red" else rules.attrition_amber
    return [
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
    ]


def decide_readiness(
    dimensions: list[DimensionResult],
    design: Design,
    attrition: Attrition,
    notes: NotesSummary | None,
    rules: ReadinessRules,
    alpha: float,
    labels: dict[str, str],
    *,
    items: Sequence[ItemResult] = (),
    item_texts: Mapping[str, str] | None = None,
    response_rates: Sequence[ResponseRate] | None = None,
    margin: MarginInfo | None = None,
    register: Sequence[RegisterConcern] | None = None,
    legacy: bool = False,
) -> Readiness:
    """Apply the rules; the most severe verdict wins, every fired reason is listed.

    `register`: the pilot's concern register (`evaluation.concerns.read_concerns`), or
    None to read the notes' concerns as they stand.

    `legacy=True` applies the earlier rule set (no item, evidence, response-rate or
    margin rules; "ready" when nothing fired), kept only for `python -m bench verdict`.
    """
    findings: list[Finding] = [*_respondent_findings(design, rules)]
    for result in dimensions:
        findings.extend(_dimension_findings(result, rules, alpha, design))
    if not legacy:
        findings.extend(_item_findings(items, alpha, item_texts or {}))
        findings.extend(_evidence_findings(dimensions, items, alpha))
        findings.extend(_response_rate_findings(response_rates, rules))
        findings.extend(_margin_findings(margin))
    effects: dict[int, str] = {}
    if notes is not None:
        findings.extend(_note_findings(notes, rules, labels, register, effects))
    if register is not None:
        findings.extend(_register_findings(register, rules, labels, effects))
    findings.extend(_attrition_findings(attrition, rules))
    if attrition.applicable:
        findings.extend(_dropout_findings(attrition, alpha, labels))
    if not findings:  # only the legacy rules get here
        summary = ", ".join(f"{d.label} {d.verdict.replace('_', ' ')}" for d in dimensions)
        return Readiness(
            "ready",
            [f"No rule raised a concern: {summary}." if summary else "No rule raised a concern."],
            concern_effects=effects,
        )
    verdict = max((f.verdict for f in findings), key=SEVERITY_ORDER.index)
    return Readiness(
        verdict=verdict,
        reasons=_unique_reasons(findings),
        findings=findings,
        areas_of_concern=_areas(findings, labels),
        concern_effects=effects,
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


def _counts(severity: str, rules: ReadinessRules) -> bool:
    """Whether the rules read a concern of this severity at all."""
    if severity == "blocker":
        return rules.blocker_is_not_ready
    return severity == "major" and rules.major_is_conditional


def _sentence(text: str) -> str:
    return text if text.endswith((".", "!", "?")) else text + "."


def _names(dimensions: Sequence[str], labels: Mapping[str, str]) -> str:
    return ", ".join(labels.get(d, d) for d in dimensions)


def _accepted_finding(
    entry: RegisterConcern, severity: str, dimensions: list[str], labels: Mapping[str, str]
) -> list[Finding]:
    """An accepted risk: conditional at most, naming who accepted it."""
    who = entry.accepted_by or "an executive"
    if entry.accepted_by and entry.accepted_by_role:
        who += f" ({entry.accepted_by_role})"
    detail = f": {entry.title}" if entry.title else ""
    reason = _sentence(
        f"A {severity} concern about {_names(dimensions, labels)} was accepted as a risk "
        f"by {who}{detail}"
    )
    values = {
        "severity": severity,
        "dimensions": list(dimensions),
        "text": entry.title,
        "concern_id": entry.id,
        "accepted_by": entry.accepted_by,
        "accepted_by_role": entry.accepted_by_role,
    }
    return [Finding("accepted_risk", "conditional", reason, d, values) for d in dimensions]


def _note_findings(
    notes: NotesSummary,
    rules: ReadinessRules,
    labels: dict[str, str],
    register: Sequence[RegisterConcern] | None = None,
    effects: dict[int, str] | None = None,
) -> list[Finding]:
    by_note = {c.note_id: c for c in register or () if c.note_id is not None}
    effects = effects if effects is not None else {}
    found = []
    for concern in notes.concerns:
        if not _counts(concern.severity, rules):
            continue
        entry = by_note.get(int(concern.note_id)) if concern.note_id.isdigit() else None
        if entry is not None and entry.status == "verified":
            effects[entry.id] = "resolved"
            continue
        if entry is not None and entry.status == "accepted":
            effects[entry.id] = "accepted"
            found.extend(_accepted_finding(entry, concern.severity, concern.dimensions, labels))
            continue
        if entry is not None:
            effects[entry.id] = "holds"
        found.extend(_focus_group_findings(concern, labels))
    return found


def _focus_group_findings(concern: Concern, labels: Mapping[str, str]) -> list[Finding]:
    verdict = "not_ready" if concern.severity == "blocker" else "conditional"
    detail = f": {concern.text}" if concern.text else ""
    reason = _sentence(
        f"Focus groups raised a {concern.severity} concern about "
        f"{_names(concern.dimensions, labels)}{detail}"
    )
    values = {
        "severity": concern.severity,
        "dimensions": list(concern.dimensions),
        "text": concern.text,
    }
    # one finding per dimension named, so each shows as an area of concern
    return [
        Finding(f"{concern.severity}_concern", verdict, reason, dimension, values)
        for dimension in concern.dimensions
    ]


_STATUS_WORDS = {
    "open": "still open",
    "planned": "planned but not yet done",
    "mitigated": "mitigated but not yet verified",
}


def _register_findings(
    register: Sequence[RegisterConcern],
    rules: ReadinessRules,
    labels: dict[str, str],
    effects: dict[int, str],
) -> list[Finding]:
    """Concerns added to the register by hand count like notes; the others have been
    read with their notes (`_note_findings`) or are a run's own (not read again)."""
    found = []
    for entry in register:
        if entry.id in effects:
            continue
        if entry.source != "manual" or not _counts(entry.severity, rules):
            effects[entry.id] = "none"
            continue
        dimensions = entry.dimensions
        if entry.status == "verified":
            effects[entry.id] = "resolved"
            continue
        if entry.status == "accepted":
            effects[entry.id] = "accepted"
            found.extend(_accepted_finding(entry, entry.severity, dimensions, labels))
            continue
        effects[entry.id] = "holds"
        verdict = "not_ready" if entry.severity == "blocker" else "conditional"
        detail = f": {entry.title}" if entry.title else ""
        reason = _sentence(
            f"The concern register lists a {entry.severity} concern about "
            f"{_names(dimensions, labels)}, {_STATUS_WORDS[entry.status]}{detail}"
        )
        values = {
            "severity": entry.severity,
            "dimensions": list(dimensions),
            "text": entry.title,
            "status": entry.status,
            "concern_id": entry.id,
        }
        found.extend(Finding("register_entry", verdict, reason, d, values) for d in dimensions)
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
    concerns = [f for f in findings if f.verdict != "ready"]
    grouped = reasons_per_area(concerns, lambda finding: finding.reason)
    return [
        AreaOfConcern(dimension, labels.get(dimension, dimension), reasons)
        for dimension, reasons in grouped.items()
    ]
