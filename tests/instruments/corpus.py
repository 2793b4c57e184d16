"""A corpus of XLSForms written the way survey teams write them (built with openpyxl).

Each form is one that pyxform converts; together they cover what such forms do that a
tidy form does not: choice names with spaces, the older `select one from LIST` types,
list names with capitals, `${name}` in labels, repeated choice names allowed by the
settings, language headers without a code, question types pilotkit does not ask, the
single-colon and `bind:` headers of old forms, and translations missing here and there.
"""

from __future__ import annotations

from tests.instruments.xlsforms import Sheet

BOROUGHS = [
    "the borough of new kru town",
    "the borough of clara town",
    "west point",
    "central monrovia",
    "the borough of gardnersville",
    "paynesville city",
    "congo town",
    "old road",
    "sinkor",
]

#: 1. Choice names with spaces on a select_one (pyxform accepts them there).
SPACED_NAMES: dict[str, Sheet] = {
    "survey": [
        ["type", "name", "label", "required"],
        ["select_one borough", "borough", "Which borough do you live in?", "yes"],
        ["select_multiple services", "services", "Which services did you use?", "no"],
        ["text", "other", "Anything to add?", "no"],
    ],
    "choices": [
        ["list_name", "name", "label"],
        *[["borough", name, name.title()] for name in BOROUGHS],
        ["services", "water", "Water"],
        ["services", "waste", "Waste collection"],
    ],
    "settings": [["form_id", "form_title"], ["borough_survey", "Borough survey"]],
}

#: 2 and 5. The older select spellings, and list names with capitals.
LEGACY_SELECTS: dict[str, Sheet] = {
    "survey": [
        ["type", "name", "label"],
        ["select one from YesNo", "has_account", "Do you have an account?"],
        ["select all that apply from ServiceList", "services", "Which services?"],
        ["select one ServiceList", "main_service", "Your main service"],
        ["select1 Rating5", "rating", "How do you rate it?"],
        ["select_multiple ServiceList", "wanted", "Which would you like?"],
    ],
    "choices": [
        ["list name", "name", "label"],
        ["YesNo", "yes", "Yes"],
        ["YesNo", "no", "No"],
        ["ServiceList", "permits", "Permits"],
        ["ServiceList", "taxes", "Taxes"],
        ["ServiceList", "parking", "Parking"],
        *[["Rating5", str(n), str(n)] for n in range(1, 6)],
    ],
}

#: 3. `${name}` in labels: one piping an earlier answer, one naming a calculate.
PIPED_LABELS: dict[str, Sheet] = {
    "survey": [
        ["type", "name", "label", "hint", "calculation"],
        ["select_one feature_list", "feature_pick", "Which feature do you use most?", None, None],
        ["calculate", "feature", None, None, "jr:choice-name(${feature_pick}, '${feature_pick}')"],
        ["select_one agree", "feature_useful", "${feature} is useful to me.", None, None],
        ["text", "why", "Why did you pick ${feature_pick}?", "About ${feature}", None],
        ["note", "thanks", "Thank you, ${feature_pick} noted.", None, None],
    ],
    "choices": [
        ["list_name", "name", "label"],
        ["feature_list", "search", "Search"],
        ["feature_list", "chat", "Chat"],
        ["agree", "disagree", "Disagree"],
        ["agree", "neutral", "Neither agree nor disagree"],
        ["agree", "agree", "Agree"],
    ],
}

#: 4. Repeated choice names, which the settings allow.
DUPLICATE_CHOICES: dict[str, Sheet] = {
    "survey": [
        ["type", "name", "label"],
        ["select_one district", "district", "District"],
        ["select_one unit", "unit", "Unit"],
    ],
    "choices": [
        ["list_name", "name", "label"],
        ["district", "north", "North"],
        ["district", "south", "South"],
        ["district", "other", "Other (north)"],
        ["district", "other", "Other (south)"],
        ["district", "other", "Other (elsewhere)"],
        ["unit", "a", "Unit A"],
        ["unit", "b", "Unit B"],
        ["unit", "a", "Unit A (annex)"],
        ["unit", "b", "Unit B (annex)"],
    ],
    "settings": [["form_id", "allow_choice_duplicates"], ["districts", "yes"]],
}

#: 6. Language headers by name only, in English and in the language itself.
LANGUAGE_NAMES: dict[str, Sheet] = {
    "survey": [
        ["type", "name", "label::English", "label::Igbo", "label::Yorùbá", "hint::English"],
        [
            "select_one yn",
            "heard",
            "Have you heard of 311?",
            "Ị nụla maka 311?",
            "Ṣé o ti gbọ́ nípa 311?",
            "Yes or no",
        ],
        ["text", "name", "Your first name", "Aha gị", "Orúkọ rẹ", None],
    ],
    "choices": [
        ["list_name", "name", "label::English", "label::Igbo", "label::Yorùbá"],
        ["yn", "yes", "Yes", "Ee", "Bẹ́ẹ̀ni"],
        ["yn", "no", "No", "Mba", "Bẹ́ẹ̀kọ́"],
    ],
    "settings": [["form_id", "default_language"], ["lang_names", "English"]],
}

#: 7. Question types pyxform accepts that pilotkit does not ask (and two it maps).
PYXFORM_TYPES: dict[str, Sheet] = {
    "survey": [
        ["type", "name", "label", "parameters", "choice_filter"],
        ["imei", "device", None, None, None],
        ["select_one county", "county", "County", None, None],
        ["select_one_external town", "town", "Town", None, "county=${county}"],
        ["gps", "where", "Where are you?", None, None],
        ["photo", "picture", "Take a picture", None, None],
        ["rank", "priorities", "Rank these priorities", None, None],
        ["range", "effort", "How much effort did it take?", "start=1 end=7 step=1", None],
        ["range", "share", "Share of your time", "start=0 end=100 step=5", None],
    ],
    "choices": [
        ["list_name", "name", "label"],
        ["county", "bong", "Bong"],
        ["county", "lofa", "Lofa"],
        ["rank", "cost", "Cost"],
        ["rank", "speed", "Speed"],
        ["rank", "quality", "Quality"],
    ],
    "external_choices": [
        ["list_name", "name", "label", "county"],
        ["town", "gbarnga", "Gbarnga", "bong"],
        ["town", "voinjama", "Voinjama", "lofa"],
    ],
}
PYXFORM_TYPES["survey"][6][0] = "rank rank"

#: 8. Headers of older forms: `label:English` with one colon, `bind:relevant`, ...
LEGACY_HEADERS: dict[str, Sheet] = {
    "survey": [
        [
            "type",
            "name",
            "label:English",
            "label:Español",
            "bind:required",
            "bind:relevant",
            "bind:constraint",
        ],
        ["integer", "age", "Age", "Edad", "yes", None, ". >= 16 and . <= 99"],
        [
            "select_one yn",
            "employed",
            "Are you employed?",
            "¿Tiene empleo?",
            "yes",
            "${age} >= 18",
            None,
        ],
        [
            "integer",
            "years",
            "Years in the job",
            "Años en el puesto",
            None,
            "${employed} = 'yes'",
            ". <= ${age}",
        ],
    ],
    "choices": [
        ["list_name", "name", "label:English", "label:Español"],
        ["yn", "yes", "Yes", "Sí"],
        ["yn", "no", "No", "No"],
    ],
}

#: 9. A hint given in Indonesian and Chinese only, next to English labels.
MISSING_TRANSLATION: dict[str, Sheet] = {
    "survey": [
        [
            "type",
            "name",
            "label::English (en)",
            "label::Indonesian (id)",
            "label::Chinese (zh)",
            "hint::Indonesian (id)",
            "hint::Chinese (zh)",
        ],
        ["text", "shop", "Shop name", "Nama toko", "商店名称", "Tulis nama lengkap", "写全名"],
        ["integer", "staff", "Number of staff", "Jumlah staf", "员工人数", None, None],
    ],
    "settings": [["form_id", "default_language"], ["shops", "English (en)"]],
}

#: A KoboToolbox likert form: agree/disagree names, grouped by topic, skip logic.
KOBO_LIKERT: dict[str, Sheet] = {
    "survey": [
        ["type", "name", "label::English (en)", "label::Español (es)", "relevant", "$kuid"],
        ["start", "start", None, None, None, "k1"],
        ["begin_group", "speed", "Speed of work", "Rapidez del trabajo", None, "k2"],
        [
            "select_one agreement",
            "fast_answers",
            "I answer calls faster.",
            "Respondo más rápido.",
            None,
            "k3",
        ],
        [
            "select_one agreement",
            "less_waiting",
            "I wait less for the system.",
            "Espero menos al sistema.",
            None,
            "k4",
        ],
        ["end_group", None, None, None, None, "k5"],
        ["begin_group", "clarity", "Clarity", "Claridad", None, "k6"],
        [
            "select_one agreement",
            "clear_steps",
            "The steps are clear.",
            "Los pasos son claros.",
            None,
            "k7",
        ],
        ["select_multiple channels", "channels", "Channels you use", "Canales que usa", None, "k8"],
        ["select_one yes_no", "trained", "Were you trained?", "¿Recibió formación?", None, "k9"],
        ["text", "training_gap", "What was missing?", "¿Qué faltó?", "${trained} = 'no'", "k10"],
        ["end_group", None, None, None, None, "k11"],
        ["integer", "calls", "Calls a day", "Llamadas al día", None, "k12"],
        ["text", "staff_code", "Your staff code", "Su código de personal", None, "k13"],
    ],
    "choices": [
        ["list_name", "name", "label::English (en)", "label::Español (es)"],
        ["agreement", "strongly_agree", "Strongly agree", "Muy de acuerdo"],
        ["agreement", "agree", "Agree", "De acuerdo"],
        ["agreement", "neutral", "Neutral", "Neutral"],
        ["agreement", "disagree", "Disagree", "En desacuerdo"],
        ["agreement", "strongly_disagree", "Strongly disagree", "Muy en desacuerdo"],
        ["channels", "phone", "Phone", "Teléfono"],
        ["channels", "email", "E-mail", "Correo"],
        ["channels", "chat", "Chat", "Chat"],
        ["yes_no", "yes", "Yes", "Sí"],
        ["yes_no", "no", "No", "No"],
    ],
    "settings": [["form_id", "version", "default_language"], ["crm_pre", "2", "English (en)"]],
}

#: Every form of the corpus, by name.
CORPUS: dict[str, dict[str, Sheet]] = {
    "spaced_names": SPACED_NAMES,
    "legacy_selects": LEGACY_SELECTS,
    "piped_labels": PIPED_LABELS,
    "duplicate_choices": DUPLICATE_CHOICES,
    "language_names": LANGUAGE_NAMES,
    "pyxform_types": PYXFORM_TYPES,
    "legacy_headers": LEGACY_HEADERS,
    "missing_translation": MISSING_TRANSLATION,
    "kobo_likert": KOBO_LIKERT,
}
