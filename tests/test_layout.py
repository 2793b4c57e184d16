"""The repository's layout as a fresh clone has it: `reports/` exists with its README,
and the report runs written into it stay out of git."""

from __future__ import annotations

import subprocess

from tests.helpers import REPO_ROOT


def _git(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", *args], cwd=REPO_ROOT, capture_output=True, text=True, check=False
    )


def test_reports_folder_is_kept_with_its_readme_and_runs_are_ignored():
    readme = REPO_ROOT / "reports" / "README.md"
    assert readme.is_file() and "reports/<pilot>/<run-id>/" in readme.read_text()
    assert _git("check-ignore", "-q", "reports/README.md").returncode == 1  # tracked
    assert _git("check-ignore", "-q", "reports/crm/20260101-1200/report.html").returncode == 0
