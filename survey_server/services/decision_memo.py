"""The decision memo: what its first page holds, and the memo as a PDF, printed by
headless chromium, as the report's PDF is (`evaluation.reporting.pdf`), from the memo's own
HTML page.

The first page stands alone whatever the register holds: at most `FIRST_PAGE_CONCERNS`
concerns (blockers first, unresolved first), titles and conditions cut at a word with a
pointer to an annex, which starts on a page of its own and holds everything in full.
"""

from __future__ import annotations

import asyncio
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from evaluation.reporting.pdf import find_chromium, html_to_pdf
from pilotkit.errors import PilotkitError
from survey_server.errors import ConflictError
from survey_server.i18n.lazy import lazy_gettext
from survey_server.services.decisions import DecisionRecord, RegisterEntry

#: A one-page memo prints in a few seconds; a stuck chromium must not hold the request.
PRINT_TIMEOUT_S = 60.0


#: What the first page has room for beside the outcome, figures and checksum (measured:
#: the longest of each still prints on one A4 page, in the memo's tests).
FIRST_PAGE_CONCERNS = 8
FIRST_PAGE_TITLE = 140
FIRST_PAGE_CONDITIONS = 600
_SEVERITY_RANK = {"blocker": 0, "major": 1}
#: unresolved first: what is still in the way, then what was done about the rest
_STATUS_RANK = {"open": 0, "planned": 1, "mitigated": 2, "accepted": 3, "verified": 4}


@dataclass(frozen=True)
class MemoLayout:
    """What the memo's first page shows, and what the annex adds."""

    conditions: str  # cut when longer than FIRST_PAGE_CONDITIONS
    conditions_cut: bool
    concerns: list[RegisterEntry]  # blockers first, then by how unresolved; titles cut
    concerns_left: int  # concerns only the annex lists
    titles_cut: bool

    @property
    def annex(self) -> bool:
        return self.conditions_cut or self.titles_cut or self.concerns_left > 0


def shortened(text: str, limit: int) -> tuple[str, bool]:
    """`text` cut at the last space before `limit` characters (or at `limit`), "…" added;
    and whether it was cut."""
    if len(text) <= limit:
        return text, False
    cut = text[:limit]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip() + " …", True


def _rank(entry: RegisterEntry) -> tuple[int, int, int]:
    return (_SEVERITY_RANK.get(entry.severity, 2), _STATUS_RANK.get(entry.status, 5), entry.id)


def memo_layout(record: DecisionRecord) -> MemoLayout:
    """The first page of `record`'s memo: the concerns that matter most, cut to fit."""
    conditions, conditions_cut = shortened(record.conditions, FIRST_PAGE_CONDITIONS)
    ordered = sorted(record.register, key=_rank)
    shown = ordered[:FIRST_PAGE_CONCERNS]
    concerns = []
    titles_cut = False
    for entry in shown:
        title, cut = shortened(entry.title, FIRST_PAGE_TITLE)
        titles_cut = titles_cut or cut
        concerns.append(replace(entry, title=title))
    return MemoLayout(
        conditions=conditions,
        conditions_cut=conditions_cut,
        concerns=concerns,
        concerns_left=len(ordered) - len(shown),
        titles_cut=titles_cut,
    )


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
