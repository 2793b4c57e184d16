"""Dimension scores and the study design (paired or unpaired).

* Reverse-coding is applied when the answers are read (`evaluation.prepare`):
  a reverse item's answer x on a min..max scale counts as min + max - x.
* A participant's dimension score in a wave is the mean of the dimension's answered
  likert items, when at least half of them are answered; otherwise it is missing.
  The items counted are the dimension's likert items asked in both compared waves
  (an item asked in one wave only would make the two scores measure different things).
* Design: a participant is present in a wave when they gave a measured answer in it
  (`AnswerArrays.present`: free text alone does not count). Participants present in
  both the baseline and the follow-up wave are pairs. The design is `paired` when every
  respondent is a pair, `partially_paired` when there are at least 2 pairs and others who
  answered one wave only (everyone is analysed, `evaluation.overlap`), and `unpaired`
  otherwise. An anonymous instrument is always `unpaired`, whatever its ids
  (contracts.md section 2). `legacy=True` restores the earlier all-or-nothing switch
  (paired on the pairs when they are at least half of the smaller wave, else unpaired),
  kept only to compare the two rules (`python -m bench verdict`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from evaluation.prepare import AnswerArrays
from pilotkit.instruments import Instrument, Item

PAIRED_SHARE = 0.5


def scored_items(instrument: Instrument, dimension_id: str, waves: tuple[str, str]) -> list[Item]:
    """The likert items that make up a dimension score (asked in both compared waves)."""
    return [
        item
        for item in instrument.items_of(dimension_id)
        if all(item.waves is None or wave in item.waves for wave in waves)
    ]


def score_matrix(values: np.ndarray) -> np.ndarray:
    """Row means of answered items when at least half are answered, else NaN."""
    answered = ~np.isnan(values)
    count = answered.sum(axis=1)
    total = np.where(answered, values, 0.0).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = total / count
    return np.where((count > 0) & (2 * count >= values.shape[1]), mean, np.nan)


def dimension_scores(
    answers: AnswerArrays, dimension_id: str, wave: str, waves: tuple[str, str]
) -> np.ndarray:
    """Per-participant score of a dimension in one wave (NaN where missing)."""
    items = scored_items(answers.instrument, dimension_id, waves)
    if not items:
        return np.full(len(answers.participants), np.nan)
    columns = [answers.item_index(i.id) for i in items]
    return score_matrix(answers.scores[answers.wave_index(wave)][:, columns])


def scores_frame(answers: AnswerArrays, waves: tuple[str, str]) -> pd.DataFrame:
    """Tidy dimension scores: participant_id, wave, dimension, score (missing rows left out).

    For notebooks and figures; the engine itself works on the arrays.
    """
    frames = []
    for dimension in answers.instrument.dimensions:
        for wave in waves:
            score = dimension_scores(answers, dimension.id, wave, waves)
            keep = ~np.isnan(score)
            frames.append(
                pd.DataFrame(
                    {
                        "participant_id": answers.participants[keep],
                        "wave": wave,
                        "dimension": dimension.id,
                        "score": score[keep],
                    }
                )
            )
    if not frames:
        return pd.DataFrame(columns=["participant_id", "wave", "dimension", "score"])
    return pd.concat(frames, ignore_index=True)


@dataclass(frozen=True)
class Design:
    """Who is in which wave, and whether the analysis is paired."""

    baseline: str
    follow_up: str
    n: dict[str, int]
    n_paired: int
    n_pre_only: int
    n_post_only: int
    paired: bool
    in_pre: np.ndarray
    in_post: np.ndarray
    #: linked, but some respondents answered one wave only: everyone is analysed
    partial: bool = False
    #: answers are linked by id (False for an anonymous instrument)
    linked: bool = True

    @property
    def name(self) -> str:
        if self.partial:
            return "partially_paired"
        return "paired" if self.paired else "unpaired"


def decide_design(answers: AnswerArrays, *, legacy: bool = False) -> Design:
    """Who is a pair, and which design the comparison uses (see the module docstring)."""
    baseline, follow_up = answers.wave_ids[0], answers.wave_ids[-1]
    in_pre = answers.present(baseline)
    in_post = answers.present(follow_up)
    n = {wave: int(answers.present(wave).sum()) for wave in answers.wave_ids}
    linked = not answers.instrument.anonymous
    both = in_pre & in_post if linked else np.zeros_like(in_pre)
    n_paired = int(both.sum())
    singles = int((in_pre & ~both).sum() + (in_post & ~both).sum())
    partial = False
    if legacy:
        smaller = min(int(in_pre.sum()), int(in_post.sum()))
        paired = n_paired >= 2 and n_paired >= PAIRED_SHARE * smaller
    else:
        paired = n_paired >= 2
        partial = paired and singles > 0
    return Design(
        baseline=baseline,
        follow_up=follow_up,
        n=n,
        n_paired=n_paired,
        n_pre_only=int((in_pre & ~both).sum()),
        n_post_only=int((in_post & ~both).sum()),
        paired=paired,
        in_pre=in_pre,
        in_post=in_post,
        partial=partial,
        linked=linked,
    )
