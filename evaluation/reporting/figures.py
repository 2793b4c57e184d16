"""Figures of the readiness report, drawn with seaborn/matplotlib.

Each function takes a small tidy DataFrame (columns named in its docstring), returns a
matplotlib Figure and draws nothing else: the notebooks decide what to show and save.
Colours come from colour-blind-safe palettes (Okabe-Ito for categories, ColorBrewer
PuOr for agree/disagree) and every colour is doubled by a text label, so nothing is read
from colour alone. Fonts are sized for a report read on a laptop or a phone. Titles, axis
labels and legends come from the catalog of the report's language (`language`, see
`evaluation.reporting.i18n`), numbers are written its way.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")  # reports are rendered without a screen

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from evaluation.reporting.colours import AREA_TONES
from evaluation.reporting.figure_output import (  # noqa: F401 - the notebooks' API
    FigureError,
    draw_in_background,
    save,
    show,
    wait,
)
from evaluation.reporting.i18n import Messages, texts
from evaluation.reporting.svg import describe

#: Okabe & Ito (2008), "Color Universal Design": distinguishable with all common CVDs.
OKABE_ITO = {
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "grey": "#999999",
    "black": "#000000",
}
WAVE_COLOURS = {"pre": OKABE_ITO["grey"], "post": OKABE_ITO["blue"]}
#: an area's verdict, in the report's one colour language (`colours.AREA_TONES`)
VERDICT_COLOURS = {verdict: tone.fill for verdict, tone in AREA_TONES.items()}
SEVERITY_ORDER = ["blocker", "major", "minor", "none"]
#: characters per line of a question written above its bars in the answers figure
LIKERT_QUESTION_WIDTH = 90
SEVERITY_COLOURS = {
    "blocker": OKABE_ITO["vermillion"],
    "major": OKABE_ITO["orange"],
    "minor": OKABE_ITO["yellow"],
    "none": OKABE_ITO["grey"],
}


def wrap(label: str, width: int = 34) -> str:
    """Break a long axis label over lines so the plot keeps its width."""
    import textwrap

    return "\n".join(textwrap.wrap(str(label), width)) or str(label)


class _DecimalFormatter(matplotlib.ticker.ScalarFormatter):
    """matplotlib's tick labels with another decimal sign ("0,5" in Spanish)."""

    def __init__(self, decimal: str) -> None:
        super().__init__()
        self.decimal = decimal

    def __call__(self, x: float, pos: int | None = None) -> str:
        return super().__call__(x, pos).replace(".", self.decimal)


def _decimal_ticks(axis: matplotlib.axis.Axis, decimal: str) -> None:
    """Write an axis's tick numbers with the report language's decimal sign."""
    if decimal != ".":
        axis.set_major_formatter(_DecimalFormatter(decimal))


def _two_lines(text: str, width: int = 90) -> str:
    """An axis label too wide for its figure, broken after its first "; "."""
    return text.replace("; ", ";\n", 1) if len(text) > width else text


def use_report_style() -> None:
    """Readable defaults for every figure of a report."""
    sns.set_theme(context="notebook", style="whitegrid", font_scale=1.15)
    plt.rcParams.update(
        {
            "figure.dpi": 110,
            "savefig.dpi": 150,
            "savefig.bbox": "tight",
            "axes.titleweight": "bold",
            "axes.titlelocation": "left",
            # a fixed title height: matplotlib's automatic one measures every tick label
            # at each draw to dodge top-side ticks, which no report figure has
            "axes.titley": 1.0,
            "axes.spines.top": False,
            "axes.spines.right": False,
            # letters as text, not outlines: a third of a figure's drawing time, and
            # readers can select, search and have them read aloud; each text names the
            # font family it was measured with and its fallbacks (Arial, then DejaVu Sans)
            "svg.fonttype": "none",
            # the same figure gives the same file (no random ids)
            "svg.hashsalt": "pilotkit",
        }
    )


def warm_up() -> None:
    """Draw a small figure in the report style and throw it away.

    A process's first drawing loads the font files and fills matplotlib's caches; done
    once in a report kernel before its figure workers fork, it is not paid again by
    each of them.
    """
    from evaluation.reporting.svg import draw_svg

    use_report_style()
    draw_svg(participation(pd.DataFrame({"stage": ["-"], "count": [1]})))


def _subplots(width: float, height: float) -> tuple[Figure, Axes]:
    """A figure with one axis, kept out of pyplot's registry: pyplot would watch every
    change to it for redrawing, and a report figure is only ever saved."""
    figure = Figure(figsize=(width, height))
    return figure, figure.subplots()


def forest_plot(
    changes: pd.DataFrame, *, unit: str = "", title: str = "", language: str = "en"
) -> Figure:
    """Change per dimension with its confidence interval.

    Columns: `label`, `mean_change`, `ci_low`, `ci_high`, `verdict`. Rows without a
    change (no data) are drawn as "no data".
    """
    m = texts(language)
    frame = changes.reset_index(drop=True)
    height = 0.75 * len(frame) + 1.4
    figure, axis = _subplots(9, height)
    positions = np.arange(len(frame))[::-1]
    for y, row in zip(positions, frame.itertuples(index=False), strict=True):
        colour = VERDICT_COLOURS.get(row.verdict, OKABE_ITO["grey"])
        if pd.isna(row.mean_change):
            axis.text(0, y, m("figures.no_data"), va="center", ha="center", color=OKABE_ITO["grey"])
            continue
        if not (pd.isna(row.ci_low) or pd.isna(row.ci_high)):
            axis.plot(
                [row.ci_low, row.ci_high], [y, y], color=colour, linewidth=3, solid_capstyle="round"
            )
        axis.plot(row.mean_change, y, "o", color=colour, markersize=10, markeredgecolor="white")
        verdict = row.verdict if row.verdict in VERDICT_COLOURS else "inconclusive"
        axis.annotate(
            m(
                "figures.forest_point",
                change=row.mean_change,
                verdict=m(f"figure_verdict.{verdict}"),
            ),
            (row.mean_change, y),
            xytext=(0, 11),
            textcoords="offset points",
            ha="center",
            fontsize=10,
        )
    axis.axvline(0, color=OKABE_ITO["black"], linewidth=1)
    axis.set_yticks(positions, frame["label"].tolist())
    limit = np.nanmax(
        np.abs(frame[["ci_low", "ci_high", "mean_change"]].to_numpy(float)), initial=0.5
    )
    axis.set_xlim(-limit * 1.35, limit * 1.35)
    _decimal_ticks(axis.xaxis, m.style.decimal)
    axis.set_xlabel(_two_lines(m("figures.forest_axis", unit=unit or m("areas.unit"))))
    axis.set_ylim(-0.7, len(frame) - 0.3)
    axis.grid(axis="y", visible=False)
    axis.set_title(title or m("figures.forest_title"))
    rows = []
    for row in frame.itertuples(index=False):
        if pd.isna(row.mean_change):
            rows.append(m("alt.no_data", label=row.label))
            continue
        verdict = row.verdict if row.verdict in VERDICT_COLOURS else "inconclusive"
        interval = (
            ""
            if pd.isna(row.ci_low) or pd.isna(row.ci_high)
            else m(
                "alt.interval",
                low=m.number(row.ci_low, "+.2f"),
                high=m.number(row.ci_high, "+.2f"),
            )
        )
        rows.append(
            m(
                "alt.forest_row",
                label=row.label,
                change=m.number(row.mean_change, "+.2f"),
                interval=interval,
                verdict=m(f"figure_verdict.{verdict}"),
            )
        )
    describe(figure, "; ".join(rows) + ".")
    return figure


def likert_diverging(
    distribution: pd.DataFrame,
    level_labels: Sequence[str],
    *,
    title: str = "",
    language: str = "en",
) -> Figure:
    """Diverging stacked bars: share of each answer, disagreement left, agreement right.

    Columns: `label` (item or dimension), `wave`, `level` (1..k from the scale's minimum:
    the answer as given, never turned around), `share` (0..1), and optionally `reverse`
    (True for a negatively worded question: it is marked as one where agreeing is the
    less favourable answer). The middle level of an odd scale is split in half around
    zero (Heiberger & Robbins 2014, "Design of diverging stacked bar charts").
    """
    m = texts(language)
    k = len(level_labels)
    colours = sns.color_palette("PuOr", k)  # orange = disagree, purple = agree
    # questions in the instrument's order, and each question's waves in the data's order
    # (before above after); each question is written once, above its bars
    questions = list(dict.fromkeys(distribution["label"]))
    waves = list(dict.fromkeys(distribution["wave"]))
    reversed_questions = (
        set(distribution.loc[distribution["reverse"].astype(bool), "label"])
        if "reverse" in distribution.columns
        else set()
    )
    table = distribution.pivot_table(
        index=["label", "wave"], columns="level", values="share", aggfunc="sum", sort=False
    ).reindex(columns=range(1, k + 1), fill_value=0.0)
    middle = (k + 1) / 2
    # layout from the top down, in rows: a question's lines, then one bar per wave
    headings: list[tuple[float, str]] = []
    notes: list[float] = []
    bars: list[tuple[float, str, pd.Series]] = []
    y = 0.0
    for question in questions:
        heading = wrap(question, LIKERT_QUESTION_WIDTH)
        headings.append((y, heading))
        y += 0.5 * (heading.count("\n") + 1) + 0.15
        if question in reversed_questions:
            notes.append(y - 0.05)
            y += 0.5
        for wave in waves:
            if (question, wave) in table.index:
                bars.append((y + 0.5, wave, table.loc[(question, wave)].fillna(0.0)))
                y += 1.0
        y += 0.35
    figure, axis = _subplots(10, 0.36 * y + 1.6)
    describe(
        figure, _likert_description(table, questions, waves, reversed_questions, level_labels, m)
    )
    # every segment in one collection, drawn in one pass: a Rectangle per segment (as
    # `barh` makes) costs more than the rest of the figure
    boxes: list[list[tuple[float, float]]] = []
    fills: list[tuple[float, float, float]] = []
    for row, _, shares in bars:
        left = -shares[shares.index < middle].sum() - (
            shares.get(middle, 0.0) / 2 if k % 2 else 0.0
        )
        for level, share in shares.items():
            right = left + share
            boxes.append(
                [(left, row - 0.4), (right, row - 0.4), (right, row + 0.4), (left, row + 0.4)]
            )
            fills.append(colours[int(level) - 1])
            if share >= 0.08:
                # inside the axes: left out of the crop's measuring
                axis.text(
                    left + share / 2,
                    row,
                    m.percent(share),
                    ha="center",
                    va="center",
                    fontsize=9,
                    in_layout=False,
                )
            left = right
    axis.add_collection(
        matplotlib.collections.PolyCollection(
            boxes, facecolors=fills, edgecolors="white", linewidths=1.0
        ),
        autolim=False,
    )
    for top in notes:
        axis.text(
            0.0,
            top,
            m("figures.likert_reverse_note"),
            ha="left",
            va="top",
            fontsize=10,
            fontstyle="italic",
            color="#3d3d3d",
            transform=axis.get_yaxis_transform(),
            bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.5},
            zorder=3,
        )
    for top, heading in headings:
        axis.text(
            0.0,
            top,
            heading,
            ha="left",
            va="top",
            fontsize=11,
            fontweight="bold",
            transform=axis.get_yaxis_transform(),
            # over the grid and the zero line, which would cross out letters
            bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.5},
            zorder=3,
        )
    # each bar's wave as a text where its tick label would be: a tick is two lines and
    # two texts, and eight of them took a sixth of the figure's drawing time
    axis.set_yticks([])
    gap = plt.rcParams["ytick.major.pad"] + plt.rcParams["ytick.major.size"]
    beside = axis.get_yaxis_transform() + matplotlib.transforms.ScaledTranslation(
        -gap / 72, 0, figure.dpi_scale_trans
    )
    for row, wave, _ in bars:
        axis.text(
            0.0,
            row,
            wave,
            ha="right",
            va="center_baseline",  # as tick labels are
            fontsize=plt.rcParams["ytick.labelsize"],
            color=plt.rcParams["ytick.color"],
            transform=beside,
        )
    axis.set_ylim(y, -0.1)  # top down
    # behind the bars: it would cross out the shares written on the middle answers
    axis.axvline(0, color=OKABE_ITO["black"], linewidth=1, zorder=0.9)
    axis.set_xlim(-1, 1)
    axis.set_xticks([-1.0, -0.5, 0.0, 0.5, 1.0])
    axis.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: m.percent(abs(v))))
    handles = [matplotlib.patches.Patch(color=colours[i], label=level_labels[i]) for i in range(k)]
    axis.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.08),
        ncol=min(k, 5),
        frameon=False,
        fontsize=9,
    )
    axis.grid(axis="y", visible=False)
    axis.set_title(title or m("figures.likert_title"))
    return figure


def _likert_description(
    table: pd.DataFrame,
    questions: Sequence[str],
    waves: Sequence[str],
    reversed_questions: set[str],
    level_labels: Sequence[str],
    m: Messages,
) -> str:
    """The answers figure in words: per question and wave, each answer given and its share."""
    parts = []
    for question in questions:
        said = []
        for wave in waves:
            if (question, wave) not in table.index:
                continue
            shares = table.loc[(question, wave)].fillna(0.0)
            answers = ", ".join(
                m(
                    "figures.likert_share",
                    share=m.percent(share),
                    answer=level_labels[int(level) - 1],
                )
                for level, share in shares.items()
                if round(share * 100) > 0
            )
            said.append(m("figures.likert_wave", wave=wave, answers=answers))
        note = m("figures.likert_reverse_alt") if question in reversed_questions else ""
        parts.append(
            m("figures.likert_question", question=question, note=note, waves="; ".join(said))
        )
    return " ".join(parts)


def score_distributions(
    scores: pd.DataFrame, *, title: str = "", language: str = "en", seed: int = 0
) -> Figure:
    """Each dimension's scores before and after, as boxes with the individual points.

    Columns: `label` (dimension), `wave`, `score`. The points are spread vertically at
    random (`seed`), so that equal scores do not hide each other; drawn with matplotlib
    itself, which takes a fraction of seaborn's box and strip plots' time.
    """
    m = texts(language)
    labels = list(dict.fromkeys(scores["label"]))
    waves = list(dict.fromkeys(scores["wave"]))
    colours = [OKABE_ITO["grey"], OKABE_ITO["blue"], OKABE_ITO["sky"]]
    figure, axis = _subplots(10, 0.9 * len(labels) + 1.5)
    rng = np.random.default_rng(seed)
    values = {
        key: group.to_numpy(float) for key, group in scores.groupby(["label", "wave"])["score"]
    }
    width = 0.7 / max(len(waves), 1)
    for index, wave in enumerate(waves):
        colour = colours[index % len(colours)]
        rows = [
            (position + width * (index + 0.5) - 0.35, values[(label, wave)])
            for position, label in enumerate(labels)
            if (label, wave) in values
        ]
        if not rows:
            continue
        positions = [row for row, _ in rows]
        axis.boxplot(
            [points for _, points in rows],
            positions=positions,
            orientation="horizontal",
            widths=width * 0.9,
            showfliers=False,
            patch_artist=True,
            manage_ticks=False,
            boxprops={"facecolor": colour, "alpha": 0.55, "edgecolor": "#3d3d3d"},
            medianprops={"color": "#3d3d3d"},
            whiskerprops={"color": "#3d3d3d"},
            capprops={"color": "#3d3d3d"},
        )
        spread = width * 0.25
        axis.scatter(
            np.concatenate([points for _, points in rows]),
            np.concatenate([row + rng.uniform(-spread, spread, len(p)) for row, p in rows]),
            s=9,
            color=colour,
            alpha=0.6,
            linewidths=0,
            # thousands of points: one picture inside the drawing, not one shape each
            rasterized=True,
        )
    axis.set_yticks(range(len(labels)), labels)
    axis.set_ylim(len(labels) - 0.5, -0.5)  # the first area at the top
    axis.set_xlabel(m("figures.scores_axis"))
    _decimal_ticks(axis.xaxis, m.style.decimal)
    handles = [
        matplotlib.patches.Patch(color=colours[i % len(colours)], alpha=0.55, label=wave)
        for i, wave in enumerate(waves)
    ]
    # above the plot, right: inside it the legend hid the last area's points
    axis.legend(
        handles=handles, loc="lower right", bbox_to_anchor=(1.0, 1.0), ncol=3, frameon=False
    )
    axis.grid(axis="y", visible=False)
    axis.set_title(title or m("figures.scores_title"))
    rows = []
    for label in labels:
        medians = ", ".join(
            m(
                "alt.wave_value",
                wave=wave,
                value=m.number(float(np.median(values[(label, wave)])), ".2f"),
            )
            for wave in waves
            if (label, wave) in values
        )
        rows.append(m("alt.scores_row", label=label, medians=medians))
    describe(figure, "; ".join(rows) + ".")
    return figure


def before_after_rates(rates: pd.DataFrame, *, title: str = "", language: str = "en") -> Figure:
    """Yes-rates before -> after for boolean items (a dumbbell chart).

    Columns: `label`, `pre_rate`, `post_rate`, `verdict` (words shown at the right, e.g.
    "real change" / "could be chance").
    """
    m = texts(language)
    frame = rates.reset_index(drop=True)
    labels = [wrap(label, 40) for label in frame["label"]]
    # a question over three or four lines (Spanish ones run longer) needs a taller row
    lines = max((label.count("\n") + 1 for label in labels), default=1)
    row_height = max(0.8, 0.22 * lines + 0.3)
    figure, axis = _subplots(8, row_height * len(frame) + 1.3)
    for y, row in zip(range(len(frame))[::-1], frame.itertuples(index=False), strict=True):
        if pd.isna(row.pre_rate) or pd.isna(row.post_rate):
            axis.text(
                0.5, y, m("yes_no.too_few"), ha="center", va="center", color=OKABE_ITO["grey"]
            )
            continue
        axis.annotate(
            "",
            xy=(row.post_rate, y),
            xytext=(row.pre_rate, y),
            arrowprops={"arrowstyle": "->", "color": OKABE_ITO["black"], "lw": 1.5},
        )
        axis.plot(row.pre_rate, y, "o", color=WAVE_COLOURS["pre"], markersize=10)
        axis.plot(row.post_rate, y, "o", color=WAVE_COLOURS["post"], markersize=10)
        axis.text(
            1.03,
            y,
            m("figures.rates_row", pre=row.pre_rate, post=row.post_rate, verdict=row.verdict),
            va="center",
            fontsize=10,
            transform=axis.get_yaxis_transform(),
        )
    axis.set_yticks(range(len(frame))[::-1], labels)
    axis.set_xlim(-0.02, 1.02)
    axis.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: m.percent(v)))
    axis.set_ylim(-0.6, len(frame) - 0.4)
    axis.set_xlabel(m("figures.rates_axis"))
    axis.grid(axis="y", visible=False)
    axis.set_title(title or m("figures.rates_title"))
    describe(
        figure,
        "; ".join(
            m("alt.no_data", label=row.label)
            if pd.isna(row.pre_rate) or pd.isna(row.post_rate)
            else m(
                "alt.rates_row",
                label=row.label,
                pre=m.percent(row.pre_rate),
                post=m.percent(row.post_rate),
                verdict=row.verdict,
            )
            for row in frame.itertuples(index=False)
        )
        + ".",
    )
    return figure


def participation(counts: pd.DataFrame, *, title: str = "", language: str = "en") -> Figure:
    """Participation as horizontal bars. Columns: `stage`, `count`."""
    m = texts(language)
    figure, axis = _subplots(10, 0.55 * len(counts) + 1.2)
    sns.barplot(data=counts, y="stage", x="count", color=OKABE_ITO["blue"], ax=axis)
    for y, value in enumerate(counts["count"]):
        axis.text(value, y, f" {value}", va="center")
    axis.set_ylabel("")
    axis.set_xlabel(m("figures.participation_axis"))
    axis.set_title(title or m("figures.participation_title"))
    describe(
        figure,
        "; ".join(
            m("alt.count_row", label=row.stage, count=int(row.count))
            for row in counts.itertuples(index=False)
        )
        + ".",
    )
    return figure


def concerns_by_dimension(notes: pd.DataFrame, *, title: str = "", language: str = "en") -> Figure:
    """Focus-group concerns per dimension, stacked by severity.

    Columns: `label` (dimension), `severity` (blocker | major | minor | none).
    """
    m = texts(language)
    table = (
        notes.groupby(["label", "severity"])
        .size()
        .unstack(fill_value=0)
        .reindex(columns=SEVERITY_ORDER, fill_value=0)
    )
    table = table.loc[
        table[["blocker", "major", "minor"]].sum(axis=1).sort_values(ascending=True).index
    ]
    figure, axis = _subplots(9, 0.6 * len(table) + 1.5)
    left = np.zeros(len(table))
    for severity in SEVERITY_ORDER:
        values = table[severity].to_numpy()
        axis.barh(
            table.index,
            values,
            left=left,
            color=SEVERITY_COLOURS[severity],
            label=m(f"severity.{severity}" if severity != "none" else "severity.no_concern"),
            edgecolor="white",
        )
        for y, (start, value) in enumerate(zip(left, values, strict=True)):
            if value:
                axis.text(start + value / 2, y, str(value), ha="center", va="center")
        left += values
    axis.set_xlabel(m("figures.concerns_axis"))
    axis.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    axis.legend(title="", loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=4, frameon=False)
    axis.grid(axis="y", visible=False)
    axis.set_title(title or m("figures.concerns_title"))
    describe(figure, _counts_description(table, "severity", m))
    return figure


def _counts_description(table: pd.DataFrame, group: str, m: Messages) -> str:
    """Notes per area and category in words: "Area: 1 blocker, 2 major; ..." (the most
    concerning area first, as the figure's top bar)."""
    rows = []
    for label, counts in table.iloc[::-1].iterrows():
        said = ", ".join(
            m("alt.count_of", count=int(count), name=m.get(f"{group}.{name}", str(name)))
            for name, count in counts.items()
            if count
        )
        rows.append(m("alt.count_row", label=label, count=said))
    return "; ".join(rows) + "."


SENTIMENT_ORDER = ["negative", "mixed", "neutral", "positive"]
SENTIMENT_COLOURS = {
    "negative": OKABE_ITO["vermillion"],
    "mixed": OKABE_ITO["orange"],
    "neutral": OKABE_ITO["grey"],
    "positive": OKABE_ITO["blue"],
}


def sentiment_balance(notes: pd.DataFrame, *, title: str = "", language: str = "en") -> Figure:
    """Notes per area by sentiment: negative to the left, positive to the right.

    Columns: `label`, `sentiment` (negative | mixed | neutral | positive).
    """
    m = texts(language)
    table = (
        notes.groupby(["label", "sentiment"])
        .size()
        .unstack(fill_value=0)
        .reindex(columns=SENTIMENT_ORDER, fill_value=0)
    )
    figure, axis = _subplots(9, 0.6 * len(table) + 1.5)
    y = np.arange(len(table))
    negative = table["negative"].to_numpy()
    mixed = table["mixed"].to_numpy()
    neutral = table["neutral"].to_numpy()
    positive = table["positive"].to_numpy()
    # mixed and neutral notes form the middle block, centred on zero
    middle = (mixed + neutral) / 2
    segments = [
        ("negative", -middle - negative, negative),
        ("mixed", -middle, mixed),
        ("neutral", -middle + mixed, neutral),
        ("positive", middle, positive),
    ]
    for name, left, width in segments:
        axis.barh(
            y,
            width,
            left=left,
            color=SENTIMENT_COLOURS[name],
            label=m(f"sentiment.{name}"),
            edgecolor="white",
        )
    axis.axvline(0, color=OKABE_ITO["black"], linewidth=1)
    axis.set_yticks(y, table.index.tolist())
    axis.set_xlabel(m("figures.sentiment_axis"))
    axis.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    axis.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{abs(v):g}"))
    axis.legend(title="", loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=4, frameon=False)
    axis.grid(axis="y", visible=False)
    axis.set_title(title or m("figures.sentiment_title"))
    describe(figure, _counts_description(table, "sentiment", m))
    return figure


def compare_changes(table: pd.DataFrame, *, title: str = "", language: str = "en") -> Figure:
    """Change per area and pilot with CIs, pilots side by side.

    Columns: `label`, `pilot`, `mean_change`, `ci_low`, `ci_high`.
    """
    m = texts(language)
    labels = list(dict.fromkeys(table["label"]))
    pilots = list(dict.fromkeys(table["pilot"]))
    palette = list(OKABE_ITO.values())
    figure, axis = _subplots(10, 0.9 * len(labels) + 1.5)
    step = 0.7 / max(len(pilots), 1)
    for index, pilot in enumerate(pilots):
        rows = table[table["pilot"] == pilot].set_index("label").reindex(labels)
        y = np.arange(len(labels))[::-1] + 0.35 - step * (index + 0.5)
        colour = palette[index % len(palette)]
        axis.errorbar(
            rows["mean_change"],
            y,
            xerr=[rows["mean_change"] - rows["ci_low"], rows["ci_high"] - rows["mean_change"]],
            fmt="o",
            color=colour,
            label=pilot,
            capsize=3,
        )
    axis.axvline(0, color=OKABE_ITO["black"], linewidth=1)
    axis.set_yticks(np.arange(len(labels))[::-1], labels)
    axis.set_xlabel(m("figures.compare_axis"))
    _decimal_ticks(axis.xaxis, m.style.decimal)
    axis.legend(title="", loc="lower right", frameon=False)
    axis.grid(axis="y", visible=False)
    axis.set_title(title or m("figures.compare_title"))
    describe(figure, _compare_description(table, labels, pilots, m))
    return figure


def _compare_description(
    table: pd.DataFrame, labels: Sequence[str], pilots: Sequence[str], m: Messages
) -> str:
    """Each area's change in every pilot, with its interval and verdict, in words."""
    areas = []
    for label in labels:
        said = []
        for pilot in pilots:
            rows = table[(table["label"] == label) & (table["pilot"] == pilot)]
            if rows.empty or pd.isna(rows.iloc[0]["mean_change"]):
                said.append(m("alt.no_data", label=pilot))
                continue
            row = rows.iloc[0]
            verdict = row["verdict"] if row["verdict"] in VERDICT_COLOURS else "inconclusive"
            interval = (
                ""
                if pd.isna(row["ci_low"]) or pd.isna(row["ci_high"])
                else m(
                    "alt.interval",
                    low=m.number(row["ci_low"], "+.2f"),
                    high=m.number(row["ci_high"], "+.2f"),
                )
            )
            said.append(
                m(
                    "alt.forest_row",
                    label=pilot,
                    change=m.number(row["mean_change"], "+.2f"),
                    interval=interval,
                    verdict=m(f"figure_verdict.{verdict}"),
                )
            )
        areas.append(m("alt.compare_area", label=label, pilots="; ".join(said)))
    return " ".join(areas)
