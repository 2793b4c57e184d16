"""The survey sheet: questions, groups, skip logic, and what cannot be mapped.

Each row is mapped to an item (as plain data, checked later by the strict loader) or
reported in the warnings with its row number and the reason it is left out.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from pilotkit.instruments.relevance import (
    RelevanceError,
    compared_values,
    parse_relevance,
    referenced_items,
)
from pilotkit.instruments.xlsform.common import (
    CHOICES,
    NO_WORDS,
    SURVEY,
    YES_WORDS,
    XLSFormError,
    truthy,
)
from pilotkit.instruments.xlsform.sheets import Row

if TYPE_CHECKING:
    from pilotkit.instruments.xlsform.reader import FormReader

_UNSUPPORTED_TYPES = {
    "calculate": "calculated fields are not supported",
    "hidden": "hidden fields are not supported",
    "acknowledge": "acknowledge questions are not supported",
    "rank": "ranking questions are not supported",
    "date": "date questions are not supported",
    "time": "time questions are not supported",
    "datetime": "date-time questions are not supported",
    "geopoint": "location questions are not supported",
    "geotrace": "location questions are not supported",
    "geoshape": "location questions are not supported",
    "image": "photo questions are not supported",
    "audio": "audio questions are not supported",
    "video": "video questions are not supported",
    "file": "file uploads are not supported",
    "barcode": "barcode questions are not supported",
    "background-audio": "audio recording is not supported",
    "select_one_from_file": "choices from a file are not supported",
    "select_multiple_from_file": "choices from a file are not supported",
    "trigger": "trigger questions are not supported",
}
_METADATA_TYPES = {
    "start", "end", "today", "deviceid", "subscriberid", "simserial", "phonenumber",
    "username", "email", "audit", "start-geopoint",
}  # fmt: skip
_NOT_KEPT_COLUMNS = (
    "constraint_message",
    "required_message",
    "default",
    "read_only",
    "choice_filter",
    "repeat_count",
    "calculation",
    "trigger",
    "media",
    "image",
    "audio",
    "video",
)
_TYPE_ALIASES = {
    "int": "integer",
    "select one": "select_one",
    "select all that apply": "select_multiple",
    "select multiple": "select_multiple",
    "begin group": "begin_group",
    "end group": "end_group",
    "begin repeat": "begin_repeat",
    "end repeat": "end_repeat",
    "begin_loop": "begin_repeat",
    "end_loop": "end_repeat",
}
_BOUND = re.compile(r"^\s*\.\s*(>=|<=)\s*(-?\d+(?:\.\d+)?)\s*$")
_AGREE = re.compile(r"agree|acuerdo|d'accord|concord", re.IGNORECASE)
_DISAGREE = re.compile(r"disagree|desacuerdo|pas d'accord|discord", re.IGNORECASE)


def classify_list(values: list[str], labels: list[str]) -> str:
    """`boolean`, `likert` (1..N numbers), `agree` (agree/disagree words) or `single`."""
    lowered = {v.strip().lower() for v in values}
    if len(values) == 2 and any(
        lowered == {yes, no} for yes in YES_WORDS for no in NO_WORDS if yes != no
    ):
        return "boolean"
    numbers = [whole_number(v) for v in values]
    if len(values) >= 3 and all(n is not None for n in numbers):
        ordered = sorted(n for n in numbers if n is not None)
        if ordered == list(range(ordered[0], ordered[0] + len(ordered))):
            return "likert"
    words = [f"{v} {lab}" for v, lab in zip(values, labels or values, strict=False)]
    has_disagree = any(_DISAGREE.search(w) for w in words)
    has_agree = any(_AGREE.search(w) and not _DISAGREE.search(w) for w in words)
    if len(values) >= 3 and has_disagree and has_agree:
        return "agree"
    return "single"


def whole_number(text: str) -> int | None:
    try:
        number = float(text)
    except ValueError:
        return None
    return int(number) if number.is_integer() else None


class SurveyReader:
    """Walks the survey sheet: groups, questions, and what cannot be mapped."""

    def __init__(self, reader: FormReader) -> None:
        self.reader = reader
        self.warnings = reader.warnings
        self.path = reader.path
        self.groups: list[tuple[str, str, str | None, int]] = []  # kind, name, relevant, row
        self.result: list[dict[str, Any]] = []
        self.left_out: dict[str, str] = {}  # name -> why

    def fail(self, number: int, message: str) -> XLSFormError:
        return XLSFormError(f"{self.path}: survey sheet, row {number}: {message}")

    def items(self) -> list[dict[str, Any]]:
        for number, row in self.reader.sheets[SURVEY].rows:
            self.row(number, row)
        if self.groups:
            kind, name, _, number = self.groups[-1]
            raise self.fail(number, f"begin_{kind} '{name}' is never closed with end_{kind}")
        self._check_conditions()
        return self.result

    def row(self, number: int, row: Row) -> None:
        raw_type = re.sub(r"\s+", " ", row.get("type", "").strip())
        if not raw_type:
            if row.get("name") or any(k.startswith("label") for k in row):
                self.warnings.append(f"row {number}: no type; the row is left out")
            return
        lowered = raw_type.lower()
        for alias, canonical in _TYPE_ALIASES.items():
            if lowered == alias or lowered.startswith(alias + " "):
                lowered = canonical + lowered[len(alias) :]
        parts = lowered.split(" ")
        kind, name = parts[0], row.get("name", "")
        if kind in ("begin_group", "begin_repeat"):
            group_kind = kind.removeprefix("begin_")
            if group_kind == "repeat":
                self.warnings.append(
                    f"row {number}: repeat group '{name}': repeats are not supported; "
                    "its questions are left out"
                )
            self.groups.append((group_kind, name, row.get("relevant"), number))
            return
        if kind in ("end_group", "end_repeat"):
            group_kind = kind.removeprefix("end_")
            if not self.groups or self.groups[-1][0] != group_kind:
                raise self.fail(number, f"{kind} without a matching begin_{group_kind}")
            self.groups.pop()
            return
        where = f"row {number}: item '{name}'" if name else f"row {number}"
        if not name:
            self.warnings.append(f"{where}: a {kind} without a name is left out")
            return
        repeat = next((g[1] for g in self.groups if g[0] == "repeat"), None)
        if repeat is not None:
            self._leave_out(where, name, f"inside repeat group '{repeat}'")
            return
        if kind in _METADATA_TYPES:
            self._leave_out(where, name, f"metadata '{kind}' is not collected by pilotkit")
            return
        if kind in _UNSUPPORTED_TYPES:
            self._leave_out(where, name, f"type '{kind}': {_UNSUPPORTED_TYPES[kind]}")
            return
        item = self.question(number, where, kind, parts[1:], row)
        if item is not None:
            self.result.append(item)

    def _leave_out(self, where: str, name: str, reason: str) -> None:
        self.warnings.append(f"{where}: {reason}; left out")
        self.left_out[name] = reason

    def question(
        self, number: int, where: str, kind: str, args: list[str], row: Row
    ) -> dict[str, Any] | None:
        item: dict[str, Any] = {"id": row["name"]}
        if kind in ("select_one", "select_multiple"):
            if not args:
                raise self.fail(number, f"item '{row['name']}': {kind} needs a choice list name")
            if args[1:] == ["or_other"]:
                self.warnings.append(f"{where}: 'or_other' is not kept (no 'other' choice)")
            elif args[1:]:
                self.warnings.append(f"{where}: '{' '.join(args[1:])}' after the list is ignored")
            self._choices(number, where, kind, args[0], row, item)
        elif kind in ("integer", "decimal", "range"):
            item["type"] = "number"
            if kind == "range":
                params = dict(re.findall(r"(\w+)\s*=\s*(-?[\d.]+)", row.get("parameters", "")))
                item["min"] = float(params.get("start", 1))
                item["max"] = float(params.get("end", 10))
        elif kind in ("text", "note"):
            item["type"] = kind
        else:
            self._leave_out(where, row["name"], f"type '{kind}' is not an XLSForm question type")
            return None
        self._common(number, where, row, item)
        return item

    def _choices(
        self, number: int, where: str, kind: str, list_name: str, row: Row, item: dict
    ) -> None:
        if list_name not in self.reader.lists:
            if CHOICES not in self.reader.sheets:
                raise self.fail(number, f"{kind} '{row['name']}' needs a 'choices' sheet")
            raise self.fail(number, f"item '{row['name']}': unknown choice list '{list_name}'")
        choices = self.reader.lists[list_name]
        values = [r["name"] for _, r in choices]
        default_labels = [
            _first_text(self.reader.text(r, "label", where, r["name"], warn=False))
            for _, r in choices
        ]
        detected = classify_list(values, default_labels) if kind == "select_one" else "multi"
        forced = row.get("pilotkit_type")
        if forced == "single" and kind == "select_one":
            detected = "single"
        elif forced == "likert" and kind == "select_one" and detected != "agree":
            if any(whole_number(v) is None for v in values):
                raise self.fail(
                    number, f"pilotkit_type likert needs whole-number choices in '{list_name}'"
                )
            detected = "likert"
        item["_list"] = list_name
        if detected == "boolean":
            item["type"] = "boolean"
        elif detected in ("likert", "agree"):
            item["type"] = "likert"
            item["scale"] = self.scale(where, list_name, choices, recode=detected == "agree")
        else:
            item["type"] = "single" if detected == "single" else "multi"
            item["choices"] = [
                {"value": r["name"], "label": self._choice_label(n, r, list_name)}
                for n, r in choices
            ]
            spaced = [v for v in values if " " in v]
            if spaced:
                raise self.fail(number, f"list '{list_name}': choice name '{spaced[0]}' has spaces")

    def _choice_label(self, number: int, row: Row, list_name: str) -> Any:
        where = f"choices sheet, row {number} (list '{list_name}', choice '{row['name']}')"
        return self.reader.text(row, "label", where, row["name"])

    def scale(
        self, where: str, list_name: str, choices: list[tuple[int, Row]], recode: bool
    ) -> dict[str, Any]:
        labelled = [(r["name"], self._choice_label(n, r, list_name)) for n, r in choices]
        if recode:
            first = str(_first_text(labelled[0][1]))
            if _AGREE.search(first) and not _DISAGREE.search(first):
                labelled.reverse()  # stored from disagree (low) to agree (high)
            points = list(range(1, len(labelled) + 1))
            self.warnings.append(
                f"{where}: choices '{labelled[0][0]}'..'{labelled[-1][0]}' of list "
                f"'{list_name}' are stored as 1..{len(points)}"
            )
        else:
            labelled.sort(key=lambda pair: int(float(pair[0])))
            points = [int(float(value)) for value, _ in labelled]
        labels: dict[str, list[str]] = {}
        for lang in self.reader.languages:
            labels[lang] = [
                label if isinstance(label, str) else label[lang] for _, label in labelled
            ]
        scale: dict[str, Any] = {"min": points[0], "max": points[-1]}
        numbers_only = all(
            labels[lang] == [str(p) for p in points] for lang in self.reader.languages
        ) or all(
            isinstance(label, str) and label == str(p)
            for (_, label), p in zip(labelled, points, strict=True)
        )
        if not numbers_only:
            scale["labels"] = labels
        return scale

    def _common(self, number: int, where: str, row: Row, item: dict[str, Any]) -> None:
        text = self.reader.text(row, "label", where)
        if text is None:
            self.warnings.append(f"{where}: no label; its name is used as the question text")
            text = row["name"]
        item["text"] = text
        hint = self.reader.text(row, "hint", where)
        if hint is not None:
            item["hint"] = hint
        required = row.get("required", "").strip().lower()
        if required not in ("", "yes", "no", "true", "false", "1", "0", "true()", "false()"):
            self.warnings.append(
                f"{where}: required '{row['required']}' is a condition; the question is optional"
            )
        if item["type"] == "note":
            if row.get("required", "").lower() in ("no", "false", "0"):
                item["required"] = False
        elif not truthy(row.get("required")):
            item["required"] = False
        dimension = row.get("dimension")
        if dimension and item["type"] == "note":
            self.warnings.append(
                f"{where}: a note cannot belong to a dimension; 'dimension' unused"
            )
        elif dimension:
            item["dimension"] = dimension
        if truthy(row.get("reverse")):
            if item["type"] == "likert":
                item["reverse"] = True
            else:
                self.warnings.append(f"{where}: only likert items can be reverse-coded; ignored")
        if row.get("waves"):
            item["waves"] = row["waves"].split()
        section = row.get("section") or next(
            (g[1] for g in reversed(self.groups) if g[0] == "group"), None
        )
        if section:
            item["section"] = section
        conditions = [g[2] for g in self.groups if g[2]]
        if row.get("relevant"):
            conditions.append(row["relevant"])
        if conditions:
            item["relevant"] = (
                conditions[0]
                if len(conditions) == 1
                else " and ".join(f"({c})" for c in conditions)
            )
            item["_relevant_row"] = number
        self._bounds(where, row, item)
        not_kept = sorted(
            {k.partition("::")[0] for k in row if k.partition("::")[0] in _NOT_KEPT_COLUMNS}
        )
        if not_kept:
            self.warnings.append(f"{where}: not kept: {', '.join(not_kept)}")

    def _bounds(self, where: str, row: Row, item: dict[str, Any]) -> None:
        constraint = row.get("constraint")
        for key in ("min", "max"):
            if row.get(key):
                try:
                    item[key] = float(row[key])
                except ValueError:
                    self.warnings.append(f"{where}: {key} '{row[key]}' is not a number; ignored")
        if item["type"] == "number" and constraint:
            bounds = _parse_bounds(constraint)
            if bounds is not None and (
                ("min" not in item and "max" not in item)
                or (bounds.get("min") == item.get("min") and bounds.get("max") == item.get("max"))
            ):
                item.update(bounds)
                constraint = None
        if (item.get("min") is not None or item.get("max") is not None) and item[
            "type"
        ] != "number":
            self.warnings.append(f"{where}: min/max only apply to number questions; ignored")
            item.pop("min", None)
            item.pop("max", None)
        if constraint:
            item["constraint"] = constraint

    def _check_conditions(self) -> None:
        """Keep a condition only when pilotkit can evaluate it on the items it has."""
        seen: dict[str, dict[str, Any]] = {}
        for item in self.result:
            number = item.pop("_relevant_row", None)
            condition = item.get("relevant")
            if condition is not None:
                where = f"row {number}: item '{item['id']}'"
                reason = _condition_problem(condition, seen, self.left_out)
                if reason is not None:
                    self.warnings.append(
                        f"{where}: relevant '{condition}' {reason}; the item is always shown"
                    )
                    del item["relevant"]
            seen.setdefault(item["id"], item)


def _condition_problem(
    condition: str, earlier: dict[str, dict[str, Any]], left_out: dict[str, str]
) -> str | None:
    """Why pilotkit cannot keep a condition (the loader's checks, on the items read)."""
    try:
        tree = parse_relevance(condition)
    except RelevanceError as exc:
        return f"is not supported ({exc.reason}, at position {exc.position + 1})"
    for ref in sorted(referenced_items(tree)):
        if ref in left_out:
            return f"reads '{ref}', which is left out"
        if ref not in earlier:
            return f"reads '{ref}', which is not an earlier question"
        if earlier[ref]["type"] == "note":
            return f"reads '{ref}', a note without an answer"
    for ref, value in compared_values(tree):
        target = earlier[ref]
        if value == "":
            continue
        if target["type"] == "boolean" and value.lower() not in YES_WORDS | NO_WORDS:
            return f"compares yes/no question '{ref}' with '{value}'"
        choices = {c["value"] for c in target.get("choices") or []}
        if target["type"] in ("single", "multi") and value not in choices:
            return f"compares '{ref}' with '{value}', which is not one of its choices"
        if target["type"] == "likert" and whole_number(value) is None:
            return f"compares scale question '{ref}' with '{value}', not a scale point"
    return None


def _first_text(label: Any) -> str:
    return label if isinstance(label, str) else next(iter(label.values()), "")


def _parse_bounds(constraint: str) -> dict[str, float] | None:
    """`. >= 0 and . <= 120` -> {min: 0, max: 120}; None for any other constraint."""
    bounds: dict[str, float] = {}
    for part in re.split(r"\s+and\s+", constraint.strip()):
        match = _BOUND.match(part)
        if match is None:
            return None
        key = "min" if match.group(1) == ">=" else "max"
        if key in bounds:
            return None
        bounds[key] = float(match.group(2))
    return bounds or None
