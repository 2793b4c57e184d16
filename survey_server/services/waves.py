"""Wave states: whether a wave takes answers now, from its status and optional schedule."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

STATUSES = ("not_open", "open", "closed")


@dataclass(frozen=True)
class WaveInfo:
    id: int
    name: str
    position: int
    status: str
    opens_at: datetime | None = None
    closes_at: datetime | None = None

    def state(self, now: datetime | None = None) -> str:
        """`open`, `not_yet_open` or `closed`.

        `status` is set by staff (`pilotkit waves open/close`); `opens_at`/`closes_at`,
        when set, open a not-yet-open wave and close an open one at those times.
        """
        now = now or datetime.now(UTC)
        if self.status == "closed" or (self.closes_at is not None and now >= self.closes_at):
            return "closed"
        if self.status == "open":  # opened by staff or by the schedule
            return "open"
        if self.opens_at is not None and now >= self.opens_at:
            return "open"
        return "not_yet_open"
