"""Small helpers to turn numpy/scipy results into JSON-safe Python numbers."""

from __future__ import annotations

import math
from typing import Any


def num(value: Any) -> float | None:
    """A plain float, or None for NaN/inf/None (summary.json never holds NaN)."""
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None
