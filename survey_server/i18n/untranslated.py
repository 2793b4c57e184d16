"""Words written straight into a template instead of through `_()`: texts the catalogs
would never see.

A template is read with Jinja's own lexer; every `{{ }}`/`{% %}`/`{# #}` becomes a
placeholder, tags (with their attributes), scripts, styles and `<code>` are removed, and
what is left must hold no words. Attributes people read (`aria-label`, `title`,
`placeholder`, `alt`, `data-label`) are checked too. Names never translated (the product,
file formats, standards) are allowed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment

KEEP = {
    "pilotkit",
    "UTC",
    "CSV",
    "XLSX",
    "XLSForm",
    "XLIFF",
    "JSON",
    "HTML",
    "PDF",
    "SVG",
    "API",
    "ID",
    "URL",
}
READ_ATTRIBUTES = re.compile(r'\b(aria-label|title|placeholder|alt|data-label)="([^"]*)"')
TAG = re.compile(r"<[^>]*>", re.S)
RAW_BLOCKS = re.compile(r"<(script|style|code)\b.*?</\1>", re.S | re.I)
ENTITY = re.compile(r"&[a-zA-Z]+;|&#\d+;")
WORD = re.compile(r"[^\W\d_]{2,}")
HOLE = "\x00"


@dataclass(frozen=True)
class Untranslated:
    template: str
    line: int
    text: str


def _flatten(environment: Environment, source: str) -> str:
    """The template's source with each Jinja construct replaced by one placeholder
    (newlines kept, so line numbers still match)."""
    parts: list[str] = []
    for _, token, value in environment.lex(source):
        if token == "data":
            parts.append(value)
        elif token in ("variable_begin", "block_begin", "comment_begin"):
            parts.append(HOLE)
        elif "\n" in value:
            parts.append("\n" * value.count("\n"))
    return "".join(parts)


def _words(text: str) -> list[str]:
    return [w for w in WORD.findall(ENTITY.sub(" ", text)) if w not in KEEP]


def find_untranslated(path: Path, name: str, environment: Environment) -> list[Untranslated]:
    flat = _flatten(environment, path.read_text(encoding="utf-8"))
    found: list[Untranslated] = []

    for match in READ_ATTRIBUTES.finditer(flat):
        if _words(match.group(2)):
            line = flat.count("\n", 0, match.start()) + 1
            found.append(Untranslated(name, line, match.group(0)))
    blanked = RAW_BLOCKS.sub(lambda m: "\n" * m.group(0).count("\n"), flat)
    blanked = TAG.sub(lambda m: HOLE + "\n" * m.group(0).count("\n"), blanked)
    offset = 0
    for piece in blanked.split(HOLE):
        if _words(piece) and '="' not in piece:  # a macro writing attributes
            leading = piece[: len(piece) - len(piece.lstrip())]
            line = blanked.count("\n", 0, offset) + leading.count("\n") + 1
            found.append(Untranslated(name, line, piece.strip()))
        offset += len(piece) + 1
    return found


def untranslated_in(folder: Path) -> list[Untranslated]:
    environment = Environment(extensions=["jinja2.ext.i18n"])
    found: list[Untranslated] = []
    for path in sorted(folder.rglob("*.html")):
        found.extend(find_untranslated(path, path.relative_to(folder).as_posix(), environment))
    return found
