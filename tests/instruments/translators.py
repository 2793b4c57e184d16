"""What a translator does to a translation file, done here with each format's own tools
(ElementTree for XLIFF, Babel for PO, openpyxl for the spreadsheet), not with pilotkit."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from xml.etree import ElementTree as ET

from babel.messages.pofile import read_po, write_po
from openpyxl import load_workbook

XLIFF = "urn:oasis:names:tc:xliff:document:2.0"
NS = {"x": XLIFF}

#: A translation of a path's source text (None: leave the text untranslated).
Translate = Callable[[str, str], str | None]


def fill_xliff(path: Path, translate: Translate) -> None:
    """Add a <target> to each unit, as a CAT tool saves a finished segment.

    Placeholders (<ph>) are copied into the target in the order of the source, as CAT
    tools do when a translator inserts them; the translation gives their positions with
    the placeholder text itself."""
    ET.register_namespace("", XLIFF)
    ET.register_namespace("slr", "urn:oasis:names:tc:xliff:sizerestriction:2.0")
    tree = ET.parse(path)
    for unit in tree.getroot().iter(f"{{{XLIFF}}}unit"):
        data = {d.get("id"): d.text or "" for d in unit.iter(f"{{{XLIFF}}}data")}
        segment = unit.find("x:segment", NS)
        assert segment is not None
        source = segment.find("x:source", NS)
        assert source is not None
        phs = {data[ph.get("dataRef")]: ph for ph in source.iter(f"{{{XLIFF}}}ph")}
        plain = (source.text or "") + "".join(
            data[ph.get("dataRef")] + (ph.tail or "") for ph in source
        )
        text = translate(unit.get("id", ""), plain)
        old = segment.find("x:target", NS)
        if old is not None:
            segment.remove(old)
        if text is None:
            continue
        target = ET.SubElement(segment, f"{{{XLIFF}}}target")
        _with_placeholders(target, text, phs)
        segment.set("state", "translated")
    tree.write(path, encoding="UTF-8", xml_declaration=True)


def _with_placeholders(target: ET.Element, text: str, phs: dict[str, ET.Element]) -> None:
    pieces: list[str | ET.Element] = [text]
    for code, ph in phs.items():
        split: list[str | ET.Element] = []
        for piece in pieces:
            if isinstance(piece, str) and code in piece:
                before, _, after = piece.partition(code)
                copy = ET.Element(ph.tag, dict(ph.attrib))
                split.extend([before, copy, after])
            else:
                split.append(piece)
        pieces = split
    last: ET.Element | None = None
    target.text = ""
    for piece in pieces:
        if isinstance(piece, str):
            if last is None:
                target.text += piece
            else:
                last.tail = (last.tail or "") + piece
        else:
            target.append(piece)
            last = piece


def fill_po(path: Path, translate: Translate, *, fuzzy: tuple[str, ...] = ()) -> None:
    with path.open("rb") as handle:
        catalog = read_po(handle)
    for message in catalog:
        if not message.id:
            continue
        text = translate(message.context, message.id)
        message.string = text or ""
        if message.context in fuzzy:
            message.flags.add("fuzzy")
    with path.open("wb") as handle:
        write_po(handle, catalog, width=0)


def fill_xlsx(path: Path, translate: Translate) -> None:
    book = load_workbook(path)
    sheet = book["translations"]
    header = [c.value for c in sheet[1]]
    id_col, source_col = (
        header.index("id"),
        next(i for i, h in enumerate(header) if str(h).startswith("source (")),
    )
    target_col = next(i for i, h in enumerate(header) if str(h).startswith("translation ("))
    for row in sheet.iter_rows(min_row=2):
        text = translate(str(row[id_col].value), str(row[source_col].value))
        row[target_col].value = text
        if text is not None:
            row[target_col].data_type = "s"
    book.save(path)


FILLERS = {"xliff": fill_xliff, "po": fill_po, "xlsx": fill_xlsx}
SUFFIX = {"xliff": ".xlf", "po": ".po", "xlsx": ".xlsx"}
