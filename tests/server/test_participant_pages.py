"""What the participant's pages say: a privacy promise true to the pilot's mode, the
second round after the first, resuming, a short error summary, closed and not-yet-open
pages that name the survey, the register and dates of the language, one-page wording."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime

from survey_server.tables import Pilot, Wave
from tests.helpers import REPO_ROOT
from tests.server.conftest import DATA

YOUTH = REPO_ROOT / "instruments" / "youth-civic.yaml"
ONE_PAGE = DATA / "one-page.yaml"


def _post(site, token, page, action, fields=(), lang="en", submission_id=None):
    form: dict[str, list[str]] = {"page": [str(page)], "action": [action], "lang": [lang]}
    for name, value in fields:
        form.setdefault(name, []).append(value)
    if submission_id:
        form["submission_id"] = [submission_id]
    return site.client.post(f"/f/{token}", data=form, follow_redirects=False)


def _set(site, slug="demo", contact=None, wave=None, opens=None, closes=None):
    async def change(engine):
        pilot = await Pilot.select(Pilot.id).where(Pilot.slug == slug).first()
        if contact is not None:
            await Pilot.update({Pilot.contact: contact}).where(Pilot.id == pilot["id"])
        if wave is not None:
            await Wave.update({Wave.opens_at: opens, Wave.closes_at: closes}).where(
                (Wave.pilot == pilot["id"]) & (Wave.name == wave)
            )

    site.run(change)


def _submit_all(site, token):
    _post(site, token, 1, "next", [("q-work_1", "4"), ("q-hours", "30")])
    page2 = site.client.get(f"/f/{token}?page=2").text
    submission_id = re.search(r'name="submission_id" value="([^"]+)"', page2).group(1)
    return _post(site, token, 2, "submit", [("q-uses_tool", "0")], submission_id=submission_id)


def _api_submit(site, token):
    """Every shown item answered with a valid value, through the JSON API."""
    form = site.client.get(f"/api/v1/forms/{token}").json()
    answers: dict[str, object] = {}
    for item in form["items"]:
        kind = item["type"]
        if kind == "likert":
            answers[item["id"]] = item["scale"]["min"]
        elif kind == "boolean":
            answers[item["id"]] = False
        elif kind == "number":
            answers[item["id"]] = item.get("min") or 0
        elif kind in ("single", "multi"):
            value = item["choices"][0]["value"]
            answers[item["id"]] = [value] if kind == "multi" else value
    body = {"submission_id": str(uuid.uuid4()), "answers": answers}
    return site.client.post(f"/api/v1/forms/{token}/submissions", json=body)


def test_privacy_promise_follows_the_pilot_mode_once_per_page(site):
    site.pilot()
    [token] = site.tokens()
    linked = site.client.get(f"/f/{token}?lang=en").text
    assert "pairs your answers from before and after the pilot" in linked
    assert "can see which links have not answered yet" in linked
    assert linked.count("Reports show only") == 1  # not repeated in the footer
    linked_es = site.client.get(f"/f/{token}?lang=es").text
    assert "une sus respuestas de antes y de después del piloto" in linked_es

    site.pilot("anon", anonymous=True)
    [anon] = site.tokens("anon", wave="pre")
    anonymous = site.client.get(f"/f/{anon}?lang=en").text
    assert "Your answers are anonymous" in anonymous
    assert "nothing connects these answers with another round" in anonymous
    assert "pairs your answers" not in anonymous
    assert "Sus respuestas son anónimas" in site.client.get(f"/f/{anon}?lang=es").text


def test_first_submission_announces_the_second_round_with_link_and_calendar(site):
    site.pilot()
    [token] = site.tokens()
    _set(site, wave="post", opens=datetime(2030, 3, 2, tzinfo=UTC))
    first = _submit_all(site, token)
    assert first.headers["location"].endswith("&sent=1")
    done = site.client.get(first.headers["location"]).text
    assert "There is a second round" in done
    assert "The same link opens the questionnaire after the pilot." in done
    assert "It opens on March 2, 2030." in done
    assert f'value="http://testserver/f/{token}"' in done  # the link to copy
    assert f'href="/f/{token}/next.ics?lang=en"' in done
    assert "You do not need to do anything else" not in done
    assert "not shown again" not in done  # no "already submitted" on the first visit
    again = site.client.get(f"/f/{token}?lang=es").text
    assert "Se abre el 2 de marzo de 2030." in again
    assert "no se vuelve a mostrar" in again  # a later visit says why there is no form

    ics = site.client.get(f"/f/{token}/next.ics?lang=en")
    assert ics.status_code == 200
    assert ics.headers["content-type"].startswith("text/calendar")
    body = ics.text
    assert "DTSTART;VALUE=DATE:20300302\r\n" in body and "DTEND;VALUE=DATE:20300303" in body
    assert "SUMMARY:Second round: Every item type" in body
    unfolded = body.replace("\r\n ", "")
    assert f"http://testserver/f/{token}" in unfolded
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))


def test_second_round_without_date_and_the_last_round(site):
    site.pilot()
    [token] = site.tokens()
    done = site.client.get(_submit_all(site, token).headers["location"]).text
    assert "Its date is not set yet." in done and "next.ics" not in done
    assert site.client.get(f"/f/{token}/next.ics").status_code == 404
    # the last round (post) has no next one: nothing else to do
    site.wave("demo", "pre", "closed")
    site.wave("demo", "post", "open")
    last = _api_submit(site, token)
    assert last.status_code == 201, last.text
    final = site.client.get(f"/f/{token}?lang=en&sent=1").text
    assert "You do not need to do anything else" in final and "second round" not in final


def test_anonymous_confirmation_promises_no_second_round(site):
    site.pilot("anon", anonymous=True)
    [anon] = site.tokens("anon", wave="pre")
    _post(site, anon, 1, "next", [("q-work_1", "4"), ("q-hours", "30")])
    page2 = site.client.get(f"/f/{anon}?page=2").text
    submission_id = re.search(r'name="submission_id" value="([^"]+)"', page2).group(1)
    sent = _post(site, anon, 2, "submit", [("q-uses_tool", "0")], submission_id=submission_id)
    done = site.client.get(sent.headers["location"]).text
    assert "second round" not in done and "You do not need to do anything else" in done


def test_returning_participant_resumes_on_the_page_with_welcome_back(site):
    site.pilot()
    [token] = site.tokens()
    saved = site.client.put(f"/api/v1/forms/{token}/draft", json={"answers": {"work_1": 3}})
    assert saved.status_code == 200
    back = site.client.get(f"/f/{token}?lang=en").text
    assert "Welcome back, your answers are saved." in back
    assert "Step 1 of 2" in back and re.search(r'value="3" checked', back)
    es = site.client.get(f"/f/{token}?lang=es").text
    assert "Hola de nuevo: sus respuestas están guardadas." in es
    # a page asked for by its number is not a return
    assert "Welcome back" not in site.client.get(f"/f/{token}?page=1").text


def test_error_summary_is_short_and_numbered(site):
    site.pilot()
    [token] = site.tokens()
    html = _post(site, token, 1, "next", [("q-hours", "")]).text
    summary = html[html.index('id="error-summary"') : html.index("</ol>")]
    links = re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary)
    assert links == [
        ("q-work_1-field", "Question 1: choose an answer"),
        ("q-hours-field", "Question 2: enter a number"),
    ]
    assert "My work is easy" not in summary  # the question itself is not repeated
    es = _post(site, token, 1, "next", [("q-hours", "99")], lang="es").text
    assert "Pregunta 2: escriba 80 o menos" in es


def test_optional_is_said_once(site):
    site.pilot("core", instrument=REPO_ROOT / "instruments" / "pilot-core.yaml")
    site.wave("core", "pre", "closed")
    site.wave("core", "post", "open")
    [token] = site.tokens("core")
    html = site.client.get(f"/f/{token}?page=7&lang=en").text
    assert "(optional)" in html and "Optional." not in html
    assert "Please do not write the names of colleagues." in html
    es = site.client.get(f"/f/{token}?page=7&lang=es").text
    assert "(opcional)" in es and "Opcional." not in es


def test_closed_and_not_yet_open_pages_name_the_survey_dates_and_contact(site):
    site.pilot(open_waves=())
    [token] = site.tokens()
    _set(
        site,
        contact="Ana Ruiz, 311 pilot office, 555-0100",
        wave="pre",
        opens=datetime(2030, 12, 4, tzinfo=UTC),
        closes=datetime(2030, 12, 18, 23, 59, tzinfo=UTC),
    )
    waiting = site.client.get(f"/f/{token}?lang=es")
    assert waiting.status_code == 409
    assert "Todos los tipos" in waiting.text  # the survey's own title, not "pilotkit"
    assert "del 4 de diciembre de 2030 al 18 de diciembre de 2030" in waiting.text
    assert "2030-12-04" not in waiting.text
    assert "Ana Ruiz, 311 pilot office, 555-0100" in waiting.text
    assert re.search(r"<title>[^<]*Todos los tipos</title>", waiting.text)
    site.wave("demo", "pre", "closed")
    site.wave("demo", "post", "closed")
    closed = site.client.get(f"/f/{token}?lang=en")
    assert closed.status_code == 409 and "Every item type" in closed.text
    assert "Questions about this survey? Ana Ruiz" in closed.text
    api = site.client.get(f"/api/v1/forms/{token}")
    assert api.status_code == 409  # the API contract is unchanged


def test_instrument_register_chooses_tu_for_the_platform_texts(site):
    site.pilot("youth", instrument=YOUTH, anonymous=True)
    [token] = site.tokens("youth", wave="pre")
    intro = site.client.get(f"/f/{token}?lang=es").text
    assert "Tus respuestas son anónimas" in intro and "Sus respuestas" not in intro
    page = _post(site, token, 1, "next", [], lang="es").text
    assert "elige una respuesta" in page and "elija" not in page
    # the adult instrument keeps "usted"
    site.pilot()
    [adult] = site.tokens()
    assert "Sus respuestas son confidenciales" in site.client.get(f"/f/{adult}?lang=es").text


def test_one_page_form_has_no_step_count_nor_other_pages(site):
    site.pilot("one", instrument=ONE_PAGE)
    [token] = site.tokens("one")
    intro = site.client.get(f"/f/{token}?lang=es").text
    assert "una sola página" in intro and "otra página" not in intro
    page = site.client.get(f"/f/{token}?page=1&lang=es").text
    assert "Paso 1 de 1" not in page and 'class="progress' not in page


def test_favicon_and_titles_name_the_survey(site):
    site.pilot()
    [token] = site.tokens()
    intro = site.client.get(f"/f/{token}?lang=en").text
    assert '<link rel="icon" href="/static/favicon.svg"' in intro
    assert "<title>Every item type</title>" in intro
    page = site.client.get(f"/f/{token}?page=1&lang=en").text
    assert "<title>Step 1 of 2 – Work – Every item type</title>" in page
    icon = site.client.get("/static/favicon.svg")
    assert icon.status_code == 200 and "<svg" in icon.text
