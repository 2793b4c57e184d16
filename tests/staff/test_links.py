"""Participant links from the staff pages: batches, reissue, anonymous pilots, cookies."""

from __future__ import annotations

import re

from survey_server.app import create_app
from survey_server.settings import Settings
from tests.staff.conftest import StaffSite, csrf_of, sign_in


def _issue(browser, slug: str, count: int, wave: str = "") -> str:  # type: ignore[no-untyped-def]
    csrf = csrf_of(browser.get("/staff/pilots").text)
    data = {"csrf_token": csrf, "count": str(count)}
    if wave:
        data["wave"] = wave
    page = browser.post(f"/staff/pilots/{slug}/invitations", data=data)
    assert page.status_code == 200, page.text
    return str(page.url)


def test_reissue_replaces_the_lost_link(staff_site: StaffSite) -> None:
    staff_site.user("mo@example.org", "manager")
    staff_site.pilot("alpha", members=("mo@example.org",))
    mo = staff_site.browser("mo@example.org")
    batch = _issue(mo, "alpha", 1)
    participant, _, old_link, old_code = (
        mo.get(batch + "/links.csv").text.splitlines()[1].split(",")
    )
    old_token = old_link.rsplit("/f/", 1)[1]
    assert staff_site.client.get(f"/api/v1/forms/{old_token}").status_code == 200
    csrf = csrf_of(mo.get("/staff/pilots/alpha").text)
    page = mo.post(
        "/staff/pilots/alpha/reissue", data={"csrf_token": csrf, "participant_id": participant}
    )
    new_token = re.search(r"/f/([A-Za-z0-9_-]+)", page.text).group(1)  # type: ignore[union-attr]
    assert new_token != old_token
    assert staff_site.client.get(f"/api/v1/forms/{old_token}").status_code == 404
    assert staff_site.client.get(f"/api/v1/forms/{new_token}").status_code == 200
    # the old card's code stops working with its link; the new card has a new one
    assert staff_site.client.post("/c", data={"code": old_code}).status_code == 404
    new_code = re.search(r"<code>([A-Z0-9]{5}-[A-Z0-9]{5})</code>", page.text).group(1)  # type: ignore[union-attr]
    opened = staff_site.client.post("/c", data={"code": new_code}, follow_redirects=False)
    assert opened.headers["location"].startswith(f"/f/{new_token}")
    unknown = mo.post(
        "/staff/pilots/alpha/reissue", data={"csrf_token": csrf, "participant_id": "pnobody"}
    )
    assert unknown.status_code == 422  # said on the form, not a dead-end page
    assert "no participant &#39;pnobody&#39; in this pilot" in unknown.text


def test_a_batch_is_only_for_the_person_who_issued_it(staff_site: StaffSite) -> None:
    staff_site.user("mo@example.org", "manager")
    staff_site.user("max@example.org", "manager")
    staff_site.pilot("alpha", members=("mo@example.org", "max@example.org"))
    batch = _issue(staff_site.browser("mo@example.org"), "alpha", 2)
    other = staff_site.browser("max@example.org")
    for suffix in ("", "/links.csv", "/sheet"):
        assert other.get(batch + suffix).status_code == 404


def test_anonymous_pilot_links_are_per_wave(staff_site: StaffSite) -> None:
    staff_site.user("mo@example.org", "manager")
    mo = staff_site.browser("mo@example.org")
    csrf = csrf_of(mo.get("/staff/pilots").text)
    created = mo.post(
        "/staff/pilots/new",
        data={
            "csrf_token": csrf,
            "instrument": "pilot-core",
            "name": "Anonymous pilot",
            "slug": "anon",
            "design": "anonymous",
            "opens_pre": "2026-01-01",
            "closes_pre": "2025-12-01",
        },
    )
    assert created.status_code == 422
    assert "must be after the day it opens" in created.text
    created = mo.post(
        "/staff/pilots/new",
        data={
            "csrf_token": csrf,
            "instrument": "pilot-core",
            "name": "Anonymous pilot",
            "slug": "anon",
            "design": "anonymous",
        },
    )
    assert created.status_code == 200
    batch = _issue(mo, "anon", 2, wave="post")
    rows = mo.get(batch + "/links.csv").text.splitlines()[1:]
    assert [row.split(",")[1] for row in rows] == ["post", "post"]
    page = mo.get("/staff/pilots/anon").text
    assert "Paired participants" not in page
    duplicate = mo.post(
        "/staff/pilots/new",
        data={"csrf_token": csrf, "instrument": "pilot-core", "name": "Again", "slug": "anon"},
    )
    assert duplicate.status_code == 422
    assert "already exists" in duplicate.text


def test_secure_cookie_flag_follows_the_setting(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from litestar.testing import TestClient

    from tests.staff.conftest import Browser

    url = f"sqlite:///{tmp_path / 'secure.sqlite3'}"
    app = create_app(Settings(database_url=url, secure_cookies=True))
    with TestClient(app=app, base_url="https://testserver.local") as client:
        site = StaffSite(url, client)
        site.user("ana@example.org", "analyst")
        response = sign_in(Browser(client), "ana@example.org")
        assert response.status_code == 303
        assert "secure" in response.headers["set-cookie"].lower()


def test_unknown_staff_address_is_an_html_page(staff_site: StaffSite) -> None:
    staff_site.user("ana@example.org", "analyst")
    browser = staff_site.browser("ana@example.org")
    page = browser.get("/staff/no-such-page")
    assert page.status_code == 404
    assert "There is no page at this address" in page.text
    assert "text/html" in page.headers["content-type"]
    api = staff_site.client.get("/api/v1/no-such-thing")
    assert api.status_code == 404
    assert api.json()["code"] == "http_error"
