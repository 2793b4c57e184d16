"""The HTML form without JavaScript: pages, skip logic, drafts, errors, submit, languages."""

from __future__ import annotations

import re

from tests.helpers import REPO_ROOT

PILOT_CORE = REPO_ROOT / "instruments" / "pilot-core.yaml"


def _post(site, token, page, action, fields=(), lang="en", submission_id=None):
    data = [("page", str(page)), ("action", action), ("lang", lang), *fields]
    if submission_id:
        data.append(("submission_id", submission_id))
    form: dict[str, list[str]] = {}
    for name, value in data:
        form.setdefault(name, []).append(value)
    return site.client.post(f"/f/{token}", data=form, follow_redirects=False)


def test_intro_then_pages_with_progress_and_language(site):
    site.pilot()
    [token] = site.tokens()
    intro = site.client.get(f"/f/{token}", headers={"accept-language": "es-MX,es;q=0.9"})
    assert intro.status_code == 200
    assert '<html lang="es" dir="ltr">' in intro.text
    assert "confidenciales" in intro.text
    assert intro.headers["referrer-policy"] == "no-referrer"
    page = site.client.get(f"/f/{token}?page=1&lang=en")
    assert '<html lang="en" dir="ltr">' in page.text and "Step 1 of 2" in page.text
    assert "<legend>My work is easy.</legend>" in page.text
    assert site.client.cookies.get("pilotkit_lang") == "en"
    again = site.client.get(f"/f/{token}?page=1", headers={"accept-language": "es"})
    assert '<html lang="en" dir="ltr">' in again.text  # the cookie wins over the browser


def test_next_requires_answers_and_shows_linked_errors(site):
    site.pilot()
    [token] = site.tokens()
    response = _post(site, token, 1, "next", [("q-work_1", "4")])
    assert response.status_code == 422
    html = response.text
    assert 'id="error-summary"' in html and 'href="#q-hours-field"' in html
    assert 'aria-describedby="q-hours-hint q-hours-error"' in html
    assert 'aria-invalid="true"' in html
    assert "<title>Error: " in html
    # the valid answer was kept in the draft even though the page had an error
    assert site.client.get(f"/api/v1/forms/{token}").json()["answers"] == {"work_1": 4}


def test_full_walk_with_skip_logic_resume_and_double_submit(site):
    site.pilot()
    [token] = site.tokens()
    moved = _post(site, token, 1, "next", [("q-work_1", "4"), ("q-hours", "37,5")])
    assert moved.status_code == 303 and "page=2" in moved.headers["location"]
    page2 = site.client.get(f"/f/{token}?page=2").text
    assert "How often?" not in page2  # hidden until uses_tool is yes
    shown = _post(site, token, 2, "save", [("q-uses_tool", "1")])
    assert shown.status_code == 303
    page2 = site.client.get(f"/f/{token}?page=2").text
    assert "How often?" in page2
    # resuming without ?page= goes back to where the participant stopped
    resumed = site.client.get(f"/f/{token}").text
    assert "Step 2 of 2" in resumed
    submission_id = re.search(r'name="submission_id" value="([^"]+)"', page2).group(1)
    fields = [("q-uses_tool", "1"), ("q-tool_freq", "daily"), ("q-channels", "chat")]
    first = _post(site, token, 2, "submit", fields, submission_id=submission_id)
    assert first.status_code == 303
    second = _post(site, token, 2, "submit", fields, submission_id=submission_id)
    assert second.status_code == 303
    done = site.client.get(first.headers["location"])
    assert "your answers were received" in done.text
    stored = site.client.get(f"/api/v1/forms/{token}").json()
    assert stored["submitted"] is True


def test_back_keeps_answers_without_requiring_them(site):
    site.pilot()
    [token] = site.tokens()
    _post(site, token, 1, "next", [("q-work_1", "2"), ("q-hours", "10")])
    back = _post(site, token, 2, "back", [("q-uses_tool", "0")])
    assert back.status_code == 303 and "page=1" in back.headers["location"]
    page1 = site.client.get(back.headers["location"]).text
    assert re.search(r'value="2" checked', page1)
    assert site.client.get(f"/api/v1/forms/{token}").json()["answers"]["uses_tool"] is False


def test_unknown_closed_and_not_yet_open_pages(site):
    site.pilot(open_waves=())
    [token] = site.tokens()
    unknown = site.client.get("/f/" + "Z" * 32)
    malformed = site.client.get("/f/bad")
    assert unknown.status_code == malformed.status_code == 404
    assert unknown.text == malformed.text
    not_open = site.client.get(f"/f/{token}")
    assert not_open.status_code == 409 and "not open yet" in not_open.text
    site.wave("demo", "pre", "closed")
    site.wave("demo", "post", "closed")
    closed = site.client.get(f"/f/{token}?lang=es")
    assert closed.status_code == 409 and "cerrada" in closed.text


def test_pilot_core_renders_every_page_in_spanish(site):
    site.pilot(instrument=PILOT_CORE)
    [token] = site.tokens()
    for page in range(1, 7):
        html = site.client.get(f"/f/{token}?page={page}&lang=es").text
        assert f"Paso {page} de 6" in html
        assert "Totalmente de acuerdo" in html
