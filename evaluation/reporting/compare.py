"""Several pilots (or sites) side by side, from their summary.json files."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from evaluation.reporting.parameters import ReportParameterError
from pilotkit.instruments import Instrument


def load_summaries(paths: str, names: str = "") -> pd.DataFrame:
    """One row per pilot: name, verdict, n_pre, n_post, and the parsed summary.

    `paths` and `names` are comma-separated (as papermill parameters are strings); a
    missing name defaults to the run folder's pilot name.
    """
    files = [Path(p.strip()) for p in paths.split(",") if p.strip()]
    if len(files) < 2:
        raise ReportParameterError("summaries must name at least two summary.json files")
    labels = [n.strip() for n in names.split(",")] if names.strip() else []
    rows = []
    for index, path in enumerate(files):
        if not path.is_file():
            raise ReportParameterError(f"summary file '{path}' does not exist")
        try:
            summary = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise ReportParameterError(f"{path}: not valid JSON ({exc.msg})") from None
        waves = list(summary.get("waves", {}))
        name = labels[index] if index < len(labels) else path.parent.parent.name or path.stem
        rows.append(
            {
                "name": name,
                "verdict": summary.get("readiness", {}).get("verdict", "insufficient_data"),
                "n_pre": summary["waves"][waves[0]]["n"] if waves else 0,
                "n_post": summary["waves"][waves[-1]]["n"] if waves else 0,
                "summary": summary,
            }
        )
    return pd.DataFrame(rows)


def comparison_table(loaded: pd.DataFrame, instrument: Instrument, lang: str) -> pd.DataFrame:
    """Long table of dimension changes: pilot, dimension, label, mean_change, CI, verdict.

    Dimensions are matched by id; a dimension one pilot lacks is simply absent there.
    """
    rows = []
    for pilot in loaded.itertuples(index=False):
        for dim in pilot.summary.get("dimensions", []):
            try:
                label = instrument.text(instrument.dimension(dim["id"]).label, lang)
            except KeyError:
                label = dim["id"]
            rows.append(
                {
                    "pilot": pilot.name,
                    "dimension": dim["id"],
                    "label": label,
                    "mean_change": dim.get("mean_change"),
                    "ci_low": dim.get("ci_low"),
                    "ci_high": dim.get("ci_high"),
                    "verdict": dim.get("verdict"),
                }
            )
    frame = pd.DataFrame(rows)
    for column in ("mean_change", "ci_low", "ci_high"):
        frame[column] = pd.to_numeric(frame[column])
    return frame
