"""The verdict's reasons and the areas of concern, written in the report's language.

summary.json keeps the English reasons the evaluation wrote (a public contract). The
report writes each reason again from its finding's rule and `values`, with the catalog
of the report's language and the instrument's labels in that language; in English the
two read the same.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from evaluation.notes import GENERAL
from evaluation.readiness import Finding, by_severity, reasons_per_area
from evaluation.reporting.i18n import Messages, texts
from evaluation.result import EvaluationResult
from pilotkit.instruments import Instrument


def area_labels(
    result: EvaluationResult, instrument: Instrument | None, lang: str
) -> dict[str, str]:
    """Dimension id -> label in `lang` (the result's labels without an instrument).

    `general` (notes about the pilot as a whole) reads "the pilot in general", as inside
    a sentence.
    """
    m = texts(lang)
    labels = {d.id: d.label for d in result.dimensions}
    if instrument is not None:
        labels.update({d.id: instrument.text(d.label, lang) for d in instrument.dimensions})
    labels[GENERAL] = m("labels.general")
    return labels


def _points(m: Messages, value: float) -> str:
    return m.plural("reasons.points", abs(value), value=abs(value))


def _scale(m: Messages, values: Mapping[str, Any]) -> str:
    low, high = values.get("scale_min"), values.get("scale_max")
    if low is None or high is None:
        return m("reasons.scale_unknown")
    key = "reasons.scale_negative" if low < 0 else "reasons.scale_range"
    return m(key, min=low, max=high)


def _ci(m: Messages, values: Mapping[str, Any]) -> str:
    low, high = values.get("ci_low"), values.get("ci_high")
    if low is None or high is None:
        return ""
    return m("reasons.ci", level=values["level"], low=low, high=high)


def _change(m: Messages, label: str, values: Mapping[str, Any]) -> str:
    change = values.get("change")
    if change is None:
        return m("reasons.change_none", label=label)
    key = "rose" if change > 0 else "fell" if change < 0 else "flat"
    return m(
        f"reasons.change_{key}",
        label=label,
        points=_points(m, change),
        scale=_scale(m, values),
        ci=_ci(m, values),
    )


def finding_text(finding: Finding, labels: Mapping[str, str], m: Messages) -> str:
    """One finding's reason in the catalog's language."""
    v = finding.values
    if not v:  # a finding built without its figures: only the English reason exists
        return finding.reason
    label = labels.get(finding.dimension or "", finding.dimension or "")
    rule = finding.rule
    if rule == "too_few_respondents":
        return m.plural("reasons.too_few_respondents", v["n"], **v)
    if rule == "dimension_declined":
        return m(
            "reasons.dimension_declined",
            label=label,
            points=_points(m, v["change"]),
            scale=_scale(m, v),
            ci=_ci(m, v),
            margin=_points(m, v["margin"]) if v.get("margin") is not None else "",
        )
    if rule == "dimension_inconclusive" and not v["testable"]:
        return m("reasons.dimension_untestable", label=label, **v)
    if rule == "dimension_inconclusive":
        margin = v.get("margin")
        if margin is None:  # no scale, so no margin in points to name
            return m(
                "reasons.dimension_inconclusive_no_margin", change=_change(m, label, v), n=v["n"]
            )
        return m(
            "reasons.dimension_inconclusive",
            change=_change(m, label, v),
            margin=m("reasons.margin", margin=margin),
            n=v["n"],
        )
    if rule == "weak_reliability":
        return m("reasons.weak_reliability", label=label, **v)
    if rule == "miskeyed_item":
        items = v["items"]
        return m.plural("reasons.miskeyed_item", len(items), label=label, items=", ".join(items))
    if rule == "high_attrition":
        level = m(f"reasons.attrition_level.{v['level']}")
        return m("reasons.high_attrition", **{**v, "level": level})
    if rule == "dropout_difference":
        higher = v["difference"] > 0
        return m(
            "reasons.dropout_difference",
            label=label,
            points=_points(m, v["difference"]),
            direction=m("reasons.dropout_higher" if higher else "reasons.dropout_lower"),
            n_dropouts=v["n_dropouts"],
            n_completers=v["n_completers"],
        )
    if rule in NEW_RULES:
        return _new_rule_text(finding, label, labels, m)
    if quotes_a_concern(finding):
        lead, note = concern_parts(finding, labels, m)
        text = lead + (m("reasons.concern_detail", text=note) if note else "")
        return text if text.endswith((".", "!", "?")) else text + "."
    return finding.reason


#: Rules of the concern register whose reason quotes the concern as it was written.
REGISTER_RULES = frozenset({"accepted_risk", "register_entry"})


def quotes_a_concern(finding: Finding) -> bool:
    """A focus-group or register concern: its reason ends with the concern's own words."""
    return bool(finding.values) and (
        finding.rule.endswith("_concern") or finding.rule in REGISTER_RULES
    )


def _who(m: Messages, email: str, role: str) -> str:
    if not email:
        return m("reasons.accepted_by_unknown")
    if not role:
        return email
    return m("reasons.accepted_by_role", email=email, role=m.get(f"roles.{role}", role))


def concern_parts(finding: Finding, labels: Mapping[str, str], m: Messages) -> tuple[str, str]:
    """A concern's reason in two parts: the report's words ("Focus groups raised a major
    concern about X", "... was accepted as a risk by ...") and the concern as written."""
    v = finding.values
    names = m("reasons.names_separator").join(labels.get(d, d) for d in v["dimensions"])
    severity = m(f"severity.{v['severity']}")
    if finding.rule == "accepted_risk":
        who = _who(m, str(v.get("accepted_by") or ""), str(v.get("accepted_by_role") or ""))
        lead = m("reasons.accepted_risk", severity=severity, names=names, who=who)
    elif finding.rule == "register_entry":
        status = m(f"reasons.register_status.{v['status']}")
        lead = m("reasons.register_entry", severity=severity, names=names, status=status)
    else:
        lead = m("reasons.concern", severity=severity, names=names)
    return lead, str(v.get("text") or "")


NEW_RULES = frozenset(
    {
        "positive_evidence",
        "small_decline",
        "nothing_measured",
        "no_positive_evidence",
        "item_declined",
        "response_rate_unknown",
        "low_response_rate",
        "too_few_pairs",
        "margin_changed_after_data",
    }
)


def _new_rule_text(finding: Finding, label: str, labels: Mapping[str, str], m: Messages) -> str:
    """The non-inferiority rules' reasons (`evaluation.readiness`) in the catalog's language."""
    v = finding.values
    rule = finding.rule
    if rule == "positive_evidence" and "dimensions" in v:
        summary = m("reasons.ready_separator").join(
            m(
                "reasons.ready_item",
                label=labels.get(d, d),
                verdict=m("dimension_verdict.improved")
                if verdict == "improved"
                else m("reasons.held_steady"),
            )
            for d, verdict in v["dimensions"].items()
        )
        return m("reasons.positive_evidence_areas", summary=summary)
    if rule == "positive_evidence":
        return m("reasons.positive_evidence_items", improved=len(v["improved"]), tested=v["tested"])
    if rule == "small_decline":
        return m(
            "reasons.small_decline",
            label=label,
            points=_points(m, v["change"]),
            scale=_scale(m, v),
            ci=_ci(m, v),
            margin=_points(m, v["margin"]),
        )
    if rule == "item_declined":
        if v.get("pre_rate") is not None and v.get("post_rate") is not None:
            change = m("reasons.item_change_rate", pre_rate=v["pre_rate"], post_rate=v["post_rate"])
        else:
            change = m("reasons.item_change_mean", pre_mean=v["pre_mean"], post_mean=v["post_mean"])
        return m("reasons.item_declined", item=v["item"], change=change, p_adjusted=v["p_adjusted"])
    if rule == "margin_changed_after_data":
        margin = v.get("margin")
        return m(
            "reasons.margin_changed_after_data",
            margin=m("reasons.margin_changed_default")
            if margin is None
            else m("reasons.margin_changed_value", margin=margin),
        )
    return m(f"reasons.{rule}", **v)


def readiness_reasons(
    result: EvaluationResult, instrument: Instrument | None, lang: str
) -> list[str]:
    """Every reason, most severe first, each once (as `Readiness.reasons` orders them)."""
    m = texts(lang)
    labels = area_labels(result, instrument, lang)
    findings = result.readiness.findings
    if not findings:
        summary = m("reasons.ready_separator").join(
            m("reasons.ready_item", label=labels[d.id], verdict=m(f"dimension_verdict.{d.verdict}"))
            for d in result.dimensions
        )
        return [m("reasons.ready", summary=summary) if summary else m("reasons.ready_empty")]
    return list(dict.fromkeys(finding_text(f, labels, m) for f in by_severity(findings)))


def areas_of_concern(
    result: EvaluationResult, instrument: Instrument | None, lang: str
) -> list[tuple[str, list[str]]]:
    """(area label, its reasons) for every area a rule named, in the order found."""
    m = texts(lang)
    labels = area_labels(result, instrument, lang)
    titles = {**labels, GENERAL: m("labels.general_title")}
    grouped = reasons_per_area(
        result.readiness.findings, lambda finding: finding_text(finding, labels, m)
    )
    return [(titles.get(dim, dim), reasons) for dim, reasons in grouped.items()]


@dataclass(frozen=True)
class AreaReasons:
    """The reasons of the verdict that concern one area (`dimension` None: the whole pilot).

    `notes[i]` is the (lead, note) of `reasons[i]` when that reason quotes a focus-group
    note as written (see `concern_parts`), else None.
    """

    dimension: str | None
    label: str
    verdict: str  # the most severe verdict its reasons ask for
    reasons: list[str]
    notes: list[tuple[str, str] | None]


def reasons_by_area(
    result: EvaluationResult, instrument: Instrument | None, lang: str
) -> list[AreaReasons]:
    """Every reason of the verdict exactly once, grouped by the area it concerns.

    The pilot as a whole comes first (respondents, attrition, ...), then the areas, most
    severe first, in the order found within a severity. A focus-group concern naming
    several areas is one reason: it is listed under the first area it names (its text
    names them all).
    """
    m = texts(lang)
    labels = area_labels(result, instrument, lang)
    titles = {**labels, GENERAL: m("labels.general_title")}
    groups: dict[str | None, AreaReasons] = {}
    seen: set[str] = set()
    for finding in by_severity(result.readiness.findings):
        text = finding_text(finding, labels, m)
        if text in seen:
            continue
        seen.add(text)
        key = finding.dimension
        if key not in groups:
            label = m("headline.pilot_wide") if key is None else titles.get(key, key)
            groups[key] = AreaReasons(key, label, finding.verdict, [], [])
        groups[key].reasons.append(text)
        quoted = concern_parts(finding, labels, m) if quotes_a_concern(finding) else None
        groups[key].notes.append(quoted if quoted and quoted[1] else None)
    pilot_wide = [groups.pop(None)] if None in groups else []
    return pilot_wide + list(groups.values())
