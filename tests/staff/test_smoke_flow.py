"""A manager's day, through the pages: sign in, create a pilot, links, a session, a note."""

from __future__ import annotations

from tests.staff.conftest import StaffSite, csrf_of


def test_manager_flow(staff_site: StaffSite) -> None:
    staff_site.user("maria@example.org", "manager")
    client = staff_site.browser("maria@example.org")
    empty = client.get("/staff/pilots")
    assert "Create your first pilot" in empty.text
    csrf = csrf_of(empty.text)
    form = client.get("/staff/pilots/new")
    assert form.status_code == 200
    created = client.post(
        "/staff/pilots/new",
        data={
            "csrf_token": csrf,
            "instrument": "pilot-core",
            "name": "Tax portal",
            "slug": "tax-portal",
            "technology": "online tax filing",
            "objectives": "faster filing",
            "design": "linked",
            "opens_pre": "",
            "closes_pre": "",
        },
        follow_redirects=False,
    )
    assert created.status_code == 303, created.text
    page = client.get("/staff/pilots/tax-portal")
    assert page.status_code == 200
    assert "No participants yet" in page.text
    opened = client.post(
        "/staff/pilots/tax-portal/waves/pre",
        data={"csrf_token": csrf, "status": "open"},
        follow_redirects=False,
    )
    assert opened.status_code == 303
    issued = client.post(
        "/staff/pilots/tax-portal/invitations",
        data={"csrf_token": csrf, "count": "3"},
    )
    assert issued.status_code == 200
    assert issued.text.count("http://testserver/f/") == 3
    batch_url = str(issued.url)
    csv_text = client.get(batch_url + "/links.csv").text
    assert csv_text.splitlines()[0] == "participant_id,wave,link,code"
    assert len(csv_text.splitlines()) == 4
    sheet = client.get(batch_url + "/sheet")
    assert sheet.text.count("<svg") == 3
    arabic = client.get(batch_url + "/sheet?lang=ar").text  # the cards in the people's language
    assert '<div class="card-lang" lang="ar" dir="rtl">\n      <p>أنت مدعو لإبداء رأيك' in arabic
    token = csv_text.splitlines()[1].split("/f/")[1].split(",")[0]
    form_json = client.get(f"/api/v1/forms/{token}")
    assert form_json.status_code == 200
    session_page = client.post(
        "/staff/pilots/tax-portal/sessions/new",
        data={
            "csrf_token": csrf,
            "held_on": "2026-03-02",
            "kind": "focus_group",
            "attendees": "8",
            "facilitator": "Maria",
        },
    )
    assert session_page.status_code == 200, session_page.text
    assert "Discussion guide" in session_page.text
    note_url = str(session_page.url) + "/notes"
    saved = client.post(
        note_url,
        data={
            "csrf_token": csrf,
            "text": "Filing takes half the time",
            "dimension": ["productivity"],
            "sentiment": "positive",
            "severity": "none",
            "quote": "I was done before lunch",
        },
    )
    assert saved.status_code == 200
    assert "Filing takes half the time" in saved.text
