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
from pilotkit.instruments.validation import IDENTIFIER
from pilotkit.instruments.xlsform.common import (
    CHOICES,
    DIMENSIONS,
    PILOTKIT,
    PILOTKIT_KEYS,
    SETTINGS,
    SURVEY,
    LanguageNameError,
    XLSFormError,
    language_code,
    truthy,
)
from pilotkit.instruments.xlsform.sheets import Row, Sheet, read_sheets
from pilotkit.instruments.xlsform.survey import SurveyReader, classify_list, whole_number

_SLUG_JUNK = re.compile(r"[^a-z0-9_-]+")


@dataclass
class ImportResult:
    """The instrument read from a form, and one line per thing that could not be mapped."""

    instrument: Instrument
    warnings: list[str] = field(default_factory=list)


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


class FormReader:
    def __init__(
        self,
        path: Path,
        sheets: dict[str, Sheet],
        id_override: str | None,
        dimensions_from_groups: bool = False,
    ) -> None:
        self.path = path
        self.dimensions_from_groups = dimensions_from_groups
        self.group_labels: dict[str, Any] = {}
        self.group_hints: dict[str, Any] = {}
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
        try:
            return language_code(spec)
        except LanguageNameError as exc:
            raise XLSFormError(
                f"{self.path}: {where}: cannot tell the language code: {exc} "
                "(write it as 'Name (code)', e.g. 'label::Kiswahili (sw)')"
            ) from None

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
            if spec or code not in texts:
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
        # the default language's text, else the first language (in the form's order) given
        source = next(lang for lang in self.languages if lang in texts)
        if missing and warn:
            langs = ", ".join(f"'{lang}'" for lang in missing)
            self.warnings.append(f"{where}: no {langs} {column}; the '{source}' one is used")
        for lang in missing:
            texts[lang] = texts[source]
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
        return {name: self._distinct(name, rows) for name, rows in lists.items()}

    def _distinct(self, list_name: str, rows: list[tuple[int, Row]]) -> list[tuple[int, Row]]:
        """A list's choices with each name once. pyxform refuses a repeated name unless the
        settings say `allow_choice_duplicates: yes`; then an answer cannot tell the two
        apart, so the later ones are merged into the first (each reported)."""
        first: dict[str, int] = {}
        kept: list[tuple[int, Row]] = []
        repeats: list[str] = []
        for number, row in rows:
            name = row["name"]
            if name not in first:
                first[name] = number
                kept.append((number, row))
                continue
            repeats.append(f"'{name}' in rows {first[name]} and {number}")
            if truthy(self.settings.get("allow_choice_duplicates")):
                self.warnings.append(
                    f"choices sheet, row {number}: list '{list_name}': choice '{name}' repeats "
                    f"row {first[name]}; answers cannot tell them apart, so it is merged "
                    "into the first"
                )
        if repeats and not truthy(self.settings.get("allow_choice_duplicates")):
            raise XLSFormError(
                f"{self.path}: choices sheet, list '{list_name}': repeated choice names "
                f"({'; '.join(repeats)}); rename them, or set allow_choice_duplicates "
                "to yes in the settings sheet"
            )
        return kept

    def _group_dimensions(self, items: list[dict[str, Any]]) -> None:
        """Each group's scale items (innermost group) form a dimension named after it."""
        for item in items:
            group = item.get("_group")
            if group and item["type"] == "likert" and "dimension" not in item:
                item["dimension"] = group

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
                label = self.group_labels.get(dim_id) or _titled(dim_id)
                dims.append({"id": dim_id, "label": label})
                known.add(dim_id)
        return dims

    def _sections(self, items: list[dict[str, Any]], dims: list[dict[str, Any]]) -> list[Any]:
        """Titles of the pages made from groups that are not dimensions: the group's label
        (and its hint, the text under the title). A workbook written by pilotkit names in
        its pilotkit sheet the sections that have a title; its other groups are labelled
        with their bare names and stay without one."""
        dimension_ids = {d["id"] for d in dims}
        pages = [
            item["section"]
            for item in items
            if item.get("_group") and item.get("section") == item["_group"]
        ]
        groups = [g for g in dict.fromkeys(pages) if g not in dimension_ids and IDENTIFIER.match(g)]
        if PILOTKIT in self.sheets:
            listed = self.extras.get("sections")
            entries = [dict(e) for e in listed if isinstance(e, dict)] if listed else []
        else:
            entries = [{"id": g} for g in groups if self.group_labels.get(g) is not None]
        for entry in entries:
            group = entry.get("id")
            if group in groups and self.group_labels.get(group) is not None:
                entry["title"] = self.group_labels[group]
                if group in self.group_hints:
                    entry["description"] = self.group_hints[group]
        return entries

    def _instrument_scale(self, survey: SurveyReader, items: list[dict[str, Any]]) -> Any:
        """The instrument's scale: the list the pilotkit sheet names, else the likert list
        most items use (a form written by pilotkit without `scale_list` has none). Likert
        items on it drop their own copy."""
        likert = [i for i in items if i["type"] == "likert" and i.get("_list") is not None]
        scale_list = self.extras.get("scale_list")
        if scale_list is None and (not likert or PILOTKIT in self.sheets):
            return None
        if scale_list is None:
            lists = Counter(i["_list"] for i in likert if i.get("_list") is not None)
            if not lists:
                return None
            scale_list = lists.most_common(1)[0][0]
        if scale_list not in self.lists:
            raise XLSFormError(f"{self.path}: pilotkit sheet: unknown scale list '{scale_list}'")
        on_list = [item for item in likert if item["_list"] == scale_list]
        if on_list:
            shared = on_list[0]["scale"]
            for item in on_list:
                if item["scale"] == shared:  # others keep theirs (a named scale from 0)
                    del item["scale"]
            return shared
        choices = self.lists[scale_list]
        where = f"choices sheet, list '{scale_list}'"
        values = [row["name"] for _, row in choices]
        mode = "likert" if all(whole_number(v) is not None for v in values) else "named"
        if classify_list(values, values) == "agree":
            mode = "agree"
        return survey.scale(where, scale_list, choices, mode=mode)

    # -- the whole form ----------------------------------------------------------------

    def instrument(self) -> dict[str, Any]:
        if SURVEY not in self.sheets:
            raise XLSFormError(f"{self.path}: no 'survey' sheet")
        survey = SurveyReader(self)
        items = survey.items()
        self.group_labels = survey.group_labels
        self.group_hints = survey.group_hints
        if self.dimensions_from_groups:
            self._group_dimensions(items)
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
        for key in ("anonymous", "description", "intro", "waves", "register"):
            if key in self.extras:
                data[key] = self.extras[key]
        scale = self._instrument_scale(survey, items)
        if scale is not None:
            data["scale"] = scale
        used = list(dict.fromkeys(i["dimension"] for i in items if "dimension" in i))
        dims = self._dimensions(used)
        if dims:
            data["dimensions"] = dims
        sections = self._sections(items, dims)
        if sections:
            data["sections"] = sections
        for item in items:
            item.pop("_list", None)
            item.pop("_group", None)
        data["items"] = items
        if "focus_group_guide" in self.extras:
            data["focus_group_guide"] = self.extras["focus_group_guide"]
        if isinstance(self.extras.get("translation_status"), dict):
            # offered languages keep their status; ones still being translated are not
            # in the workbook's label columns and are left out with it
            data["translation_status"] = {
                lang: status
                for lang, status in self.extras["translation_status"].items()
                if lang in self.languages
            }
        return data


def _titled(identifier: str) -> str:
    text = re.sub(r"[_-]+", " ", identifier).strip()
    return text[:1].upper() + text[1:] if text else identifier


def read_xlsform(
    path: str | Path,
    *,
    instrument_id: str | None = None,
    dimensions_from_groups: bool = False,
) -> ImportResult:
    """Read an XLSForm workbook; raises XLSFormError, or InstrumentError if the result
    does not pass the strict loader's checks. With `dimensions_from_groups`, the scale
    items of each group (without a `dimension` of their own) form a dimension named and
    labelled after the group."""
    path = Path(path)
    reader = FormReader(path, read_sheets(path), instrument_id, dimensions_from_groups)
    data = reader.instrument()
    instrument = instrument_from_mapping(data, str(path))
    return ImportResult(instrument, reader.warnings)


__all__ = ["ImportResult", "XLSFormError", "read_xlsform"]
