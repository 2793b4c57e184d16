"""Gettext PO translation files through Babel's `babel.messages`.

One message per text: `msgctxt` is the text's path in the instrument (so two equal
source texts stay two messages), `msgid` the source text, `msgstr` the translation
(empty: to translate). Extracted comments (`#.`) say where the text is shown and its
character limit; Babel flags placeholders (`python-format`, `python-brace-format`) so
tools check them. The header names the instrument and its version
(`Project-Id-Version: pilot-core 1`) and the language (`Language: zh_Hans`). A message
the translator marked `fuzzy` is read as not translated yet.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import PoFileError, read_po, write_po

from pilotkit.instruments.translations.bundle import Bundle, Row, TranslationFile
from pilotkit.instruments.translations.languages import babel_code, bcp47_code, english_name


def write_po_file(bundle: Bundle, path: Path) -> None:
    header = (
        f"# {english_name(bundle.target_lang)} translation of the questionnaire "
        f"{bundle.instrument_id} (version {bundle.version}), from {bundle.source_lang}.\n"
        + "".join(f"# {line}\n" for line in _wrap(bundle.instructions()))
        + "# msgctxt is the text's place in the questionnaire; do not change it."
    )
    catalog = Catalog(
        locale=babel_code(bundle.target_lang),
        project=bundle.instrument_id,
        version=str(bundle.version),
        header_comment=header,
        language_team=english_name(bundle.target_lang),
        creation_date=datetime.now(UTC),
        fuzzy=False,
    )
    for unit in bundle.units:
        comments = [f"{category}: {text}" for category, text in unit.notes()]
        catalog.add(unit.source, unit.target or "", context=unit.path, auto_comments=comments)
    with path.open("wb") as handle:
        write_po(handle, catalog, width=0, sort_output=False)


def _wrap(text: str, width: int = 86) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in text.split():
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    return [*lines, current] if current else lines


def read_po_file(path: Path) -> TranslationFile:
    result = TranslationFile(path, "po", None, None, None, None)
    try:
        with path.open("rb") as handle:
            catalog = read_po(handle, ignore_obsolete=True, abort_invalid=True)
    except PoFileError as exc:
        result.problems.append(f"not a valid PO file: {exc}")
        return result
    except (UnicodeDecodeError, ValueError) as exc:
        result.problems.append(f"cannot be read as a PO file: {exc}")
        return result
    result.instrument_id = catalog.project or None
    result.version = catalog.version or None
    identifier = catalog.locale_identifier
    result.target_lang = bcp47_code(identifier) if identifier else None
    if not result.target_lang:
        result.problems.append("the header has no Language: which language is this?")
    for message in catalog:
        if not message.id:
            continue  # the header
        line = f"line {message.lineno}" if message.lineno else "a message"
        if not message.context:
            source = message.id if isinstance(message.id, str) else message.id[0]
            result.problems.append(f"{line}: message '{source[:40]}' has no msgctxt")
            continue
        where = f"{line} ({message.context})"
        if message.pluralizable:
            result.rows.append(
                Row(message.context, where, None, None, ("plural forms are not used",))
            )
            continue
        text = message.string if isinstance(message.string, str) else ""
        fuzzy = message.fuzzy
        result.rows.append(
            Row(
                message.context,
                where,
                message.id,
                text if text and not fuzzy else None,
                unfinished=bool(fuzzy and text),
            )
        )
    return result
