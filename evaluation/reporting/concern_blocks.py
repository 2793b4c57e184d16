"""The report's sections on the concern register: "Resolved, and how" and "Risks accepted".

A verified concern is listed with its plan, what was done, the evidence and how it was
verified (and by whom); an accepted risk with its rationale and who accepted it. Every
text from the register is escaped (`safe_text.escaped`, through `html_blocks.e` and
`written`) and marked with its language, as the notes are.
"""

from __future__ import annotations

from evaluation.concerns import RegisterConcern
from evaluation.notes import GENERAL
from evaluation.reporting.html_blocks import e, written
from evaluation.reporting.i18n import Messages, texts
from evaluation.reporting.reasons import area_labels
from evaluation.result import EvaluationResult
from pilotkit.instruments import Instrument

#: Area verdicts of a run that still hold a run's own concern open.
_STILL_FOUND = ("declined", "inconclusive")


def resolved_concerns(result: EvaluationResult) -> list[RegisterConcern]:
    return [c for c in result.concerns or () if c.status == "verified"]


def accepted_risks(result: EvaluationResult) -> list[RegisterConcern]:
    return [c for c in result.concerns or () if c.status == "accepted"]


def _who(m: Messages, email: str, role: str) -> str:
    """A staff account: its e-mail and, when known, its role in the report's words."""
    if not email or not role:
        return email
    return m("reasons.accepted_by_role", email=email, role=m.get(f"roles.{role}", role))


def _area(m: Messages, concern: RegisterConcern, labels: dict[str, str]) -> str:
    titles = {**labels, GENERAL: m("labels.general_title")}
    return m("reasons.names_separator").join(titles.get(d, d) for d in concern.dimensions)


def _field(m: Messages, key: str, value: str, language: str, lang: str) -> str:
    if not value:
        return ""
    return _line(m, key, written(value, language, lang))


def _line(m: Messages, key: str, html: str) -> str:
    """One step of a concern: its name in the report's words, then the (escaped) text."""
    return f"<p><strong>{e(m(f'register.{key}'))}</strong>: {html}</p>"


def _still_found(
    m: Messages, concern: RegisterConcern, result: EvaluationResult, labels: dict[str, str]
) -> str:
    """A run's own concern whose area this run's answers still find wanting."""
    if concern.source != "run":
        return ""
    verdicts = {d.id: d.verdict for d in result.dimensions}
    found = [d for d in concern.dimensions if verdicts.get(d) in _STILL_FOUND]
    if not found:
        return ""
    words = [
        m(
            "register.still_found_item",
            label=labels.get(d, d),
            verdict=m(f"dimension_verdict.{verdicts[d]}"),
        )
        for d in found
    ]
    return f'<p class="small">{e(m("register.still_found", areas=m.join(words)))}</p>'


def _entry(
    m: Messages,
    concern: RegisterConcern,
    labels: dict[str, str],
    fields: str,
    notes_language: str,
    lang: str,
    extra: str = "",
) -> str:
    severity = m.get(f"severity.{concern.severity}", concern.severity)
    source = m.get(f"register.source_{concern.source}", concern.source)
    head = m("register.entry_head", area=_area(m, concern, labels), severity=severity)
    return (
        f"<h3>{e(head)}</h3>"
        f"<blockquote>{written(concern.title, notes_language, lang)}"
        f'<br><span class="small">{e(source)}</span></blockquote>'
        f'<div class="register">{fields}</div>{extra}'
    )


def resolved_block(
    result: EvaluationResult, instrument: Instrument | None, lang: str, *, notes_language: str = ""
) -> str:
    """Every verified concern: its plan, what was done, the evidence, the verification."""
    m = texts(lang)
    labels = area_labels(result, instrument, lang)
    parts = ['<div class="pk">']
    for concern in resolved_concerns(result):
        fields = "".join(
            _field(m, key, value, notes_language, lang)
            for key, value in (
                ("plan", concern.plan),
                ("mitigation", concern.mitigation),
                ("evidence", concern.evidence),
                ("verification", concern.verification),
            )
        )
        who = _who(m, concern.verified_by, concern.verified_by_role)
        if who:
            fields += _line(m, "verified_by", e(who))
        extra = _still_found(m, concern, result, labels)
        parts.append(_entry(m, concern, labels, fields, notes_language, lang, extra))
    parts.append("</div>")
    return "".join(parts)


def accepted_block(
    result: EvaluationResult, instrument: Instrument | None, lang: str, *, notes_language: str = ""
) -> str:
    """Every accepted risk: its rationale and who accepted it."""
    m = texts(lang)
    labels = area_labels(result, instrument, lang)
    parts = ['<div class="pk">']
    for concern in accepted_risks(result):
        fields = _field(m, "rationale", concern.rationale, notes_language, lang)
        who = _who(m, concern.accepted_by, concern.accepted_by_role) or m(
            "reasons.accepted_by_unknown"
        )
        fields += _line(m, "accepted_by", e(who))
        parts.append(_entry(m, concern, labels, fields, notes_language, lang))
    parts.append("</div>")
    return "".join(parts)
