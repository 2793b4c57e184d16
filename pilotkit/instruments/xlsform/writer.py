"""Write an instrument as an XLSForm (`survey`, `choices`, `settings` sheets).

ODK, KoboToolbox, SurveyCTO and pyxform read the standard columns; what XLSForm has no
column for travels in extra columns (`dimension`, `reverse`, `waves`, `min`, `max`,
`section`, `pilotkit_type`) and sheets (`dimensions`, `pilotkit`), which those tools
ignore, so `read_xlsform(write_xlsform(x))` gives back the same instrument.
"""

from __future__ import annotations

import json
from pathlib import Path

import msgspec
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from pilotkit.instruments.model import I18nText, Instrument, Item, Scale
from pilotkit.instruments.xlsform.common import (
    CHOICES,
    DIMENSIONS,
    PILOTKIT,
    SETTINGS,
    SURVEY,
    YES_NO_LABELS,
    language_header,
    number_text,
)
from pilotkit.instruments.xlsform.survey import classify_list

ChoiceRow = tuple[str, dict[str, str]]  # (value, {lang: label})


def _localized(value: I18nText | None, lang: str, default: str) -> str:
    """The text in `lang`; a plain string belongs to the default language only."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value if lang == default else ""
    return value.get(lang, "")


class _Lists:
    """Choice lists, shared between items when their choices are identical."""

    def __init__(self) -> None:
        self.rows: dict[str, list[ChoiceRow]] = {}

    def add(self, name: str, choices: list[ChoiceRow], avoid: str | None = None) -> str:
        """The name of a list with these choices: an existing one, or `name` made unique.
        `avoid` is never shared (the instrument's scale list, which marks items without
        a scale of their own)."""
        for existing, rows in self.rows.items():
            if rows == choices and existing != avoid:
                return existing
        unique, n = name, 2
        while unique in self.rows:
            unique, n = f"{name}_{n}", n + 1
        self.rows[unique] = choices
        return unique


def _scale_rows(scale: Scale, languages: list[str]) -> list[ChoiceRow]:
    rows: list[ChoiceRow] = []
    for index, point in enumerate(scale.points):
        if scale.labels is None:
            labels = dict.fromkeys(languages, str(point))
        else:
            labels = {lang: texts[index] for lang, texts in scale.labels.items()}
        rows.append((scale.names[index] if scale.names else str(point), labels))
    return rows


def _yes_no_rows(languages: list[str]) -> list[ChoiceRow]:
    yes = {lang: YES_NO_LABELS.get(lang, YES_NO_LABELS["en"])[0] for lang in languages}
    no = {lang: YES_NO_LABELS.get(lang, YES_NO_LABELS["en"])[1] for lang in languages}
    return [("yes", yes), ("no", no)]


def _bounds(item: Item) -> str | None:
    parts = []
    if item.min is not None:
        parts.append(f". >= {number_text(item.min)}")
    if item.max is not None:
        parts.append(f". <= {number_text(item.max)}")
    return " and ".join(parts) or None


class _Writer:
    def __init__(self, inst: Instrument) -> None:
        self.inst = inst
        self.languages = inst.languages
        self.default = inst.default_language
        self.lists = _Lists()
        self.scale_list: str | None = None
        if inst.scale is not None:
            self.scale_list = self.lists.add("scale", _scale_rows(inst.scale, self.languages))

    def texts(self, column: str, value: I18nText | None) -> dict[str, str]:
        return {
            f"{column}::{language_header(lang)}": _localized(value, lang, self.default)
            for lang in self.languages
        }

    def choice_type(self, item: Item) -> tuple[str, str | None]:
        """(XLSForm type, pilotkit_type when the list alone would be read differently)."""
        if item.type == "likert":
            scale = item.scale or self.inst.scale
            assert scale is not None
            if item.scale is None and self.scale_list is not None:
                name = self.scale_list
            else:
                rows = _scale_rows(scale, self.languages)
                name = self.lists.add(f"{item.id}_scale", rows, avoid=self.scale_list)
            # a 0..1 or two-point scale would read back as yes/no or a plain choice, and
            # a scale of named points as a plain choice
            marker = "likert" if scale.max - scale.min < 2 or scale.names else None
            return f"select_one {name}", marker
        if item.type == "boolean":
            return f"select_one {self.lists.add('yes_no', _yes_no_rows(self.languages))}", None
        assert item.choices is not None
        rows = [
            (c.value, {lang: _localized(c.label, lang, self.default) for lang in self.languages})
            for c in item.choices
        ]
        name = self.lists.add(item.id, rows)
        if item.type == "multi":
            return f"select_multiple {name}", None
        return f"select_one {name}", "single" if _looks_scored(rows) else None

    def item_row(self, item: Item) -> dict[str, str | float]:
        marker = None
        if item.type in ("likert", "boolean", "single", "multi"):
            kind, marker = self.choice_type(item)
        else:
            kind = {"number": "decimal", "text": "text", "note": "note"}[item.type]
        row: dict[str, str | float] = {"type": kind, "name": item.id}
        row.update(self.texts("label", item.text))
        row.update(self.texts("hint", item.hint))
        if item.type == "note":
            row["required"] = "" if item.required else "no"
        else:
            row["required"] = "yes" if item.required else ""
        row["relevant"] = item.relevant or ""
        row["constraint"] = item.constraint or (_bounds(item) if item.type == "number" else "")
        row["constraint"] = row["constraint"] or ""
        row["dimension"] = item.dimension or ""
        row["reverse"] = "yes" if item.reverse else ""
        row["waves"] = " ".join(item.waves) if item.waves is not None else ""
        row["min"] = item.min if item.min is not None else ""
        row["max"] = item.max if item.max is not None else ""
        scale = self.inst.scale_of(item)
        if scale is not None and scale.names and scale.min != 1:
            row["min"] = scale.min  # the first point of a scale of named points
        row["pilotkit_type"] = marker or ""
        rank_of = item.rank_of
        row["pilotkit_rank_of"] = f"{rank_of.question} {rank_of.choice}" if rank_of else ""
        return row

    def group_row(self, section: str, name: str) -> dict[str, str | float]:
        row: dict[str, str | float] = {"type": "begin_group", "name": name}
        if any(d.id == section for d in self.inst.dimensions):
            label = self.inst.dimension(section).label
            if isinstance(label, str):
                row.update({f"label::{language_header(lang)}": label for lang in self.languages})
            else:
                row.update(self.texts("label", label))
        elif any(s.id == section for s in self.inst.sections):
            entry = self.inst.section(section)
            row.update(self.texts("label", entry.title))
            if entry.description is not None:
                row.update(self.texts("hint", entry.description))
        else:  # no title of its own: its name, in every language
            row.update({f"label::{language_header(lang)}": section for lang in self.languages})
        return row

    def survey_rows(self) -> list[dict[str, str | float]]:
        """Items in order; consecutive items of one section form a group."""
        rows: list[dict[str, str | float]] = []
        section: str | None = None
        group_name = ""
        used: set[str] = {i.id for i in self.inst.items}
        for item in self.inst.items:
            if item.section != section:
                if section is not None:
                    rows.append({"type": "end_group"})
                if item.section is not None:
                    group_name, n = item.section, 2
                    while group_name in used:  # group names share the items' namespace
                        group_name, n = f"{item.section}_{n}", n + 1
                    used.add(group_name)
                    rows.append(self.group_row(item.section, group_name))
                section = item.section
            row = self.item_row(item)
            if item.section is not None and group_name != item.section:
                row["section"] = item.section
            rows.append(row)
        if section is not None:
            rows.append({"type": "end_group"})
        return rows


def _looks_scored(rows: list[ChoiceRow]) -> bool:
    """Whether the reader would take this list for a scale or yes/no (so mark it single)."""
    return classify_list([value for value, _ in rows], []) != "single"


def _write_sheet(sheet: Worksheet, rows: list[dict[str, str | float]], columns: list[str]) -> None:
    used = [c for c in columns if any(r.get(c, "") != "" for r in rows) or c in ("type", "name")]
    sheet.append(used)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([row.get(c, "") if row.get(c, "") != "" else None for c in used])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                # text, not a formula (a label may well start with "=")
                cell.data_type = "s"
                cell.quotePrefix = True
    sheet.freeze_panes = "A2"
    for index, column in enumerate(used, start=1):
        width = 12 if column in ("type", "name") else 18
        if column.startswith(("label", "hint")):
            width = 48
        sheet.column_dimensions[sheet.cell(1, index).column_letter].width = width


def _pilotkit_rows(inst: Instrument, scale_list: str | None) -> list[dict[str, str | float]]:
    data = msgspec.to_builtins(inst)
    rows: list[dict[str, str | float]] = [
        {"key": "languages", "value": json.dumps(inst.languages, ensure_ascii=False)}
    ]
    if not isinstance(inst.title, str):
        rows.append({"key": "title", "value": json.dumps(inst.title, ensure_ascii=False)})
    for key in (
        "anonymous",
        "description",
        "intro",
        "waves",
        "focus_group_guide",
        "translation_status",
        "register",
        "sections",
    ):
        if key in data:
            rows.append({"key": key, "value": json.dumps(data[key], ensure_ascii=False)})
    if scale_list is not None:
        rows.append({"key": "scale_list", "value": json.dumps(scale_list)})
    return rows


def write_xlsform(inst: Instrument, path: str | Path) -> Path:
    """Write `inst` as an XLSForm workbook at `path` and return the path."""
    path = Path(path)
    writer = _Writer(inst)
    survey_rows = writer.survey_rows()
    headers = [language_header(lang) for lang in inst.languages]
    survey_columns = [
        "type",
        "name",
        *(f"label::{h}" for h in headers),
        *(f"hint::{h}" for h in headers),
        "required",
        "relevant",
        "constraint",
        "dimension",
        "reverse",
        "waves",
        "min",
        "max",
        "section",
        "pilotkit_type",
    ]
    if any(item.rank_of for item in inst.items):
        survey_columns.append("pilotkit_rank_of")
    workbook = Workbook()
    survey = workbook.active
    assert survey is not None
    survey.title = SURVEY
    _write_sheet(survey, survey_rows, survey_columns)

    choice_rows: list[dict[str, str | float]] = []
    for list_name, choices in writer.lists.rows.items():
        for value, labels in choices:
            row: dict[str, str | float] = {"list_name": list_name, "name": value}
            row.update({f"label::{language_header(k)}": v for k, v in labels.items()})
            choice_rows.append(row)
    choice_columns = ["list_name", "name", *(f"label::{h}" for h in headers)]
    _write_sheet(workbook.create_sheet(CHOICES), choice_rows, choice_columns)

    settings = {
        "form_id": inst.id,
        "form_title": inst.text(inst.title),
        "version": str(inst.version),
        "default_language": language_header(inst.default_language),
    }
    _write_sheet(workbook.create_sheet(SETTINGS), [settings], list(settings))

    if inst.dimensions:
        dim_rows: list[dict[str, str | float]] = []
        for dim in inst.dimensions:
            row = {"id": dim.id}
            row.update(writer.texts("label", dim.label))
            row.update(writer.texts("description", dim.description))
            dim_rows.append(row)
        columns = ["id", *(f"label::{h}" for h in headers), *(f"description::{h}" for h in headers)]
        _write_sheet(workbook.create_sheet(DIMENSIONS), dim_rows, columns)

    _write_sheet(
        workbook.create_sheet(PILOTKIT),
        _pilotkit_rows(inst, writer.scale_list),
        ["key", "value"],
    )
    workbook.save(path)
    return path
