"""An XLIFF 2.0 checker written from the OASIS specification (XLIFF Version 2.0, OASIS
Standard, 5 August 2014), independent of pilotkit's writer.

The OASIS schema itself is not shipped; instead the rules of the core that a document
like pilotkit's touches are checked one by one. Each returns a line naming the rule:

- R1  root <xliff> in urn:oasis:names:tc:xliff:document:2.0, version="2.0", srcLang
      required, trgLang required when the document has a <target> (2.0 §4.2.1.1);
      language values are xs:language (BCP 47) tags.
- R2  <xliff> holds one or more <file>; a file's id is an NMTOKEN, unique (§4.2.1.2).
- R3  <file> children in order: <skeleton>?, elements of other namespaces (modules and
      extensions)*, <notes>?, then one or more <unit>/<group> (§4.2.1.2).
- R4  <unit> has an NMTOKEN id unique in its file; children in order: other namespaces*,
      <notes>?, <originalData>?, then one or more <segment>/<ignorable> (§4.2.1.4).
- R5  <segment>/<ignorable> hold one <source> then at most one <target>; a segment's
      state is initial, translated, reviewed or final (§4.2.2.1, §4.3.1.39); a state
      other than initial comes with a <target> (pilotkit's stricter reading of §4.3.1.39).
- R6  <notes> holds one or more <note>; a note's attributes are id, appliesTo (source or
      target), category, priority (1 to 10) or other namespaces (§4.2.1.6-7).
- R7  <originalData> holds one or more <data> with ids unique in the unit; a <ph>
      dataRef names one of them; <ph> ids are unique in a <source>, and a <target> uses
      only ids of its source (§4.2.2.3, §4.4.3.1, §4.7.2 constraints).
- R8  <source>/<target> hold text and core inline elements only (cp, ph, pc, sc, ec, mrk,
      sm, em); <cp hex> is hexBinary for a character XML cannot carry (§4.2.3.1).
- R9  attributes without a namespace are only those the core defines for the element.
- R10 the Size and Length Restriction module: slr:sizeRestriction on a unit is a
      positive whole number, and the file declares slr:profiles (§5.7).
"""

from __future__ import annotations

import re
from xml.etree import ElementTree as ET

XLIFF = "urn:oasis:names:tc:xliff:document:2.0"
SLR = "urn:oasis:names:tc:xliff:sizerestriction:2.0"
NMTOKEN = re.compile(r"^[\w.:-]+$")
LANGUAGE = re.compile(r"^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$")
INLINE = {"cp", "ph", "pc", "sc", "ec", "mrk", "sm", "em"}
STATES = {"initial", "translated", "reviewed", "final"}
CORE_ATTRIBUTES = {
    "xliff": {"version", "srcLang", "trgLang"},
    "file": {"id", "canResegment", "original", "translate", "srcDir", "trgDir"},
    "unit": {"id", "name", "canResegment", "translate", "srcDir", "trgDir", "type"},
    "notes": set(),
    "note": {"id", "appliesTo", "category", "priority"},
    "originalData": set(),
    "data": {"id", "dir"},
    "segment": {"id", "canResegment", "state", "subState"},
    "ignorable": {"id"},
    "source": set(),
    "target": {"order"},
    "ph": {"canCopy", "canDelete", "canReorder", "copyOf", "disp", "equiv", "id", "dataRef",
           "subFlows", "subType", "type"},
    "cp": {"hex"},
}  # fmt: skip
XML_CHAR = re.compile("[\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _ns(element: ET.Element) -> str:
    return element.tag.partition("}")[0].lstrip("{") if element.tag.startswith("{") else ""


def _local(element: ET.Element) -> str:
    return element.tag.rpartition("}")[2]


def _order(children: list[ET.Element], expected: list[str]) -> bool:
    """Children follow `expected` (names; `*other` for any other namespace)."""
    position = 0
    for child in children:
        name = "*other" if _ns(child) != XLIFF else _local(child)
        while position < len(expected) and name not in expected[position].split("|"):
            position += 1
        if position == len(expected):
            return False
    return True


def _attributes(element: ET.Element, problems: list[str], where: str) -> None:
    allowed = CORE_ATTRIBUTES.get(_local(element), set())
    for name in element.attrib:
        if name.startswith("{"):
            continue  # another namespace (xml:, modules)
        if name not in allowed:
            problems.append(f"R9 {where}: <{_local(element)}> has no attribute '{name}'")


def _inline(element: ET.Element, problems: list[str], where: str) -> list[str]:
    ids: list[str] = []
    for child in element.iter():
        if child is element:
            continue
        if _ns(child) != XLIFF or _local(child) not in INLINE:
            problems.append(f"R8 {where}: <{_local(child)}> is not a core inline element")
            continue
        _attributes(child, problems, where)
        if _local(child) == "cp":
            value = child.get("hex", "")
            if not re.fullmatch(r"(?:[0-9A-Fa-f]{2})+", value):
                problems.append(f"R8 {where}: cp hex '{value}' is not hexBinary")
            elif XML_CHAR.fullmatch(chr(int(value, 16))):
                problems.append(f"R8 {where}: cp for a character XML can carry")
        if _local(child) == "ph":
            ids.append(child.get("id", ""))
    return ids


def _unit(unit: ET.Element, problems: list[str]) -> None:
    where = f"unit {unit.get('id')}"
    _attributes(unit, problems, where)
    children = list(unit)
    if not _order(children, ["*other", "notes", "originalData", "segment|ignorable"]):
        problems.append(f"R4 {where}: children out of order: {[_local(c) for c in children]}")
    if not any(_local(c) in ("segment", "ignorable") for c in children):
        problems.append(f"R4 {where}: no segment")
    size = unit.get(f"{{{SLR}}}sizeRestriction")
    if size is not None and not (size.isdigit() and int(size) > 0):
        problems.append(f"R10 {where}: sizeRestriction '{size}'")
    data_ids: list[str] = []
    for child in children:
        _attributes(child, problems, where)
        if _local(child) == "notes":
            if not len(child):
                problems.append(f"R6 {where}: empty <notes>")
            for note in child:
                _attributes(note, problems, where)
                if _local(note) != "note":
                    problems.append(f"R6 {where}: <{_local(note)}> in <notes>")
                if note.get("appliesTo") not in (None, "source", "target"):
                    problems.append(f"R6 {where}: appliesTo")
                if note.get("priority") and not 1 <= int(note.get("priority", "1")) <= 10:
                    problems.append(f"R6 {where}: priority")
        if _local(child) == "originalData":
            data_ids = [d.get("id", "") for d in child]
            if not data_ids or len(set(data_ids)) != len(data_ids):
                problems.append(f"R7 {where}: data ids {data_ids}")
    for part in children:
        if _local(part) not in ("segment", "ignorable"):
            continue
        names = [_local(c) for c in part]
        if names not in (["source"], ["source", "target"]):
            problems.append(f"R5 {where}: segment holds {names}")
        state = part.get("state", "initial")
        if state not in STATES:
            problems.append(f"R5 {where}: state '{state}'")
        if state != "initial" and "target" not in names:
            problems.append(f"R5 {where}: state '{state}' without a target")
        source, target = part.find(f"{{{XLIFF}}}source"), part.find(f"{{{XLIFF}}}target")
        source_ids = _inline(source, problems, where) if source is not None else []
        if len(set(source_ids)) != len(source_ids):
            problems.append(f"R7 {where}: ph ids repeat in the source")
        target_ids = _inline(target, problems, where) if target is not None else []
        if not set(target_ids) <= set(source_ids):
            problems.append(f"R7 {where}: target ph ids {target_ids} not in the source")
        for ph in part.iter(f"{{{XLIFF}}}ph"):
            if ph.get("dataRef") is not None and ph.get("dataRef") not in data_ids:
                problems.append(f"R7 {where}: dataRef '{ph.get('dataRef')}' has no <data>")


def xliff_problems(text: bytes) -> list[str]:
    """Every broken rule of an XLIFF 2.0 document (empty: it keeps them all)."""
    root = ET.fromstring(text)
    problems: list[str] = []
    if root.tag != f"{{{XLIFF}}}xliff":
        return [f"R1 root is {root.tag}"]
    _attributes(root, problems, "xliff")
    if root.get("version") != "2.0":
        problems.append(f"R1 version {root.get('version')}")
    for attribute in ("srcLang", "trgLang"):
        value = root.get(attribute)
        if value is not None and not LANGUAGE.match(value):
            problems.append(f"R1 {attribute} '{value}' is not a language tag")
    if not root.get("srcLang"):
        problems.append("R1 no srcLang")
    if root.find(f".//{{{XLIFF}}}target") is not None and not root.get("trgLang"):
        problems.append("R1 targets without trgLang")
    files = list(root)
    if not files or any(_local(f) != "file" or _ns(f) != XLIFF for f in files):
        problems.append("R2 <xliff> must hold <file> elements only")
    file_ids = [f.get("id", "") for f in files]
    if len(set(file_ids)) != len(file_ids) or not all(NMTOKEN.match(i) for i in file_ids):
        problems.append(f"R2 file ids {file_ids}")
    for file in files:
        _attributes(file, problems, "file")
        children = list(file)
        if not _order(children, ["skeleton", "*other", "notes", "unit|group"]):
            problems.append(f"R3 file children out of order: {[_local(c) for c in children]}")
        units = [c for c in children if _local(c) == "unit"]
        if not units:
            problems.append("R3 file without units")
        unit_ids = [u.get("id", "") for u in file.iter(f"{{{XLIFF}}}unit")]
        for uid in unit_ids:
            if not NMTOKEN.match(uid):
                problems.append(f"R4 unit id '{uid}' is not an NMTOKEN")
        if len(set(unit_ids)) != len(unit_ids):
            problems.append("R4 unit ids repeat")
        uses_size = file.find(f".//{{{XLIFF}}}unit[@{{{SLR}}}sizeRestriction]") is not None
        if uses_size and file.find(f"{{{SLR}}}profiles") is None:
            problems.append("R10 sizeRestriction without slr:profiles")
        for unit in file.iter(f"{{{XLIFF}}}unit"):
            _unit(unit, problems)
    return problems
