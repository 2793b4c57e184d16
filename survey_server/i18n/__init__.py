"""The form's own texts (buttons, errors, pages) in every language we have a catalog for.

Catalogs are `survey_server/i18n/<lang>.yaml`, flat `key: text` mappings; a text may use
`{name}` placeholders. Adding a language is adding a file: a missing key falls back to
English, so a partial catalog is usable at once.

A language may have a second register (Spanish "tú" beside the catalog's "usted"):
`survey_server/i18n/informal/<lang>.yaml` holds the texts that differ, and an instrument
asks for it with `register: {es: informal}` so its own texts and the platform's speak
to the participant one way.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

import yaml
from babel.core import UnknownLocaleError
from babel.dates import format_date

from pilotkit.instruments.translations.languages import babel_code, own_name

CATALOG_DIR = Path(__file__).parent
FALLBACK = "en"


def _read_folder(folder: Path) -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = {}
    for path in sorted(folder.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        found[path.stem] = {str(k): str(v) for k, v in data.items()}
    return found


@lru_cache(maxsize=1)
def catalogs() -> dict[str, dict[str, str]]:
    """Every catalog of the folder, by language code (read once per process)."""
    return _read_folder(CATALOG_DIR)


@lru_cache(maxsize=4)
def register_catalogs(register: str) -> dict[str, dict[str, str]]:
    """The texts that differ in another register (`informal`), by language code."""
    folder = CATALOG_DIR / register
    return _read_folder(folder) if register != "formal" and folder.is_dir() else {}


class Translator:
    """`t(key, **params)` in one language, falling back to English per key; `register`
    (`formal`, the catalogs' own, or `informal`) picks how the texts address people."""

    def __init__(self, lang: str, register: str = "formal") -> None:
        self.lang = lang
        all_catalogs = catalogs()
        self._texts = {
            **all_catalogs[FALLBACK],
            **all_catalogs.get(lang, {}),
            **register_catalogs(register).get(lang, {}),
        }

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


def long_date(value: date | datetime | None, lang: str) -> str:
    """A day as the language writes it ("4 de diciembre de 2026"); "" for no date."""
    if value is None:
        return ""
    day = value.date() if isinstance(value, datetime) else value
    try:
        return format_date(day, format="long", locale=babel_code(lang))
    except (UnknownLocaleError, ValueError):
        return format_date(day, format="long", locale="en")
