"""The one way a text from data (a pilot's name, an area label, an item text, a note, an
imported XLSForm label, a pilot's short name) reaches a report: escaped.

nbconvert keeps raw HTML in Markdown and HTML outputs, so a pilot named
`<img src=x onerror=...>` or `[click](javascript:...)` would put a live tag or link into
a page executives read. `escaped(text)` makes a text safe inside HTML (`&`, `<`, `>`,
quotes) and, with `markdown=True`, inside Markdown as well: every Markdown punctuation
character gets a backslash (CommonMark allows one before any ASCII punctuation) and line
breaks become spaces, so no link, image, heading, list or emphasis is made from data.
"""

from __future__ import annotations

import html
import re

_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()#+\-.!|~:])")
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029]+")


def escaped(value: object, *, markdown: bool = False) -> str:
    """`value` as text for an HTML fragment or, with `markdown=True`, for Markdown."""
    text = html.escape(str(value), quote=True)
    if not markdown:
        return text
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", _LINE_BREAKS.sub(" ", text))


def markdown_text(value: object) -> str:
    """`escaped(value, markdown=True)`: a data text inside a Markdown output."""
    return escaped(value, markdown=True)
