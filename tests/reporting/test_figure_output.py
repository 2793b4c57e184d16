"""Figures drawn in worker processes land in their files and their places, in order."""

from __future__ import annotations

import html
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from IPython.core.interactiveshell import InteractiveShell

from evaluation.reporting import figure_output, figures
from evaluation.reporting.i18n import texts

COUNTS = pd.DataFrame({"stage": ["Invited", "Answered"], "count": [40, 31]})


def _broken(_: pd.DataFrame) -> None:
    raise ValueError("no such column: 'stage'")


@pytest.fixture
def shell_outputs() -> Iterator[list[dict]]:
    """What the notebook would show: IPython's display messages, in order."""
    shell = InteractiveShell.instance()
    published: list[dict] = []
    original = shell.display_pub.publish

    def publish(data, metadata=None, *, transient=None, update=False, **_: object) -> None:
        published.append({"data": data, "transient": transient or {}, "update": update})

    shell.display_pub.publish = publish
    figures.use_report_style()
    yield published
    shell.display_pub.publish = original
    figure_output.draw_in_place()
    InteractiveShell.clear_instance()


def test_in_place_shows_the_saved_file(tmp_path: Path, shell_outputs) -> None:
    figures.show(tmp_path, "participation", figures.participation, COUNTS)
    svg = (tmp_path / "figures" / "participation.svg").read_text()
    assert [out["data"] for out in shell_outputs] == [{"image/svg+xml": svg}]
    title = texts("en")("figures.participation_title")
    assert f"<title>{html.escape(title)}</title>" in svg


def test_background_figures_replace_their_placeholders(tmp_path: Path, shell_outputs) -> None:
    figures.draw_in_background(workers=2)
    figures.show(tmp_path, "first", figures.participation, COUNTS)
    figures.show(tmp_path, "second", figures.participation, COUNTS.iloc[:1])
    placeholders = [out for out in shell_outputs if not out["update"]]
    assert [out["data"]["text/plain"] for out in placeholders] == [
        "(figure first is being drawn)",
        "(figure second is being drawn)",
    ]
    figures.wait()
    updates = {
        out["transient"]["display_id"]: out["data"] for out in shell_outputs if out["update"]
    }
    for name, placeholder in zip(("first", "second"), placeholders, strict=True):
        svg = (tmp_path / "figures" / f"{name}.svg").read_text()
        assert updates[placeholder["transient"]["display_id"]] == {"image/svg+xml": svg}
    # the same drawing as in place: same data, same bytes
    figure_output.draw_in_place()
    figures.show(tmp_path / "in_place", "first", figures.participation, COUNTS)
    in_place = (tmp_path / "in_place" / "figures" / "first.svg").read_bytes()
    assert in_place == (tmp_path / "figures" / "first.svg").read_bytes()


def test_a_failed_background_figure_is_named(tmp_path: Path, shell_outputs) -> None:
    figures.draw_in_background(workers=1)
    figures.show(tmp_path, "participation", _broken, COUNTS)
    with pytest.raises(figures.FigureError) as failure:
        figures.wait()
    assert str(failure.value) == (
        "figure 'participation' could not be drawn: ValueError: no such column: 'stage'"
    )
    figures.wait()  # nothing left pending
