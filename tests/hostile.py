"""Hostile payloads for the API fuzz tests: values a schema-driven generator rarely makes.

Each kind once made a request answer 5xx somewhere: NUL characters (PostgreSQL refuses
them), digits that `str.isdigit()` accepts but `int()` refuses, numbers past Python's
int-digits limit, JSON nested past the recursion limit, texts far over any cap, lone
surrogates and numbers JSON cannot hold.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx
from hypothesis import strategies as st

#: Values short enough for a URL (query strings and path segments).
URL_VALUES: tuple[str, ...] = (
    "\x00",
    "a\x00b",
    "²",
    "٣",
    "𝟘",
    "9" * 5_000,
    "-" + "9" * 5_000,
    "1e999",
    "NaN",
    "-0",
    "0x10",
    " 7 ",
    "\u202e\u200b",
    "🙂" * 300,
)
#: Values for JSON bodies: the URL ones and longer or stranger ones.
BODY_VALUES: tuple[Any, ...] = (
    *URL_VALUES,
    "x" * 200_000,
    "\ud800",
    10**400,
    -(10**400),
    [],
    {},
    None,
    True,
)
PLACES: tuple[str, ...] = ("query", "path", "body", "answer", "answer", "raw")
DEPTH = 10_000
#: Bodies no JSON encoder writes, sent as bytes: nesting past any recursion limit, the
#: non-standard NaN and Infinity tokens Python's decoder accepts, bytes that are not UTF-8.
RAW_BODIES: tuple[bytes, ...] = (
    b"[" * DEPTH + b"]" * DEPTH,
    b'{"answers": {"comments": NaN}}',
    b'{"answers": {"hours": Infinity}}',
    b'{"answers": {"hours": 1e999}}',
    b"\xff\xfe{}",
    b'{"answers": {}, "answers": {"comments": "twice"}}',
)


def _replace_leaf(value: Any, data: st.DataObject, hostile: Any) -> Any:
    """`value` with one leaf (or one added key) picked by `data` replaced by `hostile`."""
    if isinstance(value, dict):
        keys = sorted(value)
        choice = data.draw(st.sampled_from([*keys, None]))
        changed = dict(value)
        if choice is None:
            key = data.draw(st.sampled_from(["\x00", "²", "x" * 5_000, "answers"]))
            changed[key] = hostile
        else:
            changed[choice] = _replace_leaf(value[choice], data, hostile)
        return changed
    if isinstance(value, list) and value:
        index = data.draw(st.integers(0, len(value) - 1))
        changed_list = list(value)
        changed_list[index] = _replace_leaf(value[index], data, hostile)
        return changed_list
    return hostile


def make_hostile(
    case: Any, data: st.DataObject, keep_path: frozenset[str], valid: dict[str, Any] | None = None
) -> str:
    """Put one hostile value into `case` (a schemathesis case) and return where it went.

    Path parameters named in `keep_path` (a real token, a real slug) are left alone, so the
    request reaches the code behind them. "raw" means the caller sends one of `RAW_BODIES`
    instead of the case's body (`send_raw`).
    "answer" gives a body's `answers` the `valid` answers of every item but one, which gets the
    hostile value, so the request passes the schema and reaches the database.
    """
    place = data.draw(st.sampled_from(PLACES))
    if place == "query":
        names = sorted(case.query or {}) or [data.draw(st.sampled_from(["page", "count", "x"]))]
        name = data.draw(st.sampled_from(names))
        case.query = {**(case.query or {}), name: data.draw(st.sampled_from(URL_VALUES))}
    elif place == "path":
        names = sorted(set(case.path_parameters or {}) - keep_path)
        if not names:
            return "none"
        name = data.draw(st.sampled_from(names))
        case.path_parameters[name] = data.draw(st.sampled_from(URL_VALUES))
    elif place == "body":
        if case.body is None or not isinstance(case.body, (dict, list)):
            return "none"
        case.body = _replace_leaf(case.body, data, data.draw(st.sampled_from(BODY_VALUES)))
    elif place == "answer":
        if not valid or not isinstance(case.body, dict) or "answers" not in case.body:
            return "none"
        item = data.draw(st.sampled_from(sorted(valid)))
        hostile = data.draw(st.sampled_from(BODY_VALUES))
        body = {**case.body, "answers": {**valid, item: hostile}}
        if "submission_id" in body:  # a valid id, so the answer is what gets judged
            body["submission_id"] = str(uuid.UUID(int=data.draw(st.integers(0, 2**128 - 1))))
        case.body = body
    return place


def ascii_json(body: Any) -> bytes:
    """`body` as JSON with `\\u` escapes, so a lone surrogate can be sent as bytes."""
    return json.dumps(body).encode()


def send_hostile(
    case: Any, place: str, base: str, headers: dict[str, str], data: st.DataObject
) -> httpx.Response:
    """Send `case` after `make_hostile` put a value at `place`.

    A hostile body is encoded here, as ASCII JSON (`\\u` escapes), and sent as bytes:
    schemathesis's own sender re-validates a body against the schema first, and its
    validator cannot encode a lone surrogate, so the request would never leave the test.
    """
    if place == "raw":
        return send_raw(case, base, headers, data.draw(st.sampled_from(RAW_BODIES)))
    if place in ("body", "answer"):
        return send_raw(case, base, headers, ascii_json(case.body))
    return case.call(base_url=base, headers=headers)


def send_raw(case: Any, base: str, headers: dict[str, str], body: bytes) -> httpx.Response:
    """The case's method and path with `body` sent as it is, as JSON."""
    return httpx.request(
        case.method,
        f"{base}{case.formatted_path}",
        params=case.query or None,
        content=body,
        headers={**headers, "Content-Type": "application/json"},
        timeout=60,
    )


def valid_answers(form: dict[str, Any]) -> dict[str, Any]:
    """An acceptable answer to every answerable item of a form as the API describes it."""
    answers: dict[str, Any] = {}
    for item in form["items"]:
        kind = item["type"]
        if kind == "likert":
            answers[item["id"]] = item["scale"]["min"]
        elif kind == "number":
            answers[item["id"]] = item.get("min") or 1
        elif kind == "boolean":
            answers[item["id"]] = True
        elif kind == "single":
            answers[item["id"]] = item["choices"][0]["value"]
        elif kind == "multi":
            answers[item["id"]] = [item["choices"][0]["value"]]
        elif kind == "text":
            answers[item["id"]] = "fine"
    return answers
