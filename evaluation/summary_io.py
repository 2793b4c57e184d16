"""summary.json as text: one writer for `pilotkit evaluate --json` and the report notebooks,
so both write the same bytes for the same inputs and parameters."""

from __future__ import annotations

import json
from pathlib import Path

from evaluation.result import EvaluationResult


def summary_json(result: EvaluationResult) -> str:
    """The summary (contracts.md section 5) as indented JSON; NaN is never written."""
    return json.dumps(result.to_summary(), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def write_summary(result: EvaluationResult, path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(summary_json(result), encoding="utf-8")
    return path
