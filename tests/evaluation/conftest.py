"""Fixtures of the evaluation tests: small instruments and responses tables built in code."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

from pilotkit.instruments import Instrument, instrument_from_mapping

#: R's `sleep` data (Cushny & Peebles 1905, as in Student 1908): extra hours of sleep.
SLEEP_GROUP_1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
SLEEP_GROUP_2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]

Row = tuple[str, str, str, str]


def instrument_mapping(
    items: list[dict[str, Any]],
    dimensions: Sequence[str] = (),
    *,
    scale: tuple[int, int] = (1, 5),
    anonymous: bool = False,
    instrument_id: str = "test-inst",
) -> dict[str, Any]:
    """A valid one-language instrument mapping with these items and dimensions."""
    full_items = [{"text": f"Question {item['id']}", **item} for item in items]
    return {
        "id": instrument_id,
        "version": 1,
        "title": "Test instrument",
        "languages": ["en"],
        "anonymous": anonymous,
        "scale": {"min": scale[0], "max": scale[1]},
        "dimensions": [{"id": d, "label": d.replace("_", " ").capitalize()} for d in dimensions],
        "items": full_items,
    }


@pytest.fixture
def make_instrument() -> Callable[..., Instrument]:
    """Build an `Instrument` from items and dimension ids (see `instrument_mapping`)."""

    def build(items: list[dict[str, Any]], dimensions: Sequence[str] = (), **kw: Any) -> Instrument:
        return instrument_from_mapping(instrument_mapping(items, dimensions, **kw), "test")

    return build


@pytest.fixture
def write_instrument(tmp_path: Path) -> Callable[..., Path]:
    """Write an instrument YAML file and return its path."""

    def write(items: list[dict[str, Any]], dimensions: Sequence[str] = (), **kw: Any) -> Path:
        path = tmp_path / "instrument.yaml"
        path.write_text(yaml.safe_dump(instrument_mapping(items, dimensions, **kw)), "utf-8")
        return path

    return write


def responses_frame(rows: Iterable[Row]) -> pd.DataFrame:
    """A responses table (all text) from (participant, wave, item, value) rows."""
    return pd.DataFrame(list(rows), columns=["participant_id", "wave", "item_id", "value"])


@pytest.fixture
def write_responses(tmp_path: Path) -> Callable[..., Path]:
    """Write (participant, wave, item, value) rows as a responses CSV (or Parquet)."""

    def write(rows: Iterable[Row], name: str = "responses.csv") -> Path:
        path = tmp_path / name
        if name.endswith(".parquet"):
            responses_frame(rows).to_parquet(path, index=False)
            return path
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["participant_id", "wave", "item_id", "value"])
            writer.writerows(rows)
        return path

    return write


def scaled_sleep_rows(paired: bool) -> list[Row]:
    """The sleep data x 10 as one likert item `score` on a -100..100 scale.

    Group 2 is the `pre` wave and group 1 the `post` wave, so post - pre = group1 - group2
    as in R's `t.test(extra ~ group)`. Scaling by 10 makes the values scale points; t, df
    and p do not change, means and CIs are 10 times R's.
    """
    rows: list[Row] = []
    for index, (one, two) in enumerate(zip(SLEEP_GROUP_1, SLEEP_GROUP_2, strict=True)):
        pre_id = f"s{index}"
        post_id = f"s{index}" if paired else f"t{index}"
        rows.append((pre_id, "pre", "score", str(round(two * 10))))
        rows.append((post_id, "post", "score", str(round(one * 10))))
    return rows


SLEEP_ITEMS = [{"id": "score", "type": "likert", "dimension": "sleep"}]
