"""Where the project keeps its files: instruments, data, reports.

Each folder can be moved with an environment variable; by default they live in the
checkout (the project is installed in editable mode by the README's commands) or,
when `pilotkit` runs from an installed wheel, under the current directory.
"""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE_ROOT = Path(__file__).resolve().parent.parent


def project_root() -> Path:
    """The checkout that holds `instruments/`, or the current directory."""
    if (_PACKAGE_ROOT / "pyproject.toml").is_file():
        return _PACKAGE_ROOT
    return Path.cwd()


def instruments_dirs() -> list[Path]:
    """Folders searched, in order, when an instrument is named by id."""
    folders: list[Path] = []
    if env := os.environ.get("PILOTKIT_INSTRUMENTS_DIR"):
        folders.extend(Path(p) for p in env.split(os.pathsep) if p)
    for candidate in (Path.cwd() / "instruments", project_root() / "instruments"):
        if candidate not in folders:
            folders.append(candidate)
    return folders


def data_dir() -> Path:
    """The folder of the default SQLite database and other local state."""
    return Path(os.environ.get("PILOTKIT_DATA_DIR", project_root() / "data"))


def reports_dir() -> Path:
    """The folder where report runs are written (`reports/<pilot>/<run>/`)."""
    return Path(os.environ.get("PILOTKIT_REPORTS_DIR", project_root() / "reports"))
