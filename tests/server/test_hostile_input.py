"""Hostile participant input gets one clear 4xx and writes nothing, on SQLite and PostgreSQL:
Unicode digits and endless numbers as page numbers, NUL characters in answers and drafts,
JSON nested thousands deep, drafts naming thousands of unknown items."""

from __future__ import annotations

import uuid

from piccolo.querystring import QueryString

from tests.server.conftest import Site

LONG_NUMBER = "9" * 5000


def _count(site: Site, table: str) -> int:
    async def count(engine):
        rows = await engine.run_querystring(QueryString(f'SELECT COUNT(*) AS n FROM "{table}"'))
        return int(rows[0]["n"])

    return site.run(count)


def test_page_numbers_that_are_not_plain_whole_numbers_get_422(site: Site) -> None:
    site.pilot()
    [token] = site.tokens()
    for page in ("²", "٣", LONG_NUMBER, "-1", "1e3"):
        shown = site.client.get(f"/f/{token}", params={"page": page})
        assert shown.status_code == 422, (page, shown.status_code)
        assert "This link is not valid" in shown.text
        posted = site.client.post(f"/f/{token}", data={"page": page, "action": "next"})
        assert posted.status_code == 422, (page, posted.status_code)
    assert site.client.get(f"/f/{token}", params={"page": "1"}).status_code == 200
    assert _count(site, "draft") == 0


def test_nul_characters_are_refused_with_422_naming_the_field(site: Site) -> None:
    site.pilot()
    [token] = site.tokens()
    draft = site.client.put(
        f"/api/v1/forms/{token}/draft", json={"answers": {"work_1": 2, "comments\x00": "x"}}
    )
    assert draft.status_code == 422
    submitted = site.client.post(
        f"/api/v1/forms/{token}/submissions",
        json={
            "submission_id": str(uuid.uuid4()),
            "answers": {"work_1": 4, "hours": 37.5, "uses_tool": False, "channels": ["a\x00"]},
        },
    )
    assert submitted.status_code == 422
    assert submitted.json()["code"] == "nul_character"
    assert "answers.channels[0]" in submitted.json()["errors"]
    form = site.client.post(f"/f/{token}", data={"page": "1", "work_1": "2\x00"})
    assert form.status_code == 422 and "work_1" in form.text
    assert _count(site, "draft") == 0 and _count(site, "submission") == 0


def test_nul_in_a_text_answer_is_refused_on_both_engines(site: Site) -> None:
    site.pilot(open_waves=("pre", "post"))
    [token] = site.tokens()
    first = {"work_1": 4, "hours": 37.5, "uses_tool": False}
    sid = str(uuid.uuid4())
    body = {"submission_id": sid, "answers": first}
    assert site.client.post(f"/api/v1/forms/{token}/submissions", json=body).status_code == 201
    # the post wave has a free-text item
    hostile = {"answers": {"comments": "fine\x00then"}}
    response = site.client.put(f"/api/v1/forms/{token}/draft", json=hostile)
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "answers.comments": "must not contain the NUL character (\\u0000)"
    }
    assert _count(site, "draft") == 0


def test_json_nested_ten_thousand_deep_gets_400(site: Site) -> None:
    site.pilot()
    [token] = site.tokens()
    deep = "[" * 10_000 + "]" * 10_000
    for method, url, body in (
        ("PUT", f"/api/v1/forms/{token}/draft", '{"answers": {"work_1": ' + deep + "}}"),
        (
            "POST",
            f"/api/v1/forms/{token}/submissions",
            '{"submission_id": "' + str(uuid.uuid4()) + '", "answers": ' + deep + "}",
        ),
    ):
        response = site.client.request(
            method, url, content=body, headers={"content-type": "application/json"}
        )
        assert response.status_code == 400, response.text
        assert response.json()["code"] == "bad_request"
        assert "nested" in response.json()["detail"]
    assert _count(site, "draft") == 0 and _count(site, "submission") == 0


def test_error_bodies_list_a_bounded_number_of_problems(site: Site) -> None:
    site.pilot()
    [token] = site.tokens()
    answers = {f"unknown_{n}": 1 for n in range(10_000)}
    response = site.client.put(f"/api/v1/forms/{token}/draft", json={"answers": answers})
    assert response.status_code == 422
    assert len(response.content) < 5_000
    errors = response.json()["errors"]
    assert len(errors) == 21
    assert errors["…"] == "and 9980 more"
    assert len(response.json()["detail"]) < 1_000
