"""Every report figure draws from its documented columns and saves a cropped SVG."""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from evaluation.reporting import figures

CHANGES = pd.DataFrame(
    {
        "label": ["Productivity", "Ease of the job", "Organization", "No data yet"],
        "mean_change": [0.5, -0.45, 0.02, None],
        "ci_low": [0.2, -0.7, -0.15, None],
        "ci_high": [0.8, -0.2, 0.19, None],
        "verdict": ["improved", "declined", "no_change", "inconclusive"],
    }
)


@pytest.fixture(autouse=True)
def _style() -> None:
    figures.use_report_style()
    yield
    plt.close("all")


def check(figure, tmp_path: Path, name: str) -> Path:
    title = figure.axes[0].get_title(loc="left")
    svg = figures.save(figure, tmp_path, name)
    assert svg == tmp_path / "figures" / f"{name}.svg"
    root = ElementTree.parse(svg).getroot()  # well-formed, one drawing
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("width", "").endswith("pt") and root.get("viewBox")
    # named for screen readers by its title; no tool metadata
    assert root.find("{http://www.w3.org/2000/svg}title").text == title
    assert root.find("{http://www.w3.org/2000/svg}metadata") is None
    assert len(root.findall(".//{http://www.w3.org/2000/svg}path")) > 10
    return svg


def test_forest_plot(tmp_path: Path) -> None:
    figure = figures.forest_plot(CHANGES, unit="points on a 1-5 scale")
    labels = [t.get_text() for t in figure.axes[0].get_yticklabels()]
    assert labels == ["Productivity", "Ease of the job", "Organization", "No data yet"]
    check(figure, tmp_path, "forest")


def test_likert_diverging(tmp_path: Path) -> None:
    rows = []
    for wave, shares in (("pre", [0.1, 0.3, 0.2, 0.3, 0.1]), ("post", [0.05, 0.1, 0.2, 0.4, 0.25])):
        rows += [
            {"label": "I get more done", "wave": wave, "level": lvl, "share": s}
            for lvl, s in enumerate(shares, start=1)
        ]
    figure = figures.likert_diverging(pd.DataFrame(rows), ["SD", "D", "N", "A", "SA"])
    (segments,) = figure.axes[0].collections  # one collection holds every segment
    assert len(segments.get_paths()) == 10
    svg = check(figure, tmp_path, "likert").read_text()
    # letters stay text: shares, the question and the answers can be read and searched
    for words in ("30%", "I get more done", "SA"):
        assert f">{words}</text>" in svg


def test_scores_rates_participation_concerns(tmp_path: Path) -> None:
    scores = pd.DataFrame(
        {
            "label": ["A"] * 6 + ["B"] * 6,
            "wave": ["pre", "post"] * 6,
            "score": [3, 4, 2.5, 3.5, 3, 4.2, 2, 2, 3, 2.5, 4, 3],
        }
    )
    check(figures.score_distributions(scores), tmp_path, "scores")
    rates = pd.DataFrame(
        {
            "label": ["Knows 311", "Small group"],
            "pre_rate": [0.3, None],
            "post_rate": [0.9, None],
            "verdict": ["real change", ""],
        }
    )
    check(figures.before_after_rates(rates), tmp_path, "rates")
    counts = pd.DataFrame(
        {"stage": ["Invited", "Answered before", "Answered both"], "count": [70, 60, 52]}
    )
    check(figures.participation(counts), tmp_path, "participation")
    notes = pd.DataFrame(
        {
            "label": ["Ease", "Ease", "Impact", "Processes"],
            "severity": ["blocker", "major", "minor", "none"],
        }
    )
    check(figures.concerns_by_dimension(notes), tmp_path, "concerns")


def test_likert_rows_follow_the_questions_before_then_after() -> None:
    rows = [
        {"label": label, "wave": wave, "level": level, "share": 0.5}
        for label in ("Zeta question", "Alpha question")
        for wave in ("before", "after")
        for level in (1, 2)
    ]
    figure = figures.likert_diverging(pd.DataFrame(rows), ["No", "Yes"])
    axis = figure.axes[0]
    # each question once, above its bars (the y axis runs top down), before above after
    headings = sorted(
        (t.get_position()[1], t.get_text()) for t in axis.texts if t.get_text().endswith("question")
    )
    assert [text for _, text in headings] == ["Zeta question", "Alpha question"]
    # each bar's wave written left of it, where a tick label would be
    bars = sorted(
        (t.get_position()[1], t.get_text())
        for t in axis.texts
        if t.get_text() in ("before", "after")
    )
    assert [wave for _, wave in bars] == ["before", "after", "before", "after"]
    assert headings[0][0] < bars[0][0] < bars[1][0] < headings[1][0] < bars[2][0]
    assert axis.yaxis_inverted()


def test_pilots_side_by_side_are_described_area_by_area(tmp_path: Path) -> None:
    table = pd.DataFrame(
        {
            "pilot": ["CRM", "CRM", "Permits", "Permits"],
            "label": ["Productivity", "Ease of the job", "Productivity", "Ease of the job"],
            "mean_change": [0.5, -0.45, 0.1, None],
            "ci_low": [0.2, -0.7, -0.2, None],
            "ci_high": [0.8, -0.2, 0.4, None],
            "verdict": ["improved", "declined", "no_change", "inconclusive"],
        }
    )
    figure = figures.compare_changes(table, language="es")
    svg = check(figure, tmp_path, "pilots_side_by_side").read_text()
    description = ElementTree.fromstring(svg).find("{http://www.w3.org/2000/svg}desc").text
    assert description.startswith("Productivity: CRM: +0,50 puntos, intervalo de +0,20 a +0,80")
    assert "Permits: +0,10 puntos" in description
    assert "Ease of the job: CRM: -0,45 puntos" in description.replace("−", "-")
    assert "Permits: sin datos" in description
