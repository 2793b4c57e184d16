"""The survey sheet: questions, groups, skip logic, and what cannot be mapped.

Each row is mapped to an item (as plain data, checked later by the strict loader) or
reported in the warnings with its row number and the reason it is left out.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from pilotkit.instruments.piping import GAP, replace_references
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
    number_text,
    truthy,
)
from pilotkit.instruments.xlsform.sheets import Row

if TYPE_CHECKING:
    from pilotkit.instruments.xlsform.reader import FormReader

#: Why a question type pyxform accepts is left out, by what pyxform binds it to.
_LEFT_OUT_BY_BIND = {
    "geopoint": "location questions are not supported",
    "geotrace": "location questions are not supported",
    "geoshape": "location questions are not supported",
    "date": "date questions are not supported",
    "time": "time questions are not supported",
    "dateTime": "date-time questions are not supported",
    "barcode": "barcode questions are not supported",
}
_LEFT_OUT_BY_TAG = {
    "upload": "photo, audio, video and file questions are not supported",
    "trigger": "acknowledge questions are not supported",
    "odk:rank": "ranking questions are not supported",
}
_LEFT_OUT_TYPES = {
    "calculate": "calculated fields are not supported",
    "hidden": "hidden fields are not supported",
    "image": "photo questions are not supported",
    "photo": "photo questions are not supported",
    "audio": "audio questions are not supported",
    "video": "video questions are not supported",
    "file": "file uploads are not supported",
    "background-audio": "audio recording is not supported",
    "background-geopoint": "location questions are not supported",
    "xml-external": "external data is not supported",
    "csv-external": "external data is not supported",
    "entity": "entities are not supported",
}
_METADATA_TYPES = {
    "start", "end", "today", "deviceid", "subscriberid", "simserial", "phonenumber",
    "username", "email", "audit", "start-geopoint", "imei",
}  # fmt: skip
_NOTE_TYPES = {"note", "q note", "add note prompt"}
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
#: Spellings of group commands pilotkit also reads (pyxform's own are matched below).
_GROUP = re.compile(
    r"^(?P<end>begin|end)[ _](?P<kind>group|lgroup|repeat|loop|looped group)( .*)?$",
    re.IGNORECASE,
)
_REPEAT_KINDS = {"repeat", "lgroup", "loop", "looped group"}
_EXTRA_SELECTS = {"select multiple": "select all that apply"}
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
        self.group_labels: dict[str, Any] = {}  # group name -> label (texts)
        self.group_hints: dict[str, Any] = {}  # group name -> hint (texts), when given
        self.recoded: set[str] = set()  # agree/disagree lists already reported

    def fail(self, number: int, message: str) -> XLSFormError:
        return XLSFormError(f"{self.path}: survey sheet, row {number}: {message}")

    def items(self) -> list[dict[str, Any]]:
        for number, row in self.reader.sheets[SURVEY].rows:
            self.row(number, row)
        if self.groups:
            kind, name, _, number = self.groups[-1]
            raise self.fail(number, f"begin_{kind} '{name}' is never closed with end_{kind}")
        self._check_conditions()
        self._check_references()
        for item in self.result:
            item.pop("_row", None)
        return self.result

    def row(self, number: int, row: Row) -> None:
        raw_type = re.sub(r"\s+", " ", row.get("type", "").strip())
        if not raw_type:
            if row.get("name") or any(k.startswith("label") for k in row):
                self.warnings.append(f"row {number}: no type; the row is left out")
            return
        name = row.get("name", "")
        group = _GROUP.match(raw_type)
        if group is not None:
            self._group(number, row, group.group("end").lower(), group.group("kind").lower())
            return
        where = f"row {number}: item '{name}'" if name else f"row {number}"
        select = _parse_select(raw_type)
        kind = select[0] if select else _question_type(raw_type)
        if not name:
            self.warnings.append(f"{where}: a {raw_type} without a name is left out")
            return
        repeat = next((g[1] for g in self.groups if g[0] == "repeat"), None)
        if repeat is not None:
            self._leave_out(where, name, f"inside repeat group '{repeat}'")
            return
        if select is not None and select[0] == "rank":
            self._rank(number, where, select[1], row)
            return
        reason = _left_out(raw_type, kind, select)
        if reason is not None:
            self._leave_out(where, name, reason)
            return
        item = self.question(number, where, kind, select, row)
        if item is not None:
            item["_row"] = number
            self.result.append(item)

    def _group(self, number: int, row: Row, command: str, kind: str) -> None:
        group_kind = "repeat" if kind in _REPEAT_KINDS else "group"
        name = row.get("name", "")
        if command == "begin":
            if group_kind == "repeat":
                self.warnings.append(
                    f"row {number}: repeat group '{name}': repeats are not supported; "
                    "its questions are left out"
                )
            label = self.reader.text(row, "label", f"row {number}: group '{name}'", warn=False)
            self.groups.append((group_kind, name, row.get("relevant"), number))
            self.group_labels[name] = label
            hint = self.reader.text(row, "hint", f"row {number}: group '{name}'", warn=False)
            if hint is not None:
                self.group_hints[name] = hint
            return
        if not self.groups or self.groups[-1][0] != group_kind:
            raise self.fail(number, f"end_{group_kind} without a matching begin_{group_kind}")
        self.groups.pop()

    def _leave_out(self, where: str, name: str, reason: str) -> None:
        self.warnings.append(f"{where}: {reason}; left out")
        self.left_out[name] = reason

    def question(
        self,
        number: int,
        where: str,
        kind: str,
        select: tuple[str, str, bool] | None,
        row: Row,
    ) -> dict[str, Any] | None:
        item: dict[str, Any] = {"id": row["name"]}
        if select is not None:
            command, list_name, or_other = select
            if or_other:
                self.warnings.append(f"{where}: 'or_other' is not kept (no 'other' choice)")
            self._choices(number, where, command, list_name, row, item)
        elif kind == "range":
            self._range(where, row, item)
        elif kind in ("number", "text", "note"):
            item["type"] = kind
            rank_of = row.get("pilotkit_rank_of", "").split(" ", 1)
            if kind == "number" and len(rank_of) == 2 and all(rank_of):
                item["rank_of"] = {"question": rank_of[0], "choice": rank_of[1]}
        else:
            self._leave_out(where, row["name"], f"type '{kind}' is not an XLSForm question type")
            return None
        self._common(number, where, row, item)
        return item

    def _rank(self, number: int, where: str, list_name: str, row: Row) -> None:
        """A ranking question becomes one number item per choice holding the position
        the participant gave it (1 = first), so each choice's rank can be compared
        between waves; the items share the question's text, skip logic and group."""
        if list_name not in self.reader.lists:
            raise self.fail(number, f"item '{row['name']}': unknown choice list '{list_name}'")
        choices = self.reader.lists[list_name]
        shared: dict[str, Any] = {"id": row["name"], "type": "number"}
        self._common(number, where, row, shared)
        shared.pop("constraint", None)
        taken = {i["id"] for i in self.result}
        ids: list[str] = []
        for choice_number, choice in choices:
            item = {**shared, "id": _rank_item_id(row["name"], choice["name"], taken)}
            label = self._choice_label(choice_number, choice, list_name)
            item["text"] = _joined_text(shared["text"], label)
            item["min"], item["max"] = 1, len(choices)
            item["rank_of"] = {"question": row["name"], "choice": choice["name"]}
            item["_row"] = number
            taken.add(item["id"])
            ids.append(item["id"])
            self.result.append(item)
        self.warnings.append(
            f"{where}: ranking question asked as {len(ids)} number items, one per choice, "
            f"each holding the choice's position 1..{len(ids)} ({', '.join(ids)})"
        )

    def _range(self, where: str, row: Row, item: dict[str, Any]) -> None:
        """A range of whole steps of one (at most 11 points) is a scale; any other a number."""
        params = {"start": 1.0, "end": 10.0, "step": 1.0}
        for key, value in re.findall(r"(\w+)\s*=\s*(-?[\d.]+)", row.get("parameters", "")):
            if key in params:
                params[key] = float(value)
        low, high, step = params["start"], params["end"], params["step"]
        whole = all(float(v).is_integer() for v in (low, high)) and step == 1
        if whole and 1 <= high - low <= 10:
            item["type"] = "likert"
            item["_list"] = None
            item["scale"] = {"min": int(low), "max": int(high)}
            return
        item["type"] = "number"
        item["min"], item["max"] = min(low, high), max(low, high)
        if step != 1:
            self.warnings.append(f"{where}: range step {number_text(step)} is not kept")

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
        elif forced == "likert" and kind == "select_one":
            numbers = all(whole_number(v) is not None for v in values)
            detected = "likert" if numbers else "named"
        item["_list"] = list_name
        if detected == "boolean":
            item["type"] = "boolean"
        elif detected in ("likert", "agree", "named"):
            item["type"] = "likert"
            start = 1
            if detected == "named" and row.get("min"):
                first = whole_number(row["min"])
                start = 1 if first is None else first
                item["_named_min"] = True
            item["scale"] = self.scale(where, list_name, choices, mode=detected, start=start)
        else:
            if kind == "select_multiple":
                self._no_spaces(number, list_name, choices, row["name"])
            item["type"] = "single" if detected == "single" else "multi"
            item["choices"] = [
                {"value": r["name"], "label": self._choice_label(n, r, list_name)}
                for n, r in choices
            ]

    def _no_spaces(
        self, number: int, list_name: str, choices: list[tuple[int, Row]], item_id: str
    ) -> None:
        """A select_multiple answer is its choice names joined by spaces: pyxform refuses
        names with spaces there, and so does pilotkit (every such choice named)."""
        spaced = [(n, r["name"]) for n, r in choices if " " in r["name"]]
        if not spaced:
            return
        rows = ", ".join(f"row {n} ('{name}')" for n, name in spaced)
        raise XLSFormError(
            f"{self.path}: choices sheet, list '{list_name}': choice names with spaces cannot "
            f"be used by select_multiple '{item_id}' (survey sheet, row {number}): {rows}"
        )

    def _choice_label(self, number: int, row: Row, list_name: str) -> Any:
        where = f"choices sheet, row {number} (list '{list_name}', choice '{row['name']}')"
        return self.reader.text(row, "label", where, row["name"])

    def scale(
        self,
        where: str,
        list_name: str,
        choices: list[tuple[int, Row]],
        mode: str,
        start: int = 1,
    ) -> dict[str, Any]:
        """The scale of a choice list. `likert`: whole-number names are the points;
        `agree`: agree/disagree names become 1..N from disagree to agree; `named`: the
        names in list order become start..start+N-1. The names of the last two are kept
        (`scale.names`), so answers recorded as names are read back as points."""
        labelled = [(r["name"], self._choice_label(n, r, list_name)) for n, r in choices]
        names: list[str] | None = None
        if mode == "agree":
            first = str(_first_text(labelled[0][1]))
            if _AGREE.search(first) and not _DISAGREE.search(first):
                labelled.reverse()  # stored from disagree (low) to agree (high)
            points = list(range(1, len(labelled) + 1))
            names = [value for value, _ in labelled]
            if list_name not in self.recoded:  # once per list, at its first question
                self.recoded.add(list_name)
                self.warnings.append(
                    f"{where}: choices '{labelled[0][0]}'..'{labelled[-1][0]}' of list "
                    f"'{list_name}' are stored as 1..{len(points)} (answers given as "
                    "these names are read as the numbers)"
                )
        elif mode == "named":
            points = list(range(start, start + len(labelled)))
            names = [value for value, _ in labelled]
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
        if names is not None:
            scale["names"] = names
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
        group = next((g[1] for g in reversed(self.groups) if g[0] == "group"), None)
        if group is not None:
            item["_group"] = group
        section = row.get("section") or group
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
            if key == "min" and item.pop("_named_min", False):
                continue  # the first point of a named scale
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

    def _check_references(self) -> None:
        """Keep `${name}` in texts only when it names an earlier question that was
        imported; replace the others by a gap (`…`), one line per text."""
        earlier: dict[str, dict[str, Any]] = {}
        for item in self.result:
            where = f"row {item['_row']}: item '{item['id']}'"
            fields: list[tuple[str, dict[str, Any], str]] = [
                ("label", item, "text"),
                ("hint", item, "hint"),
            ]
            fields += [
                (f"choice '{c['value']}' label", c, "label") for c in item.get("choices") or []
            ]
            for field, holder, key in fields:
                if holder.get(key) is None:
                    continue
                dropped: dict[str, str] = {}

                def keep(name: str, dropped: dict[str, str] = dropped) -> str | None:
                    reason = _reference_problem(name, earlier, self.left_out)
                    if reason is None:
                        return None
                    dropped.setdefault(name, reason)
                    return GAP

                holder[key] = replace_references(holder[key], keep)
                for name, reason in dropped.items():
                    self.warnings.append(
                        f"{where}: {field} refers to '${{{name}}}', {reason}; shown as '{GAP}'"
                    )
            earlier.setdefault(item["id"], item)

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


def _reference_problem(
    name: str, earlier: dict[str, dict[str, Any]], left_out: dict[str, str]
) -> str | None:
    """Why a `${name}` in a text cannot show an answer (None when it can)."""
    if name in left_out:
        return "which is left out"
    if name not in earlier:
        return "which is not an earlier question"
    if earlier[name]["type"] == "note":
        return "a note without an answer"
    return None


def _rank_item_id(question: str, choice: str, taken: set[str]) -> str:
    """`<question>_<choice>`, with characters an id cannot hold replaced, unique."""
    base = f"{question}_{re.sub(r'[^A-Za-z0-9_.-]', '_', choice)}"
    candidate, suffix = base, 2
    while candidate in taken:
        candidate, suffix = f"{base}_{suffix}", suffix + 1
    return candidate


def _joined_text(question: Any, choice: Any) -> Any:
    """`<question>: <choice>` in every language either text has."""
    if isinstance(question, str) and isinstance(choice, str):
        return f"{question}: {choice}"
    q = question if isinstance(question, dict) else {}
    c = choice if isinstance(choice, dict) else {}
    languages = list(dict.fromkeys([*q, *c]))
    fallback_q = question if isinstance(question, str) else next(iter(q.values()), "")
    fallback_c = choice if isinstance(choice, str) else next(iter(c.values()), "")
    return {lang: f"{q.get(lang, fallback_q)}: {c.get(lang, fallback_c)}" for lang in languages}


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


def _parse_select(raw_type: str) -> tuple[str, str, bool] | None:
    """(`select_one`/`select_multiple`/pyxform's command, list name as written, or_other)
    for every spelling pyxform accepts (`select one from L`, `select all that apply L`,
    `select1 L`, `rank L`, `select_one_external L`, ...), else None."""
    from pyxform import aliases

    commands = {**aliases.select, **_EXTRA_SELECTS}
    lowered = raw_type.lower()
    for spelling in sorted(commands, key=len, reverse=True):
        if not lowered.startswith(spelling + " "):
            continue
        rest = raw_type[len(spelling) + 1 :].split(" ")
        other = " ".join(rest[1:]).lower()
        if other not in ("", "or_other", "or other", "or specify other"):
            continue
        canonical = commands[spelling]
        command = {"select one": "select_one", "select all that apply": "select_multiple"}.get(
            canonical, canonical
        )
        from_file = spelling.endswith(("from_file", "from file"))
        if from_file or re.search(r"\.(csv|xml|geojson)$", rest[0], re.IGNORECASE):
            command = "from_file"
        return command, rest[0], bool(other)
    return None


def _question_type(raw_type: str) -> str:
    """pilotkit's kind of a non-select type: `number`, `text`, `note`, `range`, or the
    type as written (left out later with the reason)."""
    from pyxform import aliases
    from pyxform.question_type_dictionary import QUESTION_TYPE_DICT

    spelled = aliases._type_alias_map.get(raw_type, raw_type)
    entry = QUESTION_TYPE_DICT.get(spelled) or QUESTION_TYPE_DICT.get(spelled.lower())
    lowered = spelled.lower()
    if entry is None or lowered in _METADATA_TYPES or lowered in _LEFT_OUT_TYPES:
        return raw_type.lower()
    if lowered in _NOTE_TYPES:
        return "note"
    tag = entry.get("control", {}).get("tag")
    bind = entry.get("bind", {}).get("type")
    if tag == "range":
        return "range"
    if tag == "input" and bind in ("int", "decimal"):
        return "number"
    if tag == "input" and bind == "string" and "calculate" not in lowered:
        return "text"
    return raw_type.lower()


def _left_out(raw_type: str, kind: str, select: tuple[str, str, bool] | None) -> str | None:
    """Why a row's type is left out (None when pilotkit asks it)."""
    from pyxform import aliases
    from pyxform.question_type_dictionary import QUESTION_TYPE_DICT

    if select is not None:
        command = select[0]
        if command == "from_file":
            return f"type '{raw_type}': choices from a file are not supported"
        if command == "select one external":
            return f"type '{raw_type}': choices from an external sheet are not supported"
        if command == "rank":
            return f"type '{raw_type}': ranking questions are not supported"
        return None
    if kind in ("number", "text", "note", "range"):
        return None
    spelled = aliases._type_alias_map.get(kind, kind)
    if kind in _METADATA_TYPES or spelled in _METADATA_TYPES:
        return f"metadata '{kind}' is not collected by pilotkit"
    if kind in _LEFT_OUT_TYPES or spelled in _LEFT_OUT_TYPES:
        return f"type '{kind}': {_LEFT_OUT_TYPES.get(kind) or _LEFT_OUT_TYPES[spelled]}"
    entry = QUESTION_TYPE_DICT.get(spelled) or QUESTION_TYPE_DICT.get(kind)
    if entry is None:
        return None  # not a type pyxform knows: reported by question()
    tag = entry.get("control", {}).get("tag")
    bind = entry.get("bind", {}).get("type")
    if tag is None:
        return f"metadata '{kind}' is not collected by pilotkit"
    if bind in _LEFT_OUT_BY_BIND:
        return f"type '{kind}': {_LEFT_OUT_BY_BIND[bind]}"
    if tag in _LEFT_OUT_BY_TAG:
        return f"type '{kind}': {_LEFT_OUT_BY_TAG[tag]}"
    return f"type '{kind}' is not supported"
