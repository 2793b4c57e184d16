"""Sign-in, sessions, CSRF, throttling, passwords and the audit log, on both engines."""

from __future__ import annotations

import time

import pytest
from piccolo.querystring import QueryString

from survey_server.services.accounts import MAX_FAILURES_PER_ACCOUNT, MAX_FAILURES_PER_ADDRESS
from survey_server.services.staff_sessions import IDLE_TIMEOUT_S
from survey_server.staff_tables import StaffSession
from survey_server.web.staff_auth import SESSION_COOKIE
from tests.staff.conftest import PASSWORD, StaffSite, csrf_of, sign_in


def test_sign_in_sets_a_hardened_cookie_and_stores_only_a_hash(staff_site: StaffSite) -> None:
    staff_site.user("ana@example.org", "analyst")
    browser = staff_site.browser()
    response = sign_in(browser, "ANA@example.org ")
    assert response.status_code == 303
    header = response.headers["set-cookie"].lower()
    assert "httponly" in header and "samesite=lax" in header and "path=/staff" in header
    cookie = browser.cookies[SESSION_COOKIE]
    assert len(cookie) >= 43  # 32 random bytes, base64url
    stored = staff_site.run(lambda e: StaffSession.select(StaffSession.id_hash))
    assert [row["id_hash"] for row in stored] != [cookie]
    assert browser.get("/staff/pilots").status_code == 200


def test_wrong_password_and_unknown_account_get_the_same_answer(staff_site: StaffSite) -> None:
    staff_site.user("ana@example.org", "analyst")
    wrong = sign_in(staff_site.browser(), "ana@example.org", "not the password at all")
    unknown = sign_in(staff_site.browser(), "nobody@example.org", "not the password at all")
    assert wrong.status_code == unknown.status_code == 401
    assert "not right" in wrong.text and "not right" in unknown.text


def test_sign_in_form_without_its_token_is_refused(staff_site: StaffSite) -> None:
    staff_site.user("ana@example.org", "analyst")
    response = staff_site.browser().post(
        "/staff/sign-in", data={"email": "ana@example.org", "password": PASSWORD}
    )
    assert response.status_code == 403
    assert "expired" in response.text


def test_csrf_token_is_required_and_tied_to_the_session(staff_site: StaffSite) -> None:
    staff_site.user("mo@example.org", "manager")
    staff_site.user("max@example.org", "manager")
    staff_site.pilot("alpha", members=("mo@example.org", "max@example.org"))
    mo = staff_site.browser("mo@example.org")
    other = staff_site.browser("max@example.org")
    other_token = csrf_of(other.get("/staff/pilots").text)
    url = "/staff/pilots/alpha/waves/pre"
    assert mo.post(url, data={"status": "closed"}).status_code == 403
    assert mo.post(url, data={"status": "closed", "csrf_token": other_token}).status_code == 403
    assert mo.post("/staff/sign-out", data={}).status_code == 403
    own = csrf_of(mo.get("/staff/pilots").text)
    form = {"status": "closed", "csrf_token": own, "confirm": "1"}
    done = mo.post(url, data=form, follow_redirects=False)
    assert done.status_code == 303


def test_participant_api_and_form_need_no_csrf_token(staff_site: StaffSite) -> None:
    staff_site.pilot("alpha")
    token = staff_site.tokens("alpha")[0]
    browser = staff_site.browser()
    draft = browser.request("PUT", f"/api/v1/forms/{token}/draft", json={"answers": {"prod_1": 4}})
    assert draft.status_code == 200
    page = browser.post(f"/f/{token}", data={"page": "1", "action": "next"})
    assert page.status_code in (200, 422)


def test_sign_in_is_throttled_per_account(staff_site: StaffSite) -> None:
    staff_site.user("ana@example.org", "analyst")
    browser = staff_site.browser()
    for _ in range(MAX_FAILURES_PER_ACCOUNT):
        assert sign_in(browser, "ana@example.org", "wrong password!!").status_code == 401
    blocked = sign_in(browser, "ana@example.org")  # even the right password now waits
    assert blocked.status_code == 429
    assert "too many failed sign-ins" in blocked.text.lower()
    assert blocked.headers["retry-after"] == str(15 * 60)


def test_sign_in_is_throttled_per_address(staff_site: StaffSite) -> None:
    staff_site.user("ana@example.org", "analyst")
    browser = staff_site.browser()
    for n in range(MAX_FAILURES_PER_ADDRESS):
        assert sign_in(browser, f"guess{n}@example.org", "wrong password!!").status_code == 401
    assert sign_in(browser, "ana@example.org").status_code == 429


def test_failures_expire_after_the_window(staff_site: StaffSite) -> None:
    staff_site.user("ana@example.org", "analyst")
    browser = staff_site.browser()
    for _ in range(MAX_FAILURES_PER_ACCOUNT):
        sign_in(browser, "ana@example.org", "wrong password!!")
    staff_site.run(
        lambda e: e.run_querystring(
            QueryString('UPDATE "login_failure" SET "at" = {}', int(time.time()) - 16 * 60)
        )
    )
    assert sign_in(browser, "ana@example.org").status_code == 303


@pytest.mark.parametrize("column", ["expires_at", "last_seen_at"])
def test_expired_or_idle_session_signs_out(staff_site: StaffSite, column: str) -> None:
    staff_site.user("ana@example.org", "analyst")
    browser = staff_site.browser("ana@example.org")
    past = int(time.time()) - IDLE_TIMEOUT_S - 1
    staff_site.run(
        lambda e: e.run_querystring(
            QueryString(f'UPDATE "staff_session" SET "{column}" = {{}}', past)
        )
    )
    response = browser.get("/staff/pilots", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/staff/sign-in")


def test_sign_out_ends_the_session_for_every_copy_of_the_cookie(staff_site: StaffSite) -> None:
    staff_site.user("ana@example.org", "analyst")
    browser = staff_site.browser("ana@example.org")
    stolen = browser.cookies[SESSION_COOKIE]
    replay = staff_site.browser()
    replay.cookies.set(SESSION_COOKIE, stolen, domain="testserver.local", path="/staff")
    assert replay.get("/staff/pilots", follow_redirects=False).status_code == 200
    csrf = csrf_of(browser.get("/staff/pilots").text)
    assert browser.post("/staff/sign-out", data={"csrf_token": csrf}).status_code == 200
    assert replay.get("/staff/pilots", follow_redirects=False).status_code == 303


def test_password_change_rules(staff_site: StaffSite) -> None:
    staff_site.user("ana@example.org", "analyst")
    browser = staff_site.browser("ana@example.org")
    other_browser = staff_site.browser("ana@example.org")
    csrf = csrf_of(browser.get("/staff/password").text)

    def change(current: str, new: str, repeat: str | None = None) -> int:
        data = {"csrf_token": csrf, "current": current, "new": new, "repeat": repeat or new}
        return browser.post("/staff/password", data=data).status_code

    assert change("wrong current pw", "a long new password") == 422
    assert change(PASSWORD, "short") == 422
    assert change(PASSWORD, "ana@example.org") == 422
    assert change(PASSWORD, "a long new password", "another long one") == 422
    assert change(PASSWORD, "a long new password") == 200
    assert browser.get("/staff/pilots").status_code == 200  # this browser stays signed in
    assert other_browser.get("/staff/pilots", follow_redirects=False).status_code == 303
    assert sign_in(staff_site.browser(), "ana@example.org").status_code == 401
    assert (
        sign_in(staff_site.browser(), "ana@example.org", "a long new password").status_code == 303
    )


def test_deactivated_account_is_signed_out(staff_site: StaffSite) -> None:
    staff_site.user("root@example.org", "admin")
    staff_site.user("ana@example.org", "analyst")
    ana = staff_site.browser("ana@example.org")
    admin = staff_site.browser("root@example.org")
    page = admin.get("/staff/users").text
    csrf = csrf_of(page)
    ana_id = staff_site.run(
        lambda e: e.run_querystring(
            QueryString('SELECT "id" FROM "staff_user" WHERE "email" = {}', "ana@example.org")
        )
    )[0]["id"]
    admin.post(f"/staff/users/{ana_id}/active", data={"csrf_token": csrf, "active": "0"})
    assert ana.get("/staff/pilots", follow_redirects=False).status_code == 303
    assert sign_in(staff_site.browser(), "ana@example.org").status_code == 401


def test_audit_log_records_changes_and_refuses_edits(staff_site: StaffSite) -> None:
    staff_site.user("root@example.org", "admin")
    admin = staff_site.browser("root@example.org")
    csrf = csrf_of(admin.get("/staff/pilots").text)
    admin.post(
        "/staff/pilots/new",
        data={
            "csrf_token": csrf,
            "instrument": "pilot-core",
            "name": "Audit me",
            "slug": "audit-me",
            "design": "linked",
        },
    )
    admin.post("/staff/pilots/audit-me/waves/pre", data={"csrf_token": csrf, "status": "open"})
    log = admin.get("/staff/audit")
    assert log.status_code == 200
    for action in ("user.create", "pilot.create", "wave.open"):
        assert action in log.text
    assert "&#34;status&#34;: &#34;not_open&#34;" in log.text or "not_open" in log.text
    with pytest.raises(Exception, match="append-only"):
        staff_site.run(lambda e: e.run_querystring(QueryString('DELETE FROM "audit_entry"')))
    with pytest.raises(Exception, match="append-only"):
        staff_site.run(
            lambda e: e.run_querystring(QueryString('UPDATE "audit_entry" SET "action" = \'x\''))
        )


def test_audit_log_filters_by_pilot_and_user_and_pages(staff_site: StaffSite) -> None:
    from survey_server.services.audit import PAGE_SIZE

    staff_site.user("root@example.org", "admin")
    staff_site.user("mo@example.org", "manager")
    staff_site.pilot("alpha", members=("mo@example.org",))
    staff_site.pilot("beta")
    mo = staff_site.browser("mo@example.org")
    csrf = csrf_of(mo.get("/staff/pilots").text)
    for n in range(PAGE_SIZE + 2):
        status = "open" if n % 2 else "closed"
        form = {"csrf_token": csrf, "status": status, "confirm": "1"}
        mo.post("/staff/pilots/alpha/waves/post", data=form)
    admin = staff_site.browser("root@example.org")
    ids = {
        row["slug"]: row["id"]
        for row in staff_site.run(
            lambda e: e.run_querystring(QueryString('SELECT "id", "slug" FROM "pilot"'))
        )
    }
    users = staff_site.run(
        lambda e: e.run_querystring(
            QueryString('SELECT "id" FROM "staff_user" WHERE "email" = {}', "mo@example.org")
        )
    )
    first = admin.get(f"/staff/audit?pilot={ids['alpha']}&user={users[0]['id']}")
    assert f"{PAGE_SIZE + 2} entries" in first.text
    assert "Page 1 of 2" in first.text and "Older" in first.text
    second = admin.get(f"/staff/audit?pilot={ids['alpha']}&user={users[0]['id']}&page_number=2")
    assert "Page 2 of 2" in second.text and second.text.count("wave.") == 2
    assert "Nothing recorded" in admin.get(f"/staff/audit?pilot={ids['beta']}").text
