"""Operating characteristics of the readiness verdict, by simulation.

A latent-trait model on pilot-core (6 areas x 4 likert items, some reverse-coded): each
participant has one trait per area (traits correlated 0.5 across areas, SD 1); after the
pilot the trait is `retest` x before + sqrt(1 - retest^2) x new noise + the scenario's
shift (in SD of the trait; test-retest correlation 0.7). An answer is the trait times a
loading of 0.8 plus noise of SD 0.6, cut into the 5 points of the scale at -1.5, -0.5,
0.5, 1.5 around the scale's middle; a reverse-coded item is recorded the other way round
(6 - x) and scored back, as the kit does. Everyone invited answers both waves (response
rate 100%, no attrition) unless the scenario says otherwise. Each scenario is run
`--reps` times (seeded) under the current rules and under the earlier ones
(`evaluate(..., legacy=True)`) and prints P(ready / conditional / not_ready /
insufficient_data) side by side. One SD of the trait is about 0.75 points of an area
score; the column "true" is the simulated change of the area that moved, in points
(from 20,000 simulated people), against the default margin of 0.25 points.

Run: `python -m bench verdict [--reps N] [--seed S]` (docs/readiness.md shows a run).
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from dataclasses import dataclass, field

import msgspec
import numpy as np

from evaluation.engine import evaluate_answers
from evaluation.power import verdict_sample_size
from evaluation.prepare import AnswerArrays
from evaluation.readiness import ReadinessRules
from pilotkit.instruments import Instrument, load_instrument

VERDICTS = ("ready", "conditional", "not_ready", "insufficient_data")
CUTS = np.array([-1.5, -0.5, 0.5, 1.5])
LOADING, NOISE, RETEST, AREA_CORRELATION = 0.8, 0.6, 0.7, 0.5


@dataclass(frozen=True)
class Scenario:
    name: str
    n: int
    shifts: dict[str, float] = field(default_factory=dict)  # area -> shift in trait SD
    everywhere: float = 0.0
    anonymous: bool = False
    yes_no: bool = False


def _traits(rng: np.random.Generator, n: int, areas: int) -> tuple[np.ndarray, np.ndarray]:
    cov = np.full((areas, areas), AREA_CORRELATION) + np.eye(areas) * (1 - AREA_CORRELATION)
    pre = rng.multivariate_normal(np.zeros(areas), cov, size=n)
    fresh = rng.multivariate_normal(np.zeros(areas), cov, size=n)
    post = RETEST * pre + np.sqrt(1 - RETEST**2) * fresh
    return pre, post


def _answers(
    instrument: Instrument, scenario: Scenario, rng: np.random.Generator, n: int
) -> AnswerArrays:
    """The simulated answers as the kit's arrays (scored: reverse items turned back)."""
    areas = [d.id for d in instrument.dimensions]
    pre, post = _traits(rng, n, len(areas))
    for index, area in enumerate(areas):
        post[:, index] += scenario.everywhere + scenario.shifts.get(area, 0.0)
    items = instrument.items
    scores = np.full((2, n, len(items)), np.nan)
    for column, item in enumerate(items):
        if item.type != "likert" or item.dimension is None:
            continue
        area = areas.index(item.dimension)
        for wave, trait in enumerate((pre, post)):
            latent = LOADING * trait[:, area] + rng.normal(0, NOISE, n)
            point = 1 + np.searchsorted(CUTS, latent).astype(float)  # 1..5
            recorded = 6 - point if item.reverse else point  # as a participant ticks it
            scores[wave, :, column] = 6 - recorded if item.reverse else recorded
    return _arrays(instrument, scores, scenario.anonymous)


def _yes_no_answers(
    instrument: Instrument, rng: np.random.Generator, n: int, collapse: bool
) -> AnswerArrays:
    """youth-civic: every yes/no item at 50% before and after; `feels_heard` falls from
    90% to 20% when `collapse`."""
    items = instrument.items
    scores = np.full((2, n, len(items)), np.nan)
    for column, item in enumerate(items):
        if item.type != "boolean":
            continue
        for wave in (0, 1):
            rate = 0.5
            if collapse and item.id == "feels_heard":
                rate = 0.9 if wave == 0 else 0.2
            scores[wave, :, column] = (rng.random(n) < rate).astype(float)
    return _arrays(instrument, scores, anonymous=True)


def _arrays(instrument: Instrument, scores: np.ndarray, anonymous: bool) -> AnswerArrays:
    if anonymous and not instrument.anonymous:
        instrument = msgspec.structs.replace(instrument, anonymous=True)
    n = scores.shape[1]
    return AnswerArrays(
        instrument=instrument,
        # the same ids in both waves, even for an anonymous instrument: the kit must not link
        participants=np.array([f"p{i}" for i in range(n)], dtype=object),
        wave_ids=list(instrument.wave_ids),
        item_ids=[i.id for i in instrument.items],
        scores=scores,
        answered=~np.isnan(scores),
        multi={},
        rows=int((~np.isnan(scores)).sum()),
    )


def true_change(instrument: Instrument, scenario: Scenario) -> float | None:
    """The moved area's mean change in points, from 20,000 simulated people."""
    if scenario.yes_no or not (scenario.shifts or scenario.everywhere):
        return 0.0 if not scenario.yes_no else None
    rng = np.random.default_rng(1)
    answers = _answers(instrument, scenario, rng, 20_000)
    area = next(iter(scenario.shifts), instrument.dimensions[0].id)
    columns = [i for i, item in enumerate(instrument.items) if item.dimension == area]
    mean = answers.scores[:, :, columns].mean(axis=2).mean(axis=1)
    return float(mean[1] - mean[0])


def simulate(
    scenario: Scenario, reps: int, seed: int, instruments: dict[str, Instrument]
) -> tuple[Counter[str], Counter[str]]:
    """Verdict counts under the current and the earlier rules."""
    rng = np.random.default_rng(seed)
    current: Counter[str] = Counter()
    legacy: Counter[str] = Counter()
    rules = ReadinessRules()
    for _ in range(reps):
        if scenario.yes_no:
            answers = _yes_no_answers(instruments["youth-civic"], rng, scenario.n, True)
        else:
            answers = _answers(instruments["pilot-core"], scenario, rng, scenario.n)
        for counter, old in ((current, False), (legacy, True)):
            result = evaluate_answers(
                answers,
                alpha=0.05,
                margin=None,
                notes=None,
                rules=rules,
                invited=scenario.n,
                legacy=old,
            )
            counter[result.readiness.verdict] += 1
    return current, legacy


def scenarios(plan_n: int) -> list[Scenario]:
    return [
        Scenario("no change", 30),
        Scenario("no change", 60),
        Scenario("no change", 400),
        Scenario("+0.5 SD every area (plan n)", plan_n, everywhere=0.5),
        Scenario("-0.3 SD one area", 30, {"productivity": -0.3}),
        Scenario("-0.3 SD one area", 60, {"productivity": -0.3}),
        Scenario("-0.5 SD one area", 30, {"productivity": -0.5}),
        Scenario("-0.5 SD one area", 60, {"productivity": -0.5}),
        Scenario("-0.1 SD one area", 400, {"productivity": -0.1}),
        Scenario("yes/no only, one item 90% -> 20%", 30, yes_no=True),
        Scenario("anonymous waves, ids repeat, no change", 60, anonymous=True),
    ]


def plan_n() -> int:
    """`pilotkit plan --effect 0.5` with its defaults (6 areas, margin 0.25, SD 0.7)."""
    return verdict_sample_size(0.5, areas=6, margin=0.25 / 0.7).n


def run(reps: int, seed: int, chosen: list[Scenario] | None = None) -> list[dict[str, object]]:
    instruments = {name: load_instrument(name) for name in ("pilot-core", "youth-civic")}
    rows = []
    for index, scenario in enumerate(chosen or scenarios(plan_n())):
        current, legacy = simulate(scenario, reps, seed + index, instruments)
        rows.append(
            {
                "scenario": scenario,
                "true": true_change(instruments["pilot-core"], scenario),
                "current": {v: current[v] / reps for v in VERDICTS},
                "legacy": {v: legacy[v] / reps for v in VERDICTS},
            }
        )
    return rows


def _cells(shares: dict[str, float]) -> str:
    return " ".join(f"{100 * shares[v]:5.1f}" for v in VERDICTS)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench verdict")
    parser.add_argument("--reps", type=int, default=200)
    parser.add_argument("--seed", type=int, default=20261204)
    parser.add_argument("--quick", action="store_true", help="40 repetitions")
    args, _ = parser.parse_known_args(argv or [])
    reps = 40 if args.quick else args.reps
    start = time.perf_counter()
    rows = run(reps, args.seed)
    print(
        f"{reps} simulated pilots per scenario, seed {args.seed}; margin: default "
        f"(0.25 points); plan n for d = 0.5 over 6 areas: {plan_n()} pairs"
    )
    print("% of pilots: ready / conditional / not_ready / insufficient_data")
    print(f"{'scenario':40} {'n':>4} {'true':>6} | {'current rules':^27} | {'earlier rules':^27}")
    for row in rows:
        s = row["scenario"]
        true = row["true"]
        true_text = "" if true is None else f"{true:+.2f}"
        print(
            f"{s.name:40} {s.n:>4} {true_text:>6} | {_cells(row['current'])} | "  # type: ignore[arg-type]
            f"{_cells(row['legacy'])}"  # type: ignore[arg-type]
        )
    print(f"({time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    main()
