"""The staff fixtures (an app on a fresh database, one account per role)."""

from tests.staff.conftest import staff_site, team

__all__ = ["staff_site", "team"]
