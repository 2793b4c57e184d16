"""Write an instrument as YAML that reads like the hand-written ones in `instruments/`.

Keys come in the order of the shipped files (id, version, title, languages, ...; per
item id, dimension, type, reverse, required, waves, text, hint, ...), defaults are left
out, multilingual texts are one line per language, short labels stay on one line
(`{en: ..., es: ...}`), long single-line texts are folded (`>-`), and a comment marks
where the items of a new dimension start. Every string is quoted where YAML would read
it as something else (`yes`, `12_13`, `1.0`). The text is checked by reading it back.
"""

from __future__ import annotations

import json
import re
import textwrap
from typing import Any

import msgspec
import yaml

from pilotkit.instruments.model import I18nText, Instrument, Item, Scale

_WIDTH = 92
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")
_PLAIN_ITEM_KEYS = frozenset({"id", "dimension", "type", "section"})
_TOP_ORDER = (
    "id",
    "version",
    "title",
    "languages",
    "translation_status",
    "register",
    "anonymous",
    "description",
    "intro",
    "waves",
    "scale",
    "dimensions",
    "sections",
    "items",
    "focus_group_guide",
)
_ITEM_ORDER = (
    "id",
    "dimension",
    "type",
    "reverse",
    "required",
    "waves",
    "section",
    "relevant",
    "constraint",
    "min",
    "max",
    "rank_of",
    "text",
    "hint",
    "scale",
    "choices",
)


#: Characters YAML does not accept raw in a quoted scalar (non-printable or line breaks).
_NEEDS_ESCAPE = re.compile(
    "[^\t\n\r\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]|[\x85\u2028\u2029]"
)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def _quote(text: str) -> str:
    """A double-quoted YAML scalar (JSON string syntax is valid YAML)."""
    return _NEEDS_ESCAPE.sub(_escape, json.dumps(text, ensure_ascii=False))


def _plain(text: str) -> str:
    """An identifier unquoted when YAML reads it back as the same string, else quoted."""
    if _IDENTIFIER.match(text) and yaml.safe_load(text) == text:
        return text
    return _quote(text)


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    return _quote(str(value))


def _foldable(text: str, indent: int) -> bool:
    return (
        len(text) + indent > _WIDTH
        and "\n" not in text
        and text == text.strip()
        and "  " not in text
        and "\t" not in text
        and text.isprintable()
    )


def _long_text(key: str, text: str, indent: int) -> list[str]:
    pad = " " * indent
    if not _foldable(text, indent + len(key) + 2):
        return [f"{pad}{key}: {_quote(text)}"]
    lines = textwrap.wrap(text, width=_WIDTH - indent - 2, break_long_words=False)
    return [f"{pad}{key}: >-", *(f"{pad}  {line}" for line in lines)]


def _block_text(key: str, value: I18nText, indent: int, *, fold: bool = False) -> list[str]:
    """A multilingual text as a block: one language per line."""
    pad = " " * indent
    if isinstance(value, str):
        return _long_text(key, value, indent) if fold else [f"{pad}{key}: {_quote(value)}"]
    lines = [f"{pad}{key}:"]
    for lang, text in value.items():
        if fold:
            lines.extend(_long_text(_plain(lang), text, indent + 2))
        else:
            lines.append(f"{pad}  {_plain(lang)}: {_quote(text)}")
    return lines


def _flow_text(value: I18nText) -> str:
    if isinstance(value, str):
        return _quote(value)
    return "{" + ", ".join(f"{_plain(lang)}: {_quote(text)}" for lang, text in value.items()) + "}"


def _scale(key: str, scale: Scale, indent: int) -> list[str]:
    pad = " " * indent
    lines = [f"{pad}{key}:", f"{pad}  min: {scale.min}", f"{pad}  max: {scale.max}"]
    if scale.labels is not None:
        lines.append(f"{pad}  labels:")
        for lang, labels in scale.labels.items():
            lines.append(
                f"{pad}    {_plain(lang)}: [{', '.join(_quote(label) for label in labels)}]"
            )
    if scale.names is not None:
        lines.append(f"{pad}  names: [{', '.join(_quote(name) for name in scale.names)}]")
    return lines


def _item(item: Item) -> list[str]:
    """One item as a list entry: fields at indent 4, the first behind "  - "."""
    present = msgspec.to_builtins(item)
    lines: list[str] = []
    for key in _ITEM_ORDER:
        if key not in present:
            continue
        value = getattr(item, key)
        if key in ("text", "hint"):
            lines.extend(_block_text(key, value, 4))
        elif key == "scale":
            lines.extend(_scale(key, value, 4))
        elif key == "choices":
            lines.append("    choices:")
            for choice in value:
                lines.append(f"      - value: {_quote(choice.value)}")
                lines.append(f"        label: {_flow_text(choice.label)}")
        elif key == "waves":
            lines.append(f"    waves: [{', '.join(_plain(w) for w in value)}]")
        elif key == "rank_of":
            lines.append(
                f"    rank_of: {{question: {_plain(value.question)}, "
                f"choice: {_quote(value.choice)}}}"
            )
        elif key in _PLAIN_ITEM_KEYS:
            lines.append(f"    {key}: {_plain(value)}")
        else:
            lines.append(f"    {key}: {_scalar(value)}")
    lines[0] = "  - " + lines[0][4:]
    return lines


def _items(inst: Instrument) -> list[str]:
    lines = ["items:"]
    current: str | None = None
    for index, item in enumerate(inst.items):
        if item.dimension != current and any(i.dimension for i in inst.items):
            heading = inst.text(inst.dimension(item.dimension).label) if item.dimension else ""
            heading = heading or "Other questions"
            if index:
                lines.append("")
            lines.append(f"  # -- {heading} " + "-" * max(3, 80 - len(heading)))
            current = item.dimension
        lines.extend(_item(item))
    return lines


def _guide(inst: Instrument) -> list[str]:
    lines = ["focus_group_guide:"]
    for section in inst.focus_group_guide:
        first = True
        for key in ("dimension", "title"):
            value = getattr(section, key)
            if value is None:
                continue
            lead = "  - " if first else "    "
            if key == "title":
                block = _block_text("title", value, 4)
                lines.append(lead + block[0].lstrip())
                lines.extend(block[1:])
            else:
                lines.append(f"{lead}dimension: {_plain(value)}")
            first = False
        lines.append(f"{'  - ' if first else '    '}prompts:")
        for prompt in section.prompts:
            if isinstance(prompt, str):
                lines.append(f"      - {_quote(prompt)}")
                continue
            for n, (lang, text) in enumerate(prompt.items()):
                lead = "- " if n == 0 else "  "
                lines.append(f"      {lead}{_plain(lang)}: {_quote(text)}")
    return lines


def _top(inst: Instrument, key: str) -> list[str]:
    value = getattr(inst, key)
    if key in ("id", "version", "anonymous"):
        return [f"{key}: {_plain(value) if key == 'id' else _scalar(value)}"]
    if key == "title":
        return _block_text("title", value, 0)
    if key == "languages":
        return [f"languages: [{', '.join(_plain(lang) for lang in value)}]"]
    if key in ("translation_status", "register"):
        pairs = ", ".join(f"{_plain(lang)}: {_plain(status)}" for lang, status in value.items())
        return [f"{key}: {{{pairs}}}"]
    if key in ("description", "intro"):
        return _block_text(key, value, 0, fold=True)
    if key == "waves":
        lines = ["waves:"]
        for wave in value:
            lines.append(f"  - id: {_plain(wave.id)}")
            if wave.label is not None:
                lines.append(f"    label: {_flow_text(wave.label)}")
        return lines
    if key == "scale":
        return ["", *_scale("scale", value, 0)]
    if key == "dimensions":
        lines = ["", "dimensions:"]
        for dim in value:
            lines.append(f"  - id: {_plain(dim.id)}")
            lines.append(f"    label: {_flow_text(dim.label)}")
            if dim.description is not None:
                lines.extend(_block_text("description", dim.description, 4))
        return lines
    if key == "sections":
        lines = ["", "sections:"]
        for section in value:
            lines.append(f"  - id: {_plain(section.id)}")
            lines.append(f"    title: {_flow_text(section.title)}")
            if section.description is not None:
                lines.extend(_block_text("description", section.description, 4))
        return lines
    if key == "items":
        return ["", *_items(inst)]
    return ["", *_guide(inst)]


def dump_instrument(inst: Instrument, header: str | None = None) -> str:
    """The instrument as YAML text; `header` becomes a comment block at the top."""
    present = msgspec.to_builtins(inst)
    lines: list[str] = []
    if header:
        lines.extend(f"# {line}".rstrip() for line in header.splitlines())
    for key in _TOP_ORDER:
        if key in present:
            lines.extend(_top(inst, key))
    text = "\n".join(lines) + "\n"
    _check_round_trip(inst, text)
    return text


def _check_round_trip(inst: Instrument, text: str) -> None:
    """Reading the text back must give the same instrument; a mismatch is a bug here."""

    data = yaml.safe_load(text)
    again = msgspec.convert(data, Instrument, strict=True)
    if again != inst:
        raise AssertionError(f"YAML writer lost data of instrument '{inst.id}'")
