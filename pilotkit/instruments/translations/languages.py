"""Facts about a language code from CLDR (through Babel): its name and its direction.

Instruments use BCP 47 tags (`en`, `ar`, `zh-Hans`, `pt-BR`); Babel writes them with an
underscore (`zh_Hans`). A code Babel does not know still works, with the code as its name.
"""

from __future__ import annotations

from functools import lru_cache

from babel import Locale, UnknownLocaleError


@lru_cache(maxsize=64)
def _locale(lang: str) -> Locale | None:
    try:
        return Locale.parse(lang.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return None


def english_name(lang: str) -> str:
    """`Arabic`, `Chinese (Simplified)`; the code itself when CLDR does not know it."""
    locale = _locale(lang)
    return (locale.english_name or lang) if locale else lang


def own_name(lang: str) -> str:
    """The language's name for itself: `العربية`, `中文 (简体)`; else the code."""
    locale = _locale(lang)
    name = locale.get_display_name(locale) if locale else None
    return name or lang


def is_rtl(lang: str) -> bool:
    locale = _locale(lang)
    return bool(locale and locale.character_order == "right-to-left")


def babel_code(lang: str) -> str:
    """The code as gettext and Babel write it: `zh_Hans` for `zh-Hans`."""
    return lang.replace("-", "_")


def bcp47_code(code: str) -> str:
    """The code as instruments write it: `zh-Hans` for `zh_Hans`."""
    return code.replace("_", "-")
