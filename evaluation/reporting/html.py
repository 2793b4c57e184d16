"""Code-free HTML from an executed notebook.

papermill's report mode only hides inputs in Jupyter front ends; nbconvert's HTML
exporter has to be told to leave out inputs and prompts itself. Cells tagged
`remove-cell` (set-up) and `remove-output` are dropped; stderr streams (warnings) and
error outputs never reach an executive's page.
"""

from __future__ import annotations

from pathlib import Path

import nbformat

from evaluation.reporting.i18n import page_language


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


def export_html(notebook_path: Path, html_path: Path) -> Path:
    """Write `html_path`: outputs and markdown only, images embedded, no code."""
    from nbconvert import HTMLExporter

    notebook = nbformat.read(str(notebook_path), as_version=4)
    # the page's lang attribute and title follow the report's `language` parameter
    language, page_title = page_language(notebook.metadata, notebook_path.stem)
    exporter = HTMLExporter(
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
        language_code=language,
    )
    title = page_title or notebook.metadata.get("title") or html_path.stem.replace("_", " ").title()
    notebook.metadata["title"] = title
    body, _ = exporter.from_notebook_node(
        _strip_for_readers(notebook), resources={"metadata": {"name": title}}
    )
    html_path.write_text(body, encoding="utf-8")
    return html_path
