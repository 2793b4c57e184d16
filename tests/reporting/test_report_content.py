"""What the rendered report (HTML) says: each figure and sentence must match the answers.

Reference: the fixture's own answers, counted by hand (every participant answered
"Strongly agree" to a negatively worded question, so the report must show 100 %
"Strongly agree" for it, in both waves).
"""

from __future__ import annotations

import base64
import html
import json
import re
from pathlib import Path

import pytest

from evaluation.reporting.colours import BETTER, STEADY, WORSE
from evaluation.reporting.runner import ReportRequest, run_report
from pilotkit.demo.synthetic import Scenario, simulate_responses
from pilotkit.instruments import load_instrument
from tests.helpers import REPO_ROOT
from tests.reporting.conftest import report_error_line

pytestmark = pytest.mark.slow
INSTRUMENT = REPO_ROOT / "instruments" / "pilot-core.yaml"
#: a negatively worded question of pilot-core (`reverse: true`)
REVERSED = "proc_3"
REVERSED_TEXT = "I often have to redo work because information is missing."

_IMAGE = re.compile(r'<img alt="([^"]*)" src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"')


def figures_of(page: str) -> list[tuple[str, str]]:
    """(alternative text, SVG document) of every figure of a rendered report."""
    return [
        (html.unescape(alt), base64.b64decode(data).decode("utf-8"))
        for alt, data in _IMAGE.findall(page)
    ]


_TEXT = re.compile(r'<text style="font-size: ([0-9.]+)px;[^"]*" x="([0-9.-]+)"[^>]*>([^<]*)</text>')


def texts_of(svg: str) -> list[tuple[float, float, str]]:
    """(font size, x, words) of each text of a figure."""
    return [(float(size), float(x), html.unescape(t)) for size, x, t in _TEXT.findall(svg)]


def figure_with(page: str, words: str) -> tuple[str, str]:
    """The one figure whose SVG holds `words` as a text."""
    (found,) = [(alt, svg) for alt, svg in figures_of(page) if f">{html.escape(words)}<" in svg]
    return found


@pytest.fixture(scope="module")
def agreed_run(tmp_path_factory: pytest.TempPathFactory):
    """A pilot where all 20 participants answered "Strongly agree" (5) to proc_3."""
    folder = tmp_path_factory.mktemp("agreed")
    instrument = load_instrument("pilot-core")
    responses = simulate_responses(instrument, Scenario(participants=20, attrition=0.0, seed=7))
    reversed_rows = responses["item_id"] == REVERSED
    responses.loc[reversed_rows, "value"] = "5"
    path = folder / "responses.csv"
    responses.to_csv(path, index=False)
    return run_report(
        ReportRequest(
            pilot="agreed",
            instrument=INSTRUMENT,
            responses=path,
            overrides={"pilot_name": "Agreed pilot"},
            out_root=folder / "reports",
        ),
        progress=False,
    )


def test_negatively_worded_question_is_shown_as_asked(agreed_run) -> None:
    page = agreed_run.report_html.read_text(encoding="utf-8")
    alt, svg = figure_with(page, REVERSED_TEXT)
    # the figure's words: the question, its mark, 100 % on the "agree" side
    assert ">Negatively worded: here agreeing is the less favourable answer.<" in svg
    # the alternative text reads the figure out: 100 % "Strongly agree" before and after
    sentence = (
        f"“{REVERSED_TEXT}” (negatively worded: agreeing is the less favourable answer) "
        "before: 100% Strongly agree; after: 100% Strongly agree."
    )
    assert sentence in alt
    # the bar of each wave is one segment filling the agreement half, labelled 100 %:
    # its label sits halfway between the axis' 0 % and its right-hand 100 %
    ticks = {
        word: [x for size, x, text in texts_of(svg) if size > 12 and text == word]
        for word in ("0%", "100%")
    }
    agree_middle = (ticks["0%"][0] + max(ticks["100%"])) / 2
    shares = [x for size, x, text in texts_of(svg) if size < 10 and text == "100%"]
    assert shares == pytest.approx([agree_middle, agree_middle], abs=1.0)
    # and the legend names the real answer labels, never turned around
    assert ">Strongly agree</text>" in svg and ">Strongly disagree</text>" in svg


def test_questions_asked_positively_carry_no_mark(agreed_run) -> None:
    page = agreed_run.report_html.read_text(encoding="utf-8")
    alt, svg = figure_with(page, "The steps I must follow for my usual tasks are clear to me.")
    # one mark in the processes figure: proc_3's; proc_1 is asked positively
    assert svg.count("Negatively worded") == 1
    assert "“The steps I must follow for my usual tasks are clear to me.” before:" in alt


def test_page_reads_the_answers_as_given(agreed_run) -> None:
    page = agreed_run.report_html.read_text(encoding="utf-8")
    assert "with the answers as people gave them" in page
    assert "turned around" not in page
    assert Path(agreed_run.run_dir / "figures" / "answers_processes.svg").is_file()


@pytest.fixture(scope="module")
def crm_run(pilot_files):
    """The CRM-like fixture pilot's report (one area declined, notes with concerns)."""
    return run_report(
        ReportRequest(
            pilot="crm",
            instrument=INSTRUMENT,
            responses=pilot_files["responses"],
            notes=pilot_files["notes"],
            overrides={"pilot_name": "CRM pilot"},
            out_root=pilot_files["folder"] / "content",
        ),
        progress=False,
    )


def visible_text(page: str) -> str:
    """What a reader sees: no style, scripts, tags or figure files."""
    page = re.sub(r"<(style|script)\b.*?</\1>", " ", page, flags=re.S)
    page = re.sub(r"</?(span|a|q|strong|em|code)\b[^>]*>", "", page)  # inline: no gap
    page = re.sub(r"<[^>]+>", " ", page)
    return html.unescape(page)


def test_each_reason_is_said_once_grouped_by_area(crm_run) -> None:
    page = crm_run.report_html.read_text(encoding="utf-8")
    text = visible_text(page)
    summary = json.loads(crm_run.summary.read_text())
    reasons = summary["readiness"]["reasons"]
    assert len(reasons) >= 3
    for reason in reasons:
        assert text.count(reason) == 1, reason
    # each area of concern is a heading with its own reasons under it
    sections = dict(
        re.findall(r"<h3><span[^>]*>[^<]*</span> ([^<]+)</h3><ul>(.*?)</ul>", page, flags=re.S)
    )
    for area in summary["readiness"]["areas_of_concern"]:
        own = sections[html.escape(area["label"])]
        assert area["reasons"][0] in visible_text(own)
    assert "These areas need attention before a rollout: Effortlessness of the job" in text


def test_one_colour_language_and_intervals_in_the_table(crm_run) -> None:
    page = crm_run.report_html.read_text(encoding="utf-8")
    summary = json.loads(crm_run.summary.read_text())
    rows = re.findall(
        r'<td class="light" style="color:(#[0-9A-Fa-f]+)">\S+ ([^<]+)</td><td>([^<]+)'
        r'<br/?><span class="ci">([^<]+)</span>',
        page,
    )
    colours = {status: colour for colour, status, _, _ in rows}
    assert colours["Improved"] == BETTER.text and colours["Held steady"] == STEADY.text
    assert colours["Got worse"] == WORSE.text
    assert len({colours["Improved"], colours["Held steady"], colours["Got worse"]}) == 3
    # the change and its interval at 95 %, as summary.json has them (2 decimals)
    assert "<th>Change (95% CI)</th>" in page
    shown = [(change, interval) for _, _, change, interval in rows]
    expected = [
        (f"{d['mean_change']:+.2f}", f"{d['ci_low']:+.2f} to {d['ci_high']:+.2f}")
        for d in summary["dimensions"]
    ]
    assert shown == expected
    # the forest plot speaks the same language: held steady grey, improved blue
    _, forest = figure_with(page, "How each area changed")
    assert f"fill: {STEADY.fill.lower()}" in forest.lower() or STEADY.fill.lower() in forest.lower()
    assert BETTER.fill.lower() in forest.lower() and WORSE.fill.lower() in forest.lower()


def test_parameters_never_say_none(crm_run) -> None:
    text = visible_text(crm_run.report_html.read_text(encoding="utf-8"))
    assert "None" not in text
    assert re.search(r"margin\s+half the baseline SD of each area", text) or re.search(
        r"margin\s+[0-9.]+", text
    )


MIXED_INSTRUMENT = """\
id: mixed-types
version: 1
title: {en: "Imported form", es: "Formulario importado"}
languages: [en, es]
scale:
  min: 1
  max: 5
  labels:
    en: [Strongly disagree, Disagree, Neutral, Agree, Strongly agree]
    es: [Totalmente en desacuerdo, En desacuerdo, Neutral, De acuerdo, Totalmente de acuerdo]
items:
  - id: calm
    type: likert
    text: {en: "I feel calm at work.", es: "Me siento tranquilo en el trabajo."}
  - id: hours
    type: number
    min: 0
    max: 80
    text: {en: "Hours per week", es: "Horas por semana"}
  - id: uses_tool
    type: boolean
    text: {en: "Do you use the tool?", es: "¿Usa la herramienta?"}
  - id: freq
    type: single
    choices:
      - {value: daily, label: {en: Daily, es: A diario}}
      - {value: weekly, label: {en: Weekly, es: Cada semana}}
    text: {en: "How often?", es: "¿Con qué frecuencia?"}
  - id: channels
    type: multi
    required: false
    choices:
      - {value: phone, label: {en: Phone, es: Teléfono}}
      - {value: email, label: {en: Email, es: Correo}}
    text: {en: "Channels you use", es: "Canales que usa"}
  - id: rare
    type: single
    required: false
    choices:
      - {value: a, label: {en: Option A, es: Opción A}}
      - {value: b, label: {en: Option B, es: Opción B}}
    text: {en: "A question few answered", es: "Una pregunta que pocos respondieron"}
"""


def mixed_responses() -> list[dict[str, str]]:
    """20 people before and after; the counts the tests below expect are in comments."""
    rows = []
    for person in range(20):
        pid = f"p{person:02d}"
        for wave in ("pre", "post"):
            after = wave == "post"
            answers = {
                "calm": "4" if after else "2",  # average 2.00 -> 4.00
                "hours": "40" if person % 2 else "30",  # average 35.00 both times
                "uses_tool": "1" if after or person < 5 else "0",  # 25 % -> 100 %
                # daily: 5 of 20 (25 %) before, 15 of 20 (75 %) after
                "freq": "daily" if person < (15 if after else 5) else "weekly",
                # phone: everyone; email: 10 of 20 (50 %) before, none after
                "channels": "phone" if after or person >= 10 else "phone email",
                # answered by 3 people after: that round is suppressed
                "rare": "a" if not after or person < 3 else "",
            }
            # the last answer came at 17:19 UTC on 28 November 2026
            submitted = f"2026-11-28T17:{person:02d}:00Z" if after else "2026-10-01T09:00:00Z"
            rows += [
                {
                    "participant_id": pid,
                    "wave": wave,
                    "item_id": item,
                    "value": value,
                    "submitted_at": submitted,
                }
                for item, value in answers.items()
            ]
    return rows


def _mixed_run(folder: Path, language: str):
    import pandas as pd

    instrument = folder / "mixed-types.yaml"
    instrument.write_text(MIXED_INSTRUMENT, encoding="utf-8")
    responses = folder / "responses.csv"
    pd.DataFrame(mixed_responses()).to_csv(responses, index=False)
    return run_report(
        ReportRequest(
            pilot="mixed",
            instrument=instrument,
            responses=responses,
            overrides={
                "pilot_name": "Mixed",
                "language": language,
                "report_date": "2026-12-01",
                "pilot_url": "https://pilots.example.org/staff/pilots/mixed",
            },
            out_root=folder / "reports",
            run_id=f"run-{language}",
        ),
        progress=False,
    )


@pytest.fixture(scope="module")
def mixed_run(tmp_path_factory: pytest.TempPathFactory):
    return _mixed_run(tmp_path_factory.mktemp("mixed"), "en")


def _rows(page: str) -> list[list[str]]:
    """The cells of every table row of a page, as text."""
    return [
        [
            html.unescape(re.sub(r"<[^>]+>", "", cell)).strip()
            for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, flags=re.S)
        ]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", page, flags=re.S)
    ]


def test_every_measured_item_type_is_shown(mixed_run) -> None:
    page = mixed_run.report_html.read_text(encoding="utf-8")
    text = visible_text(page)
    assert "Every other question, before and after" in text
    rows = _rows(page)
    # single choice: the share of each choice, before and after
    assert ["Daily", "25%", "75%"] in rows and ["Weekly", "75%", "25%"] in rows
    # multi choice: the share choosing each option
    assert ["Phone", "100%", "100%"] in rows and ["Email", "50%", "0%"] in rows
    # number and likert outside an area: the average answer
    assert ["average answer", "35.00", "35.00"] in rows
    assert ["average answer", "2.00", "4.00"] in rows
    # each question once, with the test's verdict in words
    assert text.count("How often?") == 1 and "Channels you use" in text
    assert any(r[0].startswith("How often? · a real change") for r in rows)
    assert any(r[0].startswith("Channels you use · shares only, not tested") for r in rows)
    # yes/no keeps its figure
    assert figure_with(page, "Do you use the tool?")


def test_small_rounds_are_suppressed_in_the_item_table(mixed_run) -> None:
    rows = _rows(mixed_run.report_html.read_text(encoding="utf-8"))
    # 20 answered "A question few answered" before, 3 after: the after round is hidden
    assert ["Option A", "100%", "–"] in rows and ["Option B", "0%", "–"] in rows
    assert any(r[0].startswith("A question few answered · too few answers to show") for r in rows)


def test_alt_texts_say_what_each_figure_shows(crm_run) -> None:
    page = crm_run.report_html.read_text(encoding="utf-8")
    summary = json.loads(crm_run.summary.read_text())
    found = figures_of(page)
    assert len(found) >= 8
    for alt, svg in found:
        title = html.unescape(re.search(r"<title>(.*?)</title>", svg)[1])
        # the title, then what the figure shows in numbers
        assert alt.startswith(title) and len(alt) > len(title) + 20, alt
    forest, _ = figure_with(page, "How each area changed")
    ease = next(d for d in summary["dimensions"] if d["id"] == "effortlessness")
    assert (
        f"Effortlessness of the job: {ease['mean_change']:+.2f} points, interval "
        f"{ease['ci_low']:+.2f} to {ease['ci_high']:+.2f}, declined"
    ) in forest
    participation, _ = figure_with(page, "Who took part")
    waves = summary["waves"]
    assert f"Answered before: {waves['pre']['n']}" in participation
    assert f"Answered after: {waves['post']['n']}" in participation


def test_report_date_cutoff_and_link_back(mixed_run) -> None:
    page = mixed_run.report_html.read_text(encoding="utf-8")
    text = visible_text(page)
    assert "Report of December 1, 2026" in text
    assert "data up to November 28, 2026, 5:19\u202fPM UTC (the last answer included)" in text
    assert '<a href="https://pilots.example.org/staff/pilots/mixed">Open the pilot</a>' in page


def test_link_back_must_be_a_web_address(pilot_files) -> None:
    line = report_error_line(pilot_files, "pilot_url", "javascript:alert(1)")
    assert "pilot_url must be a web address starting with https:// or http://" in line
