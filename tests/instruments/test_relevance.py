"""Skip logic: XLSForm `relevant` conditions parsed and evaluated like ODK Collect does.

Expected values follow the XPath 1.0 rules ODK (JavaRosa) applies: an empty answer is
'' as text and NaN as a number, `selected()` tests membership in a space-separated list.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pilotkit.instruments import Instrument, Item
from pilotkit.instruments.relevance import (
    Call,
    Comparison,
    Literal,
    Logical,
    Reference,
    RelevanceError,
    is_relevant,
    is_true,
    parse_relevance,
    referenced_items,
    relevant_items,
)

ANSWERS = {
    "age": 34,
    "score": 4,
    "consent": True,
    "declined": False,
    "dept": "finance",
    "tools": ["search", "chat"],
    "comment": "slow at peak hours",
    "nothing": [],
}


def test_parse_builds_a_tree() -> None:
    tree = parse_relevance("${a} = 'x' and (${b} > 3 or not(selected(${m}, 'z')))")
    assert tree == Logical(
        "and",
        (
            Comparison("=", Reference("a"), Literal("x")),
            Logical(
                "or",
                (
                    Comparison(">", Reference("b"), Literal(3.0)),
                    Call("not", (Call("selected", (Reference("m"), Literal("z"))),)),
                ),
            ),
        ),
    )


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ("${age} >= 18", True),
        ("${age} < 18", False),
        ("${age} = 34", True),
        ("${age} = '34'", True),
        ("${score} <= 4 and ${score} > 3.5", True),
        ("${score} != 4", False),
        ("${dept} = 'finance'", True),
        ('${dept} = "permits"', False),
        ("${dept} != 'permits'", True),
        ("${consent} = 'yes'", True),
        ("${consent} = 1", True),
        ("${consent} = 'true'", True),
        ("${consent} = 'no'", False),
        ("${declined} = 'no'", True),
        ("${declined} = 0", True),
        ("${declined} != ''", True),  # answered "no" is still answered
        ("selected(${tools}, 'chat')", True),
        ("selected(${tools}, 'forms')", False),
        ("not(selected(${tools}, 'forms'))", True),
        ("selected(${dept}, 'finance')", True),
        ("selected(${consent}, 'yes')", True),
        ("count-selected(${tools}) = 2", True),
        ("count-selected(${nothing}) = 0", True),
        ("string-length(${comment}) > 10", True),
        ("string-length(${missing}) = 0", True),
        ("${comment} != ''", True),
        ("${missing} = ''", True),
        ("${missing} != ''", False),
        ("${nothing} = ''", True),
        ("${missing} > 3", False),  # NaN compares false ...
        ("${missing} != 3", True),  # ... except for !=
        ("${dept} = 'finance' or ${age} < 18 and ${score} = 1", True),  # and binds tighter
        ("(${dept} = 'it' or ${age} > 18) and ${score} = 4", True),
        ("${age} > -1", True),
        ("${dept} < 'g'", True),  # text order when not numbers
        ("true()", True),
        ("not(false())", True),
        ("${score}", True),  # a bare answer is true when given and not zero
    ],
)
def test_evaluate(condition: str, expected: bool) -> None:
    assert is_true(condition, ANSWERS) is expected


@pytest.mark.parametrize(
    ("condition", "position", "reason"),
    [
        ("", 1, "the condition is empty"),
        ("${a} = ", 8, "the condition ends too early"),
        ("if(${a} = 1, true(), false())", 1, "function 'if()' is not supported"),
        (". > 3", 1, "'.' (the current answer) belongs in constraints"),
        ("${a} = 'x", 8, "text in quotes is never closed"),
        ("${a = 1", 1, "'${' is never closed with '}'"),
        ("${a} = 1 = 2", 10, "chained comparisons need parentheses"),
        ("(${a} = 1", 10, "expected ')', found the end"),
        ("${a} = 1)", 9, "unexpected ')' after a complete condition"),
        ("a = 1", 1, "'a' is not supported (write an item as ${a} and text in quotes)"),
        ("${a} + 1 > 2", 6, "unexpected character '+'"),
        ("selected('x', ${a})", 1, "selected() takes an item like ${item}"),
        ("${a} = 1 and", 13, "the condition ends too early"),
        ("${a b} = 1", 1, "'${a b}' is not an item"),
    ],
)
def test_unsupported_syntax_names_position_and_reason(
    condition: str, position: int, reason: str
) -> None:
    with pytest.raises(RelevanceError) as info:
        parse_relevance(condition)
    assert (info.value.position + 1, info.value.reason) == (position, reason)
    assert str(info.value) == f"at position {position}: {reason}"


def test_referenced_items() -> None:
    condition = "selected(${tools}, 'x') and (${age} > 3 or string-length(${comment}) = 0)"
    assert referenced_items(condition) == {"tools", "age", "comment"}
    assert referenced_items(parse_relevance("true()")) == set()


def _survey() -> Instrument:
    yes_no = {"type": "boolean"}
    return Instrument(
        id="s",
        version=1,
        title="S",
        languages=["en"],
        items=[
            Item(id="employed", text="Employed?", **yes_no),
            Item(id="hours", type="number", text="Hours", relevant="${employed} = 'yes'"),
            Item(id="overtime", text="Overtime?", relevant="${hours} > 40", **yes_no),
            Item(id="why", type="text", text="Why?", relevant="${overtime} = 'yes'"),
            Item(id="end", type="note", text="Thanks"),
        ],
    )


def test_is_relevant_uses_the_item_condition_only() -> None:
    inst = _survey()
    assert is_relevant(inst.item("employed"), {})
    assert is_relevant(inst.item("hours"), {"employed": True})
    assert not is_relevant(inst.item("hours"), {"employed": False})


def test_relevant_items_hides_items_behind_hidden_items() -> None:
    inst = _survey()
    assert relevant_items(inst, {"employed": True, "hours": 45, "overtime": True}) == {
        "employed", "hours", "overtime", "why", "end",
    }  # fmt: skip
    # stale answers to hidden items do not show what depends on them
    stale = {"employed": False, "hours": 45, "overtime": True}
    assert relevant_items(inst, stale) == {"employed", "end"}
    assert relevant_items(inst, {}) == {"employed", "end"}


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="${}()'\"=!<> andortselc-123.,x", max_size=40))
def test_any_text_either_parses_or_raises_relevance_error(condition: str) -> None:
    try:
        tree = parse_relevance(condition)
    except RelevanceError as exc:
        assert 0 <= exc.position <= len(condition)
        return
    is_true(tree, ANSWERS)  # whatever parses can be evaluated
