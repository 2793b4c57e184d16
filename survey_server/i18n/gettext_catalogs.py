"""The platform's own texts as gettext catalogs, one per language, read through Babel.

`survey_server/locale/<code>/LC_MESSAGES/messages.po` holds a language's texts (English is
the source language: its texts are the message ids, so it has no catalog). `make
translations` extracts the template `messages.pot` from the templates and the code and
merges it into every catalog; `make compile-translations` writes the `.mo` files. A `.mo`
older than its `.po` (or missing, as in a fresh clone) is not used: the `.po` is compiled
in memory instead, so the texts shown are always those of the catalog in the repository.

Each catalog says in its header comment how far it can be trusted, on a line
`Review status: reviewed` or `Review status: draft, needs review by a native speaker`.
"""

from __future__ import annotations

import gettext
import io
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from pilotkit.instruments.translations.languages import babel_code, bcp47_code
from survey_server.i18n.negotiation import with_script

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DOMAIN = "messages"
SOURCE_LANGUAGE = "en"
REVIEWED = "reviewed"
DRAFT = "draft, needs review by a native speaker"
STATUS_PREFIX = "Review status:"


@dataclass(frozen=True)
class CatalogInfo:
    """A language's catalog: its code (`zh-Hans`), review status and how much it covers."""

    code: str
    status: str
    translated: int
    total: int

    @property
    def reviewed(self) -> bool:
        return self.status == REVIEWED

    @property
    def coverage(self) -> float:
        return self.translated / self.total if self.total else 1.0


def po_path(code: str) -> Path:
    return LOCALE_DIR / babel_code(code) / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def _read_catalog(code: str) -> Catalog | None:
    path = po_path(code)
    if not path.is_file():
        return None
    with path.open("rb") as handle:
        return read_po(handle, locale=babel_code(code))


def _status(catalog: Catalog) -> str:
    for line in (catalog.header_comment or "").splitlines():
        text = line.lstrip("# ").strip()
        if text.startswith(STATUS_PREFIX):
            return text[len(STATUS_PREFIX) :].strip()
    return DRAFT


def catalog_codes() -> list[str]:
    """Every language with a catalog in the repository, as BCP 47 codes, sorted."""
    return sorted(
        bcp47_code(path.parent.parent.name)
        for path in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po")
    )


@cache
def catalog_info(code: str) -> CatalogInfo | None:
    """Status and coverage of a language's catalog; None when it has none (nor English)."""
    if code == SOURCE_LANGUAGE:
        return CatalogInfo(code, REVIEWED, 1, 1)
    catalog = _read_catalog(code)
    if catalog is None:
        return None
    messages = [m for m in catalog if m.id]  # obsolete entries are kept apart
    done = [m for m in messages if not m.fuzzy and _translated(m.string)]
    return CatalogInfo(code, _status(catalog), len(done), len(messages))


def _translated(string: object) -> bool:
    if isinstance(string, tuple | list):
        return all(bool(s) for s in string)
    return bool(string)


def ui_languages() -> list[str]:
    """English, then every language with a catalog."""
    return [SOURCE_LANGUAGE, *catalog_codes()]


def catalog_for(lang: str) -> str:
    """The catalog that serves `lang`: itself, or the same language in its likely script
    (`zh` and `zh-CN` are served by `zh-Hans`, `zh-TW` by `zh-Hant`), else English."""
    available = ui_languages()
    if lang in available:
        return lang
    scripted = with_script(lang)
    for candidate in (scripted, lang.split("-")[0]):
        if candidate and candidate in available:
            return candidate
    return SOURCE_LANGUAGE


def _compiled(po: Path, code: str) -> Translations:
    """The `.po` as gettext reads it: its `.mo` when that is up to date, else compiled
    in memory (fuzzy entries are left out, as msgfmt does)."""
    mo = po.with_suffix(".mo")
    if mo.is_file() and mo.stat().st_mtime >= po.stat().st_mtime:
        with mo.open("rb") as handle:
            return Translations(handle, domain=po.stem)
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=babel_code(code))
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer, domain=po.stem)


@cache
def translations(lang: str, register: str = "formal") -> gettext.NullTranslations:
    """The gettext translations for `lang` (its catalog's, English for texts it lacks);
    another `register` (`informal`) first takes the texts of that catalog, when the
    language has one."""
    code = catalog_for(lang)
    if code == SOURCE_LANGUAGE:
        return NullTranslations()
    formal = _compiled(po_path(code), code)
    other = po_path(code).with_name(f"{register}.po")
    if register == "formal" or not other.is_file():
        return formal
    chosen = _compiled(other, code)
    chosen.add_fallback(formal)
    return chosen
