"""Response figures count only links that could answer a wave; "started" is drafted or
submitted; closing a wave asks first with the number who have not answered; a reissue
with an unknown id says so on the form; the figures stack on a phone."""

from __future__ import annotations

import re
import uuid

from survey_server.services.invitations import invite
from survey_server.services.pilots import set_wave_status
from tests.helpers import run_cli
from tests.staff.conftest import StaffSite, csrf_of


def _submit(site: StaffSite, token: str) -> None:
    form = site.client.get(f"/api/v1/forms/{token}").json()
    answers = {i["id"]: i["scale"]["min"] for i in form["items"] if i["type"] == "likert"}
    body = {"submission_id": str(uuid.uuid4()), "answers": answers}
    response = site.client.post(f"/api/v1/forms/{token}/submissions", json=body)
    assert response.status_code == 201, response.text


def _figures(html: str) -> dict[str, list[str]]:
    table = html[html.index('id="figures"') : html.index("</table>")]
    rows = re.findall(r'<tr><th scope="row">(\w+)</th>(.*?)</tr>', table)
    return {name: re.findall(r"<td[^>]*>(?:<span[^>]*>)?([^<]*)", cells) for name, cells in rows}


def test_links_issued_after_a_wave_closed_are_not_invited_to_it(staff_site: StaffSite) -> None:
    staff_site.user("mo@example.org", "manager")
    staff_site.pilot("alpha", members=("mo@example.org",))
    early = staff_site.tokens("alpha", 3)
    _submit(staff_site, early[0])
    _submit(staff_site, early[1])
    staff_site.client.put(f"/api/v1/forms/{early[2]}/draft", json={"answers": {"prod_1": 2}})
    staff_site.run(lambda e: set_wave_status(e, "alpha", "pre", "closed"))
    staff_site.tokens("alpha", 2)  # issued after pre closed: they can answer post only
    html = staff_site.browser("mo@example.org").get("/staff/pilots/alpha").text
    figures = _figures(html)
    # invited, started (drafted or submitted), submitted, rate
    assert figures["pre"][1:] == ["3", "3", "2", "67%"]
    assert figures["post"][1:] == ["5", "0", "0", "0%"]
    not_answered = re.search(r"Not answered pre yet: (\d+)", html)
    assert not_answered and not_answered.group(1) == "1"


def test_cli_warns_and_refuses_links_for_closed_waves(staff_site: StaffSite, tmp_path) -> None:
    staff_site.pilot("alpha")
    staff_site.run(lambda e: set_wave_status(e, "alpha", "pre", "closed"))
    env = {"DATABASE_URL": staff_site.database_url}
    warned = run_cli("invite", "alpha", "--count", "2", "--out", str(tmp_path / "a.csv"), env=env)
    assert warned.returncode == 0, warned.stderr
    assert "warning: wave pre is closed: these links can answer only post" in warned.stderr
    staff_site.run(lambda e: set_wave_status(e, "alpha", "post", "closed"))
    refused = run_cli("invite", "alpha", "--count", "2", "--out", str(tmp_path / "b.csv"), env=env)
    assert refused.returncode != 0
    assert "every wave of pilot 'alpha' is closed" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert not (tmp_path / "b.csv").exists()


def test_anonymous_links_for_a_closed_wave_are_refused(staff_site: StaffSite) -> None:
    import pytest

    from pilotkit.instruments import load_instrument_file
    from survey_server.errors import ConflictError
    from survey_server.services.pilots import create_pilot
    from tests.helpers import REPO_ROOT

    youth = load_instrument_file(REPO_ROOT / "instruments" / "youth-civic.yaml")
    staff_site.run(lambda e: create_pilot(e, slug="youth", instrument=youth))
    staff_site.run(lambda e: set_wave_status(e, "youth", "pre", "closed"))
    with pytest.raises(ConflictError, match="wave 'pre' of pilot 'youth' is closed"):
        staff_site.run(lambda e: invite(e, "youth", 2, wave="pre"))


def test_closing_a_wave_asks_first_with_the_number_not_answered(staff_site: StaffSite) -> None:
    staff_site.user("mo@example.org", "manager")
    staff_site.pilot("alpha", members=("mo@example.org",))
    tokens = staff_site.tokens("alpha", 3)
    _submit(staff_site, tokens[0])
    mo = staff_site.browser("mo@example.org")
    csrf = csrf_of(mo.get("/staff/pilots/alpha").text)
    url = "/staff/pilots/alpha/waves/pre"
    asked = mo.post(url, data={"csrf_token": csrf, "status": "closed"}, follow_redirects=False)
    assert asked.status_code == 200
    assert "Close the pre wave?" in asked.text
    assert "2 people have not answered yet." in asked.text
    assert 'name="confirm" value="1"' in asked.text
    assert "state-open" in mo.get("/staff/pilots/alpha").text  # nothing changed yet
    form = {"csrf_token": csrf, "status": "closed", "confirm": "1"}
    closed = mo.post(url, data=form, follow_redirects=False)
    assert closed.status_code == 303
    assert "state-closed" in mo.get("/staff/pilots/alpha").text


def test_reissue_with_an_unknown_id_shows_the_error_on_the_form(staff_site: StaffSite) -> None:
    staff_site.user("mo@example.org", "manager")
    staff_site.pilot("alpha", members=("mo@example.org",))
    staff_site.tokens("alpha", 1)
    mo = staff_site.browser("mo@example.org")
    csrf = csrf_of(mo.get("/staff/pilots/alpha").text)
    form = {"csrf_token": csrf, "participant_id": "P-NOPE"}
    refused = mo.post("/staff/pilots/alpha/reissue", data=form, follow_redirects=False)
    assert refused.status_code == 422
    assert 'id="reissue-error"' in refused.text
    assert "no participant &#39;P-NOPE&#39; in this pilot" in refused.text
    assert 'value="P-NOPE" aria-invalid="true"' in refused.text
    assert 'id="figures"' in refused.text  # the whole page, not a dead end


def test_figures_stack_on_a_phone_and_the_disclosure_shows_it_opens(
    staff_site: StaffSite,
) -> None:
    staff_site.user("mo@example.org", "manager")
    staff_site.pilot("alpha", members=("mo@example.org",))
    staff_site.tokens("alpha", 2)
    html = staff_site.browser("mo@example.org").get("/staff/pilots/alpha").text
    assert '<table id="figures" class="stack-narrow">' in html
    assert 'data-label="Response rate"' in html
    assert '<details class="disclosure">' in html
    css = staff_site.client.get("/static/staff.css").text
    assert "details.disclosure > summary::before" in css
