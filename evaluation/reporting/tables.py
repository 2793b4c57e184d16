"""Report-ready tables and plain-language texts, built from an evaluation result.

The notebooks call these and draw the frames with `evaluation.reporting.figures`. Every
word a reader sees comes from the catalog of the report's language (`lang`, see
`evaluation.reporting.i18n`); codes (verdicts, severities) stay as they are in the frames
so the figures can colour and order by them. All privacy rules of the report live here,
where they are tested:

- a group (a wave's answers to an item, a dimension's scores in a wave) with fewer than
  `min_group` respondents is suppressed, never shown as a share or a distribution;
- focus-group quotes carry no names: only the dimension they speak about is shown, quotes
  from sessions with fewer than `min_group` attendees (interviews) are left out, and a
  quote that holds a name-like word from the notes' `facilitator`/`name` columns is
  dropped.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from evaluation.notes import GENERAL, note_dimensions
from evaluation.prepare import prepare_answers
from evaluation.reporting.i18n import texts
from evaluation.reporting.reasons import readiness_reasons
from evaluation.reporting.safe_text import markdown_text
from evaluation.result import EvaluationResult
from evaluation.scoring import scores_frame
from pilotkit.instruments import Instrument

#: Smallest group shown in a report (smaller ones could identify a person).
MIN_GROUP = 5

#: A dimension verdict's light (its words are `status.<verdict>` in the catalog, its
#: colours `colours.LIGHT_TONES`): blue better, grey held steady, amber unclear, red worse.
DIMENSION_LIGHT = {
    "improved": "blue",
    "no_change": "grey",
    "inconclusive": "amber",
    "declined": "red",
}


@dataclass(frozen=True)
class Headline:
    """The first screen of a report."""

    verdict: str
    title: str
    explanation: str
    reasons: list[str]


def headline(
    result: EvaluationResult, instrument: Instrument | None = None, lang: str = "en"
) -> Headline:
    """The verdict in words and its reasons, in `lang` (labels from `instrument`)."""
    verdict = result.readiness.verdict
    m = texts(lang)
    return Headline(
        verdict=verdict,
        title=m(f"verdict.{verdict}.title"),
        explanation=m(f"verdict.{verdict}.explanation"),
        reasons=readiness_reasons(result, instrument, lang),
    )


def _label(instrument: Instrument, dimension_id: str | None, lang: str) -> str:
    if dimension_id in (None, "", GENERAL):
        return texts(lang)("labels.general_title")
    try:
        return instrument.text(instrument.dimension(dimension_id).label, lang)
    except KeyError:
        return str(dimension_id)


def _wave_word(wave: str, lang: str) -> str:
    """`pre`/`post` as "before"/"after" in `lang`; another wave keeps its id."""
    return texts(lang)(f"waves.{wave}") if wave in ("pre", "post") else wave


def wave_label(instrument: Instrument, wave: str, lang: str) -> str:
    """A wave as readers say it: the instrument's label, else "before"/"after"."""
    for spec in instrument.waves or []:
        if spec.id == wave and spec.label is not None:
            return instrument.text(spec.label, lang)
    return _wave_word(wave, lang)


def _none_to_nan(value: float | None) -> float:
    return math.nan if value is None else float(value)


def dimension_overview(
    result: EvaluationResult, instrument: Instrument, lang: str, *, min_group: int = MIN_GROUP
) -> pd.DataFrame:
    """One row per dimension: label, change and CI, verdict, traffic light, reliability flag.

    Columns: id, label, n, pre_mean, post_mean, mean_change, ci_low, ci_high, verdict,
    status, light, reliability, reliability_note. Dimensions analysed on fewer than
    `min_group` people show no figures.
    """
    m = texts(lang)
    rows = []
    for dim in result.dimensions:
        c = dim.comparison
        n = dim.n_paired if result.design.paired else min(dim.n_pre, dim.n_post)
        shown = n >= min_group
        verdict = dim.verdict if dim.verdict in DIMENSION_LIGHT else "inconclusive"
        status, light = m(f"status.{verdict}"), DIMENSION_LIGHT[verdict]
        rel = dim.reliability_pre.alpha
        note = ""
        if rel is not None and rel < result.rules.reliability_threshold:
            note = m(
                "status.reliability_note",
                reliability=rel,
                threshold=result.rules.reliability_threshold,
            )
        if not shown:
            status, light = m("status.too_few"), "none"
        rows.append(
            {
                "id": dim.id,
                "label": _label(instrument, dim.id, lang),
                "n": n,
                "pre_mean": _none_to_nan(c.pre_mean) if shown else math.nan,
                "post_mean": _none_to_nan(c.post_mean) if shown else math.nan,
                "mean_change": _none_to_nan(c.mean_change) if shown else math.nan,
                "ci_low": _none_to_nan(c.ci_low) if shown else math.nan,
                "ci_high": _none_to_nan(c.ci_high) if shown else math.nan,
                "verdict": dim.verdict if shown else "inconclusive",
                "status": status,
                "light": light,
                "reliability": _none_to_nan(rel),
                "reliability_note": note,
            }
        )
    columns = [
        "id",
        "label",
        "n",
        "pre_mean",
        "post_mean",
        "mean_change",
        "ci_low",
        "ci_high",
        "verdict",
        "status",
        "light",
        "reliability",
        "reliability_note",
    ]
    return pd.DataFrame(rows, columns=columns)


def score_distribution(
    instrument: Instrument,
    responses: pd.DataFrame,
    lang: str,
    *,
    waves: tuple[str, str] | None = None,
    min_group: int = MIN_GROUP,
) -> pd.DataFrame:
    """Dimension scores per person and wave (label, wave, score); small groups removed."""
    answers = prepare_answers(instrument, responses)
    ids = instrument.wave_ids
    waves = waves or (ids[0], ids[-1])
    scores = scores_frame(answers, waves)
    if scores.empty:
        return pd.DataFrame(columns=["label", "wave", "score"])
    sizes = scores.groupby(["dimension", "wave"])["score"].transform("size")
    scores = scores[sizes >= min_group].copy()
    # one lookup per dimension and wave, not one per person
    labels = {d: _label(instrument, d, lang) for d in scores["dimension"].unique()}
    waves_said = {w: wave_label(instrument, w, lang) for w in scores["wave"].unique()}
    scores["label"] = scores["dimension"].map(labels)
    scores["wave"] = scores["wave"].map(waves_said)
    return scores[["label", "wave", "score"]].reset_index(drop=True)


def likert_distribution(
    instrument: Instrument,
    responses: pd.DataFrame,
    dimension_id: str,
    lang: str,
    *,
    min_group: int = MIN_GROUP,
    label_width: int = 120,
) -> pd.DataFrame:
    """Share of each answer per item and wave, as the question was asked.

    Columns: label, wave, level (1..k from the scale's minimum: the answer people gave,
    never turned around), share, reverse (True for a negatively worded question, where
    agreeing is the less favourable answer). An item and wave with fewer than
    `min_group` answers is left out.
    """
    items = instrument.items_of(dimension_id)
    # the dimension's answers, counted per item, wave and value in one pass
    answers = responses.loc[responses["item_id"].isin([item.id for item in items])]
    numbers = pd.to_numeric(answers["value"].astype(str).str.strip(), errors="coerce")
    answered = numbers.notna()
    counts = (
        numbers[answered]
        .astype(int)
        .groupby([answers["item_id"][answered], answers["wave"][answered]], observed=True)
        .value_counts()
    )
    tally: dict[tuple[str, str, int], int] = counts.to_dict()
    group_sizes: dict[tuple[str, str], int] = counts.groupby(level=[0, 1]).sum().to_dict()
    waves = {wave: wave_label(instrument, wave, lang) for wave in instrument.wave_ids}
    rows = []
    for item in items:
        scale = instrument.scale_of(item)
        assert scale is not None
        text = instrument.text(item.text, lang)
        label = text if len(text) <= label_width else text[: label_width - 1].rstrip() + "…"
        for wave, said in waves.items():
            size = group_sizes.get((item.id, wave), 0)
            if size < min_group:
                continue
            for offset, answer in enumerate(scale.points, start=1):
                share = tally.get((item.id, wave, answer), 0) / size
                rows.append(
                    {
                        "label": label,
                        "wave": said,
                        "level": offset,
                        "share": share,
                        "reverse": bool(item.reverse),
                    }
                )
    return pd.DataFrame(rows, columns=["label", "wave", "level", "share", "reverse"])


def scale_labels(instrument: Instrument, dimension_id: str, lang: str) -> list[str]:
    """Labels of a dimension's scale points, from its first item's scale."""
    items = instrument.items_of(dimension_id)
    if not items:
        return []
    scale = instrument.scale_of(items[0])
    assert scale is not None
    labels = (scale.labels or {}).get(lang) or (scale.labels or {}).get(instrument.default_language)
    return list(labels) if labels else [str(p) for p in scale.points]


def boolean_changes(
    result: EvaluationResult,
    instrument: Instrument,
    lang: str,
    *,
    min_group: int = MIN_GROUP,
) -> pd.DataFrame:
    """Yes-rates before and after per boolean item, with the test's verdict in words.

    Columns: id, label, n_pre, n_post, pre_rate, post_rate, p_adjusted, verdict. Rates of
    a wave with fewer than `min_group` answers are suppressed (NaN).
    """
    m = texts(lang)
    rows = []
    for item in result.items:
        if item.type != "boolean":
            continue
        pre = item.figures.get("pre_rate")
        post = item.figures.get("post_rate")
        small = item.n_pre < min_group or item.n_post < min_group
        p = item.p_adjusted
        if small:
            verdict = m("yes_no.too_few")
        elif p is None:
            verdict = m("yes_no.not_tested")
        elif p < result.alpha:
            verdict = m("yes_no.real_change")
        else:
            verdict = m("yes_no.could_be_chance")
        rows.append(
            {
                "id": item.id,
                "label": instrument.text(instrument.item(item.id).text, lang),
                "n_pre": item.n_pre,
                "n_post": item.n_post,
                "pre_rate": math.nan if small or pre is None else pre,
                "post_rate": math.nan if small or post is None else post,
                "p_adjusted": _none_to_nan(p),
                "verdict": verdict,
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "id",
            "label",
            "n_pre",
            "n_post",
            "pre_rate",
            "post_rate",
            "p_adjusted",
            "verdict",
        ],
    )


def participation(
    result: EvaluationResult,
    invited: int | None = None,
    lang: str = "en",
    invited_by_wave: Mapping[str, int] | None = None,
) -> pd.DataFrame:
    """People at each stage: invited (when known), answered each wave, answered both.

    With `invited_by_wave` each wave has its own invited count before its answers (an
    anonymous pilot issues links per wave; a linked one may issue links after a wave
    closed), instead of one invited figure for the whole pilot."""
    m = texts(lang)
    design = result.design
    per_wave = {w: n for w, n in (invited_by_wave or {}).items() if n > 0}
    stages: list[tuple[str, int]] = []
    if invited is not None and invited > 0 and not per_wave:
        stages.append((m("participation.invited"), int(invited)))
    for wave in (design.baseline, design.follow_up):
        word = _wave_word(wave, lang)
        if wave in per_wave:
            stages.append((m("participation.invited_wave", wave=word), int(per_wave[wave])))
        stages.append((m("participation.answered", wave=word), int(design.n[wave])))
    if design.n_paired:
        stages.append((m("participation.both"), int(design.n_paired)))
    return pd.DataFrame(stages, columns=["stage", "count"])


def concerns(notes: pd.DataFrame, instrument: Instrument, lang: str) -> pd.DataFrame:
    """One row per (note, dimension): label, severity, sentiment."""
    rows = []
    for record in notes.to_dict("records"):
        for dim in note_dimensions(record.get("dimension", "")):
            rows.append(
                {
                    "label": _label(instrument, dim, lang),
                    "severity": str(record.get("severity", "none")).strip().lower(),
                    "sentiment": str(record.get("sentiment", "neutral")).strip().lower(),
                }
            )
    return pd.DataFrame(rows, columns=["label", "severity", "sentiment"])


def _name_words(notes: pd.DataFrame) -> set[str]:
    words: set[str] = set()
    for column in ("facilitator", "name", "participant", "speaker"):
        if column in notes.columns:
            for cell in notes[column].dropna().astype(str):
                words.update(w.lower() for w in cell.replace(",", " ").split() if len(w) > 2)
    return words


def selected_quotes(
    notes: pd.DataFrame,
    instrument: Instrument,
    lang: str,
    *,
    limit: int = 6,
    min_group: int = MIN_GROUP,
) -> pd.DataFrame:
    """Verbatim quotes safe to show: most severe concerns first, then the rest.

    Columns: label, severity, quote. No session, date, facilitator or name is kept.
    """
    if "quote" not in notes.columns:
        return pd.DataFrame(columns=["label", "severity", "quote"])
    frame = notes[notes["quote"].fillna("").astype(str).str.strip() != ""].copy()
    if "attendees" in frame.columns:
        attendees = pd.to_numeric(frame["attendees"], errors="coerce")
        frame = frame[attendees.isna() | (attendees >= min_group)]
    names = _name_words(notes)
    if names:
        has_name = (
            frame["quote"]
            .astype(str)
            .map(lambda q: any(w.strip(".,;:!?\"'").lower() in names for w in q.split()))
        )
        frame = frame[~has_name]
    rank = {"blocker": 0, "major": 1, "minor": 2, "none": 3}
    frame["rank"] = frame["severity"].astype(str).str.lower().map(rank).fillna(4)
    frame = frame.sort_values("rank", kind="stable").head(limit)
    return pd.DataFrame(
        {
            "label": [
                _label(instrument, note_dimensions(d)[0], lang)
                for d in frame.get("dimension", pd.Series([""] * len(frame)))
            ],
            "severity": frame["severity"].astype(str).str.lower().tolist(),
            "quote": frame["quote"].astype(str).str.strip().tolist(),
        }
    )


def follow_up_actions(notes: pd.DataFrame, instrument: Instrument, lang: str) -> pd.DataFrame:
    """Follow-up actions from the notes, most severe first: label, severity, action."""
    if "follow_up" not in notes.columns:
        return pd.DataFrame(columns=["label", "severity", "action"])
    frame = notes[notes["follow_up"].fillna("").astype(str).str.strip() != ""]
    rank = {"blocker": 0, "major": 1, "minor": 2, "none": 3}
    order = np.argsort(
        frame["severity"].astype(str).str.lower().map(rank).fillna(4).to_numpy(), kind="stable"
    )
    frame = frame.iloc[order]
    return pd.DataFrame(
        {
            "label": [_label(instrument, note_dimensions(d)[0], lang) for d in frame["dimension"]],
            "severity": frame["severity"].astype(str).str.lower().tolist(),
            "action": frame["follow_up"].astype(str).str.strip().tolist(),
        }
    )


def bullet_list(lines: Sequence[str], lang: str = "en") -> str:
    """Markdown bullets (for `IPython.display.Markdown`)."""
    if not lines:
        return f"- {texts(lang)('words.none')}"
    return "\n".join(f"- {markdown_text(line)}" for line in lines)


def attrition_text(result: EvaluationResult, instrument: Instrument, lang: str) -> str:
    """Attrition in plain words, with the drop-out bias check (Markdown)."""
    m = texts(lang)
    attrition = result.attrition
    if not attrition.applicable or attrition.rate is None:
        why = "anonymous" if instrument.anonymous else "unlinked"
        return m(f"attrition.not_measurable_{why}")
    level = attrition.level if attrition.level in ("red", "amber") else "green"
    text = m(
        "attrition.rate",
        n_dropouts=attrition.n_dropouts,
        n_baseline=attrition.n_baseline,
        rate=attrition.rate,
        level=m(f"attrition.level_{level}"),
    )
    differing = [
        c for c in attrition.comparisons if c.p_adjusted is not None and c.p_adjusted < result.alpha
    ]
    if attrition.comparisons and not differing:
        text += m("attrition.alike")
    elif differing:
        names = ", ".join(markdown_text(_label(instrument, c.dimension, lang)) for c in differing)
        text += m("attrition.differ", names=names)
    return text


def concerns_by_area_texts(
    notes: pd.DataFrame, instrument: Instrument, lang: str
) -> dict[str, list[tuple[str, str, str]]]:
    """Note texts grouped by area label: (severity, sentiment, text), most severe first."""
    rank = {"blocker": 0, "major": 1, "minor": 2, "none": 3}
    grouped: dict[str, list[tuple[str, str, str]]] = {}
    for record in notes.to_dict("records"):
        text = str(record.get("text", "") or "").strip()
        if not text:
            continue
        severity = str(record.get("severity", "none")).strip().lower()
        sentiment = str(record.get("sentiment", "neutral")).strip().lower()
        for dim in note_dimensions(record.get("dimension", "")):
            grouped.setdefault(_label(instrument, dim, lang), []).append(
                (severity, sentiment, text)
            )
    return {
        label: sorted(entries, key=lambda entry: rank.get(entry[0], 4))
        for label, entries in grouped.items()
    }


#: item types the "every other question" table shows (yes/no and an area's likert
#: questions have figures of their own; likert questions outside an area are shown here)
OTHER_ITEM_TYPES = ("single", "multi", "number", "likert")


def other_items(
    result: EvaluationResult,
    instrument: Instrument,
    lang: str,
    *,
    min_group: int = MIN_GROUP,
) -> pd.DataFrame:
    """Every measured question without a figure of its own, as rows of a table.

    One row per shown figure: `group` (the area's label, or "Other questions"), `item`,
    `question`, `verdict` (the test's result in words), `answer` (a choice's label, or
    "average"), `before`, `after` (written in `lang`; "–" where a wave had fewer than
    `min_group` answers), `n_before`, `n_after`. Single choice: the share of each choice;
    multi choice: the share choosing each option; number and likert outside an area:
    the average answer.
    """
    m = texts(lang)
    in_figures = {item.id for dim in instrument.dimensions for item in instrument.items_of(dim.id)}
    rows = []
    for found in result.items:
        if found.type not in OTHER_ITEM_TYPES:
            continue
        if found.type == "likert" and found.id in in_figures:
            continue
        item = instrument.item(found.id)
        group = (
            _label(instrument, item.dimension, lang)
            if item.dimension
            else m("other_items.other_group")
        )
        shown_pre, shown_post = found.n_pre >= min_group, found.n_post >= min_group
        p = found.p_adjusted
        if not (shown_pre and shown_post):
            verdict = m("yes_no.too_few")
        elif found.type == "multi":
            verdict = m("other_items.shares_only")
        elif p is None:
            verdict = m("yes_no.not_tested")
        elif p < result.alpha:
            verdict = m("yes_no.real_change")
        else:
            verdict = m("yes_no.could_be_chance")
        figures = found.figures

        def said(value: float | None, shown: bool, share: bool) -> str:
            if not shown or value is None or pd.isna(value):
                return "–"
            return m.percent(value) if share else m.number(value, ".2f")

        if found.type in ("single", "multi"):
            before_key, after_key = (
                ("pre_distribution", "post_distribution")
                if found.type == "single"
                else ("pre_choice_rates", "post_choice_rates")
            )
            answers = [
                (
                    instrument.text(choice.label, lang),
                    figures.get(before_key, {}).get(choice.value),
                    figures.get(after_key, {}).get(choice.value),
                )
                for choice in item.choices or []
            ]
            share = True
        else:
            answers = [
                (m("other_items.average"), figures.get("pre_mean"), figures.get("post_mean"))
            ]
            share = False
        for answer, before, after in answers:
            rows.append(
                {
                    "group": group,
                    "item": found.id,
                    "question": instrument.text(item.text, lang),
                    "verdict": verdict,
                    "answer": answer,
                    "before": said(before, shown_pre, share),
                    "after": said(after, shown_post, share),
                    "n_before": found.n_pre,
                    "n_after": found.n_post,
                }
            )
    columns = [
        "group",
        "item",
        "question",
        "verdict",
        "answer",
        "before",
        "after",
        "n_before",
        "n_after",
    ]
    return pd.DataFrame(rows, columns=columns)


def data_cutoff(responses: pd.DataFrame, waves: Sequence[str]) -> pd.Timestamp | None:
    """When the last answer included in the report was submitted (UTC), from the
    responses' optional `submitted_at` column; None when it is absent or empty."""
    if "submitted_at" not in responses.columns:
        return None
    rows = responses[responses["wave"].isin(list(waves))]
    answered = rows["value"].fillna("").astype(str).str.strip() != ""
    when = pd.to_datetime(rows.loc[answered, "submitted_at"], utc=True, errors="coerce")
    latest = when.max()
    return None if pd.isna(latest) else latest


def notes_language(notes: pd.DataFrame | None, instrument: Instrument) -> str:
    """The language the focus-group notes are written in: their `language` column's most
    common value when they have one, else the instrument's default language."""
    if notes is not None and "language" in notes.columns:
        given = notes["language"].dropna().astype(str).str.strip()
        given = given[given != ""]
        if len(given):
            return str(given.mode().iloc[0])
    return instrument.default_language
