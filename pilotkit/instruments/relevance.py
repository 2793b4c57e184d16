"""Skip logic: parse and evaluate the XLSForm `relevant` conditions pilotkit supports.

An item with a `relevant` condition is shown (and may be answered) only when the
condition holds for the answers given so far. The conditions are the subset of XLSForm
(XPath 1.0) that survey teams write by hand; anything else is refused with the position
and the reason, never guessed. There is no `eval()`: a small recursive-descent parser
builds a tree that is evaluated against the answers.

Grammar (keywords are case-sensitive, as in XLSForm; whitespace is free)::

    expression  := or_expr
    or_expr     := and_expr ("or" and_expr)*
    and_expr    := comparison ("and" comparison)*
    comparison  := operand (("=" | "!=" | "<" | "<=" | ">" | ">=") operand)?
    operand     := reference | string | number | call | "(" expression ")"
    reference   := "${" name "}"
    string      := "'" chars "'" | '"' chars '"'
    number      := "-"? digits ("." digits)?
    call        := "not" "(" expression ")"
                 | "selected" "(" reference "," string ")"
                 | "count-selected" "(" reference ")"
                 | "string-length" "(" reference ")"
                 | "true" "(" ")" | "false" "(" ")"

Values, as the server stores answers: likert and number items are numbers, boolean items
True/False, single items the choice value, multi items a list of choice values, text
items a string; an item without an answer is the empty string. Comparisons follow
XPath: against a number literal the answer is read as a number (an empty answer is NaN,
so only `!=` holds); `=` and `!=` otherwise compare text (a multi answer reads as its
values joined by a space); `<`, `<=`, `>`, `>=` compare numbers when both sides are
numbers, text otherwise. A boolean answer equals '1', 'yes', 'true' (and the number 1)
when True, '0', 'no', 'false' (and 0) when False. `${item} = ''` is true when the item
is not answered, `${item} != ''` when it is.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from pilotkit.errors import PilotkitError

if TYPE_CHECKING:
    from pilotkit.instruments.model import Instrument, Item

TRUE_WORDS = frozenset({"1", "yes", "true"})
FALSE_WORDS = frozenset({"0", "no", "false"})
COMPARISON_OPERATORS = ("=", "!=", "<", "<=", ">", ">=")
#: Parentheses (and not(...)) nest at most this deep: the parser and the evaluator
#: recurse once per level, and real forms use two or three.
MAX_NESTING = 50


class RelevanceError(PilotkitError):
    """A condition outside the supported grammar; `position` is 0-based in `expression`."""

    def __init__(self, expression: str, position: int, reason: str) -> None:
        self.expression = expression
        self.position = position
        self.reason = reason
        super().__init__(f"at position {position + 1}: {reason}")


# -- the tree ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Reference:
    item_id: str


@dataclass(frozen=True)
class Literal:
    value: str | float | bool


@dataclass(frozen=True)
class Call:
    function: str  # not | selected | count-selected | string-length
    arguments: tuple[Expression, ...]


@dataclass(frozen=True)
class Comparison:
    operator: str
    left: Expression
    right: Expression


@dataclass(frozen=True)
class Logical:
    operator: str  # and | or
    operands: tuple[Expression, ...]


Expression = Reference | Literal | Call | Comparison | Logical


# -- tokens -----------------------------------------------------------------------------

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<reference>\$\{(?P<ref_name>[^}]*)\})
  | (?P<string>'(?P<single>[^']*)'|"(?P<double>[^"]*)")
  | (?P<number>\d+(?:\.\d+)?|\.\d+)
  | (?P<operator>!=|<=|>=|=|<|>)
  | (?P<punct>[(),])
  | (?P<minus>-)
  | (?P<word>[A-Za-z_][A-Za-z0-9_:.-]*)
    """,
    re.VERBOSE,
)
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")
_FUNCTIONS = {"not": 1, "selected": 2, "count-selected": 1, "string-length": 1}
_CONSTANTS = {"true": True, "false": False}


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str
    position: int
    value: str = ""


def _tokens(expression: str) -> Iterator[_Token]:
    position = 0
    while position < len(expression):
        match = _TOKEN.match(expression, position)
        if match is None:
            char = expression[position]
            if char in "'\"":
                raise RelevanceError(expression, position, "text in quotes is never closed")
            if expression.startswith("${", position):
                raise RelevanceError(expression, position, "'${' is never closed with '}'")
            if char == ".":
                raise RelevanceError(
                    expression, position, "'.' (the current answer) belongs in constraints"
                )
            raise RelevanceError(expression, position, f"unexpected character '{char}'")
        kind = match.lastgroup or ""
        if kind in ("single", "double"):
            kind = "string"
        if kind == "ref_name":
            kind = "reference"
        if kind != "space":
            value = ""
            if kind == "reference":
                value = match.group("ref_name").strip()
                if not _NAME.match(value):
                    raise RelevanceError(expression, position, f"'{match.group()}' is not an item")
            elif kind == "string":
                single = match.group("single")
                value = single if single is not None else match.group("double")
            yield _Token(kind, match.group(), position, value)
        position = match.end()


class _Parser:
    def __init__(self, expression: str) -> None:
        self.expression = expression
        self.tokens = list(_tokens(expression))
        self.index = 0
        self.depth = 0

    # helpers
    def _peek(self) -> _Token | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def _fail(self, reason: str, token: _Token | None = None) -> RelevanceError:
        token = token or self._peek()
        position = token.position if token else len(self.expression)
        return RelevanceError(self.expression, position, reason)

    def _take(self, text: str) -> _Token:
        token = self._peek()
        if token is None or token.text != text:
            found = f"'{token.text}'" if token else "the end"
            raise self._fail(f"expected '{text}', found {found}", token)
        self.index += 1
        return token

    def _nested(self, opening: _Token) -> Expression:
        """The condition inside parentheses that `opening` opened."""
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise self._fail(f"conditions nest at most {MAX_NESTING} parentheses deep", opening)
        inner = self._or()
        self.depth -= 1
        return inner

    def _is_word(self, word: str) -> bool:
        token = self._peek()
        return token is not None and token.kind == "word" and token.text == word

    # grammar
    def parse(self) -> Expression:
        if not self.tokens:
            raise self._fail("the condition is empty")
        tree = self._or()
        token = self._peek()
        if token is not None:
            raise self._fail(f"unexpected '{token.text}' after a complete condition", token)
        return tree

    def _or(self) -> Expression:
        operands = [self._and()]
        while self._is_word("or"):
            self.index += 1
            operands.append(self._and())
        return operands[0] if len(operands) == 1 else Logical("or", tuple(operands))

    def _and(self) -> Expression:
        operands = [self._comparison()]
        while self._is_word("and"):
            self.index += 1
            operands.append(self._comparison())
        return operands[0] if len(operands) == 1 else Logical("and", tuple(operands))

    def _comparison(self) -> Expression:
        left = self._operand()
        token = self._peek()
        if token is not None and token.kind == "operator":
            self.index += 1
            right = self._operand()
            after = self._peek()
            if after is not None and after.kind == "operator":
                raise self._fail("chained comparisons need parentheses", after)
            return Comparison(token.text, left, right)
        return left

    def _operand(self) -> Expression:
        token = self._peek()
        if token is None:
            raise self._fail("the condition ends too early")
        self.index += 1
        if token.kind == "reference":
            return Reference(token.value)
        if token.kind == "string":
            return Literal(token.value)
        if token.kind == "number":
            return Literal(float(token.text))
        if token.kind == "minus":
            number = self._peek()
            if number is None or number.kind != "number":
                raise self._fail("'-' is only supported in front of a number", token)
            self.index += 1
            return Literal(-float(number.text))
        if token.text == "(":
            inner = self._nested(token)
            self._take(")")
            return inner
        if token.kind == "word":
            return self._call(token)
        raise self._fail(f"unexpected '{token.text}'", token)

    def _call(self, name: _Token) -> Expression:
        following = self._peek()
        if following is None or following.text != "(":
            if name.text in ("and", "or"):
                raise self._fail(f"'{name.text}' needs a condition before it", name)
            raise self._fail(
                f"'{name.text}' is not supported (write an item as ${{{name.text}}} "
                "and text in quotes)",
                name,
            )
        if name.text in _CONSTANTS:
            self._take("(")
            self._take(")")
            return Literal(_CONSTANTS[name.text])
        if name.text not in _FUNCTIONS:
            raise self._fail(f"function '{name.text}()' is not supported", name)
        opening = self._take("(")
        if name.text == "not":
            arguments: tuple[Expression, ...] = (self._nested(opening),)
        else:
            reference = self._operand()
            if not isinstance(reference, Reference):
                raise self._fail(f"{name.text}() takes an item like ${{item}}", name)
            arguments = (reference,)
            if name.text == "selected":
                self._take(",")
                value = self._operand()
                if not isinstance(value, Literal) or isinstance(value.value, bool):
                    raise self._fail("selected() takes a choice value as its second argument")
                if isinstance(value.value, float):
                    value = Literal(_number_text(value.value))
                arguments = (reference, value)
        self._take(")")
        return Call(name.text, arguments)


@lru_cache(maxsize=1024)
def parse_relevance(expression: str) -> Expression:
    """Parse a `relevant` condition; raises RelevanceError for anything unsupported."""
    return _Parser(expression).parse()


def referenced_items(expression: Expression | str) -> set[str]:
    """The ids of the items a condition reads."""
    tree = parse_relevance(expression) if isinstance(expression, str) else expression
    return {node.item_id for node in walk(tree) if isinstance(node, Reference)}


def walk(expression: Expression) -> Iterator[Expression]:
    """Every node of a condition, the root first."""
    yield expression
    if isinstance(expression, Call):
        for argument in expression.arguments:
            yield from walk(argument)
    elif isinstance(expression, Comparison):
        yield from walk(expression.left)
        yield from walk(expression.right)
    elif isinstance(expression, Logical):
        for operand in expression.operands:
            yield from walk(operand)


def compared_values(expression: Expression) -> Iterator[tuple[str, str]]:
    """(item, text) pairs a condition compares for equality or passes to selected()."""
    for node in walk(expression):
        if isinstance(node, Call) and node.function == "selected":
            ref, value = node.arguments
            if isinstance(ref, Reference) and isinstance(value, Literal):
                yield ref.item_id, str(value.value)
        elif isinstance(node, Comparison) and node.operator in ("=", "!="):
            for a, b in ((node.left, node.right), (node.right, node.left)):
                if isinstance(a, Reference) and isinstance(b, Literal) and isinstance(b.value, str):
                    yield a.item_id, b.value


# -- evaluation -------------------------------------------------------------------------

Value = str | float | bool | list[str]


def _number_text(number: float) -> str:
    return str(int(number)) if number.is_integer() else str(number)


def _answer(answers: Mapping[str, object], item_id: str) -> Value:
    value = answers.get(item_id)
    if value is None:
        return ""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return str(value)


def _as_number(value: Value) -> float:
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, float):
        return value
    if isinstance(value, list):
        value = " ".join(value)
    try:
        return float(value.strip()) if value.strip() else math.nan
    except ValueError:
        return math.nan


def _as_text(value: Value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return _number_text(value) if not math.isnan(value) else "NaN"
    if isinstance(value, list):
        return " ".join(value)
    return value


def _as_bool(value: Value) -> bool:
    """XPath boolean(): non-zero numbers, non-empty text and lists are true."""
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        return not math.isnan(value) and value != 0
    return len(value) > 0


def _boolean_equals(flag: bool, other: Value) -> bool | None:
    """A boolean answer against a literal in XLSForm style; None when `other` is not one."""
    if isinstance(other, bool):
        return flag == other
    if isinstance(other, float):
        return flag == (other != 0) if other in (0.0, 1.0) else False
    if isinstance(other, str):
        word = other.strip().lower()
        if word in TRUE_WORDS:
            return flag
        if word in FALSE_WORDS:
            return not flag
        return None if word == "" else False
    return None


def _compare(operator: str, left: Value, right: Value) -> bool:
    if operator in ("=", "!="):
        equal = _equals(left, right)
        return equal if operator == "=" else not equal
    if isinstance(left, float) or isinstance(right, float):
        a: float | str = _as_number(left)
        b: float | str = _as_number(right)
    else:
        a_number, b_number = _as_number(left), _as_number(right)
        if not math.isnan(a_number) and not math.isnan(b_number):
            a, b = a_number, b_number
        else:
            a, b = _as_text(left), _as_text(right)
    if isinstance(a, float) and (math.isnan(a) or math.isnan(float(b))):
        return False
    if operator == "<":
        return a < b  # type: ignore[operator]
    if operator == "<=":
        return a <= b  # type: ignore[operator]
    if operator == ">":
        return a > b  # type: ignore[operator]
    return a >= b  # type: ignore[operator]


def _equals(left: Value, right: Value) -> bool:
    for flag, other in ((left, right), (right, left)):
        if isinstance(flag, bool) and not isinstance(other, bool):
            outcome = _boolean_equals(flag, other)
            if outcome is not None:
                return outcome
            return False
    if isinstance(left, float) or isinstance(right, float):
        return _as_number(left) == _as_number(right)
    return _as_text(left) == _as_text(right)


def evaluate(expression: Expression, answers: Mapping[str, object]) -> Value:
    """The value of a condition (or part of one) for the given answers."""
    if isinstance(expression, Literal):
        return expression.value
    if isinstance(expression, Reference):
        return _answer(answers, expression.item_id)
    if isinstance(expression, Logical):
        if expression.operator == "and":
            return all(_as_bool(evaluate(o, answers)) for o in expression.operands)
        return any(_as_bool(evaluate(o, answers)) for o in expression.operands)
    if isinstance(expression, Comparison):
        left = evaluate(expression.left, answers)
        right = evaluate(expression.right, answers)
        return _compare(expression.operator, left, right)
    return _call(expression, answers)


def _call(call: Call, answers: Mapping[str, object]) -> Value:
    if call.function == "not":
        return not _as_bool(evaluate(call.arguments[0], answers))
    value = evaluate(call.arguments[0], answers)
    if call.function == "selected":
        wanted = _as_text(evaluate(call.arguments[1], answers))
        if isinstance(value, list):
            return wanted in value
        if isinstance(value, bool):
            return bool(_boolean_equals(value, wanted))
        return wanted in _as_text(value).split()
    if call.function == "count-selected":
        if isinstance(value, list):
            return float(len(value))
        return float(len(_as_text(value).split()))
    # string-length
    return float(len(_as_text(value))) if value != "" else 0.0


def is_true(expression: Expression | str, answers: Mapping[str, object]) -> bool:
    """Whether a condition holds for the given answers."""
    tree = parse_relevance(expression) if isinstance(expression, str) else expression
    return _as_bool(evaluate(tree, answers))


def is_relevant(item: Item, answers: Mapping[str, object]) -> bool:
    """Whether `item` is shown for these answers (its own condition only)."""
    if item.relevant is None or not item.relevant.strip():
        return True
    return is_true(item.relevant, answers)


def relevant_items(instrument: Instrument, answers: Mapping[str, object]) -> set[str]:
    """The ids of the items shown for these answers.

    An item whose condition reads an item that is itself not shown is not shown either,
    whatever a stale answer to the hidden item says. Conditions only read earlier items
    (the loader checks it), so one pass in order settles every item.
    """
    shown: set[str] = set()
    for item in instrument.items:
        if item.relevant is None or not item.relevant.strip():
            shown.add(item.id)
            continue
        tree = parse_relevance(item.relevant)
        if referenced_items(tree) <= shown and is_true(tree, answers):
            shown.add(item.id)
    return shown
