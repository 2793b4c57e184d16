"""A form imported from an XLSForm, as participants meet it: piped labels, named points."""

from __future__ import annotations

from pathlib import Path

from pilotkit.instruments.xlsform import read_xlsform
from pilotkit.instruments.yaml_io import dump_instrument
from tests.instruments.corpus import PIPED_LABELS
from tests.instruments.xlsforms import build_workbook


def _imported(tmp_path: Path) -> Path:
    inst = read_xlsform(build_workbook(tmp_path / "piped.xlsx", PIPED_LABELS)).instrument
    path = tmp_path / "piped.yaml"
    path.write_text(dump_instrument(inst), encoding="utf-8")
    return path


def test_earlier_answers_show_in_labels_and_points_are_accepted_by_name(site, tmp_path):
    site.pilot(instrument=_imported(tmp_path))
    [token] = site.tokens()
    before = site.client.get(f"/f/{token}?page=1&lang=en").text
    assert "Why did you pick …?" in before  # not answered yet: a gap, never '${...}'
    assert "${" not in before
    # a point recorded by its choice name (as KoboToolbox exports it) is the number
    saved = site.client.put(
        f"/api/v1/forms/{token}/draft",
        json={"answers": {"feature_pick": "chat", "feature_useful": "agree"}},
    )
    assert saved.status_code == 200, saved.text
    assert site.client.get(f"/api/v1/forms/{token}").json()["answers"] == {
        "feature_pick": "chat",
        "feature_useful": 3,
    }
    after = site.client.get(f"/f/{token}?page=1&lang=en").text
    assert "Why did you pick Chat?" in after
    assert "Thank you, Chat noted." in after
    wrong = site.client.put(
        f"/api/v1/forms/{token}/draft", json={"answers": {"feature_useful": "maybe"}}
    )
    assert wrong.status_code == 422


def test_piped_answers_are_escaped(site, tmp_path):
    form = {**PIPED_LABELS, "survey": [list(r) for r in PIPED_LABELS["survey"]]}
    form["survey"][1] = ["text", "feature_pick", "Which feature do you use most?", None, None]
    inst = read_xlsform(build_workbook(tmp_path / "f.xlsx", form)).instrument
    path = tmp_path / "f.yaml"
    path.write_text(dump_instrument(inst), encoding="utf-8")
    site.pilot(instrument=path)
    [token] = site.tokens()
    answer = {"feature_pick": "<script>alert(1)</script>"}
    assert site.client.put(f"/api/v1/forms/{token}/draft", json={"answers": answer}).is_success
    html = site.client.get(f"/f/{token}?page=1&lang=en").text
    assert "<script>alert(1)</script>" not in html
    assert "Why did you pick &lt;script&gt;alert(1)&lt;/script&gt;?" in html
