"""The language of the staff pages: the browser's preference among complete catalogs."""

from __future__ import annotations

from typing import Any

from survey_server.i18n.gettext_catalogs import SOURCE_LANGUAGE, catalog_info, ui_languages
from survey_server.i18n.negotiation import negotiate


def staff_languages() -> list[str]:
    """English and every language whose catalog translates every platform text."""
    found = []
    for code in ui_languages():
        info = catalog_info(code)
        if info is not None and info.translated == info.total:
            found.append(code)
    return found


def staff_language(request: Any) -> str:
    header = request.headers.get("accept-language")
    return negotiate(header, staff_languages()) or SOURCE_LANGUAGE
