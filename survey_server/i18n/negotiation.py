"""Which language to answer in, from an Accept-Language header (Babel's negotiation).

Babel's `negotiate_locale` matches tags and their primary language (`es-MX` → `es`);
Chinese is written in two scripts, so a region is first turned into its script with
CLDR's likely subtags (`zh-TW` → `zh-Hant`, `zh-CN` → `zh-Hans`).
"""

from __future__ import annotations

from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.core import get_global, negotiate_locale

from pilotkit.instruments.translations.languages import babel_code


def preferences(header: str | None) -> list[str]:
    """The header's tags from most to least wanted (quality, then order); q=0 left out."""
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate((header or "").split(",")):
        pieces = part.strip().split(";")
        tag = pieces[0].strip()
        quality = 1.0
        for param in pieces[1:]:
            name, _, value = param.strip().partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if tag and tag != "*" and quality > 0:
            ranked.append((-quality, position, tag))
    return [tag for _, _, tag in sorted(ranked)]


@lru_cache(maxsize=256)
def with_script(tag: str) -> str | None:
    """`zh-TW` → `zh-Hant`: the tag's language with the script it is likely written in."""
    try:
        locale = Locale.parse(babel_code(tag))
    except (UnknownLocaleError, ValueError, TypeError):
        return None
    script = locale.script
    if script is None:
        likely = get_global("likely_subtags")
        full = likely.get(str(locale)) or likely.get(f"und_{locale.territory}") or ""
        if full and not full.startswith(locale.language):
            full = likely.get(locale.language) or ""
        script = next((p for p in full.split("_")[1:] if len(p) == 4), None)
    return f"{locale.language}-{script}" if script else None


def negotiate(header: str | None, offered: list[str]) -> str | None:
    """The offered language (as written in `offered`) that the header prefers, or None."""
    wanted = preferences(header)
    if not wanted or not offered:
        return None
    by_lower = {code.lower(): code for code in offered}
    for tag in wanted:
        found = negotiate_locale([tag], list(offered), sep="-")
        if found:
            return by_lower.get(found.lower(), found)
        scripted = with_script(tag)
        if scripted and scripted.lower() in by_lower:
            return by_lower[scripted.lower()]
    return None
