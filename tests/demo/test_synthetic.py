"""Synthetic pilots are reproducible and stay inside the instrument's scales."""

from __future__ import annotations

import pandas as pd

from pilotkit.demo.scenarios import CRM_SCENARIO, YOUTH_SCENARIO, crm_notes
from pilotkit.demo.synthetic import simulate_responses
from pilotkit.instruments import load_instrument


def test_same_seed_same_answers() -> None:
    inst = load_instrument("pilot-core")
    first = simulate_responses(inst, CRM_SCENARIO)
    again = simulate_responses(inst, CRM_SCENARIO)
    pd.testing.assert_frame_equal(first, again)


def test_answers_fit_the_instrument() -> None:
    inst = load_instrument("pilot-core")
    frame = simulate_responses(inst, CRM_SCENARIO)
    assert list(frame.columns) == ["participant_id", "wave", "item_id", "value"]
    assert set(frame.wave) == {"pre", "post"}
    likert = frame[frame.item_id.map(lambda i: inst.item(i).type == "likert") & (frame.value != "")]
    assert likert.value.astype(int).between(1, 5).all()
    # post-only open questions appear only in the post wave
    assert set(frame[frame.item_id == "what_worked"].wave) == {"post"}
    pre_n = frame[frame.wave == "pre"].participant_id.nunique()
    post_n = frame[frame.wave == "post"].participant_id.nunique()
    assert pre_n == 60 and 45 <= post_n < 60


def test_declining_dimension_declines() -> None:
    inst = load_instrument("pilot-core")
    frame = simulate_responses(inst, CRM_SCENARIO)
    frame = frame[frame.item_id.str.startswith("ease_") & (frame.value != "")].copy()
    frame["score"] = frame.value.astype(int)
    reverse = frame.item_id.map(lambda i: inst.item(i).reverse)
    frame.loc[reverse, "score"] = 6 - frame.loc[reverse, "score"]
    means = frame.groupby("wave").score.mean()
    assert means["post"] < means["pre"] - 0.2


def test_anonymous_waves_never_share_ids() -> None:
    frame = simulate_responses(load_instrument("youth-civic"), YOUTH_SCENARIO)
    pre = set(frame[frame.wave == "pre"].participant_id)
    post = set(frame[frame.wave == "post"].participant_id)
    assert pre and post and not pre & post
    assert set(frame[frame.item_id == "knows_311"].value) <= {"0", "1"}


def test_notes_name_known_dimensions_and_levels() -> None:
    inst = load_instrument("pilot-core")
    notes = crm_notes()
    assert set(notes.dimension) <= {d.id for d in inst.dimensions}
    assert set(notes.sentiment) <= {"positive", "negative", "neutral", "mixed"}
    assert set(notes.severity) <= {"none", "minor", "major", "blocker"}
    assert (notes.severity == "blocker").sum() == 1
