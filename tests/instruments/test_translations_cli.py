"""`pilotkit translations export|import` and `instruments show --coverage`, run as a
translator's coordinator runs them."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from tests.helpers import REPO_ROOT, run_cli
from tests.instruments.translators import fill_po, fill_xlsx


def test_export_import_round_trip_on_the_command_line(tmp_path: Path) -> None:
    instrument = tmp_path / "youth-civic.yaml"
    shutil.copy(REPO_ROOT / "instruments" / "youth-civic.yaml", instrument)
    po = tmp_path / "yc.vi.po"
    exported = run_cli("translations", "export", str(instrument), "--lang", "vi",
                       "--format", "po", "--out", str(po))  # fmt: skip
    assert exported.returncode == 0, exported.stderr
    assert f"wrote {po}: 20 texts to translate of youth-civic v1 from en into vi" in (
        exported.stdout
    )
    again = run_cli("translations", "export", str(instrument), "--lang", "vi", "--out", str(po),
                    "--format", "po")  # fmt: skip
    assert again.returncode == 2 and "already exists (use --force" in again.stderr

    fill_po(po, lambda path, source: f"(vi) {source}")
    checked = run_cli("translations", "import", str(po), "--instrument", str(instrument), "--check")
    assert checked.returncode == 0 and checked.stdout.startswith(f"checked {po}: no problems")
    assert "vi" not in instrument.read_text().split("languages:")[1].splitlines()[0]

    imported = run_cli("translations", "import", str(po), "--instrument", str(instrument))
    assert imported.returncode == 0, imported.stderr
    assert "vi 20 of 20 texts (100%), draft, newly offered to participants" in imported.stdout
    assert "note: 'vi' is a draft: have a native speaker review it" in imported.stdout
    text = instrument.read_text()
    assert text.startswith("# Anonymous yes/no awareness survey")  # the comment is kept
    assert "languages: [en, es, ar, zh, vi]" in text
    assert "translation_status: {ar: draft, zh: draft, vi: draft}" in text

    shown = run_cli("instruments", "show", str(instrument), "--coverage")
    assert shown.returncode == 0, shown.stderr
    assert re.search(r"vi \(Vietnamese\) +│ draft +│ 20 / 20 +│ 100% +│ yes", shown.stdout)


def test_bad_rows_are_listed_and_nothing_is_written(tmp_path: Path) -> None:
    instrument = tmp_path / "pilot-core.yaml"
    shutil.copy(REPO_ROOT / "instruments" / "pilot-core.yaml", instrument)
    before = instrument.read_bytes()
    sheet = tmp_path / "pc.vi.xlsx"
    exported = run_cli("translations", "export", str(instrument), "--lang", "vi",
                       "--format", "xlsx", "--out", str(sheet))  # fmt: skip
    assert exported.returncode == 0, exported.stderr
    bad = {"scale.labels.1": "Rất không đồng ý", "items.prod_1.text": " ", "title": None}
    fill_xlsx(sheet, lambda path, source: bad.get(path, f"(vi) {source}"))
    result = run_cli("translations", "import", str(sheet), "--instrument", str(instrument))
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert lines == [
        "error: pc.vi.xlsx: row 22 (items.prod_1.text): the translation is empty",
        f"error: {sheet}: 1 problem(s); nothing written",
    ]
    assert instrument.read_bytes() == before
    assert "Traceback" not in result.stderr


def test_coverage_of_a_language_not_started_lists_every_missing_text() -> None:
    result = run_cli("instruments", "show", "youth-civic", "--coverage", "--lang", "km")
    assert result.returncode == 0, result.stderr
    assert re.search(r"km \(Khmer\) +│ not started +│ 0 / 20 +│ 0% +│ no", result.stdout)
    assert "missing in km (20):\n  title\n  description\n  intro\n" in result.stdout
    refused = run_cli("translations", "export", "youth-civic", "--lang", "en")
    assert refused.returncode == 2
    assert "'en' is the source language of youth-civic" in refused.stderr
