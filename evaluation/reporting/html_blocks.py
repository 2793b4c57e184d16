"""HTML pieces of the report: the verdict banner, traffic lights, quotes, methods.

Plain HTML with a small stylesheet, shown through `IPython.display.HTML`, so the
nbconvert export (inputs excluded) reads like a document. Every text is escaped; colours
are always doubled by words and symbols.
"""

from __future__ import annotations

import html
import platform
from collections.abc import Mapping
from typing import Any

import pandas as pd

from evaluation.reporting.tables import headline
from evaluation.result import EvaluationResult
from pilotkit.instruments import Instrument

_VERDICT_STYLE = {
    "ready": ("#0b6e4f", "✔"),
    "conditional": ("#8a5a00", "◐"),
    "not_ready": ("#b3261e", "✖"),
    "insufficient_data": ("#4a4a4a", "?"),
}
_LIGHT = {
    "green": ("#0b6e4f", "●"),
    "amber": ("#8a5a00", "◐"),
    "red": ("#b3261e", "▲"),
    "grey": ("#4a4a4a", "○"),
}


def e(value: object) -> str:
    return html.escape(str(value))


def report_css() -> str:
    return """<style>
.pk img, .jp-RenderedImage img { max-width: 100%; height: auto; }
.pk { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; font-size: 16px;
      line-height: 1.5; color: #1b1b1b; max-width: 60rem; }
.pk h1 { font-size: 1.9rem; margin: 0 0 .3rem; }
.pk .sub { color: #4a4a4a; margin: 0 0 1rem; }
.pk .verdict { border-left: .5rem solid; padding: .8rem 1.2rem; background: #f6f6f6;
               margin: 1rem 0; }
.pk .verdict .word { font-size: 1.6rem; font-weight: 700; }
.pk table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
.pk th, .pk td { text-align: left !important; padding: .45rem .6rem;
                 border-bottom: 1px solid #ddd; vertical-align: top; }
.pk th { font-weight: 600; background: #fafafa; }
.pk .light { font-weight: 600; white-space: nowrap; }
.pk blockquote { margin: .6rem 0; padding: .4rem 1rem; border-left: .3rem solid #0072B2;
                 background: #f4f8fb; }
.pk .small { color: #4a4a4a; font-size: .9rem; }
.pk code { font-size: .85rem; }
</style>"""


def headline_block(
    pilot_name: str, instrument: Instrument, result: EvaluationResult, lang: str
) -> str:
    """The first screen: pilot, verdict in words, the reasons, the areas of concern."""
    head = headline(result)
    colour, symbol = _VERDICT_STYLE[head.verdict]
    design = result.design
    reasons = "".join(f"<li>{e(r)}</li>" for r in head.reasons) or "<li>No rule fired.</li>"
    concerns = result.readiness.areas_of_concern
    if concerns:
        concern_items = "".join(
            f"<li><strong>{e(area.label)}</strong>: {e(' '.join(area.reasons))}</li>"
            for area in concerns
        )
        concern_html = (
            f"<h2>Areas of concern to address before a rollout</h2><ul>{concern_items}</ul>"
        )
    else:
        concern_html = "<h2>Areas of concern</h2><p>None found.</p>"
    title = instrument.text(instrument.title, lang)
    both = f", {design.n_paired} both times" if design.n_paired else ""
    return f"""<div class="pk">
<h1>{e(pilot_name)}</h1>
<p class="sub">{e(title)} · {design.n[design.baseline]} people answered before the pilot,
{design.n[design.follow_up]} after it{both}.</p>
<div class="verdict" style="border-color:{colour}">
  <div class="word" style="color:{colour}">{symbol} {e(head.title)}</div>
  <p>{e(head.explanation)}</p>
</div>
<h2>Why</h2>
<ul>{reasons}</ul>
{concern_html}
</div>"""


def traffic_light_block(overview: pd.DataFrame) -> str:
    """One row per area: light, status in words, change, reliability warning."""
    rows = []
    for row in overview.itertuples(index=False):
        colour, symbol = _LIGHT.get(row.light, _LIGHT["grey"])
        change = "" if pd.isna(row.mean_change) else f"{row.mean_change:+.2f}"
        note = e(row.reliability_note) if row.reliability_note else ""
        rows.append(
            f"<tr><td>{e(row.label)}</td>"
            f'<td class="light" style="color:{colour}">{symbol} {e(row.status)}</td>'
            f'<td>{change}</td><td class="small">{note}</td></tr>'
        )
    return (
        '<div class="pk"><table><thead><tr><th>Area</th><th>Status</th>'
        "<th>Change</th><th>Note</th></tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table></div>"
    )


def quotes_block(quotes: pd.DataFrame, actions: pd.DataFrame) -> str:
    parts = ['<div class="pk">']
    if len(quotes):
        parts.append("<h3>In their words</h3>")
        for row in quotes.itertuples(index=False):
            parts.append(
                f'<blockquote>“{e(row.quote)}”<br><span class="small">'
                f"{e(row.label)} · {e(row.severity)} concern</span></blockquote>"
                if row.severity != "none"
                else f'<blockquote>“{e(row.quote)}”<br><span class="small">{e(row.label)}'
                "</span></blockquote>"
            )
    if len(actions):
        parts.append(
            "<h3>Follow-up actions agreed in the sessions</h3><table><thead><tr>"
            "<th>Area</th><th>Severity</th><th>Action</th></tr></thead><tbody>"
        )
        for row in actions.itertuples(index=False):
            parts.append(
                f"<tr><td>{e(row.label)}</td><td>{e(row.severity)}</td>"
                f"<td>{e(row.action)}</td></tr>"
            )
        parts.append("</tbody></table>")
    parts.append("</div>")
    return "".join(parts)


def themes_block(notes: pd.DataFrame, instrument: Instrument, lang: str) -> str:
    """The notes' texts grouped by area, most severe first (no session or names)."""
    from evaluation.reporting.tables import concerns_by_area_texts

    parts = ['<div class="pk">']
    for label, entries in concerns_by_area_texts(notes, instrument, lang).items():
        items = "".join(
            f"<li><strong>{e(severity)}</strong> · {e(sentiment)}: {e(text)}</li>"
            if severity != "none"
            else f"<li>{e(sentiment)}: {e(text)}</li>"
            for severity, sentiment, text in entries
        )
        parts.append(f"<h3>{e(label)}</h3><ul>{items}</ul>")
    parts.append("</div>")
    return "".join(parts)


def methods_block(result: EvaluationResult, parameters: Mapping[str, Any]) -> str:
    """Tests, corrections, margins, software versions, input checksum and parameters."""
    summary = result.to_summary()
    methods = "".join(
        f"<tr><th>{e(name.replace('_', ' '))}</th><td>{e(text)}</td></tr>"
        for name, text in summary["methods"].items()
    )
    params = "".join(
        f"<tr><th>{e(k)}</th><td><code>{e(v)}</code></td></tr>" for k, v in parameters.items()
    )
    software = {**summary.get("software", {}), "python": platform.python_version()}
    versions = ", ".join(f"{k} {v}" for k, v in sorted(software.items()))
    inputs = summary.get("input", {})
    checksum = inputs.get("responses_sha256", "")
    design = (
        f"{summary['design']} design; {summary['n_paired']} people answered both rounds; "
        f"margin {'half the baseline SD of each area' if result.margin is None else result.margin}"
    )
    return f"""<div class="pk small">
<p>{e(design)}. Significance level {result.alpha:g}; intervals at {100 * (1 - result.alpha):g}%.</p>
<table><tbody>{methods}</tbody></table>
<h3>Parameters of this run</h3>
<table><tbody>{params}</tbody></table>
<p>Responses: {inputs.get("rows", "?")} rows, SHA-256 <code>{e(checksum)}</code>.</p>
<p>Software: {e(versions)}.</p>
</div>"""


def comparison_block(loaded: pd.DataFrame, table: pd.DataFrame) -> str:
    """Verdict per pilot, then the change per area and pilot."""
    rows = []
    for row in loaded.itertuples(index=False):
        colour, symbol = _VERDICT_STYLE.get(row.verdict, _VERDICT_STYLE["insufficient_data"])
        rows.append(
            f'<tr><td>{e(row.name)}</td><td style="color:{colour}" class="light">'
            f"{symbol} {e(row.verdict.replace('_', ' '))}</td>"
            f"<td>{row.n_pre}</td><td>{row.n_post}</td></tr>"
        )
    pivot = table.pivot_table(index="label", columns="pilot", values="mean_change", sort=False)
    head = "".join(f"<th>{e(c)}</th>" for c in pivot.columns)
    body = "".join(
        f"<tr><td>{e(label)}</td>"
        + "".join("<td>–</td>" if pd.isna(v) else f"<td>{v:+.2f}</td>" for v in values)
        + "</tr>"
        for label, values in zip(pivot.index, pivot.to_numpy(), strict=True)
    )
    return (
        '<div class="pk"><table><thead><tr><th>Pilot</th><th>Verdict</th><th>Before</th>'
        "<th>After</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>"
        f"<table><thead><tr><th>Area</th>{head}</tr></thead><tbody>{body}</tbody></table></div>"
    )


__all__ = [
    "comparison_block",
    "headline_block",
    "methods_block",
    "quotes_block",
    "report_css",
    "themes_block",
    "traffic_light_block",
]
