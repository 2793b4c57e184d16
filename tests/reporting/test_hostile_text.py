"""No raw HTML from data survives in a report, on every engine.

A pilot whose name, questionnaire title, area labels, item texts and focus-group notes
carry HTML (an `<img onerror>`, a meta refresh, `javascript:` links) and Markdown link
syntax goes through the server's real path: answers and notes in the database, the
pilot's inputs exported, the readiness and focus-group notebooks run, and the pilot
comparison notebook run on two such pilots. The rendered pages show those texts as
text: no tag, attribute or link from them is left.
"""

from __future__ import annotations

import asyncio
import re
import uuid
from pathlib import Path

import nbformat
import pytest
import yaml

from evaluation.reporting.runner import run_report
from pilotkit.instruments import load_instrument_file
from survey_server.connection import connected
from survey_server.services.accounts import create_user
from survey_server.services.audit import COMMAND_LINE
from survey_server.services.focus_groups import NoteInput, add_note, create_session
from survey_server.services.forms import submit
from survey_server.services.invitations import invite
from survey_server.services.pilots import create_pilot, get_pilot, set_wave_status
from survey_server.services.report_inputs import export_pilot_inputs, pilot_report_request
from tests.helpers import REPO_ROOT

pytestmark = pytest.mark.slow

IMG = '<img src=x onerror="alert(1)">'
REFRESH = '<meta http-equiv="refresh" content="0;url=https://evil.example/">'
JS_LINK = '<a href="javascript:alert(2)">open</a>'
MD_LINK = "[click here](javascript:alert(3))"
HOSTILE = f"{IMG}{REFRESH} {JS_LINK} {MD_LINK}"
#: What no rendered page may contain: a tag or a link made from the data above. (Escaped,
#: the same texts are harmless, e.g. inside a figure's alt text as `&lt;img ...`.)
FORBIDDEN = [
    re.compile(r"<img src=x", re.I),
    re.compile(r"<meta http-equiv=\"refresh\"", re.I),
    re.compile(r"<a\s[^<>]*href\s*=\s*[\"']?\s*javascript:", re.I),
    re.compile(r"<script>alert", re.I),
    re.compile(r"<b onmouseover", re.I),
]
PARTICIPANTS = 12


def _hostile_instrument(tmp_path: Path) -> Path:
    data = yaml.safe_load((REPO_ROOT / "instruments" / "pilot-core.yaml").read_text())
    languages = data["languages"]

    def every(text: str) -> dict[str, str]:
        return {lang: text for lang in languages}

    data["title"] = every("Survey " + HOSTILE)
    data["dimensions"][0]["label"] = every("<script>alert(4)</script>" + MD_LINK)
    data["dimensions"][1]["label"] = every("Area " + IMG)
    data["items"][0]["text"] = every("<b onmouseover=alert(5)>item</b> " + MD_LINK)
    path = tmp_path / "hostile.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


async def _seed(database_url: str, instrument_path: Path, folder: Path) -> object:
    instrument = load_instrument_file(instrument_path)
    dims = [d.id for d in instrument.dimensions]
    async with connected(database_url) as engine:
        user = await create_user(
            engine,
            email="fay@example.org",
            role="admin",
            password="correct horse battery staple",
            actor=COMMAND_LINE,
        )
        await create_pilot(engine, slug="evil", instrument=instrument, name="Pilot " + HOSTILE)
        tokens = [i.token for i in await invite(engine, "evil", PARTICIPANTS)]
        for wave, shift in (("pre", 0), ("post", 1)):
            await set_wave_status(engine, "evil", wave, "open")
            for n, token in enumerate(tokens):
                answers = {
                    item.id: 1 + (n + shift + index) % 5
                    for index, item in enumerate(instrument.items_in_wave(wave))
                    if item.type == "likert"
                }
                await submit(engine, token, uuid.uuid4(), answers)
            await set_wave_status(engine, "evil", wave, "closed")
        pilot = await get_pilot(engine, "evil")
        session = await create_session(
            engine,
            user,
            pilot.id,
            held_on="2026-05-01",
            kind="focus_group",
            attendees="8",
            facilitator="Fay",
        )
        for severity in ("major", "blocker"):
            await add_note(
                engine,
                user,
                pilot.id,
                session,
                NoteInput(
                    text=f"Note {HOSTILE}",
                    dimensions=dims[:2],
                    sentiment="negative",
                    severity=severity,
                    quote=f"Quote {HOSTILE}",
                    follow_up=f"Action {HOSTILE}",
                ),
            )
        return await export_pilot_inputs(engine, "evil", folder)


def _assert_no_raw_html(html: str, where: str) -> None:
    for pattern in FORBIDDEN:
        assert not pattern.search(html), f"{where}: {pattern.pattern}"


def test_hostile_texts_render_as_text_in_every_notebook(database_url: str, tmp_path: Path) -> None:
    inputs = asyncio.run(_seed(database_url, _hostile_instrument(tmp_path), tmp_path / "inputs"))
    run = run_report(
        pilot_report_request(inputs, {}, out_root=tmp_path / "reports"),  # type: ignore[arg-type]
        progress=False,
    )
    pages = {path.name: path.read_text(encoding="utf-8") for path in run.html}
    assert {"report.html", "focus_groups.html"} <= set(pages)
    for name, html in pages.items():
        _assert_no_raw_html(html, name)
    # The texts are there, shown as text.
    assert "Pilot &lt;img src=x onerror=" in pages["report.html"]
    assert "&lt;meta http-equiv=" in pages["focus_groups.html"]
    assert "click here" in pages["focus_groups.html"]

    import papermill

    other = tmp_path / "other.json"
    other.write_text(run.summary.read_text())
    target = tmp_path / "compare.ipynb"
    papermill.execute_notebook(
        str(REPO_ROOT / "notebooks" / "compare_pilots.ipynb"),
        str(target),
        parameters={
            "summaries": f"{run.summary},{other}",
            "names": f"Site {IMG},Site {MD_LINK}",
            "instrument_path": str(inputs.instrument),  # type: ignore[attr-defined]
            "output_dir": str(tmp_path),
        },
        kernel_name="python3",
        progress_bar=False,
        cwd=str(tmp_path),
    )
    from evaluation.reporting.html import export_html

    compare_html = tmp_path / "compare.html"
    export_html(target, compare_html)
    _assert_no_raw_html(compare_html.read_text(encoding="utf-8"), "compare.html")
    executed = nbformat.read(str(target), as_version=4)
    outputs = "".join(
        str(out.get("data", {}))
        for cell in executed.cells
        if cell.cell_type == "code"
        for out in cell.outputs
    )
    _assert_no_raw_html(outputs, "compare outputs")


def test_escaped_text_makes_no_markup() -> None:
    from evaluation.reporting.safe_text import escaped, markdown_text

    assert escaped('<a href="x">') == "&lt;a href=&quot;x&quot;&gt;"
    text = markdown_text("[click](javascript:alert(1))\n# heading *bold* ![img](x)")
    assert "\n" not in text
    for mark in ("[", "]", "(", ")", "#", "*", "!"):
        assert all(text[i - 1] == "\\" for i, c in enumerate(text) if c == mark)
