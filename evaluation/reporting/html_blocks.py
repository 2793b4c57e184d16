"""HTML pieces of the report: the verdict banner, traffic lights, quotes, methods.

Plain HTML with a small stylesheet, shown through `IPython.display.HTML`, so the
nbconvert export (inputs excluded) reads like a document. Every text is escaped; colours
are always doubled by words and symbols. The words come from the catalog of the report's
language (`lang`, see `evaluation.reporting.i18n`).
"""

from __future__ import annotations

import platform
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

import pandas as pd

from evaluation.reporting.colours import LIGHT_TONES, UNCLEAR, VERDICT_TONES
from evaluation.reporting.i18n import Messages, report_languages_for, texts
from evaluation.reporting.reasons import reasons_by_area
from evaluation.reporting.safe_text import escaped
from evaluation.reporting.tables import headline
from evaluation.result import EvaluationResult
from pilotkit.instruments import Instrument

_VERDICT_STYLE = {verdict: (tone.text, tone.symbol) for verdict, tone in VERDICT_TONES.items()}
_LIGHT = {light: (tone.text, tone.symbol) for light, tone in LIGHT_TONES.items()}


def e(value: object) -> str:
    """A data text inside these HTML blocks (`safe_text.escaped`)."""
    return escaped(value)


def written(text: str, language: str, lang: str) -> str:
    """A text from the data (a note, a quote) as it was written, marked with its
    `language`: the `lang` attribute, and the language's name when it is not the
    report's (`lang`), so a reader knows the words were not translated."""
    if not language:
        return e(text)
    marked = f'<span lang="{e(language)}">{e(text)}</span>'
    if language == lang:
        return marked
    from babel import Locale

    try:
        name = Locale.parse(texts(lang).language).languages.get(language, language)
    except (ValueError, TypeError):
        name = language
    return (
        f'{marked} <span class="small">({e(texts(lang)("words.written_in", language=name))})</span>'
    )


def _reason_html(
    reason: str, quoted: tuple[str, str] | None, notes_language: str, lang: str
) -> str:
    """One reason; a quoted note stays as written, marked with its language."""
    if quoted is None:
        return e(reason)
    lead, note = quoted
    prefix = texts(lang)("reasons.concern_detail", text="")
    end = "" if note.endswith((".", "!", "?")) else "."
    return f"{e(lead)}{e(prefix)}{written(note, notes_language, lang)}{end}"


def report_css() -> str:
    return """<style>
.pk img, .jp-RenderedImage img, .jp-RenderedSVG img { max-width: 100%; height: auto; }
.pk { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; font-size: 16px;
      line-height: 1.5; color: #1b1b1b; max-width: 60rem; }
.pk h1 { font-size: 1.9rem; margin: 0 0 .3rem; }
.pk .sub { color: #4a4a4a; margin: 0 0 1rem; }
.pk .verdict { border-left: .5rem solid; padding: .8rem 1.2rem; background: #f6f6f6;
               margin: 1rem 0; }
.pk .verdict .word { font-size: 1.6rem; font-weight: 700; }
.pk table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem;
            table-layout: auto; }
.pk th, .pk td { text-align: left !important; padding: .45rem .6rem;
                 border-bottom: 1px solid #ddd; vertical-align: top; }
.pk th { font-weight: 600; background: #fafafa; }
.pk .light { font-weight: 600; white-space: nowrap; }
.pk blockquote { margin: .6rem 0; padding: .4rem 1rem; border-left: .3rem solid #0072B2;
                 background: #f4f8fb; }
.pk .small { color: #4a4a4a; font-size: .9rem; }
.pk .ci { color: #4a4a4a; font-size: .9em; white-space: nowrap; }
.pk tr.q th { background: #f0f0f0; font-weight: 600; }
.pk tr.q .ci { white-space: normal; font-weight: 400; }
.pk details { margin: .4rem 0; }
.pk summary { cursor: pointer; font-weight: 600; padding: .3rem 0; }
.pk code { font-size: .85rem; }
.pk .register p { margin: .3rem 0; overflow-wrap: anywhere; }
@media (max-width: 480px) {
  .pk th, .pk td { padding: .4rem .3rem; }
  .pk .light { white-space: normal; }
}
</style>"""


def in_questions_language(text: str, instrument: Instrument, lang: str) -> str:
    """A text of the instrument (its title, a question), marked with its language when
    the report's own words are in another one."""
    m = texts(lang)
    questions = report_languages_for(lang, instrument.languages).questions
    if questions == m.language:
        return e(text)
    return f'<span lang="{e(questions)}" dir="auto">{e(text)}</span>'


def language_name(code: str, m: Messages, *, between: str = " ({own})") -> str:
    """A language's name in the report's words, then its own name when that differs,
    marked with its language, as HTML: "Arabic (العربية)", or with `between=", {own},"`
    "Khmer, ខ្មែរ," (inside a parenthesis)."""
    from babel import Locale

    from pilotkit.instruments.translations.languages import own_name

    try:
        name = Locale.parse(m.language).languages.get(code.replace("-", "_"), code)
    except (ValueError, TypeError):
        name = code
    itself = own_name(code)
    if code == m.language or itself in (code, name):
        return e(name)
    own = f'<span lang="{e(code)}" dir="auto">{e(itself)}</span>'
    return e(name) + e(between).replace("{own}", own)


def languages_note(lang: str, instrument: Instrument | None) -> str:
    """When the reader asked for a language the report's texts are not written in: a line
    saying so ("Report texts: English (Arabic not yet available); questions and answers
    in Arabic"), as HTML; "" otherwise."""
    m = texts(lang)
    if not m.falls_back:
        return ""
    offered = instrument.languages if instrument is not None else [lang]
    plan = report_languages_for(lang, offered)
    if plan.questions == plan.asked:
        key = "languages_fallback"
    elif plan.questions == plan.texts:
        key = "languages_fallback_all"
    else:
        key = "languages_fallback_questions"
    line = m(
        f"headline.{key}",
        texts="\x00texts\x00",
        asked="\x00asked\x00",
        questions="\x00questions\x00",
    )
    names = {
        "texts": language_name(plan.texts, m),
        "asked": language_name(plan.asked, m, between=", {own},"),
        "questions": language_name(plan.questions, m),
    }
    html = e(line)
    for key, name in names.items():
        html = html.replace(e(f"\x00{key}\x00"), name)
    return f'<p class="sub languages">{html}</p>'


def report_context(
    lang: str,
    *,
    report_date: date | None = None,
    cutoff: datetime | None = None,
    pilot_url: str = "",
    instrument: Instrument | None = None,
) -> str:
    """The report's date, the data's cut-off (the last answer included) and a link back to
    the pilot, as one line in the report's language; then, for a reader whose language the
    report's texts are not written in yet, which language each part is in."""
    m = texts(lang)
    parts = [m("headline.report_date", date=m.date(report_date or datetime.now(UTC)))]
    if cutoff is not None:
        parts.append(m("headline.cutoff", date=m.date(cutoff), time=m.time(cutoff)))
    else:
        parts.append(m("headline.cutoff_unknown"))
    line = " · ".join(e(part) for part in parts)
    if pilot_url.startswith(("https://", "http://")):
        line += f' · <a href="{e(pilot_url)}">{e(m("headline.pilot_link"))}</a>'
    return f'<p class="sub">{line}</p>' + languages_note(lang, instrument)


def headline_block(
    pilot_name: str,
    instrument: Instrument,
    result: EvaluationResult,
    lang: str,
    *,
    context: str = "",
    notes_language: str = "",
) -> str:
    """The first screen: pilot, verdict in words, the reasons, the areas of concern;
    `context` (see `report_context`) under the title."""
    m = texts(lang)
    head = headline(result, instrument, lang)
    colour, symbol = _VERDICT_STYLE[head.verdict]
    design = result.design
    why, concern_html = _reasons_html(
        result, instrument, lang, head.reasons, notes_language or instrument.default_language
    )
    title = instrument.text(instrument.title, lang)
    n_before = design.n[design.baseline]
    both = m("headline.both", n=design.n_paired) if design.n_paired else ""
    answered = m.plural(
        "headline.answered",
        n_before,
        n_before=n_before,
        n_after=design.n[design.follow_up],
        both=both,
    )
    return f"""<div class="pk" lang="{e(m.language)}">
<h1>{e(pilot_name)}</h1>
<p class="sub">{in_questions_language(title, instrument, lang)} · {e(answered)}</p>
{context}
<div class="verdict" style="border-color:{colour}">
  <div class="word" style="color:{colour}">{symbol} {e(head.title)}</div>
  <p>{e(head.explanation)}</p>
</div>
<h2>{e(m("headline.why"))}</h2>
{why}
{concern_html}
</div>"""


def _reasons_html(
    result: EvaluationResult,
    instrument: Instrument,
    lang: str,
    ready_reasons: list[str],
    notes_language: str,
) -> tuple[str, str]:
    """ "Why" and "Areas of concern": every reason once, grouped by the area it concerns.

    "Why" holds the reasons about the pilot as a whole and names the areas of concern;
    each area's reasons follow under its name, most severe area first.
    """
    m = texts(lang)
    groups = reasons_by_area(result, instrument, lang)
    if not groups:  # no rule fired: the verdict's own summary of what was measured
        lines = ready_reasons or [m("headline.no_reasons")]
        why = "<ul>" + "".join(f"<li>{e(r)}</li>" for r in lines) + "</ul>"
        none = (
            f"<h2>{e(m('headline.concerns_none_title'))}</h2>"
            f"<p>{e(m('headline.concerns_none'))}</p>"
        )
        return why, none
    pilot_wide = [g for g in groups if g.dimension is None]
    areas = [g for g in groups if g.dimension is not None]
    parts = []
    if pilot_wide:
        group = pilot_wide[0]
        parts.append(
            "<ul>"
            + "".join(
                f"<li>{_reason_html(r, q, notes_language, lang)}</li>"
                for r, q in zip(group.reasons, group.notes, strict=True)
            )
            + "</ul>"
        )
    if areas:
        names = m.join([g.label for g in areas])
        parts.append(f"<p>{e(m.plural('headline.areas_named', len(areas), names=names))}</p>")
    if not areas:
        none = (
            f"<h2>{e(m('headline.concerns_none_title'))}</h2>"
            f"<p>{e(m('headline.concerns_none'))}</p>"
        )
        return "".join(parts), none
    sections = []
    for group in areas:
        colour, symbol = _VERDICT_STYLE.get(group.verdict, _VERDICT_STYLE["conditional"])
        items = "".join(
            f"<li>{_reason_html(r, q, notes_language, lang)}</li>"
            for r, q in zip(group.reasons, group.notes, strict=True)
        )
        sections.append(
            f'<h3><span style="color:{colour}" aria-hidden="true">{symbol}</span> '
            f"{e(group.label)}</h3><ul>{items}</ul>"
        )
    concern_html = f"<h2>{e(m('headline.concerns_title'))}</h2>" + "".join(sections)
    return "".join(parts), concern_html


def traffic_light_block(overview: pd.DataFrame, lang: str = "en", *, level: float = 0.95) -> str:
    """One row per area: light, status in words, change with its confidence interval (at
    `level`), reliability warning."""
    m = texts(lang)
    # the note column only when an area has a note: on a phone every column counts
    with_note = any(bool(note) for note in overview["reliability_note"])
    columns = ("area", "status", "change", "note") if with_note else ("area", "status", "change")
    rows = []
    for row in overview.itertuples(index=False):
        colour, symbol = _LIGHT.get(row.light, _LIGHT["none"])
        change = "" if pd.isna(row.mean_change) else m.number(row.mean_change, "+.2f")
        if change and not (pd.isna(row.ci_low) or pd.isna(row.ci_high)):
            interval = m(
                "areas.change_ci",
                low=m.number(row.ci_low, "+.2f"),
                high=m.number(row.ci_high, "+.2f"),
            )
            change += f'<br><span class="ci">{e(interval)}</span>'
        note = ""
        if with_note:
            mark = (
                f'<span style="color:{UNCLEAR.text}" aria-hidden="true">{UNCLEAR.symbol}</span> '
                if row.reliability_note
                else ""
            )
            note = f'<td class="small">{mark}{e(row.reliability_note)}</td>'
        rows.append(
            f"<tr><td>{e(row.label)}</td>"
            f'<td class="light" style="color:{colour}">{symbol} {e(row.status)}</td>'
            f"<td>{change}</td>{note}</tr>"
        )
    head = "".join(f"<th>{e(m(f'areas.column_{name}', level=level))}</th>" for name in columns)
    return (
        f'<div class="pk"><table><thead><tr>{head}</tr></thead><tbody>'
        + "".join(rows)
        + "</tbody></table></div>"
    )


def other_items_block(
    items: pd.DataFrame,
    lang: str = "en",
    *,
    before: str = "",
    after: str = "",
    open_up_to: int = 12,
) -> str:
    """`tables.other_items` as one table per group of questions, each in a `<details>`
    that is open when the report has at most `open_up_to` such questions."""
    m = texts(lang)
    before = before or m("waves.pre")
    after = after or m("waves.post")
    open_attr = " open" if items["item"].nunique() <= open_up_to else ""
    parts = ['<div class="pk">']
    for group, rows in items.groupby("group", sort=False):
        n_questions = rows["item"].nunique()
        changed = rows.drop_duplicates("item")["verdict"].eq(m("yes_no.real_change")).sum()
        summary = m.plural(
            "other_items.summary", n_questions, group=group, n=n_questions, changed=changed
        )
        body = []
        for _, question in rows.groupby("item", sort=False):
            first = question.iloc[0]
            body.append(
                f'<tr class="q"><th colspan="3">{e(first.question)} '
                f'<span class="ci">· {e(first.verdict)}</span></th></tr>'
            )
            body.extend(
                f"<tr><td>{e(row.answer)}</td><td>{e(row.before)}</td><td>{e(row.after)}</td></tr>"
                for row in question.itertuples(index=False)
            )
        parts.append(
            f"<details{open_attr}><summary>{e(summary)}</summary>"
            f"<table><thead><tr><th>{e(m('other_items.column_answer'))}</th>"
            f"<th>{e(before)}</th><th>{e(after)}</th></tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table></details>"
        )
    parts.append("</div>")
    return "".join(parts)


def _word(m: Messages, group: str, code: str) -> str:
    """A code from the data (a severity, a sentiment) in words; an unknown one as it is."""
    return m.get(f"{group}.{code}", code)


def quotes_block(
    quotes: pd.DataFrame, actions: pd.DataFrame, lang: str = "en", *, notes_language: str = ""
) -> str:
    """Quotes (area and severity only, never a name) and the follow-up actions, in the
    words people used, marked with their language (`notes_language`)."""
    m = texts(lang)
    parts = ['<div class="pk">']
    if len(quotes):
        parts.append(f"<h3>{e(m('focus.in_their_words'))}</h3>")
        for row in quotes.itertuples(index=False):
            concern = m("focus.quote_concern", severity=_word(m, "severity", row.severity))
            parts.append(
                f"<blockquote>“{written(row.quote, notes_language, lang)}”"
                f'<br><span class="small">{e(row.label)} · {e(concern)}</span></blockquote>'
                if row.severity != "none"
                else f"<blockquote>“{written(row.quote, notes_language, lang)}”"
                f'<br><span class="small">{e(row.label)}</span></blockquote>'
            )
    if len(actions):
        head = "".join(
            f"<th>{e(m(f'focus.column_{name}'))}</th>" for name in ("area", "severity", "action")
        )
        parts.append(
            f"<h3>{e(m('focus.actions_title'))}</h3><table><thead><tr>{head}</tr></thead><tbody>"
        )
        for row in actions.itertuples(index=False):
            parts.append(
                f"<tr><td>{e(row.label)}</td><td>{e(_word(m, 'severity', row.severity))}</td>"
                f"<td>{written(row.action, notes_language, lang)}</td></tr>"
            )
        parts.append("</tbody></table>")
    parts.append("</div>")
    return "".join(parts)


def themes_block(notes: pd.DataFrame, instrument: Instrument, lang: str) -> str:
    """The notes' texts grouped by area, most severe first (no session or names)."""
    from evaluation.reporting.tables import concerns_by_area_texts

    m = texts(lang)

    parts = ['<div class="pk">']
    for label, entries in concerns_by_area_texts(notes, instrument, lang).items():
        items = "".join(
            f"<li><strong>{e(_word(m, 'severity', severity))}</strong> · "
            f"{e(_word(m, 'sentiment', sentiment))}: {e(text)}</li>"
            if severity != "none"
            else f"<li>{e(_word(m, 'sentiment', sentiment))}: {e(text)}</li>"
            for severity, sentiment, text in entries
        )
        parts.append(f"<h3>{e(label)}</h3><ul>{items}</ul>")
    parts.append("</div>")
    return "".join(parts)


def _method(m: Messages, name: str, text: str) -> tuple[str, str]:
    """A method's name and text in the catalog's language; summary.json's when it has none."""
    return m.get(f"methods.name.{name}", name.replace("_", " ")), m.get(
        f"methods.text.{name}", text
    )


def _parameter_value(m: Messages, name: str, value: Any, result: EvaluationResult) -> str:
    """A parameter as a reader should see it: numbers the language's way, and an unset
    value as what was used instead (never "None")."""
    if value is None:
        if name == "margin":
            used = getattr(result, "margin", None)
            return m("methods.margin_default") if used is None else m.number(float(used), "g")
        return m("methods.parameter_default")
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    return str(value) if isinstance(value, int) else m.number(value, "g")


def methods_block(result: EvaluationResult, parameters: Mapping[str, Any], lang: str = "en") -> str:
    """Tests, corrections, margins, software versions, input checksum and parameters."""
    m = texts(lang)
    summary = result.to_summary()
    methods = "".join(
        f"<tr><th>{e(name)}</th><td>{e(text)}</td></tr>"
        for name, text in (_method(m, *entry) for entry in summary["methods"].items())
    )
    params = "".join(
        f"<tr><th>{e(k)}</th><td><code>{e(_parameter_value(m, k, v, result))}</code></td></tr>"
        for k, v in parameters.items()
    )
    software = {**summary.get("software", {}), "python": platform.python_version()}
    versions = ", ".join(f"{k} {v}" for k, v in sorted(software.items()))
    inputs = summary.get("input", {})
    checksum = inputs.get("responses_sha256", "")
    margin = (
        m("methods.margin_default")
        if result.margin is None
        else m("methods.margin_value", margin=result.margin)
    )
    info = result.margin_info
    if result.margin is not None and info is not None and info.source == "pilot":
        margin = m("methods.margin_pilot", margin=margin)
    changed = (
        f"<p><strong>{e(m('methods.margin_changed'))}</strong></p>"
        if info is not None and info.changed_after_data
        else ""
    )
    design = m(
        "methods.design",
        design=m(f"methods.design_{summary['design']}"),
        n_paired=summary["n_paired"],
        margin=margin,
        alpha=result.alpha,
        level=1 - result.alpha,
    )
    responses = m("methods.responses", rows=inputs.get("rows", "?"))
    return f"""<div class="pk small">
<p>{e(design)}</p>
{changed}
<table><tbody>{methods}</tbody></table>
<h3>{e(m("methods.parameters"))}</h3>
<table><tbody>{params}</tbody></table>
<p>{e(responses)} <code>{e(checksum)}</code>.</p>
<p>{e(m("methods.software", versions=versions))}</p>
</div>"""


def comparison_block(loaded: pd.DataFrame, table: pd.DataFrame, lang: str = "en") -> str:
    """Verdict per pilot, then the change per area and pilot."""
    m = texts(lang)
    rows = []
    for row in loaded.itertuples(index=False):
        verdict = row.verdict if row.verdict in _VERDICT_STYLE else "insufficient_data"
        colour, symbol = _VERDICT_STYLE[verdict]
        rows.append(
            f'<tr><td>{e(row.name)}</td><td style="color:{colour}" class="light">'
            f"{symbol} {e(m(f'verdict.{verdict}.short'))}</td>"
            f"<td>{row.n_pre}</td><td>{row.n_post}</td></tr>"
        )
    pivot = table.pivot_table(index="label", columns="pilot", values="mean_change", sort=False)
    head = "".join(f"<th>{e(c)}</th>" for c in pivot.columns)
    body = "".join(
        f"<tr><td>{e(label)}</td>"
        + "".join("<td>–</td>" if pd.isna(v) else f"<td>{m.number(v, '+.2f')}</td>" for v in values)
        + "</tr>"
        for label, values in zip(pivot.index, pivot.to_numpy(), strict=True)
    )
    columns = "".join(
        f"<th>{e(m(f'compare.column_{name}'))}</th>"
        for name in ("pilot", "verdict", "before", "after")
    )
    return (
        f'<div class="pk"><table><thead><tr>{columns}</tr></thead><tbody>'
        + "".join(rows)
        + "</tbody></table>"
        f"<table><thead><tr><th>{e(m('compare.column_area'))}</th>{head}</tr></thead>"
        f"<tbody>{body}</tbody></table></div>"
    )


__all__ = [
    "comparison_block",
    "headline_block",
    "methods_block",
    "other_items_block",
    "quotes_block",
    "report_context",
    "report_css",
    "themes_block",
    "traffic_light_block",
]
