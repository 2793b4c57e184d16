"""Anonymous pilots: whoever hands out the cards learns nothing that ties a person to an
exported `participant_id`, and nobody can reissue a link by participant id."""

from __future__ import annotations

from piccolo.querystring import QueryString

from tests.staff.conftest import StaffSite, csrf_of
from tests.staff.test_links import _issue


def _create_anonymous(site: StaffSite) -> None:
    site.user("mo@example.org", "manager")
    mo = site.browser("mo@example.org")
    csrf = csrf_of(mo.get("/staff/pilots").text)
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
    assert created.status_code == 200, created.text
    mo.post("/staff/pilots/anon/waves/pre", data={"csrf_token": csrf, "status": "open"})


def _pseudonyms(site: StaffSite) -> list[str]:
    rows = site.run(
        lambda e: e.run_querystring(QueryString('SELECT "pseudonym" FROM "participant"'))
    )
    return [r["pseudonym"] for r in rows]


def test_anonymous_cards_and_links_carry_no_participant_id(staff_site: StaffSite) -> None:
    _create_anonymous(staff_site)
    mo = staff_site.browser("mo@example.org")
    batch = _issue(mo, "anon", 3, wave="pre")
    pseudonyms = _pseudonyms(staff_site)
    assert len(pseudonyms) == 3
    pages = {
        "batch": mo.get(batch).text,
        "csv": mo.get(batch + "/links.csv").text,
        "sheet": mo.get(batch + "/sheet").text,
        "pilot": mo.get("/staff/pilots/anon").text,
    }
    for name, text in pages.items():
        for pseudonym in pseudonyms:
            assert pseudonym not in text, name
    assert "Participant id" not in pages["sheet"]
    assert pages["csv"].splitlines()[0] == "participant_id,wave,link,code"
    assert all(row.startswith(",pre,http") for row in pages["csv"].splitlines()[1:])
    # Nothing a staff member reads ties a batch to its participant ids either.
    audit = staff_site.run(
        lambda e: e.run_querystring(QueryString('SELECT "after" FROM "audit_entry"'))
    )
    for pseudonym in pseudonyms:
        assert all(pseudonym not in str(row["after"]) for row in audit)


def test_anonymous_pilot_refuses_reissue_by_participant_id(staff_site: StaffSite) -> None:
    _create_anonymous(staff_site)
    mo = staff_site.browser("mo@example.org")
    batch = _issue(mo, "anon", 1, wave="pre")
    link = mo.get(batch + "/links.csv").text.splitlines()[1].split(",")[2]
    token = link.rsplit("/f/", 1)[1]
    page = mo.get("/staff/pilots/anon").text
    assert "/reissue" not in page
    assert "cannot be reissued" in page
    csrf = csrf_of(page)
    refused = mo.post(
        "/staff/pilots/anon/reissue",
        data={"csrf_token": csrf, "participant_id": _pseudonyms(staff_site)[0]},
    )
    assert refused.status_code == 409
    assert "anonymous" in refused.text
    assert staff_site.client.get(f"/api/v1/forms/{token}").status_code == 200  # still works
