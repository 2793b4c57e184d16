"""The evaluation kit: compare the pre and post waves of a pilot and judge its readiness.

Public API (DataFrame in, dataclasses out, no global state)::

    from evaluation import evaluate, read_responses, read_notes, read_concerns, ReadinessRules
    from pilotkit.instruments import load_instrument

    result = evaluate(load_instrument("pilot-core"), read_responses("responses.csv"))
    summary = result.to_summary()          # the summary.json structure

Building blocks for notebooks: `evaluation.means` (paired/Welch t, effect sizes),
`evaluation.ranks` (Wilcoxon, Mann-Whitney), `evaluation.categorical` (McNemar, Fisher,
chi-square), `evaluation.multiplicity` (Holm, Benjamini-Hochberg),
`evaluation.reliability` (Cronbach's alpha, Feldt CI), `evaluation.power` (sample size,
minimum detectable effect), `evaluation.scoring` (dimension scores, design).
This package never imports the survey server: its only input is the responses table.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from evaluation.concerns import read_concerns
    from evaluation.engine import evaluate
    from evaluation.errors import EvaluationInputError
    from evaluation.io import read_notes, read_responses
    from evaluation.readiness import ReadinessRules
    from evaluation.result import EvaluationResult
    from evaluation.scoring import scores_frame

# The public names load on first use (PEP 562): importing a submodule such as
# `evaluation.reporting.runner` (the report command, a report worker) must not pull in
# pandas and scipy (1.3 s), which only the notebooks' kernels need.
_EXPORTS = {
    "EvaluationInputError": "evaluation.errors",
    "EvaluationResult": "evaluation.result",
    "ReadinessRules": "evaluation.readiness",
    "evaluate": "evaluation.engine",
    "read_concerns": "evaluation.concerns",
    "read_notes": "evaluation.io",
    "read_responses": "evaluation.io",
    "scores_frame": "evaluation.scoring",
}

__all__ = [
    "EvaluationInputError",
    "EvaluationResult",
    "ReadinessRules",
    "evaluate",
    "read_concerns",
    "read_notes",
    "read_responses",
    "scores_frame",
]


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'evaluation' has no attribute {name!r}")
    value = getattr(importlib.import_module(_EXPORTS[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
