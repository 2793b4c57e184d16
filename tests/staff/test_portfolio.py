"""The portfolio page: every pilot the user can see, its verdict, open concerns, decision
and last data, sorted on the server; figures only (both engines)."""

from __future__ import annotations

import re
import uuid

import pytest
from piccolo.querystring import QueryString

from survey_server.services.accounts import add_member
from survey_server.services.audit import COMMAND_LINE
from tests.staff.conftest import StaffSite
from tests.staff.test_decisions import add_concern, decide, decided_run, post


def _submit(site: StaffSite, token: str) -> None:
    form = site.client.get(f"/api/v1/forms/{token}").json()
    answers = {item["id"]: 4 for item in form["items"] if item["type"] == "likert"}
    response = site.client.post(
        f"/api/v1/forms/{token}/submissions",
        json={"submission_id": str(uuid.uuid4()), "answers": answers},
    )
    assert response.status_code == 201, response.text


@pytest.fixture
def portfolio_site(team: StaffSite) -> StaffSite:
    """alpha: a conditional report, an open blocker and an accepted major, answers, no
    decision; gamma: a ready report decided "go", no answers; beta: not the user's."""
    team.pilot("gamma", members=("executive@example.org", "manager@example.org"))
    team.run(lambda e: add_member(e, "gamma", "analyst@example.org", COMMAND_LINE))
    decided_run(team.reports_dir / "alpha", verdict="conditional")
    decided_run(team.reports_dir / "gamma", verdict="ready")
    decided_run(team.reports_dir / "beta", verdict="not_ready")
    analyst = team.browser("analyst@example.org")
    add_concern(analyst, "Calls drop on transfer", "blocker")
    accepted = add_concern(analyst, "Training is short", "major")
    add_concern(analyst, "Gamma's only worry", "major", slug="gamma")
    executive = team.browser("executive@example.org")
    assert (
        post(
            executive, f"/staff/pilots/alpha/concerns/{accepted}/acceptance", rationale="Fine"
        ).status_code
        == 303
    )
    assert decide(executive, slug="gamma", outcome="go").status_code == 303
    for token in team.tokens("alpha", 2):
        _submit(team, token)
    return team


def _rows(html: str) -> list[str]:
    """The pilots' names in the order the table lists them."""
    return re.findall(r'<th scope="row"><a href="/staff/pilots/([a-z]+)">', html)


def test_the_portfolio_shows_each_pilots_state(portfolio_site: StaffSite) -> None:
    executive = portfolio_site.browser("executive@example.org")
    home = executive.get("/staff/pilots").text
    assert 'href="/staff/portfolio"' in home  # in the staff navigation
    page = executive.get("/staff/portfolio")
    assert page.status_code == 200
    html = page.text
    assert _rows(html) == ["alpha", "gamma"]  # beta is not the executive's pilot
    alpha, gamma = html.split('<th scope="row">')[1:3]
    assert "Ready with conditions" in alpha and "1 blocker, 0 major" in alpha
    assert "No decision yet" in alpha and "No answers yet" not in alpha
    assert "Ready for a wider rollout" in gamma and "0 blocker, 1 major" in gamma
    assert ">Go<" in gamma and "No answers yet" in gamma
    # figures only: no participant id, no concern's text
    ids = portfolio_site.run(
        lambda e: e.run_querystring(QueryString('SELECT "pseudonym" FROM "participant"'))
    )
    assert ids and not any(str(r["pseudonym"]) in html for r in ids)
    assert "Calls drop on transfer" not in html
    admin = portfolio_site.browser("admin@example.org").get("/staff/portfolio").text
    assert _rows(admin) == ["alpha", "beta", "gamma"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["alpha", "gamma"]),
        ("?sort=name&order=desc", ["gamma", "alpha"]),
        ("?sort=verdict", ["gamma", "alpha"]),
        ("?sort=concerns&order=desc", ["alpha", "gamma"]),
        ("?sort=decision", ["gamma", "alpha"]),
        ("?sort=data&order=desc", ["alpha", "gamma"]),
        ("?sort=&order=", ["alpha", "gamma"]),
    ],
)
def test_the_portfolio_sorts_on_the_server(
    portfolio_site: StaffSite, query: str, expected: list[str]
) -> None:
    html = portfolio_site.browser("manager@example.org").get("/staff/portfolio" + query).text
    assert _rows(html) == expected


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("?sort=nonsense", "Sort: choose one of: name, verdict, concerns, decision, data"),
        ("?sort=name&order=sideways", "Order: choose one of: asc, desc"),
        ("?sort=%C2%B2", "Sort: choose one of"),
        ("?sort=%00", "must not contain the NUL character"),
        ("?sort=name&order=" + "9" * 5000, "Order: choose one of: asc, desc"),
    ],
)
def test_a_hand_edited_sort_is_named_instead_of_ignored(
    portfolio_site: StaffSite, query: str, named: str
) -> None:
    response = portfolio_site.browser("manager@example.org").get("/staff/portfolio" + query)
    assert response.status_code == 422
    assert named in response.text


def test_the_sorted_column_says_so_and_links_to_the_other_order(
    portfolio_site: StaffSite,
) -> None:
    html = (
        portfolio_site.browser("executive@example.org").get("/staff/portfolio?sort=decision").text
    )
    assert html.count("aria-sort=") == 1 and 'aria-sort="ascending"' in html
    assert 'href="/staff/portfolio?sort=decision&amp;order=desc"' in html
    assert 'href="/staff/portfolio?sort=data&amp;order=asc"' in html


@pytest.mark.parametrize("role", ["analyst", "facilitator"])
def test_the_portfolio_is_for_executives_managers_and_admins(
    portfolio_site: StaffSite, role: str
) -> None:
    browser = portfolio_site.browser(f"{role}@example.org")
    assert browser.get("/staff/portfolio").status_code == 403
    assert 'href="/staff/portfolio"' not in browser.get("/staff/pilots").text
