"""The form's own texts (buttons, errors, pages) in every language we have a catalog for.

Catalogs are `survey_server/i18n/<lang>.yaml`, flat `key: text` mappings; a text may use
`{name}` placeholders. Adding a language is adding a file: a missing key falls back to
English, so a partial catalog is usable at once.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from pilotkit.instruments.translations.languages import own_name

CATALOG_DIR = Path(__file__).parent
FALLBACK = "en"


@lru_cache(maxsize=1)
def catalogs() -> dict[str, dict[str, str]]:
    """Every catalog of the folder, by language code (read once per process)."""
    found: dict[str, dict[str, str]] = {}
    for path in sorted(CATALOG_DIR.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        found[path.stem] = {str(k): str(v) for k, v in data.items()}
    return found


class Translator:
    """`t(key, **params)` in one language, falling back to English per key."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        all_catalogs = catalogs()
        self._texts = {**all_catalogs[FALLBACK], **all_catalogs.get(lang, {})}

    def __call__(self, key: str, **params: object) -> str:
        text = self._texts.get(key, key)
        return text.format(**params) if params else text


def ui_languages() -> list[str]:
    return list(catalogs())


def language_name(lang: str) -> str:
    """A language's own name for itself: from its catalog, else from CLDR, else the code."""
    name = catalogs().get(lang, {}).get("language.name")
    return name or own_name(lang)


def best_language(accept_language: str | None, offered: list[str]) -> str | None:
    """The first language of an Accept-Language header that is offered, by quality."""
    if not accept_language:
        return None
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(accept_language.split(",")):
        pieces = part.strip().split(";")
        tag = pieces[0].strip().lower()
        quality = 1.0
        for param in pieces[1:]:
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if tag and quality > 0:
            ranked.append((-quality, position, tag))
    for _, _, tag in sorted(ranked):
        for candidate in (tag, tag.split("-")[0]):
            if candidate in offered:
                return candidate
    return None
