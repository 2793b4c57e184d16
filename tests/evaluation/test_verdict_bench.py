"""A small seeded run of `python -m bench verdict` (the latent-trait simulation)."""

from __future__ import annotations

from bench.verdict_bench import Scenario, run


def test_small_seeded_verdict_simulation():
    """A decline of at least the margin is never ready; a collapsing yes/no item is not
    ready under the current rules and was ready under the earlier ones."""
    rows = run(
        4,
        7,
        [
            Scenario("-0.5 SD one area", 60, {"productivity": -0.5}),
            Scenario("yes/no only, one item collapses", 30, yes_no=True),
        ],
    )
    decline, yes_no = rows
    assert decline["true"] < -0.25  # the moved area fell by more than the margin
    assert decline["current"]["ready"] == 0.0
    assert yes_no["current"]["not_ready"] == 1.0 and yes_no["legacy"]["ready"] == 1.0
    assert abs(sum(decline["current"].values()) - 1) < 1e-12
