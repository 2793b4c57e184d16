"""Believable synthetic answers for demos, fixtures and benchmarks.

Answers come from a simple latent-trait model: each participant has a latent attitude per
dimension (normal around the scale's midpoint), the post wave shifts it by the
dimension's effect (in scale points) plus individual noise, and each likert answer is the
latent value plus item noise, rounded and clipped to the scale. Reverse-coded items are
stored raw, i.e. as (min + max - value), exactly as a participant would have ticked them.
Boolean items flip from a pre rate to a post rate. Nothing here is analysis: it only
writes the responses table (contracts.md section 2).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from pilotkit.instruments import Instrument, Item

RESPONSE_COLUMNS = ["participant_id", "wave", "item_id", "value"]


@dataclass(frozen=True)
class Scenario:
    """How the simulated pilot went."""

    participants: int = 60
    #: change of each dimension's latent attitude from pre to post, in scale points
    effects: Mapping[str, float] = field(default_factory=dict)
    #: pre-wave mean of the latent attitude, as a share of the scale (0 = min, 1 = max)
    baseline: float = 0.5
    #: SD of participants' latent attitude and of the individual change, in scale points
    person_sd: float = 0.7
    change_sd: float = 0.5
    item_sd: float = 0.6
    #: share of pre-wave participants who do not answer the post wave
    attrition: float = 0.1
    #: share of participants who only answer the post wave
    late_joiners: float = 0.0
    #: share of answers left empty
    skip_rate: float = 0.02
    #: boolean items: rate of "yes" before and after (item id -> (pre, post))
    boolean_rates: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    #: anonymous waves: ids never repeat across waves
    anonymous: bool = False
    #: free-text answers to draw from (item id -> texts)
    texts: Mapping[str, Sequence[str]] = field(default_factory=dict)
    seed: int = 2026


def simulate_responses(instrument: Instrument, scenario: Scenario) -> pd.DataFrame:
    """The responses table of a simulated pilot, sorted by participant, wave and item."""
    rng = np.random.default_rng(scenario.seed)
    waves = instrument.wave_ids
    pre_wave, post_wave = waves[0], waves[-1]
    n = scenario.participants
    ids = [f"P{index:04d}" for index in range(1, n + 1)]
    drops = rng.random(n) < scenario.attrition
    late = rng.random(n) < scenario.late_joiners
    in_pre = ~late
    in_post = ~drops | late

    dims = [d.id for d in instrument.dimensions]
    latent_pre = {d: rng.normal(0.0, scenario.person_sd, n) for d in dims}
    latent_change = {
        d: scenario.effects.get(d, 0.0) + rng.normal(0.0, scenario.change_sd, n) for d in dims
    }

    rows: list[tuple[str, str, str, str]] = []
    for wave, present in ((pre_wave, in_pre), (post_wave, in_post)):
        is_post = wave == post_wave
        for index in np.flatnonzero(present):
            pid = ids[index]
            if scenario.anonymous:
                pid = f"{wave}-{index + 1:04d}"
            for item in instrument.items_in_wave(wave):
                value = _answer(
                    instrument, item, scenario, rng, index, is_post, latent_pre, latent_change
                )
                if value is None:
                    continue
                if item.type == "likert" and rng.random() < scenario.skip_rate:
                    value = ""  # an item left unanswered
                rows.append((pid, wave, item.id, value))
    return pd.DataFrame(rows, columns=RESPONSE_COLUMNS)


def _answer(
    instrument: Instrument,
    item: Item,
    scenario: Scenario,
    rng: np.random.Generator,
    index: int,
    is_post: bool,
    latent_pre: Mapping[str, np.ndarray],
    latent_change: Mapping[str, np.ndarray],
) -> str | None:
    """One raw answer as the participant would give it, or None for no row."""
    if item.type == "likert":
        scale = instrument.scale_of(item)
        assert scale is not None
        span = scale.max - scale.min
        center = scale.min + scenario.baseline * span
        latent = center
        if item.dimension in latent_pre:
            latent += latent_pre[item.dimension][index]
            if is_post:
                latent += latent_change[item.dimension][index]
        raw = int(
            np.clip(np.rint(latent + rng.normal(0.0, scenario.item_sd)), scale.min, scale.max)
        )
        if item.reverse:
            raw = scale.min + scale.max - raw
        return str(raw)
    if item.type == "boolean":
        pre_rate, post_rate = scenario.boolean_rates.get(item.id, (0.5, 0.5))
        return "1" if rng.random() < (post_rate if is_post else pre_rate) else "0"
    if item.type == "single":
        assert item.choices
        return str(item.choices[int(rng.integers(len(item.choices)))].value)
    if item.type == "multi":
        assert item.choices
        picked = [c.value for c in item.choices if rng.random() < 0.35]
        return " ".join(picked)
    if item.type == "number":
        low = item.min if item.min is not None else 0.0
        high = item.max if item.max is not None else 100.0
        return f"{rng.uniform(low, high):.0f}"
    if item.type == "text":
        pool = scenario.texts.get(item.id)
        if not pool or rng.random() < 0.4:
            return None
        return str(pool[int(rng.integers(len(pool)))])
    return None
