"""Code-free HTML from an executed notebook.

papermill's report mode only hides inputs in Jupyter front ends; nbconvert's HTML
exporter has to be told to leave out inputs and prompts itself. Cells tagged
`remove-cell` (set-up) and `remove-output` are dropped; stderr streams (warnings) and
error outputs never reach an executive's page.
"""

from __future__ import annotations

import base64
import html
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from queue import Empty, SimpleQueue
from typing import TYPE_CHECKING

import nbformat

from evaluation.reporting.i18n import page_language

if TYPE_CHECKING:
    from nbconvert import HTMLExporter

#: Exporters ready for reuse: building one and compiling its lab templates costs more than
#: exporting a report, and one exporter must not serve two threads at once.
_IDLE_EXPORTERS: SimpleQueue[HTMLExporter] = SimpleQueue()


def _strip_for_readers(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    kept = []
    for cell in notebook.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if "remove-cell" in tags or "parameters" in tags or "injected-parameters" in tags:
            continue
        if cell.cell_type == "code":
            if "remove-output" in tags:
                cell.outputs = []
            cell.outputs = [
                out
                for out in cell.outputs
                if out.get("output_type") != "error"
                and not (out.get("output_type") == "stream" and out.get("name") == "stderr")
            ]
            if not cell.outputs:
                continue
        kept.append(cell)
    notebook.cells = kept
    return notebook


@contextmanager
def _exporter() -> Iterator[HTMLExporter]:
    try:
        exporter = _IDLE_EXPORTERS.get_nowait()
    except Empty:
        from nbconvert import HTMLExporter

        exporter = HTMLExporter(
            exclude_input=True,
            exclude_input_prompt=True,
            exclude_output_prompt=True,
            embed_images=True,
            # the notebook is validated once, after its last preprocessor, not after
            # each of them: a tenth of a report's export time went into re-validating
            optimistic_validation=True,
        )
        exporter.log.addFilter(_AltTextNotice())
    yield exporter
    _IDLE_EXPORTERS.put(exporter)


class _AltTextNotice(logging.Filter):
    """nbconvert warns of figures without alternative text before `_figure_alt_texts`
    gives each its title and description: a warning on every run about what is fixed."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Alternative text is missing")


def export_html(notebook_path: Path, html_path: Path) -> Path:
    """Write `html_path`: outputs and markdown only, images embedded, no code."""
    notebook = nbformat.read(str(notebook_path), as_version=4)
    return export_notebook_html(notebook, html_path, page=notebook_path.stem)


def export_notebook_html(
    notebook: nbformat.NotebookNode, html_path: Path, *, page: str | None = None
) -> Path:
    """`export_html` from a notebook in memory (which it strips of code and set-up cells).

    `page` names the notebook (`readiness_report`, ...) whose title the page gets; by
    default the notebook papermill ran.
    """
    if page is None:
        source = (notebook.metadata.get("papermill") or {}).get("input_path") or html_path.name
        page = Path(str(source)).stem
    # the page's lang attribute and title follow the report's `language` parameter
    language, page_title = page_language(notebook.metadata, page)
    title = page_title or notebook.metadata.get("title") or html_path.stem.replace("_", " ").title()
    notebook.metadata["title"] = title
    with _exporter() as exporter:
        exporter.language_code = language
        body, _ = exporter.from_notebook_node(
            _strip_for_readers(notebook), resources={"metadata": {"name": title}}
        )
    html_path.write_text(_figure_alt_texts(body), encoding="utf-8")
    return html_path


#: nbconvert embeds each SVG figure as an image with a placeholder for its alt text
_SVG_IMAGE = re.compile(
    r'<img alt="No description has been provided for this image" '
    r'src="data:image/svg\+xml;base64,(?P<data>[A-Za-z0-9+/=]+)"'
)
_SVG_TITLE = re.compile(r"<title>(.*?)</title>", re.S)
_SVG_DESCRIPTION = re.compile(r"<desc>(.*?)</desc>", re.S)


def _figure_alt_texts(body: str) -> str:
    """Describe each figure for screen readers: its title, then what it shows (both of
    which the SVG carries)."""

    def named(match: re.Match[str]) -> str:
        svg = base64.b64decode(match["data"]).decode("utf-8", "replace")
        title = _SVG_TITLE.search(svg)
        if title is None:
            return match[0]
        text = html.unescape(title[1])
        description = _SVG_DESCRIPTION.search(svg)
        if description is not None:
            text = f"{text.rstrip('.')}. {html.unescape(description[1])}"
        alt = html.escape(text)
        return f'<img alt="{alt}" src="data:image/svg+xml;base64,{match["data"]}"'

    return _SVG_IMAGE.sub(named, body)
