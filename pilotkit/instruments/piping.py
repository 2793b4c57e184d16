"""`${item}` references in texts: piping an earlier answer into a question's label.

XLSForm labels, hints and choice labels may name an earlier question as `${name}`; ODK
and Kobo show its answer there. pilotkit keeps such a reference when the item exists,
takes an answer and comes earlier, and shows the participant's answer in its place
(`…` while it is unanswered).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping

from pilotkit.instruments.model import DISPLAY_TYPES, I18nText, Instrument, Item

REFERENCE = re.compile(r"\$\{\s*([A-Za-z_][A-Za-z0-9_.-]*)\s*\}")
#: What stands in for an answer that is not there (yet).
GAP = "…"


def references(text: I18nText | None) -> list[str]:
    """The item ids a text refers to, in order of first use (every language)."""
    if text is None:
        return []
    values = [text] if isinstance(text, str) else list(text.values())
    return list(dict.fromkeys(m.group(1) for v in values for m in REFERENCE.finditer(v)))


def malformed_reference(text: I18nText | None) -> bool:
    """Whether a text holds a `${` that does not start a `${name}` reference."""
    if text is None:
        return False
    values = [text] if isinstance(text, str) else list(text.values())
    return any(v.count("${") > len(REFERENCE.findall(v)) for v in values)


def replace_references(text: I18nText, replace: Callable[[str], str | None]) -> I18nText:
    """The text with each `${name}` replaced by `replace(name)` (kept when it gives None)."""

    def one(value: str) -> str:
        def sub(match: re.Match[str]) -> str:
            new = replace(match.group(1))
            return match.group(0) if new is None else new

        return REFERENCE.sub(sub, value)

    if isinstance(text, str):
        return one(text)
    return {lang: one(value) for lang, value in text.items()}


def item_texts(item: Item) -> Iterator[tuple[str, I18nText]]:
    """(field name, text) of every text of an item that may hold references."""
    yield "text", item.text
    if item.hint is not None:
        yield "hint", item.hint
    for choice in item.choices or []:
        yield f"choice '{choice.value}' label", choice.label


def answer_text(
    instrument: Instrument,
    item: Item,
    value: object,
    lang: str,
    yes_no: tuple[str, str] = ("Yes", "No"),
) -> str:
    """An answer as a participant reads it: the choice or scale label, yes/no, the text."""
    if value is None or value == "" or value == []:
        return GAP
    if item.type == "boolean":
        return yes_no[0] if value in (True, 1, "1", "true", "yes") else yes_no[1]
    if item.type in ("single", "multi"):
        labels = {c.value: instrument.text(c.label, lang) for c in item.choices or []}
        picked = value if isinstance(value, list) else [value]
        return ", ".join(labels.get(str(v), str(v)) for v in picked)
    if item.type == "likert":
        scale = instrument.scale_of(item)
        labels = (scale.labels or {}).get(lang) if scale is not None else None
        if scale is not None and labels:
            try:
                return labels[int(value) - scale.min]  # type: ignore[call-overload]
            except (TypeError, ValueError, IndexError):
                return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def pipe(
    instrument: Instrument,
    text: str,
    answers: Mapping[str, object],
    lang: str,
    yes_no: tuple[str, str] = ("Yes", "No"),
) -> str:
    """A text (already in `lang`) with every `${item}` replaced by the answer given."""
    if "${" not in text:
        return text

    def value(name: str) -> str | None:
        try:
            item = instrument.item(name)
        except KeyError:
            return None
        if item.type in DISPLAY_TYPES:
            return None
        return answer_text(instrument, item, answers.get(name), lang, yes_no)

    result = replace_references(text, value)
    assert isinstance(result, str)
    return result
