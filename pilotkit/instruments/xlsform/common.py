"""What the XLSForm reader and writer share: column names, languages, sheet names."""

from __future__ import annotations

import re

from pilotkit.errors import PilotkitError
from pilotkit.instruments.relevance import FALSE_WORDS, TRUE_WORDS

SURVEY, CHOICES, SETTINGS = "survey", "choices", "settings"
#: Extra sheets that ODK, Kobo and pyxform ignore; they carry what XLSForm has no place for.
DIMENSIONS, PILOTKIT = "dimensions", "pilotkit"

#: Survey columns pilotkit adds (ignored by the XLSForm tools).
EXTRA_COLUMNS = ("dimension", "reverse", "waves", "min", "max", "section", "pilotkit_type")

#: The instrument-level fields kept in the `pilotkit` sheet, as JSON values.
PILOTKIT_KEYS = (
    "title",
    "languages",
    "anonymous",
    "description",
    "intro",
    "waves",
    "focus_group_guide",
    "scale_list",
    "translation_status",
)

#: Choice names of a yes/no list: the words skip-logic conditions compare booleans with.
YES_WORDS, NO_WORDS = TRUE_WORDS, FALSE_WORDS

#: Language names used in `label::Name (code)` headers, and read back from bare names.
LANGUAGE_NAMES: dict[str, str] = {
    "en": "English",
    "es": "Español",
    "fr": "Français",
    "pt": "Português",
    "de": "Deutsch",
    "it": "Italiano",
    "nl": "Nederlands",
    "ar": "العربية",
    "sw": "Kiswahili",
    "am": "አማርኛ",
    "hi": "हिन्दी",
    "bn": "বাংলা",
    "ur": "اردو",
    "fa": "فارسی",
    "ru": "Русский",
    "uk": "Українська",
    "tr": "Türkçe",
    "zh": "中文",
    "vi": "Tiếng Việt",
    "id": "Bahasa Indonesia",
    "tl": "Tagalog",
    "ht": "Kreyòl ayisyen",
}
_ENGLISH_NAMES: dict[str, str] = {
    "english": "en",
    "spanish": "es",
    "french": "fr",
    "portuguese": "pt",
    "german": "de",
    "italian": "it",
    "dutch": "nl",
    "arabic": "ar",
    "swahili": "sw",
    "amharic": "am",
    "hindi": "hi",
    "bengali": "bn",
    "urdu": "ur",
    "persian": "fa",
    "farsi": "fa",
    "russian": "ru",
    "ukrainian": "uk",
    "turkish": "tr",
    "chinese": "zh",
    "vietnamese": "vi",
    "indonesian": "id",
    "tagalog": "tl",
    "haitian creole": "ht",
}
#: The yes/no choice labels of exported boolean items, per language (English otherwise).
YES_NO_LABELS: dict[str, tuple[str, str]] = {
    "en": ("Yes", "No"),
    "es": ("Sí", "No"),
    "fr": ("Oui", "Non"),
    "pt": ("Sim", "Não"),
    "de": ("Ja", "Nein"),
    "it": ("Sì", "No"),
    "nl": ("Ja", "Nee"),
    "sw": ("Ndiyo", "Hapana"),
}

_CODE_IN_PARENS = re.compile(r"\(([A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*)\)\s*$")
_LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


class XLSFormError(PilotkitError):
    """An XLSForm that cannot be read; the message names the file, the row and the problem."""


def language_header(code: str) -> str:
    """`English (en)`: the language part of a `label::...` header."""
    return f"{LANGUAGE_NAMES.get(code, code)} ({code})"


def language_code(spec: str) -> str | None:
    """The code of `English (en)`, `English`, `en` or `Español (es)`; None if unknown."""
    spec = spec.strip()
    match = _CODE_IN_PARENS.search(spec)
    if match:
        primary, _, rest = match.group(1).partition("-")
        return primary.lower() + (f"-{rest}" if rest else "")
    lowered = spec.lower()
    if lowered in _ENGLISH_NAMES:
        return _ENGLISH_NAMES[lowered]
    for code, name in LANGUAGE_NAMES.items():
        if name.lower() == lowered:
            return code
    if _LANGUAGE_CODE.match(lowered):
        return lowered
    return None


def split_header(header: str) -> tuple[str, str | None]:
    """`label::English (en)` -> (`label`, `English (en)`); `list name` -> (`list_name`, None)."""
    base, _, language = header.partition("::")
    base = re.sub(r"\s+", "_", base.strip().lower())
    return base, (language.strip() or None) if language else None


def truthy(cell: str | None) -> bool:
    """XLSForm's yes: `yes`, `true`, `1` (any case)."""
    return (cell or "").strip().lower() in ("yes", "true", "1", "true()")


def number_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))
