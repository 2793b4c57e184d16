"""Every translatable text of an instrument, with a stable path and its context.

A path names one text and never changes while the instrument keeps its ids; it is the
XLIFF unit id, the PO `msgctxt` and the spreadsheet's `id` column::

    title  description  intro
    waves.<wave>.label
    scale.labels.<point>                        the shared answer scale, one per point
    dimensions.<dimension>.label  dimensions.<dimension>.description
    sections.<section>.title  sections.<section>.description
    items.<item>.text  items.<item>.hint
    items.<item>.choices.<value>.label
    items.<item>.scale.labels.<point>           an item's own scale
    focus_group_guide.<section>.title  focus_group_guide.<section>.prompts.<n>

`<section>` is the section's dimension (or `general` for the section without one) when
that name is unique in the guide, else `section<n>` (from 1). Choice values are written
with characters other than letters, digits, `.`, `_` and `-` as `_xHHHH_`, so every path
is an XML NMTOKEN. Points and prompt numbers count from the scale's `min` and from 1.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from pilotkit.instruments.model import I18nText, Instrument, Item, Scale

#: Placeholders a translation must keep: `{name}`, `${item}` and `%(name)s`-style.
PLACEHOLDER = re.compile(
    r"\$\{[^{}]*\}|\{[^{}]*\}|%\([^()]*\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa%]"
)

#: Longest text, in characters (Unicode code points), where the layout has little room.
LIMITS: dict[str, int] = {
    "scale_label": 40,  # an answer button of the agreement scale, five in a row on a laptop
    "choice_label": 80,  # an answer option, one line on a 360 px phone
    "dimension_label": 60,  # the form's section heading, and a label in report figures
    "section_title": 60,  # the form's section heading of a page that is not a dimension
    "wave_label": 40,  # a wave's name on the staff pages and in reports
    "title": 80,  # the browser tab and the header of every page
}

_NMTOKEN_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


@dataclass(frozen=True)
class TextEntry:
    """One translatable text: where it lives, where it is shown, what limits it."""

    path: str
    kind: str  # title, intro, description, wave_label, scale_label, dimension_label,
    # section_title, ...
    value: I18nText  # as written in the instrument: a mapping, or a plain string
    shown: str  # where participants (or facilitators, or staff) read it
    item: str | None = None
    dimension: str | None = None
    choice: str | None = None
    point: int | None = None
    limit: int | None = None
    # where the text sits in the instrument's plain data (`Instrument.to_builtins()`): the
    # keys down to the multilingual value, or, for a scale label, to the `labels` mapping
    # with `index` the label's position in each language's list
    location: tuple[str | int, ...] = ()
    index: int | None = None

    def text(self, lang: str) -> str | None:
        """The text in `lang`, or None when it has none (a plain string is every language's)."""
        if isinstance(self.value, str):
            return self.value
        text = self.value.get(lang)
        return text if text and text.strip() else None

    def source(self, default_lang: str) -> str:
        return self.text(default_lang) or ""

    @property
    def shared(self) -> bool:
        """A plain string: shown as written in every language (nothing to translate)."""
        return isinstance(self.value, str)

    def context(self) -> str:
        """One line for a translator: what the text is and where it is shown."""
        parts = [self.shown]
        if self.item:
            parts.append(f"item {self.item}")
        if self.dimension:
            parts.append(f"dimension {self.dimension}")
        if self.choice is not None:
            parts.append(f"choice value {self.choice}")
        return "; ".join(parts)


def path_part(value: str) -> str:
    """A choice value as a path part: NMTOKEN characters only, reversibly escaped."""
    return _NMTOKEN_UNSAFE.sub(lambda m: f"_x{ord(m.group()):04X}_", value)


def placeholders(text: str) -> Counter[str]:
    return Counter(PLACEHOLDER.findall(text))


def _scale_entries(
    scale: Scale, prefix: str, location: tuple[str | int, ...], item: Item | None
) -> Iterator[TextEntry]:
    if scale.labels is None:
        return
    shown = "answer option of this question's own scale" if item else "answer option of the scale"
    last = len(scale.points) - 1
    for index, point in enumerate(scale.points):
        value = {
            lang: labels[index] for lang, labels in scale.labels.items() if index < len(labels)
        }
        end = " (lowest)" if index == 0 else " (highest)" if index == last else ""
        yield TextEntry(
            path=f"{prefix}.labels.{point}",
            kind="scale_label",
            value=value,
            shown=f"{shown}, point {point} of {scale.min} to {scale.max}{end}",
            item=item.id if item else None,
            dimension=item.dimension if item else None,
            point=point,
            limit=LIMITS["scale_label"],
            location=(*location, "labels"),
            index=index,
        )


def _guide_keys(inst: Instrument) -> list[str]:
    names = [s.dimension or "general" for s in inst.focus_group_guide]
    counts = Counter(names)
    return [name if counts[name] == 1 else f"section{n}" for n, name in enumerate(names, start=1)]


def _top_entries(inst: Instrument) -> Iterator[TextEntry]:
    yield TextEntry(
        "title", "title", inst.title, "form title (browser tab and page header)",
        limit=LIMITS["title"], location=("title",),
    )  # fmt: skip
    if inst.description is not None:
        yield TextEntry(
            "description", "description", inst.description,
            "description of the instrument for staff (pilot pages, reports)",
            location=("description",),
        )  # fmt: skip
    if inst.intro is not None:
        yield TextEntry(
            "intro", "intro", inst.intro, "introduction on the form's first page",
            location=("intro",),
        )  # fmt: skip
    for n, wave in enumerate(inst.waves or []):
        if wave.label is not None:
            yield TextEntry(
                f"waves.{wave.id}.label", "wave_label", wave.label,
                "name of the wave (staff pages and reports)", limit=LIMITS["wave_label"],
                location=("waves", n, "label"),
            )  # fmt: skip
    if inst.scale is not None:
        yield from _scale_entries(inst.scale, "scale", ("scale",), None)
    for n, dim in enumerate(inst.dimensions):
        yield TextEntry(
            f"dimensions.{dim.id}.label", "dimension_label", dim.label,
            "section heading of the form, and the dimension's name in reports",
            dimension=dim.id, limit=LIMITS["dimension_label"],
            location=("dimensions", n, "label"),
        )  # fmt: skip
        if dim.description is not None:
            yield TextEntry(
                f"dimensions.{dim.id}.description", "dimension_description", dim.description,
                "text under the section heading", dimension=dim.id,
                location=("dimensions", n, "description"),
            )  # fmt: skip
    for n, section in enumerate(inst.sections):
        yield TextEntry(
            f"sections.{section.id}.title", "section_title", section.title,
            "section heading of the form (a page that is not a dimension)",
            limit=LIMITS["section_title"], location=("sections", n, "title"),
        )  # fmt: skip
        if section.description is not None:
            yield TextEntry(
                f"sections.{section.id}.description", "section_description",
                section.description, "text under the section heading",
                location=("sections", n, "description"),
            )  # fmt: skip


def _item_entries(item: Item, n: int) -> Iterator[TextEntry]:
    base, at = f"items.{item.id}", ("items", n)
    shown = "text shown between questions" if item.type == "note" else "question text"
    common = {"item": item.id, "dimension": item.dimension}
    yield TextEntry(f"{base}.text", "question", item.text, shown, location=(*at, "text"), **common)
    if item.hint is not None:
        yield TextEntry(
            f"{base}.hint", "hint", item.hint, "hint under the question",
            location=(*at, "hint"), **common,
        )  # fmt: skip
    for c, choice in enumerate(item.choices or []):
        yield TextEntry(
            f"{base}.choices.{path_part(choice.value)}.label", "choice_label", choice.label,
            "answer option", choice=choice.value, limit=LIMITS["choice_label"],
            location=(*at, "choices", c, "label"), **common,
        )  # fmt: skip
    if item.scale is not None:
        yield from _scale_entries(item.scale, f"{base}.scale", (*at, "scale"), item)


def _guide_entries(inst: Instrument) -> Iterator[TextEntry]:
    for n, (key, section) in enumerate(zip(_guide_keys(inst), inst.focus_group_guide, strict=True)):
        base, at = f"focus_group_guide.{key}", ("focus_group_guide", n)
        if section.title is not None:
            yield TextEntry(
                f"{base}.title", "guide_title", section.title,
                "focus-group guide: title of a section (read by facilitators)",
                dimension=section.dimension, location=(*at, "title"),
            )  # fmt: skip
        for p, prompt in enumerate(section.prompts):
            yield TextEntry(
                f"{base}.prompts.{p + 1}", "guide_prompt", prompt,
                "focus-group guide: a question the facilitator asks the group",
                dimension=section.dimension, location=(*at, "prompts", p),
            )  # fmt: skip


def translatable_texts(inst: Instrument) -> list[TextEntry]:
    """Every text of the instrument that has a language, in the order of the file."""
    entries = list(_top_entries(inst))
    for n, item in enumerate(inst.items):
        entries.extend(_item_entries(item, n))
    entries.extend(_guide_entries(inst))
    return entries


def entries_by_path(inst: Instrument) -> dict[str, TextEntry]:
    """The texts by path; two texts with one path (ids that differ only in escaped
    characters) would make a translation ambiguous, so that is an error."""
    found: dict[str, TextEntry] = {}
    for entry in translatable_texts(inst):
        if entry.path in found:
            raise ValueError(f"two texts of instrument '{inst.id}' share the path '{entry.path}'")
        found[entry.path] = entry
    return found
