"""The evaluation kit: compare the pre and post waves of a pilot and judge its readiness.

Public API (DataFrame in, dataclasses out, no global state)::

    from evaluation import evaluate, read_responses, read_notes, ReadinessRules
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

from evaluation.engine import evaluate
from evaluation.errors import EvaluationInputError
from evaluation.io import read_notes, read_responses
from evaluation.readiness import ReadinessRules
from evaluation.result import EvaluationResult
from evaluation.scoring import scores_frame

__all__ = [
    "EvaluationInputError",
    "EvaluationResult",
    "ReadinessRules",
    "evaluate",
    "read_notes",
    "read_responses",
    "scores_frame",
]
