"""Errors of the evaluation kit: bad input named in one line (file, row, item)."""

from __future__ import annotations

from pilotkit.errors import PilotkitError


class EvaluationInputError(PilotkitError):
    """A responses or notes table that cannot be evaluated as it is.

    The message names the file, the row (1-based line of a CSV including its header, or
    1-based row of a Parquet file) or the item, and the problem, on one line.
    """
