"""The input rules of `survey_server.inputs`, without a server."""

from __future__ import annotations

import pytest

from survey_server.errors import InvalidFieldsError
from survey_server.inputs import (
    MAX_JSON_DEPTH,
    JsonTooDeepError,
    bounded,
    json_problems,
    optional_whole_number,
    whole_number,
    whole_number_or,
)


@pytest.mark.parametrize(
    "text", ["²", "٣", "१", "9" * 5000, "-1", "+1", "1.0", "1e3", "", " ", "0x1"]
)
def test_whole_number_refuses_anything_but_plain_ascii_digits(text: str) -> None:
    with pytest.raises(InvalidFieldsError) as caught:
        whole_number(text, "count", low=1, high=2000)
    assert caught.value.errors == {"count": "enter a whole number from 1 to 2000"}


def test_whole_number_range_and_optional_forms() -> None:
    assert whole_number(" 0042 ", "count", low=1, high=2000) == 42
    with pytest.raises(InvalidFieldsError):
        whole_number("2001", "count", low=1, high=2000)
    assert optional_whole_number(None, "page", low=0, high=9) is None
    assert optional_whole_number("", "page", low=0, high=9) is None
    assert whole_number_or("²", 1, high=10) == 1
    assert whole_number_or("9" * 5000, 1, high=10) == 1
    assert whole_number_or("99", 1, high=10) == 10


def test_json_problems_name_nul_fields_by_path_and_refuse_deep_bodies() -> None:
    body = b'{"answers": {"a": "x\\u0000", "b\\u0000": 1, "c": ["ok", "\\u0000"]}}'
    assert json_problems(body) == {
        "answers.a": "must not contain the NUL character (\\u0000)",
        "answers.b\\u0000": "must not contain the NUL character (\\u0000)",
        "answers.c[1]": "must not contain the NUL character (\\u0000)",
    }
    assert json_problems(b'{"answers": {"a": "plain"}}') == {}
    assert json_problems(b"not json \\u0000") == {}  # the handler reports bad JSON
    fine = b"[" * MAX_JSON_DEPTH + b"]" * MAX_JSON_DEPTH
    assert json_problems(fine) == {}
    for depth in (MAX_JSON_DEPTH + 2, 10_000):
        with pytest.raises(JsonTooDeepError):
            json_problems(b"[" * depth + b"]" * depth)


def test_error_lists_are_bounded() -> None:
    errors = {f"item_{n}": "unknown" for n in range(25)}
    shown = bounded(errors)
    assert len(shown) == 21 and shown["…"] == "and 5 more"
    assert bounded({"a": "x"}) == {"a": "x"}


@pytest.mark.parametrize("value", [10**400, -(10**400), 2**53 + 1, float("inf"), float("nan")])
def test_numbers_no_column_can_hold_are_refused_as_answers(value: float) -> None:
    from pilotkit.instruments import load_instrument_file
    from survey_server.services.answers import AnswerError, check_answer
    from tests.server.conftest import ALL_TYPES

    instrument = load_instrument_file(ALL_TYPES)
    for item_id in ("work_1", "hours"):
        item = next(i for i in instrument.items if i.id == item_id)
        with pytest.raises(AnswerError):
            check_answer(instrument, item, value)
