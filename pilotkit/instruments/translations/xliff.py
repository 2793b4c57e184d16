"""XLIFF 2.0 (OASIS Standard, 2014) translation files, as CAT tools read and write them.

What pilotkit writes, and the rules of the specification it keeps:

- root `<xliff version="2.0" srcLang trgLang>` in `urn:oasis:names:tc:xliff:document:2.0`;
  `trgLang` is present because targets may be; both are BCP 47 tags;
- one `<file id="<instrument id>">` (`canResegment="no"`: one text is one segment;
  `trgDir="rtl"` for a right-to-left language), whose module extension carries the Size
  and Length Restriction profile (`slr:profiles generalProfile="xliff:codepoints"`);
- one `<unit id="<text path>">` per text: ids are NMTOKENs, unique in the file, and
  stable (the path of the text in the instrument, see `texts`); a character limit is
  `slr:sizeRestriction` on the unit and a note; context is in `<notes>` (`category`
  location, limit, placeholders), which come before `<originalData>` and the segment;
- placeholders are `<ph id dataRef canDelete="no"/>` referring to `<data>` in the
  unit's `<originalData>`, so tools protect them; ids are unique in the unit and a
  target reuses the source's; characters XML cannot carry are `<cp hex>`;
- `<segment state="initial">` with no `<target>` for a text to translate, and
  `state="translated"` with its `<target>` for a text already translated (`--all`).

Reading accepts XLIFF 2.0 and 2.1 documents (same namespace) from any tool: segments
and ignorables of a unit are joined in order, `<mrk>` annotations are read through, and
every structural problem is reported with the unit it is in.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError
from xml.sax.saxutils import escape, quoteattr

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import parse as safe_parse

from pilotkit.instruments.translations.bundle import Bundle, Row, TranslationFile, Unit
from pilotkit.instruments.translations.languages import is_rtl
from pilotkit.instruments.translations.texts import PLACEHOLDER

XLIFF_NS = "urn:oasis:names:tc:xliff:document:2.0"
SLR_NS = "urn:oasis:names:tc:xliff:sizerestriction:2.0"
STATES = ("initial", "translated", "reviewed", "final")
READ_VERSIONS = ("2.0", "2.1")

#: Characters an XML 1.0 document cannot contain: written as <cp hex="..."/>.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _q(tag: str) -> str:
    return f"{{{XLIFF_NS}}}{tag}"


# -- writing ----------------------------------------------------------------------------


def _chars(text: str) -> str:
    """Element content: escaped, carriage returns kept, non-XML characters as <cp>."""
    out = escape(text).replace("\r", "&#13;")
    return _NOT_XML.sub(lambda m: f'<cp hex="{ord(m.group()):04X}"/>', out)


def _inline(text: str, data_ids: dict[str, str], ph_ids: dict[str, list[str]]) -> str:
    """`text` with each placeholder as <ph>; the same placeholder text shares one <data>,
    and its n-th occurrence has the same ph id in source and target."""
    out: list[str] = []
    seen: Counter[str] = Counter()
    position = 0
    for match in PLACEHOLDER.finditer(text):
        out.append(_chars(text[position : match.start()]))
        code = match.group()
        data_id = data_ids.setdefault(code, f"d{len(data_ids) + 1}")
        ids = ph_ids.setdefault(code, [])
        if seen[code] >= len(ids):
            ids.append(f"ph{sum(len(v) for v in ph_ids.values()) + 1}")
        ph_id = ids[seen[code]]
        seen[code] += 1
        out.append(
            f'<ph id="{ph_id}" dataRef="{data_id}" canDelete="no" '
            f"disp={quoteattr(code)} equiv={quoteattr(code)}/>"
        )
        position = match.end()
    out.append(_chars(text[position:]))
    return "".join(out)


def _unit(unit: Unit) -> list[str]:
    data_ids: dict[str, str] = {}
    ph_ids: dict[str, list[str]] = {}
    source = _inline(unit.source, data_ids, ph_ids)
    target = _inline(unit.target, data_ids, ph_ids) if unit.target is not None else None
    limit = unit.entry.limit
    size = f' slr:sizeRestriction="{limit}"' if limit is not None else ""
    lines = [f"    <unit id={quoteattr(unit.path)}{size}>", "      <notes>"]
    for category, text in unit.notes():
        lines.append(f'        <note category="{category}">{_chars(text)}</note>')
    lines.append("      </notes>")
    if data_ids:
        lines.append("      <originalData>")
        for code, data_id in data_ids.items():
            lines.append(f'        <data id="{data_id}">{_chars(code)}</data>')
        lines.append("      </originalData>")
    state = "initial" if target is None else "translated"
    lines.append(f'      <segment state="{state}">')
    lines.append(f"        <source>{source}</source>")
    if target is not None:
        lines.append(f"        <target>{target}</target>")
    lines.extend(["      </segment>", "    </unit>"])
    return lines


def write_xliff(bundle: Bundle, path: Path) -> None:
    """Write the bundle as an XLIFF 2.0 document."""
    directions = ""
    if is_rtl(bundle.source_lang):
        directions += ' srcDir="rtl"'
    if is_rtl(bundle.target_lang):
        directions += ' trgDir="rtl"'
    about = (
        f"Instrument {bundle.instrument_id} (version {bundle.version}), titled "
        f"\u201c{bundle.title}\u201d; this language's status there: {bundle.status}."
    )
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<xliff xmlns="{XLIFF_NS}" xmlns:slr="{SLR_NS}" version="2.0" '
        f"srcLang={quoteattr(bundle.source_lang)} trgLang={quoteattr(bundle.target_lang)}>",
        f"  <file id={quoteattr(bundle.instrument_id)} "
        f'original={quoteattr(bundle.instrument_id + ".yaml")} canResegment="no"{directions}>',
        '    <slr:profiles generalProfile="xliff:codepoints"/>',
        "    <notes>",
        f'      <note category="instrument">{_chars(about)}</note>',
        f'      <note category="instructions">{_chars(bundle.instructions())}</note>',
        "    </notes>",
    ]
    for unit in bundle.units:
        lines.extend(_unit(unit))
    lines.extend(["  </file>", "</xliff>", ""])
    path.write_text("\n".join(lines), encoding="utf-8")


# -- reading ----------------------------------------------------------------------------


def _local(tag: object) -> str:
    return str(tag).rpartition("}")[2]


class _InlineReader:
    """The plain text of a <source> or <target>: placeholders back to what they stand for."""

    def __init__(self, data: dict[str, str]) -> None:
        self.data = data
        self.problems: list[str] = []

    def text(self, element: Element) -> str:
        parts = [element.text or ""]
        for child in element:
            parts.append(self._code(child))
            parts.append(child.tail or "")
        return "".join(parts)

    def _code(self, child: Element) -> str:
        tag = _local(child.tag)
        if tag == "ph":
            ref = child.get("dataRef")
            if ref is not None and ref in self.data:
                return self.data[ref]
            shown = child.get("equiv")
            if ref is None and shown:
                return shown
            self.problems.append(f'placeholder <ph id="{child.get("id")}"> has no original data')
            return ""
        if tag == "cp":
            try:
                return chr(int(child.get("hex", ""), 16))
            except ValueError:
                self.problems.append(f'<cp hex="{child.get("hex")}"> is not a code point')
                return ""
        if tag == "mrk":
            return self.text(child)
        if tag in ("sm", "em"):
            return ""
        self.problems.append(f"inline element <{tag}> is not one pilotkit wrote")
        return ""


def _unit_row(unit: Element, uid: str) -> Row:
    where = f"unit '{uid}'"
    data = {
        d.get("id", ""): _InlineReader({}).text(d)
        for d in unit.iter(_q("data"))
        if d.get("id") is not None
    }
    reader = _InlineReader(data)
    sources: list[str] = []
    targets: list[str | None] = []
    for part in unit:
        if _local(part.tag) not in ("segment", "ignorable"):
            continue
        state = part.get("state", "initial")
        if _local(part.tag) == "segment" and state not in STATES:
            reader.problems.append(f"segment state '{state}' is not one of {', '.join(STATES)}")
        source = part.find(_q("source"))
        target = part.find(_q("target"))
        if source is None:
            reader.problems.append("a segment has no <source>")
            continue
        sources.append(reader.text(source))
        targets.append(reader.text(target) if target is not None else None)
    if not sources and not reader.problems:
        reader.problems.append("the unit has no segment")
    source_text = "".join(sources)
    given = [t for t in targets if t is not None and t.strip()]
    target_text: str | None = None
    if given and len(given) < len(targets):
        reader.problems.append("only part of the text is translated (a segment has no target)")
    elif given:
        target_text = "".join(t or "" for t in targets)
    elif any(t is not None for t in targets) and any(
        part.get("state") not in (None, "initial") for part in unit.iter(_q("segment"))
    ):
        target_text = ""  # marked translated, but empty: an empty text, reported as such
    return Row(uid, where, source_text, target_text, tuple(reader.problems))


def read_xliff(path: Path) -> TranslationFile:
    """Read an XLIFF 2 document; structural problems become file or row problems."""
    result = TranslationFile(path, "xliff", None, None, None, None)
    try:
        root = safe_parse(str(path)).getroot()
    except ParseError as exc:
        result.problems.append(f"not well-formed XML: {exc}")
        return result
    except DefusedXmlException:
        result.problems.append("refused: the document declares entities or a DTD")
        return result
    if root.tag != _q("xliff"):
        namespace = str(root.tag).partition("}")[0].lstrip("{")
        hint = " (XLIFF 1.2: save the file as XLIFF 2.0)" if "xliff:document:1" in namespace else ""
        result.problems.append(f"not an XLIFF 2 document: root <{_local(root.tag)}>{hint}")
        return result
    version = root.get("version")
    if version not in READ_VERSIONS:
        result.problems.append(f"XLIFF version '{version}' is not 2.0 or 2.1")
    result.source_lang = root.get("srcLang")
    result.target_lang = root.get("trgLang")
    if not result.source_lang:
        result.problems.append("<xliff> has no srcLang")
    if not result.target_lang:
        result.problems.append("<xliff> has no trgLang: which language is this a translation to?")
    files = root.findall(_q("file"))
    if not files:
        result.problems.append("no <file> element")
    ids = {f.get("id") for f in files}
    if len(ids) > 1:
        result.problems.append(f"several <file> elements for different instruments: {sorted(ids)}")
    result.instrument_id = files[0].get("id") if files else None
    seen: set[str] = set()
    for file in files:
        for unit in file.iter(_q("unit")):
            uid = unit.get("id")
            if not uid:
                result.problems.append("a <unit> has no id")
                continue
            if uid in seen:
                result.problems.append(f"unit '{uid}' appears twice")
                continue
            seen.add(uid)
            result.rows.append(_unit_row(unit, uid))
    return result
