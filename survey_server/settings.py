"""Server settings, read from the environment (never at import time)."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from pilotkit.errors import PilotkitError
from pilotkit.paths import data_dir, reports_dir
from survey_server.outreach_settings import OutreachSettings

DEFAULT_SQLITE_NAME = "pilotkit.sqlite3"


def default_database_url() -> str:
    """The embedded default: a SQLite file in the project's data folder."""
    return f"sqlite:///{data_dir() / DEFAULT_SQLITE_NAME}"


@dataclass(frozen=True)
class Settings:
    """Everything the app needs to start; build with `Settings.from_env()` in production."""

    database_url: str = field(default_factory=default_database_url)
    #: Public address used in participant links (invitations, QR codes).
    base_url: str = "http://127.0.0.1:8000"
    #: Secure cookies need HTTPS; turned off only for local http development.
    secure_cookies: bool = False
    #: Largest accepted request body, in bytes.
    max_body_bytes: int = 256 * 1024
    debug: bool = False
    #: Where report runs are written and read (`reports/<pilot>/<run-id>/`).
    reports_dir: Path = field(default_factory=reports_dir)
    #: Run queued report jobs in this process (`pilotkit serve` turns it on).
    report_worker: bool = False
    #: Kernels the report worker keeps started and warmed up (0: start each on demand).
    report_kernels: int = 2
    #: The time the background worker goes by for wave schedules (tests move it).
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC), compare=False)
    #: E-mail invitations and reminders (PILOTKIT_SMTP_URL and friends).
    outreach: OutreachSettings = field(default_factory=OutreachSettings)

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        env = os.environ
        values: dict[str, object] = {
            "database_url": env.get("DATABASE_URL") or default_database_url(),
            "base_url": env.get("PILOTKIT_BASE_URL", "http://127.0.0.1:8000").rstrip("/"),
            "secure_cookies": env.get("PILOTKIT_SECURE_COOKIES", "0") == "1",
            "debug": env.get("PILOTKIT_DEBUG", "0") == "1",
            "reports_dir": reports_dir(),
            "report_worker": env.get("PILOTKIT_REPORT_WORKER", "1") == "1",
            "report_kernels": _whole_number(env, "PILOTKIT_REPORT_KERNELS", 2),
            "outreach": OutreachSettings.from_env(),
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]


def _whole_number(env: os._Environ[str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit():
        raise PilotkitError(f"{name} must be a whole number, not '{raw}'")
    return int(raw)


@dataclass(frozen=True)
class DatabaseLocation:
    """A parsed DATABASE_URL."""

    engine: str  # "sqlite" | "postgres"
    url: str
    sqlite_path: Path | None = None


def parse_database_url(url: str) -> DatabaseLocation:
    """Accept `sqlite:///PATH` (relative or absolute) and `postgresql://...`."""
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        return DatabaseLocation("sqlite", url, path)
    if url.startswith(("postgresql://", "postgres://")):
        return DatabaseLocation("postgres", url)
    raise PilotkitError(
        f"DATABASE_URL '{url}' is not supported: use sqlite:///PATH or "
        "postgresql://USER@HOST:PORT/DB"
    )
