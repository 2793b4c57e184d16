"""The decision memo as a PDF: printed by headless chromium, as the report's PDF is
(`evaluation.reporting.pdf`), from the memo's own HTML page."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from evaluation.reporting.pdf import find_chromium, html_to_pdf
from pilotkit.errors import PilotkitError
from survey_server.errors import ConflictError
from survey_server.i18n.lazy import lazy_gettext

#: A one-page memo prints in a few seconds; a stuck chromium must not hold the request.
PRINT_TIMEOUT_S = 60.0


def pdf_available() -> bool:
    """Whether this server can print a PDF (Debian's chromium is installed)."""
    return find_chromium() is not None


def _print(html: str) -> bytes:
    with tempfile.TemporaryDirectory(prefix="pilotkit-memo-") as folder:
        page = Path(folder) / "memo.html"
        page.write_text(html, encoding="utf-8")
        pdf = html_to_pdf(page, Path(folder) / "memo.pdf", timeout_s=PRINT_TIMEOUT_S)
        return pdf.read_bytes()


async def memo_pdf(html: str) -> bytes:
    """The memo page printed to PDF, in a worker thread (printing takes seconds)."""
    if not pdf_available():
        raise ConflictError(
            lazy_gettext("this server cannot make PDFs (it needs chromium): open the HTML memo")
        )
    try:
        return await asyncio.to_thread(_print, html)
    except PilotkitError as exc:
        raise ConflictError(
            lazy_gettext("the memo could not be printed to PDF: %(problem)s", problem=str(exc))
        ) from None
