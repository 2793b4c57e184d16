"""Hostile staff input gets one clear 4xx and writes nothing, on SQLite and PostgreSQL:
Unicode digits and endless numbers where a whole number is asked, NUL characters in
names and e-mail addresses."""

from __future__ import annotations

from piccolo.querystring import QueryString

from tests.staff.conftest import StaffSite, csrf_of, sign_in

LONG_NUMBER = "9" * 5000
BAD_NUMBERS = ("²", "٣", LONG_NUMBER, "-3", "1.5")


def _count(site: StaffSite, table: str) -> int:
    async def count(engine):
        rows = await engine.run_querystring(QueryString(f'SELECT COUNT(*) AS n FROM "{table}"'))
        return int(rows[0]["n"])

    return site.run(count)


def test_numbers_in_queries_and_forms_are_plain_whole_numbers(team: StaffSite) -> None:
    admin = team.browser("admin@example.org")
    manager = team.browser("manager@example.org")
    facilitator = team.browser("facilitator@example.org")
    csrf = csrf_of(manager.get("/staff/pilots").text)
    fcsrf = csrf_of(facilitator.get("/staff/pilots").text)
    links_before = _count(team, "participant")
    for bad in BAD_NUMBERS:
        for query in ({"pilot": bad}, {"user": bad}):
            audit = admin.get("/staff/audit", params=query)
            assert audit.status_code == 422, (query, audit.status_code)
        # a list page's number out of range shows a page of the list
        assert admin.get("/staff/audit", params={"page_number": bad}).status_code < 500
        issued = manager.post(
            "/staff/pilots/alpha/invitations", data={"csrf_token": csrf, "count": bad}
        )
        assert issued.status_code == 422, (bad, issued.status_code)
        assert "count" in issued.text.lower()
        session = facilitator.post(
            "/staff/pilots/alpha/sessions/new",
            data={
                "csrf_token": fcsrf,
                "held_on": "2026-04-01",
                "kind": "interview",
                "attendees": bad,
                "facilitator": "Fay",
            },
        )
        assert session.status_code == 422, (bad, session.status_code)
        assert "attendees" in session.text.lower()
        preview = manager.get("/staff/pilots/alpha/questionnaire/preview/pre", params={"page": bad})
        assert preview.status_code < 500, (bad, preview.status_code)
    assert _count(team, "participant") == links_before
    assert _count(team, "focus_session") == 0
    assert admin.get("/staff/audit", params={"pilot": "1", "page_number": "2"}).status_code == 200


def test_nul_characters_are_refused_naming_the_field(team: StaffSite) -> None:
    manager = team.browser("manager@example.org")
    csrf = csrf_of(manager.get("/staff/pilots").text)
    pilots_before = _count(team, "pilot")
    created = manager.post(
        "/staff/pilots/new",
        data={
            "csrf_token": csrf,
            "instrument": "pilot-core",
            "name": "Pilot\x00name",
            "slug": "nul",
        },
    )
    assert created.status_code == 422
    assert "Name: must not contain the NUL character" in created.text
    assert _count(team, "pilot") == pilots_before
    facilitator = team.browser("facilitator@example.org")
    fcsrf = csrf_of(facilitator.get("/staff/pilots").text)
    session = facilitator.post(
        "/staff/pilots/alpha/sessions/new",
        data={
            "csrf_token": fcsrf,
            "held_on": "2026-04-01",
            "kind": "interview",
            "attendees": "3",
            "facilitator": "Fay\x00",
        },
    )
    assert session.status_code == 422 and "Facilitator: must not" in session.text
    assert _count(team, "focus_session") == 0
    signed_in = sign_in(team.browser(), "admin@example.org\x00")
    assert signed_in.status_code == 422 and "Email: must not" in signed_in.text
    queried = manager.get("/staff/pilots/alpha%00")
    assert 400 <= queried.status_code < 500
    api = team.client.get("/staff/api/v1/pilots", params={"q": "\x00"})
    assert 400 <= api.status_code < 500


def test_free_text_fields_have_caps(team: StaffSite) -> None:
    from survey_server.services.pilots import MAX_NAME, MAX_OBJECTIVES, MAX_TECHNOLOGY

    manager = team.browser("manager@example.org")
    csrf = csrf_of(manager.get("/staff/pilots").text)
    pilots_before = _count(team, "pilot")
    base = {"csrf_token": csrf, "instrument": "pilot-core", "slug": "capped", "name": "Capped"}
    for field, limit in (
        ("name", MAX_NAME),
        ("technology", MAX_TECHNOLOGY),
        ("objectives", MAX_OBJECTIVES),
    ):
        created = manager.post("/staff/pilots/new", data={**base, field: "x" * 200_000})
        assert created.status_code == 422, (field, created.status_code)
        assert f"must be at most {limit:,} characters (this one has 200,000)" in created.text
        assert len(created.content) < 100_000  # the refused text is not echoed back whole
    assert _count(team, "pilot") == pilots_before
    fine = manager.post("/staff/pilots/new", data={**base, "name": "x" * MAX_NAME})
    assert fine.status_code == 200
    assert _count(team, "pilot") == pilots_before + 1


def test_overlong_e_mail_and_password_are_refused_not_crashed(team: StaffSite) -> None:
    long_email = "a" * 5000 + "@example.org"
    assert sign_in(team.browser(), long_email).status_code in (401, 422)
    assert sign_in(team.browser(), "admin@example.org", "p" * 100_000).status_code in (401, 422)
    admin = team.browser("admin@example.org")
    csrf = csrf_of(admin.get("/staff/users").text)
    created = admin.post(
        "/staff/users",
        data={"csrf_token": csrf, "email": long_email, "role": "analyst", "password": "x" * 20},
    )
    assert created.status_code == 422
    assert "254" in created.text


def test_ids_beyond_any_row_are_not_found(team: StaffSite) -> None:
    manager = team.browser("manager@example.org")
    admin = team.browser("admin@example.org")
    csrf = csrf_of(admin.get("/staff/users").text)
    for huge in ("99999999999", "9" * 30, LONG_NUMBER):
        for url in (
            f"/staff/pilots/alpha/sessions/{huge}",
            f"/staff/pilots/alpha/outreach/messages/{huge}",
        ):
            response = manager.get(url)
            assert 400 <= response.status_code < 500, (url[:60], response.status_code)
        removed = admin.post(
            f"/staff/pilots/alpha/members/{huge}/remove", data={"csrf_token": csrf}
        )
        assert 400 <= removed.status_code < 500, removed.status_code
        exported = manager.get("/staff/pilots/alpha/questionnaire.yaml", params={"version": huge})
        assert 400 <= exported.status_code < 500, exported.status_code
