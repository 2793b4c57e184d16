"""Realistic XLSForms built in the test run with openpyxl (no binary fixtures)."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

Sheet = list[list[object]]


def build_workbook(path: Path, sheets: dict[str, Sheet]) -> Path:
    """Write `{sheet name: [header row, rows...]}` as an .xlsx workbook."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    return path


EN, ES = "label::English (en)", "label::Español (es)"
HEN, HES = "hint::English (en)", "hint::Español (es)"

#: A multilingual staff survey: groups, an agree/disagree 1..5 list, yes/no, skip logic.
STAFF_SURVEY: dict[str, Sheet] = {
    "survey": [
        [
            "type",
            "name",
            EN,
            ES,
            HEN,
            HES,
            "required",
            "relevant",
            "constraint",
            "dimension",
            "reverse",
        ],
        [
            "note",
            "welcome",
            "Thank you for taking part.",
            "Gracias por participar.",
            None,
            None,
            None,
            None,
            None,
            None,
            None,
        ],
        [
            "begin_group",
            "tools",
            "Your tools",
            "Sus herramientas",
            None,
            None,
            None,
            None,
            None,
            None,
            None,
        ],
        [
            "select_one agree5",
            "tools_fast",
            "The tools are fast.",
            "Las herramientas son rápidas.",
            None,
            None,
            "yes",
            None,
            None,
            "productivity",
            None,
        ],
        [
            "select_one agree5",
            "tools_wait",
            "I wait for the tools.",
            "Espero a las herramientas.",
            None,
            None,
            "yes",
            None,
            None,
            "productivity",
            "yes",
        ],
        ["end_group", None, None, None, None, None, None, None, None, None, None],
        [
            "select_one yes_no",
            "used_app",
            "Did you use the app?",
            "¿Usó la aplicación?",
            None,
            None,
            "true",
            None,
            None,
            None,
            None,
        ],
        [
            "select_multiple features",
            "features",
            "Which features did you use?",
            "¿Qué funciones usó?",
            "Choose all that apply.",
            "Elija todas las que apliquen.",
            None,
            "${used_app} = 'yes'",
            None,
            None,
            None,
        ],
        [
            "integer",
            "hours_saved",
            "Hours saved per week",
            "Horas ahorradas por semana",
            None,
            None,
            None,
            "selected(${features}, 'search') or count-selected(${features}) > 1",
            ". >= 0 and . <= 40",
            None,
            None,
        ],
        [
            "select_one dept",
            "department",
            "Your department",
            "Su departamento",
            None,
            None,
            "1",
            None,
            None,
            None,
            None,
        ],
        [
            "text",
            "comment",
            "Anything else?",
            "¿Algo más?",
            None,
            None,
            None,
            "${used_app} = 'no' and ${department} != ''",
            None,
            None,
            None,
        ],
    ],
    "choices": [
        ["list_name", "name", EN, ES],
        ["agree5", 1, "Strongly disagree", "Totalmente en desacuerdo"],
        ["agree5", 2, "Disagree", "En desacuerdo"],
        ["agree5", 3, "Neutral", "Neutral"],
        ["agree5", 4, "Agree", "De acuerdo"],
        ["agree5", 5, "Strongly agree", "Totalmente de acuerdo"],
        ["yes_no", "yes", "Yes", "Sí"],
        ["yes_no", "no", "No", "No"],
        ["features", "search", "Search", "Búsqueda"],
        ["features", "forms", "Online forms", "Formularios en línea"],
        ["features", "chat", "Chat", "Chat"],
        ["dept", "finance", "Finance", "Finanzas"],
        ["dept", "it", "IT", "Informática"],
        ["dept", "permits", "Permits", "Permisos"],
    ],
    "settings": [
        ["form_id", "form_title", "version", "default_language"],
        ["staff_survey", "Staff survey", "2024-03-15", "English (en)"],
    ],
    "dimensions": [
        ["id", EN, ES],
        ["productivity", "Productivity", "Productividad"],
    ],
}

#: A Kobo-style export: plain `label`, metadata, GPS, photo, calculate, a repeat, `$kuid`.
KOBO_FORM: dict[str, Sheet] = {
    "survey": [
        [
            "type",
            "name",
            "label",
            "required",
            "relevant",
            "calculation",
            "constraint_message",
            "$kuid",
        ],
        ["start", "start", None, None, None, None, None, "a1"],
        ["end", "end", None, None, None, None, None, "a2"],
        ["select_one yn", "consent", "Do you agree to take part?", "yes", None, None, None, "a3"],
        ["integer", "age", "Age", "yes", "${consent} = 'yes'", None, "Between 12 and 99", "a4"],
        ["geopoint", "location", "Where are you?", None, None, None, None, "a5"],
        ["image", "photo", "Take a photo", None, None, None, None, "a6"],
        ["calculate", "age_months", None, None, None, "${age} * 12", None, "a7"],
        [
            "select_one agree",
            "satisfied",
            "I am satisfied with the service.",
            "yes",
            "${age_months} > 200",
            None,
            None,
            "a8",
        ],
        ["begin_repeat", "household", "Household members", None, None, None, None, "a9"],
        ["text", "member_name", "Name", None, None, None, None, "a10"],
        ["end_repeat", None, None, None, None, None, None, "a11"],
        ["text", "remarks", "Remarks", None, "if(${age} > 18, true(), false())", None, None, "a12"],
    ],
    "choices": [
        ["list_name", "name", "label"],
        ["yn", "yes", "Yes"],
        ["yn", "no", "No"],
        ["agree", "strongly_agree", "Strongly agree"],
        ["agree", "agree", "Agree"],
        ["agree", "disagree", "Disagree"],
        ["agree", "strongly_disagree", "Strongly disagree"],
    ],
    "settings": [
        ["form_title", "form_id", "version"],
        ["Service feedback", "Service Feedback 2024", "vGx7bCzq"],
    ],
}
