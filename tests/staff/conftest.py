"""Staff fixtures: an app on a fresh database, accounts of every role, signed-in clients."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from litestar.testing import TestClient

from pilotkit.instruments import load_instrument_file
from survey_server.app import create_app
from survey_server.outreach_settings import OutreachSettings
from survey_server.services.accounts import add_member, create_user
from survey_server.services.audit import COMMAND_LINE
from survey_server.services.invitations import invite
from survey_server.services.pilots import create_pilot, set_wave_status
from survey_server.settings import Settings
from tests.helpers import run_service

REPO_ROOT = Path(__file__).resolve().parents[2]
PILOT_CORE = REPO_ROOT / "instruments" / "pilot-core.yaml"
PASSWORD = "correct horse battery staple"
ROLES = ("admin", "manager", "facilitator", "analyst", "executive")
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
_SIGNIN = re.compile(r'name="signin_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    match = _CSRF.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def sign_in(client: Any, email: str, password: str = PASSWORD) -> Any:
    form = client.get("/staff/sign-in")
    token = _SIGNIN.search(form.text)
    assert token
    return client.post(
        "/staff/sign-in",
        data={"email": email, "password": password, "signin_token": token.group(1)},
        follow_redirects=False,
    )


class Browser:
    """One person's browser: its own cookies, over the app's single test client (one
    client runs the app's lifespan, so PostgreSQL's pool stays on one event loop)."""

    def __init__(self, client: TestClient) -> None:
        self._client = client
        self.cookies = httpx.Cookies()

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        self._client.cookies = self.cookies
        try:
            return self._client.request(method, url, **kwargs)
        finally:
            self.cookies = httpx.Cookies(self._client.cookies)
            self._client.cookies = httpx.Cookies()

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", url, **kwargs)


@dataclass
class StaffSite:
    """The app, its database, and helpers to seed it with services."""

    database_url: str
    client: TestClient

    def run(self, action: Callable[[Any], Awaitable[Any]]) -> Any:
        return run_service(self.database_url, action, self.client.app.state.engine)

    def user(self, email: str, role: str) -> None:
        self.run(
            lambda e: create_user(e, email=email, role=role, password=PASSWORD, actor=COMMAND_LINE)
        )

    def pilot(self, slug: str, *, members: tuple[str, ...] = (), open_pre: bool = True) -> None:
        instrument = load_instrument_file(PILOT_CORE)
        self.run(lambda e: create_pilot(e, slug=slug, instrument=instrument))
        if open_pre:
            self.run(lambda e: set_wave_status(e, slug, "pre", "open"))
        for email in members:
            self.run(lambda e, email=email: add_member(e, slug, email, COMMAND_LINE))

    def tokens(self, slug: str, count: int = 1) -> list[str]:
        return [i.token for i in self.run(lambda e: invite(e, slug, count))]

    @property
    def reports_dir(self) -> Path:
        return self.client.app.state.settings.reports_dir

    def browser(self, email: str | None = None) -> Browser:
        """A new browser; signed in as `email` when given."""
        browser = Browser(self.client)
        if email:
            response = sign_in(browser, email)
            assert response.status_code == 303, response.text
        return browser


@pytest.fixture
def staff_site(database_url: str, tmp_path: Path) -> Iterator[StaffSite]:
    app = create_app(
        Settings(
            database_url=database_url,
            base_url="http://testserver",
            reports_dir=tmp_path / "reports",
            outreach=OutreachSettings(outbox_dir=tmp_path / "outbox", secret_key="staff tests"),
        )
    )
    with TestClient(app=app) as client:
        yield StaffSite(database_url, client)


@pytest.fixture
def team(staff_site: StaffSite) -> StaffSite:
    """One account per role, all members of pilot `alpha`; pilot `beta` has no members."""
    for role in ROLES:
        staff_site.user(f"{role}@example.org", role)
    staff_site.pilot("alpha", members=tuple(f"{r}@example.org" for r in ROLES if r != "admin"))
    staff_site.pilot("beta")
    return staff_site
