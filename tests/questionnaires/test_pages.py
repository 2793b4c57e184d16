"""The questionnaire editor, schedule and live results pages, through HTTP, on both engines."""

from __future__ import annotations

import io
import re
import uuid

from openpyxl import load_workbook

from tests.instruments.xlsforms import STAFF_SURVEY, build_workbook
from tests.staff.conftest import StaffSite, csrf_of


def _manager(team: StaffSite):  # type: ignore[no-untyped-def]
    browser = team.browser("manager@example.org")
    return browser, csrf_of(browser.get("/staff/password").text)


def test_editor_round_trip(team: StaffSite, tmp_path) -> None:  # type: ignore[no-untyped-def]
    browser, csrf = _manager(team)
    team.pilot("gamma", members=("manager@example.org",), open_pre=False)
    base = "/staff/pilots/gamma/questionnaire"
    page = browser.get(base)
    assert page.status_code == 200 and "prod_1" in page.text and "core" in page.text

    # An XLSForm upload: the importer's report is on the page.
    path = build_workbook(tmp_path / "staff.xlsx", STAFF_SURVEY)
    uploaded = browser.post(
        base + "/upload",
        data={"csrf_token": csrf},
        files={"file": ("staff.xlsx", path.read_bytes(), "application/octet-stream")},
    )
    assert uploaded.status_code == 200, uploaded.text
    assert "from XLSForm staff.xlsx" in uploaded.text
    # Not a workbook: one clear message, nothing lost.
    bad = browser.post(
        base + "/upload",
        data={"csrf_token": csrf},
        files={"file": ("x.xlsx", b"not a workbook", "application/octet-stream")},
    )
    assert bad.status_code == 422 and "x.xlsx" in bad.text, bad.text[-3000:]

    # A new item with a condition that does not parse: kept, shown next to the field.
    browser.post(
        base + "/start", data={"csrf_token": csrf, "source": "shipped", "instrument": "pilot-core"}
    )
    fields = {
        "csrf_token": csrf,
        "id": "crm_history",
        "type": "likert",
        "text_en": "The new CRM shows a caller's history quickly",
        "text_es": "",
        "required": "on",
        "dimension": "productivity",
        "waves_given": "1",
        "waves": ["pre", "post"],
        "relevant": "${prod_1} >= ",
    }
    saved = browser.post(base + "/items/new", data=fields)
    assert saved.status_code == 200 and "at position" in saved.text
    assert 'id="err-relevant"' in saved.text or "relevant" in saved.text
    check = browser.get(base + "/relevant", params={"item": "crm_history", "expr": "${prod_1} >= "})
    assert check.json()["ok"] is False and check.json()["position"] is not None
    assert browser.get(
        base + "/relevant", params={"item": "crm_history", "expr": "${prod_1} >= 3"}
    ).json()["ok"]
    fields["relevant"] = "${prod_1} >= 3"
    browser.post(base + "/items/crm_history", data=fields)
    over = browser.get(base)
    assert "Spanish is not offered" in over.text or "not offered" in over.text

    # The Spanish text in the side-by-side page: Spanish offered again.
    tr = browser.get(base + "/translations")
    assert 'class="missing"' in tr.text
    browser.post(
        base + "/translations",
        data={
            "csrf_token": csrf,
            "tr|item:crm_history|text|es": "El CRM muestra el historial rápido",
        },
    )
    after = browser.get(base + "/translations").text
    assert "(es): missing" not in after  # Spanish complete again
    assert "item:crm_history text (ar): missing" in after  # a draft language still is not

    # Reorder with the arrow buttons and by posting a whole order (drag and drop).
    browser.post(
        base + "/order", data={"csrf_token": csrf, "move": "crm_history", "direction": "up"}
    )
    # Exports.
    assert "crm_history" in browser.get("/staff/pilots/gamma/questionnaire.yaml").text
    xlsx = browser.get("/staff/pilots/gamma/questionnaire.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content))["survey"]
    assert any(row[1] == "crm_history" for row in sheet.iter_rows(values_only=True))

    # Preview in Spanish, every page reachable, and the page after submitting.
    preview = browser.get(base + "/preview", params={"lang": "es"})
    pages = re.findall(r"frame\?page=(\d+)", preview.text)
    for number in sorted(set(pages), key=int):
        frame = browser.get(f"{base}/preview/pre/frame", params={"page": number, "lang": "es"})
        assert frame.status_code == 200 and 'lang="es"' in frame.text
    nxt = browser.get(
        f"{base}/preview/pre/frame",
        params={"page": "1", "lang": "es", "action": "next"},
        follow_redirects=False,
    )
    assert nxt.status_code == 303 and "page=2" in nxt.headers["location"]


def test_test_answers_stay_out_and_live_results(team: StaffSite) -> None:
    browser, csrf = _manager(team)
    made = browser.post("/staff/pilots/alpha/test-links", data={"csrf_token": csrf, "wave": "post"})
    link = re.search(r'id="test-link" href="([^"]+)"', made.text).group(1)  # type: ignore[union-attr]
    token = link.rsplit("/f/", 1)[1]
    form = team.client.get(f"/api/v1/forms/{token}").json()
    answers = {i["id"]: 4 for i in form["items"] if i["type"] == "likert"}
    sent = team.client.post(
        f"/api/v1/forms/{token}/submissions",
        json={"submission_id": str(uuid.uuid4()), "answers": answers},
    )
    assert sent.status_code == 201, sent.text
    # Not in exports, not on the dashboard, not in live results.
    csv_text = browser.get("/staff/pilots/alpha/results/responses.csv").text
    assert csv_text.strip().splitlines() == ["participant_id,wave,item_id,value,submitted_at"]
    results = browser.get("/staff/pilots/alpha/results")
    assert "post: 0 submitted" in results.text
    # Five real participants: figures appear; four: suppressed.
    for number, token in enumerate(team.tokens("alpha", 5)):
        form = team.client.get(f"/api/v1/forms/{token}").json()
        answers = {i["id"]: 2 for i in form["items"] if i["type"] == "likert"}
        team.client.post(
            f"/api/v1/forms/{token}/submissions",
            json={"submission_id": str(uuid.uuid4()), "answers": answers},
        )
        page = browser.get("/staff/pilots/alpha/results", params={"wave": "pre"}).text
        if number < 4:
            assert 'data-respondents="small"' in page
        else:
            assert 'data-respondents="5"' in page and "100%" in page
    assert (
        "1 test answer submitted" in browser.get("/staff/pilots/alpha/questionnaire/preview").text
    )
    browser.post("/staff/pilots/alpha/test-links/clear", data={"csrf_token": csrf})
    assert "0 test links" in browser.get("/staff/pilots/alpha/questionnaire/preview").text
    audit = team.browser("admin@example.org").get("/staff/audit").text
    assert "export.download" in audit and "test_link.clear" in audit


def test_schedule_page(team: StaffSite) -> None:
    browser, csrf = _manager(team)
    bad = browser.post(
        "/staff/pilots/alpha/schedule",
        data={
            "csrf_token": csrf,
            "opens_post": "2027-05-01T09:00",
            "closes_post": "2027-04-01T09:00",
        },
    )
    assert bad.status_code == 422 and "must be after it opens" in bad.text
    ok = browser.post(
        "/staff/pilots/alpha/schedule",
        data={"csrf_token": csrf, "opens_post": "2099-05-01T09:00", "closes_post": "2099-06-01"},
    )
    assert ok.status_code == 200 and "Next: the post wave opens on May 1, 2099, 09:00" in ok.text
    assert "Next: the post wave opens" in browser.get("/staff/pilots/alpha").text


def test_groups_become_dimensions_and_sections_are_retitled(team: StaffSite, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A KoboToolbox export of the corpus, imported as `--dimension-from-groups` does."""
    from tests.instruments.corpus import KOBO_LIKERT

    browser, csrf = _manager(team)
    team.pilot("gamma", members=("manager@example.org",), open_pre=False)
    base = "/staff/pilots/gamma/questionnaire"
    path = build_workbook(tmp_path / "kobo.xlsx", KOBO_LIKERT)
    upload = {"file": ("kobo.xlsx", path.read_bytes(), "application/octet-stream")}
    plain = browser.post(base + "/upload", data={"csrf_token": csrf}, files=upload)
    assert plain.status_code == 200 and "/dimensions/speed" not in plain.text
    grouped = browser.post(
        base + "/upload",
        data={"csrf_token": csrf, "groups_as_dimensions": "on"},
        files=upload,
    )
    assert grouped.status_code == 200, grouped.text[-2000:]
    assert "/dimensions/speed" in grouped.text and "Speed of work" in grouped.text
    yaml_text = browser.get("/staff/pilots/gamma/questionnaire.yaml").text
    assert "dimension: clarity" in yaml_text
    assert "Rapidez del trabajo" in browser.get(base + "/dimensions/speed").text

    # The section's title is its dimension's label, edited per language.
    saved = browser.post(
        base + "/dimensions/speed",
        data={
            "csrf_token": csrf,
            "id": "speed",
            "label_en": "Speed of <work>",
            "label_es": "Rapidez",
        },
    )
    assert saved.status_code == 200
    assert "Section: Speed of &lt;work&gt;" in saved.text  # escaped
    frame = browser.get(base + "/preview/pre/frame", params={"page": "1", "lang": "en"}).text
    assert "<h1>Speed of &lt;work&gt;</h1>" in frame

    # A section is renamed; a bad name is refused with the field named, nothing changed.
    bad = browser.post(base + "/sections/clarity", data={"csrf_token": csrf, "name": "9 x"})
    assert bad.status_code == 422 and "Section: a name that starts with a letter" in bad.text
    renamed = browser.post(base + "/sections/clarity", data={"csrf_token": csrf, "name": "steps"})
    assert renamed.status_code == 200 and "Section: steps" in renamed.text
    assert "section: steps" in browser.get("/staff/pilots/gamma/questionnaire.yaml").text
