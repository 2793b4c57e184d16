"""The participant JSON API, contracts.md section 4, on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid

import pytest

VALID = {"work_1": 4, "hours": 37.5, "uses_tool": True, "tool_freq": "daily"}


def _submit(site, token, answers=VALID, submission_id=None):
    body = {"submission_id": str(submission_id or uuid.uuid4()), "answers": answers}
    return site.client.post(f"/api/v1/forms/{token}/submissions", json=body)


def test_form_in_requested_language_with_scale_and_choices(site):
    site.pilot()
    [token] = site.tokens()
    body = site.client.get(f"/api/v1/forms/{token}?lang=es").json()
    assert body["language"] == "es"
    assert body["languages"] == ["en", "es"]
    assert body["wave"] == "pre"
    assert body["submitted"] is False
    items = {i["id"]: i for i in body["items"]}
    assert "comments" not in items  # post-only item
    assert items["work_1"]["text"] == "Mi trabajo es fácil."
    assert items["work_1"]["scale"]["labels"][0] == "Totalmente en desacuerdo"
    assert items["work_1"]["scale"]["min"] == 1 and items["work_1"]["dimension"] == "work"
    assert items["tool_freq"]["choices"][0] == {"value": "daily", "label": "A diario"}
    english = site.client.get(f"/api/v1/forms/{token}?lang=xx").json()
    assert english["language"] == "en"


def test_draft_saved_merged_and_returned(site):
    site.pilot()
    [token] = site.tokens()
    url = f"/api/v1/forms/{token}/draft"
    assert site.client.put(url, json={"answers": {"work_1": 2}}).status_code == 200
    saved = site.client.put(url, json={"answers": {"channels": ["chat", "phone"]}}).json()
    assert saved["answers"] == {"work_1": 2, "channels": ["chat", "phone"]}
    cleared = site.client.put(url, json={"answers": {"work_1": None}}).json()
    assert cleared["answers"] == {"channels": ["chat", "phone"]}
    assert site.client.get(f"/api/v1/forms/{token}").json()["answers"] == cleared["answers"]


def test_draft_rejects_unknown_items_and_wrong_types_per_item(site):
    site.pilot()
    [token] = site.tokens()
    response = site.client.put(
        f"/api/v1/forms/{token}/draft",
        json={"answers": {"nope": 1, "work_1": 9, "hours": "ten", "comments": "post only"}},
    )
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert set(errors) == {"nope", "work_1", "hours", "comments"}
    assert "between 1 and 5" in errors["work_1"]


def test_submission_is_idempotent(site):
    site.pilot()
    [token] = site.tokens()
    submission_id = uuid.uuid4()
    first = _submit(site, token, submission_id=submission_id)
    assert first.status_code == 201
    again = _submit(site, token, submission_id=submission_id)
    assert again.status_code == 200
    assert again.json() == first.json()
    changed = _submit(site, token, {**VALID, "work_1": 1}, submission_id=submission_id)
    assert changed.status_code == 409
    other = _submit(site, token)
    assert other.status_code == 409
    assert "already submitted" in other.json()["detail"]
    form = site.client.get(f"/api/v1/forms/{token}").json()
    assert form["submitted"] is True and form["submitted_at"]


def test_accepted_value_forms(site):
    site.pilot()
    [token] = site.tokens()
    answers = {"work_1": 5.0, "hours": 0, "uses_tool": 0, "channels": ["email", "email"]}
    response = _submit(site, token, answers)
    assert response.status_code == 201, response.text
    assert response.json()["answers"] == {
        "work_1": 5,
        "hours": 0,
        "uses_tool": False,
        "channels": ["email"],
    }


@pytest.mark.parametrize(
    ("item", "value"),
    [
        ("work_1", 0),
        ("work_1", 2.5),
        ("work_1", "3"),
        ("work_1", True),
        ("hours", 81),
        ("hours", "x"),
        ("uses_tool", 2),
        ("uses_tool", "yes"),
        ("tool_freq", "hourly"),
        ("channels", "phone"),
        ("channels", ["fax"]),
        ("tool_note", "x"),
    ],
)
def test_invalid_values_answer_422_naming_the_item(site, item, value):
    site.pilot()
    [token] = site.tokens()
    response = _submit(site, token, {**VALID, item: value})
    assert response.status_code == 422
    assert item in response.json()["errors"]


def test_long_text_is_refused(site):
    site.pilot(open_waves=("post",))
    [token] = site.tokens()
    response = _submit(site, token, {**VALID, "comments": "x" * 5001})
    assert response.status_code == 422
    assert "5000" in response.json()["errors"]["comments"]


def test_required_items_missing_are_named(site):
    site.pilot()
    [token] = site.tokens()
    response = _submit(site, token, {"work_1": 3})
    assert response.status_code == 422
    body = response.json()
    assert set(body["errors"]) == {"hours", "uses_tool"}  # tool_freq hidden: no uses_tool yet
    assert "hours" in body["detail"]


def test_skip_logic_makes_hidden_items_optional_and_drops_their_answers(site):
    site.pilot()
    [token] = site.tokens()
    answers = {"work_1": 3, "hours": 20, "uses_tool": False, "tool_freq": "weekly"}
    response = _submit(site, token, answers)
    assert response.status_code == 201, response.text
    assert "tool_freq" not in response.json()["answers"]


def test_unknown_and_malformed_tokens_look_the_same(site):
    site.pilot()
    responses = [
        site.client.get(f"/api/v1/forms/{t}") for t in ("A" * 32, "short", "bad%20token", "x" * 300)
    ]
    assert {r.status_code for r in responses} == {404}
    assert len({r.json()["detail"] for r in responses}) == 1
    assert _submit(site, "A" * 32).status_code == 404


def test_closed_and_not_yet_open_waves_answer_409(site):
    site.pilot(open_waves=())
    [token] = site.tokens()
    not_open = site.client.get(f"/api/v1/forms/{token}")
    assert not_open.status_code == 409
    assert "not open yet" in not_open.json()["detail"]
    site.wave("demo", "pre", "open")
    site.wave("demo", "pre", "closed")
    site.wave("demo", "post", "closed")
    closed = _submit(site, token)
    assert closed.status_code == 409
    assert "closed" in closed.json()["detail"]
    assert site.client.put(f"/api/v1/forms/{token}/draft", json={"answers": {}}).status_code == 409


def test_linked_token_answers_pre_then_post(site):
    site.pilot()
    [token] = site.tokens()
    assert _submit(site, token).status_code == 201
    site.wave("demo", "post", "open")
    site.wave("demo", "pre", "closed")
    form = site.client.get(f"/api/v1/forms/{token}").json()
    assert form["wave"] == "post" and form["submitted"] is False
    assert _submit(site, token).status_code == 201


def test_anonymous_tokens_answer_one_wave(site):
    site.pilot(anonymous=True)
    [token] = site.tokens()
    assert _submit(site, token).status_code == 201
    site.wave("demo", "post", "open")
    form = site.client.get(f"/api/v1/forms/{token}").json()
    assert form["wave"] == "pre" and form["submitted"] is True


def test_malformed_json_is_400_and_oversized_body_413(site):
    site.pilot()
    [token] = site.tokens()
    url = f"/api/v1/forms/{token}/submissions"
    bad = site.client.post(url, content=b"{not json", headers={"content-type": "application/json"})
    assert bad.status_code == 400
    wrong_shape = site.client.post(url, json={"submission_id": "nope", "answers": {}})
    assert wrong_shape.status_code == 400
    assert "submission_id" in str(wrong_shape.json())
    huge = {"submission_id": str(uuid.uuid4()), "answers": {"comments": "x" * 300_000}}
    assert site.client.post(url, json=huge).status_code == 413


def test_openapi_describes_the_participant_api(site):
    schema = site.client.get("/schema/openapi.json").json()
    paths = schema["paths"]
    assert "get" in paths["/api/v1/forms/{token}"]
    assert "put" in paths["/api/v1/forms/{token}/draft"]
    responses = paths["/api/v1/forms/{token}/submissions"]["post"]["responses"]
    assert {"200", "201", "404", "409", "422"} <= set(responses)
