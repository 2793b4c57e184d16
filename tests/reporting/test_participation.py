"""The participation figure's stages: one invited bar per wave when the counts per wave
are known (an anonymous pilot issues links per wave), else one for the pilot."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from evaluation.reporting.parameters import ReportParameterError, parse_invited_by_wave
from evaluation.reporting.tables import participation


def _result(pre: int, post: int, paired: int = 0) -> SimpleNamespace:
    design = SimpleNamespace(
        baseline="pre", follow_up="post", n={"pre": pre, "post": post}, n_paired=paired
    )
    return SimpleNamespace(design=design)


def test_invited_per_wave_replaces_the_single_invited_bar():
    table = participation(_result(28, 26), 33, "en", {"pre": 33, "post": 30})
    assert list(zip(table["stage"], table["count"], strict=True)) == [
        ("Invited before", 33),
        ("Answered before", 28),
        ("Invited after", 30),
        ("Answered after", 26),
    ]
    spanish = participation(_result(28, 26), 33, "es", {"pre": 33, "post": 30})
    assert spanish["stage"].iloc[0].startswith("Invitadas")


def test_one_invited_bar_when_waves_are_not_known():
    table = participation(_result(40, 37, 35), 62, "en")
    assert table["stage"].iloc[0] == "Invited" and table["count"].iloc[0] == 62


def test_invited_by_wave_parameter():
    assert parse_invited_by_wave("pre=33 post=30") == {"pre": 33, "post": 30}
    assert parse_invited_by_wave("") == {}
    with pytest.raises(ReportParameterError, match="invited_by_wave: 'pre:33'"):
        parse_invited_by_wave("pre:33")
