"""What the XLSForm reader and writer share: column names, languages, sheet names."""

from __future__ import annotations

import functools
import re
import unicodedata

from pilotkit.errors import PilotkitError
from pilotkit.instruments.relevance import FALSE_WORDS, TRUE_WORDS

SURVEY, CHOICES, SETTINGS = "survey", "choices", "settings"
#: Extra sheets that ODK, Kobo and pyxform ignore; they carry what XLSForm has no place for.
DIMENSIONS, PILOTKIT = "dimensions", "pilotkit"

#: Survey columns pilotkit adds (ignored by the XLSForm tools).
EXTRA_COLUMNS = (
    "dimension",
    "reverse",
    "waves",
    "min",
    "max",
    "section",
    "pilotkit_type",
    "pilotkit_rank_of",
)

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
    "register",
    "sections",
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


class LanguageNameError(ValueError):
    """A language name that names no language, or several."""


def language_header(code: str) -> str:
    """`English (en)`: the language part of a `label::...` header."""
    return f"{language_name(code)} ({code})"


def language_name(code: str) -> str:
    """The language's own name for itself (`Español`, `Igbo`), or the code if unknown."""
    if code in LANGUAGE_NAMES:
        return LANGUAGE_NAMES[code]
    import langcodes

    try:
        name = langcodes.Language.get(code).autonym()
    except (LookupError, ValueError):
        return code
    if not name or name.startswith("Unknown language"):
        return code
    return name[:1].upper() + name[1:]


def language_code(spec: str) -> str:
    """The code of `English (en)`, `en`, `English`, `Igbo`, `Español` or `中文`.

    A bare name is looked up in the Unicode CLDR names of every language (through
    langcodes and language_data), in any language. Raises LanguageNameError when the
    name is unknown, or when it means one language in English and another in some
    other language (`Malayo`), naming the candidates."""
    return _language_code(spec.strip())


@functools.lru_cache(maxsize=256)
def _language_code(spec: str) -> str:
    match = _CODE_IN_PARENS.search(spec)
    if match:
        return _standard_tag(match.group(1))
    lowered = spec.lower()
    if _LANGUAGE_CODE.match(lowered) and _valid_tag(lowered):
        return _standard_tag(lowered)
    for code, name in LANGUAGE_NAMES.items():
        if name.lower() == lowered:
            return code
    from language_data.names import name_to_code

    found: list[str] = []
    # as written, then without accents (`Yorùbá` is written `Yoruba` in English)
    for name in dict.fromkeys((spec, _without_accents(spec))):
        anywhere = name_to_code("language", name, "und")
        english = name_to_code("language", name, "en")
        found = [code for code in dict.fromkeys((english, anywhere)) if code]
        if found:
            break
    if not found:
        raise LanguageNameError(f"'{spec}' is not a known language name")
    if len(found) > 1:
        options = " or ".join(f"{code} ({_english_name(code)})" for code in found)
        raise LanguageNameError(f"'{spec}' may be {options}")
    return _standard_tag(found[0])


def _without_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _valid_tag(tag: str) -> bool:
    import langcodes

    return bool(langcodes.tag_is_valid(tag))


def _standard_tag(tag: str) -> str:
    import langcodes

    try:
        return str(langcodes.standardize_tag(tag))
    except (LookupError, ValueError):
        primary, _, rest = tag.partition("-")
        return primary.lower() + (f"-{rest}" if rest else "")


def _english_name(code: str) -> str:
    import langcodes

    try:
        return str(langcodes.Language.get(code).display_name("en"))
    except (LookupError, ValueError):
        return code


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
