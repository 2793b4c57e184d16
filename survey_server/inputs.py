"""Rules every request's input follows, in one place (no web framework here).

- Whole numbers from a query or form field: ASCII digits only, at most `MAX_DIGITS` of
  them, within the caller's range. `str.isdigit()` alone accepts "²" and "٣", which
  `int()` refuses, and `int()` refuses numbers of thousands of digits.
- No text may hold the NUL character (U+0000): PostgreSQL cannot store it and SQLite
  would; refusing it at the door gives both engines one rule.
- JSON bodies nest at most `MAX_JSON_DEPTH` levels.
- Error lists name at most `MAX_LISTED_ERRORS` problems, then "and N more".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import msgspec

from survey_server.errors import InvalidFieldsError
from survey_server.i18n.lazy import Count, lazy_gettext

MAX_DIGITS = 9
MAX_ID = 999_999_999  # a row id in a query or form field (fits every INTEGER column)
MAX_PAGE = 1000  # a page of a form
MAX_ECHOED = 10_000  # characters of a refused field a form shows back
MAX_JSON_DEPTH = 32
MAX_LISTED_ERRORS = 20
NUL = "\x00"
NUL_MESSAGE = lazy_gettext("must not contain the NUL character (\\u0000)")
MORE_ERRORS_KEY = "…"


class JsonTooDeepError(ValueError):
    """A JSON body nested deeper than MAX_JSON_DEPTH."""


def whole_number(text: str | None, field: str, *, low: int, high: int) -> int:
    """`text` as a whole number in [low, high]; InvalidFieldsError naming `field` if not."""
    raw = (text or "").strip()
    if raw.isascii() and raw.isdigit() and len(raw) <= MAX_DIGITS:
        number = int(raw)
        if low <= number <= high:
            return number
    raise InvalidFieldsError(
        {field: lazy_gettext("enter a whole number from %(low)s to %(high)s", low=low, high=high)}
    )


def optional_whole_number(text: str | None, field: str, *, low: int, high: int) -> int | None:
    """Like `whole_number`, but an absent or empty field is None."""
    if text is None or not text.strip():
        return None
    return whole_number(text, field, low=low, high=high)


def whole_number_or(text: str | None, default: int, *, high: int) -> int:
    """`text` as a whole number from 1 to `high`, or `default` for anything else (list
    pages, where a mistyped page number shows the first page)."""
    raw = (text or "").strip()
    if raw.isascii() and raw.isdigit() and len(raw) <= MAX_DIGITS:
        return min(max(int(raw), 1), high)
    return default


def one_of(text: str | None, field: str, allowed: Sequence[str], *, default: str = "") -> str:
    """`text` if it is one of `allowed`; `default` if absent or empty; else InvalidFieldsError
    naming `field` and the values it takes (a hand-edited `?sort=` gets a message, not a
    silently different page)."""
    raw = (text or "").strip()
    if not raw:
        return default
    if raw in allowed:
        return raw
    raise InvalidFieldsError(
        {field: lazy_gettext("choose one of: %(choices)s", choices=", ".join(allowed))}
    )


def too_long(fields: Mapping[str, tuple[str, int]]) -> dict[str, str]:
    """The fields (name: (text, limit)) longer than their limit, with the message."""
    return {
        name: lazy_gettext(
            "must be at most %(limit)s characters (this one has %(length)s)",
            limit=Count(limit),
            length=Count(len(text)),
        )
        for name, (text, limit) in fields.items()
        if len(text) > limit
    }


def fields_with_nul(fields: Iterable[tuple[str, object]]) -> dict[str, str]:
    """The names of the text fields (name, value) holding a NUL, with the message."""
    return {
        name.replace(NUL, "\\u0000"): NUL_MESSAGE
        for name, value in fields
        if NUL in name or (isinstance(value, str) and NUL in value)
    }


def json_problems(body: bytes) -> dict[str, str]:
    """The fields of a JSON body holding a NUL (by path, `answers.comments`); raises
    JsonTooDeepError for a body nested too deeply. A body that is not JSON has none:
    the handler's own decoding reports it."""
    deep_enough = body.count(b"[") + body.count(b"{") > MAX_JSON_DEPTH
    if b"\\u0000" not in body and not deep_enough:
        return {}
    try:
        value = msgspec.json.decode(body)
    except RecursionError:
        raise JsonTooDeepError from None
    except msgspec.DecodeError:
        return {}
    found: dict[str, str] = {}
    stack: list[tuple[str, Any, int]] = [("", value, 0)]
    while stack:
        path, node, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise JsonTooDeepError
        if isinstance(node, str):
            if NUL in node:
                found[path or "body"] = NUL_MESSAGE
        elif isinstance(node, Mapping):
            for key, child in node.items():
                name = f"{path}.{key}" if path else str(key)
                if NUL in str(key):
                    found[name.replace(NUL, "\\u0000")] = NUL_MESSAGE
                stack.append((name, child, depth + 1))
        elif isinstance(node, list):
            stack.extend((f"{path}[{i}]", child, depth + 1) for i, child in enumerate(node))
    return dict(sorted(found.items()))


def bounded(errors: Mapping[str, str], limit: int = MAX_LISTED_ERRORS) -> dict[str, str]:
    """At most `limit` of `errors`, then one entry saying how many more there are."""
    if len(errors) <= limit:
        return dict(errors)
    shown = dict(list(errors.items())[:limit])
    shown[MORE_ERRORS_KEY] = lazy_gettext("and %(count)s more", count=len(errors) - limit)
    return shown
