"""Read an XLSForm (ODK, KoboToolbox, SurveyCTO, Ona) into an instrument.

Questions pilotkit can ask are mapped (see docs/xlsform.md); everything else (calculate,
geopoint, media, repeat groups, unsupported conditions, ...) is listed in the warnings,
one line per row, naming the row and the reason. Errors that make the form unusable
(no survey sheet, an unknown choice list, unbalanced groups) raise XLSFormError.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pilotkit.instruments.loader import instrument_from_mapping
from pilotkit.instruments.model import Instrument
from pilotkit.instruments.relevance import (
    RelevanceError,
    compared_values,
    parse_relevance,
    referenced_items,
)
from pilotkit.instruments.xlsform.common import (
    CHOICES,
    DIMENSIONS,
    NO_WORDS,
    PILOTKIT,
    PILOTKIT_KEYS,
    SETTINGS,
    SURVEY,
    YES_WORDS,
    XLSFormError,
    language_code,
    number_text,
    truthy,
)
from pilotkit.instruments.xlsform.sheets import Row, Sheet, read_sheets

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
_SLUG_JUNK = re.compile(r"[^a-z0-9_-]+")


@dataclass
class ImportResult:
    """The instrument read from a form, and one line per thing that could not be mapped."""

    instrument: Instrument
    warnings: list[str] = field(default_factory=list)


def classify_list(values: list[str], labels: list[str]) -> str:
    """`boolean`, `likert` (1..N numbers), `agree` (agree/disagree words) or `single`."""
    lowered = {v.strip().lower() for v in values}
    if len(values) == 2 and any(
        lowered == {yes, no} for yes in YES_WORDS for no in NO_WORDS if yes != no
    ):
        return "boolean"
    numbers = [_integer(v) for v in values]
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


def _integer(text: str) -> int | None:
    try:
        number = float(text)
    except ValueError:
        return None
    return int(number) if number.is_integer() else None


def _slug(text: str) -> str:
    return _SLUG_JUNK.sub("-", text.strip().lower()).strip("-_") or "imported-form"


def _version(text: str | None, warn: list[str]) -> int:
    if not text:
        return 1
    digits = re.sub(r"\D", "", text)
    if text.strip().isdigit():
        return int(text)
    if re.match(r"^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}([ T]\d{1,2}:\d{2}(:\d{2})?)?$", text.strip()):
        return int(digits)  # a date: 2024-03-15 -> 20240315
    if re.match(r"^v?\d+$", text.strip(), re.IGNORECASE):
        return int(digits)
    warn.append(f"settings: version '{text}' is not a number; version 1 is used")
    return 1


class _Reader:
    def __init__(self, path: Path, sheets: dict[str, Sheet], id_override: str | None) -> None:
        self.path = path
        self.sheets = sheets
        self.id_override = id_override
        self.warnings: list[str] = []
        self.settings: Row = sheets[SETTINGS].rows[0][1] if sheets.get(SETTINGS) else {}
        self.extras = self._pilotkit_sheet()
        self.languages = self._languages()
        self.default = self.languages[0]
        self.lists = self._choice_lists()

    # -- languages and texts -----------------------------------------------------------

    def _code(self, spec: str, where: str) -> str:
        code = language_code(spec)
        if code is None:
            raise XLSFormError(
                f"{self.path}: {where}: cannot tell the language code of '{spec}' "
                "(write it as 'Name (code)', e.g. 'label::Kiswahili (sw)')"
            )
        return code

    def _languages(self) -> list[str]:
        found: list[str] = []
        if declared := self.extras.get("languages"):
            found.extend(declared)
        if spec := self.settings.get("default_language"):
            code = self._code(spec, "settings, default_language")
            if code not in found:
                found.insert(0, code)
        plain = False
        for name in (SURVEY, CHOICES, DIMENSIONS):
            for _, row in self.sheets[name].rows if name in self.sheets else []:
                for key in row:
                    base, _, spec = key.partition("::")
                    if base not in ("label", "hint", "description"):
                        continue
                    if not spec:
                        plain = True
                        continue
                    code = self._code(spec, f"{name} sheet, column '{key}'")
                    if code not in found:
                        found.append(code)
        if plain and not self.extras.get("languages") and "default_language" not in self.settings:
            # a plain `label` column without a declared language is taken as English
            found = ["en", *(code for code in found if code != "en")]
        return found or ["en"]

    def text(
        self, row: Row, column: str, where: str, fallback: str | None = None, warn: bool = True
    ) -> Any:
        """A multilingual text from `column::Lang (xx)` cells (plain `column` = default)."""
        texts: dict[str, str] = {}
        for key, value in row.items():
            base, _, spec = key.partition("::")
            if base != column:
                continue
            code = language_code(spec) if spec else self.default
            if code is not None and (spec or code not in texts):
                texts[code] = value
        if not texts:
            return fallback
        missing = [lang for lang in self.languages if lang not in texts]
        if missing == self.languages[1:] and self.default in texts:
            # pilotkit writes a default-language-only text this way on purpose
            if warn and missing and PILOTKIT not in self.sheets:
                langs = ", ".join(f"'{lang}'" for lang in missing)
                self.warnings.append(
                    f"{where}: no {langs} {column}; the '{self.default}' one is shown instead"
                )
            return texts[self.default]  # default language only: a plain string
        source = texts.get(self.default) or next(iter(texts.values()))
        for lang in missing:
            if warn:
                self.warnings.append(
                    f"{where}: no '{lang}' {column}; the '{self.default}' one is used"
                )
            texts[lang] = source
        return {lang: texts[lang] for lang in self.languages}

    # -- sheets ------------------------------------------------------------------------

    def _pilotkit_sheet(self) -> dict[str, Any]:
        extras: dict[str, Any] = {}
        for number, row in self.sheets[PILOTKIT].rows if PILOTKIT in self.sheets else []:
            key, value = row.get("key", ""), row.get("value", "")
            if key not in PILOTKIT_KEYS:
                self.warnings.append(f"pilotkit sheet, row {number}: unknown key '{key}' ignored")
                continue
            try:
                extras[key] = json.loads(value)
            except json.JSONDecodeError as exc:
                raise XLSFormError(
                    f"{self.path}: pilotkit sheet, row {number}: '{key}' is not valid JSON: {exc}"
                ) from None
        return extras

    def _choice_lists(self) -> dict[str, list[tuple[int, Row]]]:
        lists: dict[str, list[tuple[int, Row]]] = {}
        for number, row in self.sheets[CHOICES].rows if CHOICES in self.sheets else []:
            if "list_name" not in row or "name" not in row:
                if row.keys() - {"list_name", "name"}:
                    self.warnings.append(f"choices sheet, row {number}: no list_name or name")
                continue
            lists.setdefault(row["list_name"], []).append((number, row))
        return lists

    def _dimensions(self, used: list[str]) -> list[dict[str, Any]]:
        dims: list[dict[str, Any]] = []
        for number, row in self.sheets[DIMENSIONS].rows if DIMENSIONS in self.sheets else []:
            if "id" not in row:
                continue
            where = f"dimensions sheet, row {number}"
            dim: dict[str, Any] = {"id": row["id"]}
            dim["label"] = self.text(row, "label", where, _titled(row["id"]))
            description = self.text(row, "description", where)
            if description is not None:
                dim["description"] = description
            dims.append(dim)
        known = {d["id"] for d in dims}
        for dim_id in used:
            if dim_id not in known:
                dims.append({"id": dim_id, "label": _titled(dim_id)})
                known.add(dim_id)
        return dims

    def _instrument_scale(self, survey: _SurveyReader, items: list[dict[str, Any]]) -> Any:
        """The instrument's scale: the list the pilotkit sheet names, else the likert list
        most items use (a form written by pilotkit without `scale_list` has none). Likert
        items on it drop their own copy."""
        likert = [i for i in items if i["type"] == "likert"]
        scale_list = self.extras.get("scale_list")
        if scale_list is None and (not likert or PILOTKIT in self.sheets):
            return None
        if scale_list is None:
            scale_list = Counter(i["_list"] for i in likert).most_common(1)[0][0]
        if scale_list not in self.lists:
            raise XLSFormError(f"{self.path}: pilotkit sheet: unknown scale list '{scale_list}'")
        shared = None
        for item in likert:
            if item["_list"] == scale_list:
                shared = item.pop("scale")
        if shared is not None:
            return shared
        choices = self.lists[scale_list]
        where = f"choices sheet, list '{scale_list}'"
        values = [row["name"] for _, row in choices]
        recode = classify_list(values, values) == "agree"
        if not recode and any(_integer(v) is None for v in values):
            raise XLSFormError(f"{self.path}: {where}: a scale needs whole-number choice names")
        return survey.scale(where, scale_list, choices, recode=recode)

    # -- the whole form ----------------------------------------------------------------

    def instrument(self) -> dict[str, Any]:
        if SURVEY not in self.sheets:
            raise XLSFormError(f"{self.path}: no 'survey' sheet")
        survey = _SurveyReader(self)
        items = survey.items()
        if not items:
            raise XLSFormError(f"{self.path}: no question pilotkit can ask in the survey sheet")
        form_id = self.settings.get("form_id") or self.path.stem
        inst_id = self.id_override or _slug(form_id)
        if self.id_override is None and inst_id != form_id:
            self.warnings.append(f"settings: form_id '{form_id}' is used as id '{inst_id}'")
        title = self.extras.get("title") or self.settings.get("form_title") or _titled(inst_id)
        data: dict[str, Any] = {
            "id": inst_id,
            "version": _version(self.settings.get("version"), self.warnings),
            "title": title,
            "languages": self.languages,
        }
        for key in ("anonymous", "description", "intro", "waves"):
            if key in self.extras:
                data[key] = self.extras[key]
        scale = self._instrument_scale(survey, items)
        if scale is not None:
            data["scale"] = scale
        used = list(dict.fromkeys(i["dimension"] for i in items if "dimension" in i))
        dims = self._dimensions(used)
        if dims:
            data["dimensions"] = dims
        for item in items:
            item.pop("_list", None)
        data["items"] = items
        if "focus_group_guide" in self.extras:
            data["focus_group_guide"] = self.extras["focus_group_guide"]
        return data


def _titled(identifier: str) -> str:
    text = re.sub(r"[_-]+", " ", identifier).strip()
    return text[:1].upper() + text[1:] if text else identifier


class _SurveyReader:
    """Walks the survey sheet: groups, questions, and what cannot be mapped."""

    def __init__(self, reader: _Reader) -> None:
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
            if not self._choices(number, where, kind, args[0], row, item):
                return None
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
    ) -> bool:
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
        if forced in ("likert", "single", "boolean"):
            detected = forced
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
        return True

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
        if target["type"] == "likert" and _integer(value) is None:
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


def read_xlsform(path: str | Path, *, instrument_id: str | None = None) -> ImportResult:
    """Read an XLSForm workbook; raises XLSFormError, or InstrumentError if the result
    does not pass the strict loader's checks."""
    path = Path(path)
    reader = _Reader(path, read_sheets(path), instrument_id)
    data = reader.instrument()
    instrument = instrument_from_mapping(data, str(path))
    return ImportResult(instrument, reader.warnings)


__all__ = ["ImportResult", "XLSFormError", "classify_list", "number_text", "read_xlsform"]
