"""The run folders `pilotkit report` writes (`reports/<pilot>/<run-id>/`), as the server reads them.

Only a fixed set of a run's files is ever served, and only from a folder whose name is a
plain run id, so no address can reach outside the reports folder.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from survey_server.errors import NotFoundError
from survey_server.i18n.lazy import lazy_gettext

#: Files of a run that staff may open, and their media types.
SERVED_FILES: dict[str, str] = {
    "report.html": "text/html; charset=utf-8",
    "focus_groups.html": "text/html; charset=utf-8",
    "report.pdf": "application/pdf",
    "summary.json": "application/json",
}
_RUN_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$")


@dataclass(frozen=True)
class RunFolder:
    """What a finished (or abandoned) run left on disk."""

    run_id: str
    path: Path
    started_at: datetime | None
    finished_at: datetime | None
    overrides: dict[str, str] = field(default_factory=dict)
    files: tuple[str, ...] = ()
    verdict: str | None = None
    #: the language the report was written in (its `language` parameter; English when
    #: the run left it at the notebook's default)
    language: str = "en"

    @property
    def has_report(self) -> bool:
        return "report.html" in self.files and self.finished_at is not None


def _when(text: object) -> datetime | None:
    if not isinstance(text, str):
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _read_json(path: Path) -> dict[str, object]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def read_run_folder(path: Path) -> RunFolder:
    record = _read_json(path / "run.json")
    readiness = _read_json(path / "summary.json").get("readiness")
    verdict = readiness.get("verdict") if isinstance(readiness, dict) else None
    overrides = record.get("overrides")
    received = _read_json(path / "parameters.json").get("readiness_report.ipynb")
    language = received.get("language") if isinstance(received, dict) else None
    if not isinstance(language, str) and isinstance(overrides, dict):
        language = overrides.get("language")
    return RunFolder(
        run_id=path.name,
        path=path,
        started_at=_when(record.get("started_at")),
        finished_at=_when(record.get("finished_at")),
        overrides={str(k): str(v) for k, v in overrides.items()}
        if isinstance(overrides, dict)
        else {},
        files=tuple(name for name in SERVED_FILES if (path / name).is_file()),
        verdict=verdict if isinstance(verdict, str) else None,
        language=language if isinstance(language, str) and language else "en",
    )


def read_run_folders(pilot_folder: Path) -> list[RunFolder]:
    """The runs of one pilot: folders that hold at least the parameters of a run."""
    if not pilot_folder.is_dir():
        return []
    return [
        read_run_folder(child)
        for child in sorted(pilot_folder.iterdir())
        if child.is_dir() and _RUN_ID.match(child.name) and (child / "parameters.json").is_file()
    ]


def run_file(reports_root: Path, slug: str, run_id: str, name: str) -> Path:
    """The path of one servable file of a run, or NotFoundError."""
    if name not in SERVED_FILES or not _RUN_ID.match(run_id) or not _RUN_ID.match(slug):
        raise NotFoundError(lazy_gettext("no such report file"))
    path = reports_root / slug / run_id / name
    if not path.is_file():
        raise NotFoundError(lazy_gettext("no such report file"))
    return path
