"""Per-item comparisons (an exploratory family, Benjamini-Hochberg adjusted).

In the paired design an item is compared on the participants who answered it in both
waves; in the unpaired design on everyone who answered it in each wave. `n_pre` and
`n_post` count everyone who answered the item in that wave.

* likert / number: means (after reverse-coding for likert); paired: share of
  participants whose answer improved / stayed / declined and the Wilcoxon signed-rank
  test; unpaired: Mann-Whitney U (both in `evaluation.ranks`);
* boolean: the share answering yes; McNemar's exact test (paired) or Fisher's exact
  test (unpaired) (`evaluation.categorical`);
* single choice: the share of each choice; chi-square test of homogeneity, or Fisher's
  exact test when an expected count is below 5 (`test_method` says whether its p-value
  is exact or, for a table too large to enumerate, a seeded Monte Carlo estimate; in the
  paired design this compares the two distributions of the same participants and ignores
  the pairing, so the Stuart-Maxwell test of marginal homogeneity is added as
  `marginal_homogeneity`);
* multi choice: the share choosing each option per wave, no test (each option would be
  its own yes/no question; read the shares descriptively);
* text: only counted (`text_items`); display notes are skipped.

`direction` says which way a tested item moved, where the item has a good direction:
likert (after reverse-coding, higher is better) by the sign of the rank-biserial
correlation, yes/no by the share answering yes (higher is better unless the item is
marked `reverse: true`). Numbers and choices have no good direction (`None`). An item
whose adjusted p-value is below alpha and whose direction is `worse` is a reason in the
readiness verdict (`evaluation.readiness`). In the partially paired design items are
compared on the pairs, as in the paired design.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from evaluation._numbers import num
from evaluation.categorical import (
    choice_table_test,
    fisher_2x2,
    mcnemar_exact,
    stuart_maxwell,
)
from evaluation.multiplicity import benjamini_hochberg
from evaluation.prepare import AnswerArrays
from evaluation.ranks import RankTest, mann_whitney, wilcoxon_signed_rank
from evaluation.scoring import Design
from pilotkit.instruments import Item

NOT_TESTED_TYPES = frozenset({"text", "note"})


@dataclass(frozen=True)
class ItemResult:
    """The comparison of one item; `figures` holds the type-specific numbers in order."""

    id: str
    type: str
    dimension: str | None
    n_pre: int
    n_post: int
    n_paired: int
    figures: dict[str, Any]
    test: str | None
    statistic: float | None
    p_value: float | None
    test_method: str | None = None
    p_adjusted: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    #: "better" | "worse" | "same" for items with a good direction, else None
    direction: str | None = None


@dataclass(frozen=True)
class TextItemCount:
    """How many participants wrote something in a free-text item, per wave."""

    id: str
    answered: dict[str, int]


def _rate(values: np.ndarray) -> float | None:
    return num(values.mean()) if len(values) else None


def _asked(item: Item, wave: str) -> bool:
    return item.waves is None or wave in item.waves


def _numeric_item(
    pre: np.ndarray, post: np.ndarray, paired: bool, compared: bool
) -> tuple[dict[str, Any], RankTest | None]:
    figures: dict[str, Any] = {"pre_mean": _rate(pre), "post_mean": _rate(post)}
    if not compared:
        return figures, None
    if paired:
        diff = post - pre
        n = len(diff)
        figures["share_improved"] = num((diff > 0).mean()) if n else None
        figures["share_same"] = num((diff == 0).mean()) if n else None
        figures["share_declined"] = num((diff < 0).mean()) if n else None
        return figures, wilcoxon_signed_rank(pre, post) if n else None
    return figures, mann_whitney(pre, post) if len(pre) and len(post) else None


def _choice_table(item: Item, pre: np.ndarray, post: np.ndarray) -> np.ndarray:
    k = len(item.choices or [])
    return np.vstack(
        [np.bincount(pre.astype(int), minlength=k), np.bincount(post.astype(int), minlength=k)]
    )


def analyse_item(answers: AnswerArrays, item: Item, design: Design) -> ItemResult:
    """Figures and test of one item that is not free text (see the module docstring)."""
    column = answers.item_index(item.id)
    pre_all = answers.scores[answers.wave_index(design.baseline), :, column]
    post_all = answers.scores[answers.wave_index(design.follow_up), :, column]
    if item.type == "multi":
        indicators = answers.multi[item.id]
        pre_all = indicators[answers.wave_index(design.baseline), :, 0]
        post_all = indicators[answers.wave_index(design.follow_up), :, 0]
    has_pre, has_post = ~np.isnan(pre_all), ~np.isnan(post_all)
    both = has_pre & has_post
    compared = _asked(item, design.baseline) and _asked(item, design.follow_up)
    # an item asked in one wave only is described on everyone who answered it
    paired = design.paired and compared
    keep_pre, keep_post = (both, both) if paired else (has_pre, has_post)
    pre, post = pre_all[keep_pre], post_all[keep_post]
    test = None
    extra: dict[str, Any] = {}
    if item.type in ("likert", "number"):
        figures, rank = _numeric_item(pre, post, paired, compared)
        if rank is not None:
            test = rank
            extra["rank_biserial"] = rank.rank_biserial
    elif item.type == "boolean":
        figures = {"pre_rate": _rate(pre), "post_rate": _rate(post)}
        if compared and len(pre) and len(post):
            test = mcnemar_exact(pre, post) if paired else fisher_2x2(pre, post)
    elif item.type == "single":
        table = _choice_table(item, pre, post)
        choices = [c.value for c in item.choices or []]
        figures = {
            "pre_distribution": _shares(choices, table[0]),
            "post_distribution": _shares(choices, table[1]),
        }
        if compared:
            test = choice_table_test(table)
            if paired and len(pre):
                marginal = stuart_maxwell(pre, post, len(choices))
                extra["marginal_homogeneity"] = (
                    None
                    if marginal is None
                    else {
                        "test": marginal.test,
                        "statistic": marginal.statistic,
                        "df": marginal.df,
                        "p_value": marginal.p_value,
                    }
                )
    else:  # multi
        indicators = answers.multi[item.id]
        choices = [c.value for c in item.choices or []]
        pre_choices = indicators[answers.wave_index(design.baseline)][keep_pre]
        post_choices = indicators[answers.wave_index(design.follow_up)][keep_post]
        figures = {
            "pre_choice_rates": _choice_rates(choices, pre_choices),
            "post_choice_rates": _choice_rates(choices, post_choices),
        }
    return ItemResult(
        direction=_direction(item, figures, extra) if test is not None else None,
        id=item.id,
        type=item.type,
        dimension=item.dimension,
        n_pre=int(has_pre.sum()),
        n_post=int(has_post.sum()),
        n_paired=int(both.sum()),
        figures=figures,
        test=test.test if test is not None else None,
        statistic=test.statistic if test is not None else None,
        p_value=test.p_value if test is not None else None,
        test_method=test.method if test is not None else None,
        extra=extra,
    )


def _signed(value: float | None) -> str | None:
    if value is None:
        return None
    return "better" if value > 0 else "worse" if value < 0 else "same"


def _direction(item: Item, figures: dict[str, Any], extra: dict[str, Any]) -> str | None:
    """Which way the item moved, for items where one way is better (module docstring)."""
    if item.type == "likert":
        return _signed(extra.get("rank_biserial"))
    if item.type == "boolean":
        pre, post = figures.get("pre_rate"), figures.get("post_rate")
        if pre is None or post is None:
            return None
        return _signed((pre - post) if item.reverse else (post - pre))
    return None


def _shares(choices: list[str], counts: np.ndarray) -> dict[str, float | None]:
    total = counts.sum()
    return {c: (num(n / total) if total else None) for c, n in zip(choices, counts, strict=True)}


def _choice_rates(choices: list[str], matrix: np.ndarray) -> dict[str, float | None]:
    if len(matrix) == 0:
        return dict.fromkeys(choices)
    return {c: num(matrix[:, i].mean()) for i, c in enumerate(choices)}


def analyse_items(answers: AnswerArrays, design: Design) -> list[ItemResult]:
    """Every non-text, non-note item, with Benjamini-Hochberg adjusted p-values."""
    results = [
        analyse_item(answers, item, design)
        for item in answers.instrument.items
        if item.type not in NOT_TESTED_TYPES
    ]
    adjusted = benjamini_hochberg([r.p_value for r in results])
    return [replace(r, p_adjusted=p) for r, p in zip(results, adjusted, strict=True)]


def count_text_items(answers: AnswerArrays) -> list[TextItemCount]:
    """Answers written in each free-text item, per wave (text is read, not tested)."""
    counts = []
    for item in answers.instrument.items:
        if item.type != "text":
            continue
        column = answers.item_index(item.id)
        counts.append(
            TextItemCount(
                id=item.id,
                answered={
                    wave: int(answers.answered[w, :, column].sum())
                    for w, wave in enumerate(answers.wave_ids)
                },
            )
        )
    return counts
