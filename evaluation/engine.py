"""`evaluate()`: the whole comparison of one responses table, as one typed result."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from importlib import metadata
from typing import Any

import pandas as pd

from evaluation.attrition import analyse_attrition
from evaluation.concerns import RegisterConcern
from evaluation.dimensions import analyse_dimension, finish
from evaluation.errors import EvaluationInputError
from evaluation.items import analyse_items, count_text_items
from evaluation.notes import GENERAL, summarize_notes
from evaluation.power import MDE_POWER, minimum_detectable_effect
from evaluation.prepare import AnswerArrays, prepare_answers
from evaluation.readiness import MarginInfo, ReadinessRules, ResponseRate, decide_readiness
from evaluation.result import EvaluationResult
from evaluation.scoring import Design, decide_design
from pilotkit.instruments import Instrument


def _software() -> dict[str, str]:
    versions = {}
    for package in ("pilotkit", "numpy", "scipy", "pandas", "pyarrow"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "unknown"
    return versions


def _overall_mde(design: Design, alpha: float) -> dict[str, Any]:
    if design.paired:
        n1, n2 = design.n_paired, None
    else:
        n1, n2 = design.n[design.baseline], design.n[design.follow_up]
    return {
        "design": design.name,
        "alpha": alpha,
        "power": MDE_POWER,
        "n": n1 if design.paired else None,
        "n_pre": None if design.paired else n1,
        "n_post": None if design.paired else n2,
        "effect_size": minimum_detectable_effect(
            n1, n2, design="paired" if design.paired else "unpaired", alpha=alpha, power=MDE_POWER
        ),
        "effect_size_kind": "cohen_dz" if design.paired else "cohen_d",
    }


Invited = Mapping[str, int] | int | None

#: Where a margin given to `evaluate` may come from.
MARGIN_SOURCES = ("pilot", "analyst")


def _check_parameters(alpha: float, margin: float | None, invited: Invited) -> None:
    if not 0 < alpha < 0.5:  # also refuses NaN
        raise EvaluationInputError(f"alpha must lie between 0 and 0.5, not {alpha}")
    if margin is not None and not (margin > 0 and math.isfinite(margin)):
        raise EvaluationInputError(
            f"the margin must be a positive number of scale points, not {margin}"
        )
    counts = invited.values() if isinstance(invited, Mapping) else [invited]
    for count in counts:
        if count is not None and count < 0:
            raise EvaluationInputError(f"invited must be 0 (unknown) or more, not {count}")


def response_rates(design: Design, invited: Invited) -> list[ResponseRate]:
    """Invited and answering people of the two compared waves (0 or None: not known)."""
    rates = []
    for wave in (design.baseline, design.follow_up):
        count = invited.get(wave) if isinstance(invited, Mapping) else invited
        rates.append(ResponseRate(wave, int(count) if count else None, design.n.get(wave, 0)))
    return rates


def evaluate(
    instrument: Instrument,
    responses: pd.DataFrame,
    *,
    alpha: float = 0.05,
    margin: float | None = None,
    notes: pd.DataFrame | None = None,
    rules: ReadinessRules | None = None,
    invited: Invited = None,
    margin_source: str = "analyst",
    margin_changed_after_data: bool = False,
    concerns: Sequence[RegisterConcern] | None = None,
    legacy: bool = False,
) -> EvaluationResult:
    """Compare the baseline and follow-up waves of `responses` (contracts.md section 2).

    `margin` is the non-inferiority margin in scale points, fixed before the follow-up
    wave (default: `evaluation.dimensions.default_margin`, 0.25 points on a 1-5 scale),
    `margin_source` says who set it (`pilot`: the pilot's setting, `analyst`) and
    `margin_changed_after_data` that it was changed once the follow-up had answers;
    `invited` the people invited (per wave, or one number for every wave; None or 0:
    unknown); `notes` an optional focus-group notes table (`evaluation.io.read_notes`);
    `concerns` the pilot's concern register (`evaluation.concerns.read_concerns`: how
    far each concern was dealt with); `rules` the readiness thresholds. `legacy`
    applies the earlier verdict rules, kept only for comparing them (`python -m bench
    verdict`). Raises `EvaluationInputError` on bad input.
    """
    _check_parameters(alpha, margin, invited)
    if margin_source not in MARGIN_SOURCES:
        raise EvaluationInputError(
            f"margin_source must be one of {', '.join(MARGIN_SOURCES)}, not {margin_source}"
        )
    rules = rules or ReadinessRules()
    rules.check()
    if len(instrument.wave_ids) < 2:
        raise EvaluationInputError(
            f"instrument '{instrument.id}' has only one wave ({instrument.wave_ids[0]}): "
            "there is nothing to compare"
        )
    answers = prepare_answers(instrument, responses)
    return evaluate_answers(
        answers,
        alpha=alpha,
        margin=margin,
        notes=notes,
        rules=rules,
        input_info=_input_info(responses, answers),
        invited=invited,
        margin_info=MarginInfo(
            margin,
            margin_source if margin is not None else "default",
            margin_changed_after_data,
        ),
        concerns=concerns,
        legacy=legacy,
    )


def _input_info(responses: pd.DataFrame, answers: AnswerArrays) -> dict[str, Any]:
    info: dict[str, Any] = {"rows": answers.rows, "participants": len(answers.participants)}
    # no file path: the same table analysed from another folder gives the same summary
    if "sha256" in responses.attrs:
        info["responses_sha256"] = responses.attrs["sha256"]
    return info


def evaluate_answers(
    answers: AnswerArrays,
    *,
    alpha: float,
    margin: float | None,
    notes: pd.DataFrame | None,
    rules: ReadinessRules,
    input_info: dict[str, Any] | None = None,
    invited: Invited = None,
    margin_info: MarginInfo | None = None,
    concerns: Sequence[RegisterConcern] | None = None,
    legacy: bool = False,
) -> EvaluationResult:
    """The evaluation on already prepared arrays (see `evaluate`)."""
    instrument = answers.instrument
    design = decide_design(answers, legacy=legacy)
    dimensions = finish(
        [
            analyse_dimension(answers, d, design, alpha, margin, legacy=legacy)
            for d in instrument.dimensions
        ],
        alpha,
        legacy=legacy,
    )
    items = analyse_items(answers, design)
    attrition = analyse_attrition(answers, design, rules.attrition_amber, rules.attrition_red)
    notes_summary = summarize_notes(instrument, notes) if notes is not None else None
    labels = {d.id: instrument.text(d.label) for d in instrument.dimensions}
    labels[GENERAL] = "the pilot in general"
    rates = response_rates(design, invited)
    margin_info = margin_info or MarginInfo(margin, "analyst" if margin is not None else "default")
    readiness = decide_readiness(
        dimensions,
        design,
        attrition,
        notes_summary,
        rules,
        alpha,
        labels,
        items=items,
        item_texts={i.id: instrument.text(i.text) for i in instrument.items},
        response_rates=rates,
        margin=margin_info,
        register=concerns,
        legacy=legacy,
    )
    return EvaluationResult(
        instrument_id=instrument.id,
        instrument_version=instrument.version,
        alpha=alpha,
        margin=margin,
        design=design,
        dimensions=dimensions,
        items=items,
        text_items=count_text_items(answers),
        attrition=attrition,
        readiness=readiness,
        rules=rules,
        notes=notes_summary,
        minimum_detectable_effect=_overall_mde(design, alpha),
        input=dict(input_info or {}),
        software=_software(),
        response_rates=rates,
        margin_info=margin_info,
        concerns=list(concerns) if concerns is not None else None,
        legacy=legacy,
    )
