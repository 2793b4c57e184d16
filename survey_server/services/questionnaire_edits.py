"""The editor's changes to a questionnaire's data, built from form fields (no database).

Each function returns a `Change` (data -> data) for `questionnaires.edit`, or raises
InvalidInputError naming the field. Fields arrive as `{name: [values]}`, as the staff
pages post them.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pilotkit.errors import PilotkitError
from pilotkit.instruments import InstrumentError, available_instruments, load_instrument_file
from pilotkit.instruments.model import ITEM_TYPES
from pilotkit.instruments.validation import IDENTIFIER, LANGUAGE
from survey_server.errors import InvalidInputError
from survey_server.i18n.lazy import lazy_gettext
from survey_server.services.questionnaire_content import SEED_DIMENSIONS, normalise, page_key

Change = Callable[[dict[str, Any]], dict[str, Any]]
AGREE_LABELS = (
    "Strongly disagree",
    "Disagree",
    "Neither agree nor disagree",
    "Agree",
    "Strongly agree",
)

Fields = dict[str, list[str]]
MAX_TEXT = 5000
MAX_UPLOAD_BYTES = 5 * 1024 * 1024


def _one(fields: Fields, name: str) -> str:
    values = fields.get(name) or [""]
    text = values[0].replace("\r\n", "\n").strip()
    if len(text) > MAX_TEXT:
        raise InvalidInputError(
            lazy_gettext("%(name)s: at most %(limit)s characters", name=name, limit=MAX_TEXT)
        )
    return text


def _texts(fields: Fields, prefix: str, languages: list[str]) -> dict[str, str]:
    return {lang: _one(fields, f"{prefix}_{lang}") for lang in languages}


def _number(fields: Fields, name: str, label: str, *, whole: bool) -> float | int | None:
    text = _one(fields, name)
    if not text:
        return None
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        raise InvalidInputError(
            lazy_gettext("%(label)s: '%(text)s' is not a number", label=label, text=text)
        ) from None
    if whole:
        if not value.is_integer():
            raise InvalidInputError(
                lazy_gettext("%(label)s: '%(text)s' is not a whole number", label=label, text=text)
            )
        return int(value)
    return int(value) if value.is_integer() else value


# -- the whole questionnaire --------------------------------------------------------


def shipped_choices() -> list[tuple[str, str]]:
    """(id, title) of the shipped instruments that load."""
    found: dict[str, str] = {}
    for path in available_instruments():
        try:
            instrument = load_instrument_file(path)
        except PilotkitError:
            continue
        found.setdefault(instrument.id, instrument.text(instrument.title))
    return sorted(found.items(), key=lambda pair: pair[1])


def start_from_shipped(instrument_id: str) -> Change:
    for path in available_instruments():
        if path.stem == instrument_id:
            try:
                instrument = load_instrument_file(path)
            except PilotkitError as exc:
                raise InvalidInputError(str(exc)) from None
            data = normalise(instrument.to_builtins())
            return lambda _old: data
    raise InvalidInputError(
        lazy_gettext("no shipped questionnaire '%(instrument_id)s'", instrument_id=instrument_id)
    )


def start_from_scratch(title: str, language: str) -> Change:
    if not title:
        raise InvalidInputError(lazy_gettext("title: give the questionnaire a title"))
    if not LANGUAGE.match(language):
        raise InvalidInputError(
            lazy_gettext(
                "language: '%(language)s' is not a language code (like en, es)", language=language
            )
        )

    def change(old: dict[str, Any]) -> dict[str, Any]:
        scale: dict[str, Any] = {"min": 1, "max": 5}
        if language == "en":
            scale["labels"] = {"en": list(AGREE_LABELS)}
        return {
            "id": old.get("id") or "questionnaire",
            "version": 1,
            "title": {language: title},
            "languages": [language],
            "scale": scale,
            "dimensions": [
                {"id": d["id"], "label": {language: d["label"].get(language, d["label"]["en"])}}
                for d in SEED_DIMENSIONS
            ],
            "items": [],
        }

    return change


def read_upload(
    content: bytes, filename: str, *, dimensions_from_groups: bool = False
) -> tuple[dict[str, Any], list[str]]:
    """An XLSForm read by the same importer as `pilotkit instruments import`: the
    instrument's data (problems are fixed in the editor) and the row-by-row report. With
    `dimensions_from_groups` (the command's `--dimension-from-groups`), each group's scale
    questions form a dimension named and labelled after the group."""
    from pilotkit.instruments.xlsform.common import XLSFormError
    from pilotkit.instruments.xlsform.reader import FormReader
    from pilotkit.instruments.xlsform.sheets import read_sheets

    if not content:
        raise InvalidInputError(lazy_gettext("file: choose an XLSForm (.xlsx) to upload"))
    if len(content) > MAX_UPLOAD_BYTES:
        raise InvalidInputError(lazy_gettext("file: an XLSForm of at most 5 MB"))
    safe_name = re.sub(r"[^A-Za-z0-9._-]+", "-", Path(filename or "form.xlsx").name)
    if not safe_name.lower().endswith(".xlsx"):
        raise InvalidInputError(lazy_gettext("file: an XLSForm is an .xlsx workbook"))
    with tempfile.TemporaryDirectory(prefix="pilotkit-upload-") as folder:
        path = Path(folder) / safe_name
        path.write_bytes(content)
        try:
            reader = FormReader(path, read_sheets(path), None, dimensions_from_groups)
            data = reader.instrument()
        except (XLSFormError, InstrumentError) as exc:
            message = str(exc).replace(str(path), safe_name)
            raise InvalidInputError(lazy_gettext("file: %(message)s", message=message)) from None
        except Exception as exc:  # openpyxl on a file that is not a workbook
            raise InvalidInputError(
                lazy_gettext(
                    "file: '%(safe_name)s' could not be read as an .xlsx workbook (%(exc)s)",
                    safe_name=safe_name,
                    exc=exc,
                )
            ) from None
    return normalise(data), list(reader.warnings)


def details(fields: Fields, languages: list[str]) -> Change:
    title = _texts(fields, "title", languages)
    intro = _texts(fields, "intro", languages)
    description = _texts(fields, "description", languages)
    ident = _one(fields, "id")

    def change(data: dict[str, Any]) -> dict[str, Any]:
        if ident:
            data["id"] = ident
        data["title"] = title
        for key, value in (("intro", intro), ("description", description)):
            if any(value.values()):
                data[key] = value
            else:
                data.pop(key, None)
        return data

    return change


def add_language(code: str) -> Change:
    code = code.strip()
    if not LANGUAGE.match(code):
        raise InvalidInputError(
            lazy_gettext(
                "language: '%(code)s' is not a language code (like es, fr, zh-Hant)", code=code
            )
        )

    def change(data: dict[str, Any]) -> dict[str, Any]:
        if code in data.get("languages", []):
            raise InvalidInputError(
                lazy_gettext("language: '%(code)s' is already a language of it", code=code)
            )
        data["languages"] = [*data.get("languages", []), code]
        _seed_labels_in(data, code)
        return data

    return change


def _seed_labels_in(data: dict[str, Any], code: str) -> None:
    """The six assessment areas come with their labels in the languages we ship."""
    seeds = {d["id"]: d["label"] for d in SEED_DIMENSIONS}
    for dim in data.get("dimensions") or []:
        known = seeds.get(dim.get("id"), {}).get(code)
        label = dim.get("label")
        if known and isinstance(label, dict) and not label.get(code):
            label[code] = known


def remove_language(code: str) -> Change:
    def change(data: dict[str, Any]) -> dict[str, Any]:
        languages = list(data.get("languages") or [])
        if code not in languages:
            raise InvalidInputError(
                lazy_gettext("language: '%(code)s' is not a language of it", code=code)
            )
        if languages[0] == code:
            raise InvalidInputError(lazy_gettext("language: the first language cannot be removed"))
        from survey_server.services.questionnaire_content import without_languages

        return without_languages(data, {code})

    return change


def translations(fields: Fields, data: dict[str, Any]) -> Change:
    """Texts posted from the side-by-side page: `tr|PLACE|FIELD|LANG` fields."""
    posted: dict[tuple[str, str, str], str] = {}
    for name in fields:
        if name.startswith("tr|"):
            parts = name.split("|")
            if len(parts) == 4:
                posted[(parts[1], parts[2], parts[3])] = _one(fields, name)

    def put(place: str, name: str, texts: dict[str, str]) -> None:
        for (p, f, lang), value in posted.items():
            if p == place and f == name:
                texts[lang] = value

    def change(data: dict[str, Any]) -> dict[str, Any]:
        from survey_server.services.questionnaire_content import _texts as every_text

        for place, name, texts in every_text(data):
            put(place, name, texts)
        for place, scale in _scale_places(data):
            labels = scale.setdefault("labels", {}) or {}
            scale["labels"] = labels
            for (p, f, lang), value in posted.items():
                if p == place and f == "scale labels":
                    labels[lang] = [line.strip() for line in value.split("\n") if line.strip()]
        return data

    return change


def _scale_places(data: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    from survey_server.services.questionnaire_content import _scales

    return [(p, s) for p, s in _scales(data) if s.get("labels")]


# -- items ---------------------------------------------------------------------------


def _choices(fields: Fields, languages: list[str]) -> list[dict[str, Any]] | None:
    """`value = label` lines, one textarea per language (values from the first one)."""
    default = languages[0]
    rows: list[dict[str, Any]] = []
    by_value: dict[str, dict[str, Any]] = {}
    for number, line in enumerate(_one(fields, f"choices_{default}").split("\n"), start=1):
        if not line.strip():
            continue
        value, sep, label = line.partition("=")
        if not sep:
            raise InvalidInputError(
                lazy_gettext(
                    "choices (%(default)s), line %(number)s: write it as 'value = label'",
                    default=default,
                    number=number,
                )
            )
        choice = {"value": value.strip(), "label": {default: label.strip()}}
        rows.append(choice)
        by_value[value.strip()] = choice
    for lang in languages[1:]:
        for number, line in enumerate(_one(fields, f"choices_{lang}").split("\n"), start=1):
            if not line.strip():
                continue
            value, sep, label = line.partition("=")
            if not sep or value.strip() not in by_value:
                raise InvalidInputError(
                    lazy_gettext(
                        "choices (%(lang)s), line %(number)s: 'value = label' with a value of the "
                        "%(default)s list",
                        lang=lang,
                        number=number,
                        default=default,
                    )
                )
            by_value[value.strip()]["label"][lang] = label.strip()
    return rows or None


def item_from_fields(fields: Fields, data: dict[str, Any]) -> dict[str, Any]:
    """An item as the form describes it (the loader checks the rest)."""
    languages = list(data.get("languages") or ["en"])
    item_id = _one(fields, "id")
    if not item_id:
        raise InvalidInputError(lazy_gettext("id: give the item an id (letters, digits, _ . -)"))
    if not IDENTIFIER.match(item_id):
        raise InvalidInputError(
            lazy_gettext(
                "id: '%(item_id)s' must start with a letter and hold only letters, digits, _ . -",
                item_id=item_id,
            )
        )
    kind = _one(fields, "type")
    if kind not in ITEM_TYPES:
        raise InvalidInputError(
            lazy_gettext("type: choose one of %(value)s", value=", ".join(ITEM_TYPES))
        )
    item: dict[str, Any] = {"id": item_id, "type": kind, "text": _texts(fields, "text", languages)}
    hint = _texts(fields, "hint", languages)
    if any(hint.values()):
        item["hint"] = hint
    if kind != "note":
        item["required"] = "required" in fields
    if kind == "likert" and "reverse" in fields:
        item["reverse"] = True
    dimension = _one(fields, "dimension")
    if dimension and kind != "note":
        item["dimension"] = dimension
    section = _one(fields, "section")
    if section:
        item["section"] = section
    all_waves = [w.get("id") for w in data.get("waves") or []] or ["pre", "post"]
    waves = [w for w in fields.get("waves", []) if w in all_waves]
    if "waves_given" in fields and sorted(waves) != sorted(all_waves):
        item["waves"] = waves
    relevant = _one(fields, "relevant")
    if relevant:
        item["relevant"] = relevant
    constraint = _one(fields, "constraint")
    if constraint:
        item["constraint"] = constraint
    if kind == "likert" and "own_scale" in fields:
        low = _number(fields, "scale_min", "scale from", whole=True)
        high = _number(fields, "scale_max", "scale to", whole=True)
        if low is None or high is None:
            raise InvalidInputError(lazy_gettext("scale: give the lowest and highest points"))
        scale: dict[str, Any] = {"min": low, "max": high}
        labels = {
            lang: [x.strip() for x in _one(fields, f"scale_labels_{lang}").split("\n") if x.strip()]
            for lang in languages
        }
        if any(labels.values()):
            scale["labels"] = labels
        item["scale"] = scale
    if kind in ("single", "multi"):
        choices = _choices(fields, languages)
        if choices:
            item["choices"] = choices
    if kind == "number":
        for key in ("min", "max"):
            value = _number(fields, key, f"{key}imum", whole=False)
            if value is not None:
                item[key] = value
    return item


def save_item(original_id: str | None, item: dict[str, Any]) -> Change:
    def change(data: dict[str, Any]) -> dict[str, Any]:
        items = list(data.get("items") or [])
        ids = [i.get("id") for i in items]
        if item["id"] != original_id and item["id"] in ids:
            raise InvalidInputError(
                lazy_gettext("id: another item is already called '%(item)s'", item=item["id"])
            )
        if original_id is None:
            items.append(item)
        else:
            if original_id not in ids:
                raise InvalidInputError(
                    lazy_gettext(
                        "no item '%(original_id)s' in the questionnaire", original_id=original_id
                    )
                )
            index = ids.index(original_id)
            previous = items[index]
            # what the editor has no field for stays as imported
            if previous.get("rank_of") and item["type"] == "number":
                items[index] = {**item, "rank_of": previous["rank_of"]}
            else:
                items[index] = item
            if item["id"] != original_id:  # a renamed item: conditions follow it
                for other in items:
                    condition = other.get("relevant")
                    if condition:
                        other["relevant"] = condition.replace(
                            "${" + original_id + "}", "${" + item["id"] + "}"
                        )
        data["items"] = items
        return data

    return change


def delete_item(item_id: str, core_ids: set[str]) -> Change:
    if item_id in core_ids:
        raise InvalidInputError(
            lazy_gettext(
                "'%(item_id)s' is a core item: it stays so that pilots remain comparable",
                item_id=item_id,
            )
        )

    def change(data: dict[str, Any]) -> dict[str, Any]:
        items = [i for i in data.get("items") or [] if i.get("id") != item_id]
        if len(items) == len(data.get("items") or []):
            raise InvalidInputError(
                lazy_gettext("no item '%(item_id)s' in the questionnaire", item_id=item_id)
            )
        data["items"] = items
        return data

    return change


def reorder(order: list[str]) -> Change:
    """The items in the order given (every item, each once)."""

    def change(data: dict[str, Any]) -> dict[str, Any]:
        items = list(data.get("items") or [])
        by_id = {i.get("id"): i for i in items}
        if sorted(order) != sorted(by_id) or len(order) != len(items):
            raise InvalidInputError(
                lazy_gettext(
                    "order: the list must name every item once; reload the page and try again"
                )
            )
        data["items"] = [by_id[i] for i in order]
        return data

    return change


def move_item(item_id: str, direction: str) -> Change:
    def change(data: dict[str, Any]) -> dict[str, Any]:
        items = list(data.get("items") or [])
        ids = [i.get("id") for i in items]
        if item_id not in ids:
            raise InvalidInputError(
                lazy_gettext("no item '%(item_id)s' in the questionnaire", item_id=item_id)
            )
        index = ids.index(item_id)
        target = index - 1 if direction == "up" else index + 1
        if 0 <= target < len(items):
            items[index], items[target] = items[target], items[index]
        data["items"] = items
        return data

    return change


def move_section(key: str, direction: str) -> Change:
    """Move the run of items of one page before the previous run (or after the next)."""

    def change(data: dict[str, Any]) -> dict[str, Any]:
        runs: list[tuple[str, list[dict[str, Any]]]] = []
        for item in data.get("items") or []:
            k = page_key(item)
            if runs and runs[-1][0] == k:
                runs[-1][1].append(item)
            else:
                runs.append((k, [item]))
        keys = [k for k, _ in runs]
        if key not in keys:
            raise InvalidInputError(
                lazy_gettext("no section '%(key)s' in the questionnaire", key=key)
            )
        index = keys.index(key)
        target = index - 1 if direction == "up" else index + 1
        if 0 <= target < len(runs):
            runs[index], runs[target] = runs[target], runs[index]
        data["items"] = [item for _, items in runs for item in items]
        return data

    return change


def rename_section(old: str, new: str) -> Change:
    if not new or not IDENTIFIER.match(new):
        raise InvalidInputError(
            lazy_gettext(
                "section: a name that starts with a letter and holds only letters, digits, _ . -"
            )
        )

    def change(data: dict[str, Any]) -> dict[str, Any]:
        for item in data.get("items") or []:
            if page_key(item) == old:
                item["section"] = new
        # the title goes with the name, unless the new name has a title of its own (a
        # dimension's label, or another section's entry)
        entries = list(data.get("sections") or [])
        taken = {d.get("id") for d in data.get("dimensions") or []}
        taken |= {e.get("id") for e in entries if e.get("id") != old}
        kept = []
        for entry in entries:
            if entry.get("id") == old:
                if new in taken:
                    continue
                entry = {**entry, "id": new}
            kept.append(entry)
        if kept:
            data["sections"] = kept
        else:
            data.pop("sections", None)
        return data

    return change


def section_title(key: str, fields: Fields, languages: list[str]) -> Change:
    """The title (and text under it) of a page that is not a dimension, per language;
    no title in any language removes the entry, and the page shows its name again."""
    title = _texts(fields, "title", languages)
    description = _texts(fields, "description", languages)

    def change(data: dict[str, Any]) -> dict[str, Any]:
        if any(d.get("id") == key for d in data.get("dimensions") or []):
            raise InvalidInputError(
                lazy_gettext(
                    "section: '%(key)s' is a dimension; its title is the dimension's label", key=key
                )
            )
        if not any(page_key(item) == key for item in data.get("items") or []):
            raise InvalidInputError(
                lazy_gettext("no section '%(key)s' in the questionnaire", key=key)
            )
        entries = [e for e in data.get("sections") or [] if e.get("id") != key]
        at = next(
            (n for n, e in enumerate(data.get("sections") or []) if e.get("id") == key),
            len(entries),
        )
        if any(title.values()):
            entry: dict[str, Any] = {"id": key, "title": title}
            if any(description.values()):
                entry["description"] = description
            entries.insert(at, entry)
        elif any(description.values()):
            raise InvalidInputError(
                lazy_gettext(
                    "title_%(language)s: give the section a title to go with its text",
                    language=languages[0],
                )
            )
        if entries:
            data["sections"] = entries
        else:
            data.pop("sections", None)
        return data

    return change


# -- dimensions ----------------------------------------------------------------------


def save_dimension(original_id: str | None, fields: Fields, languages: list[str]) -> Change:
    dim_id = _one(fields, "id")
    if not dim_id or not IDENTIFIER.match(dim_id):
        raise InvalidInputError(
            lazy_gettext(
                "id: a dimension id starts with a letter and holds only letters, digits, _ . -"
            )
        )
    label = _texts(fields, "label", languages)
    description = _texts(fields, "description", languages)

    def change(data: dict[str, Any]) -> dict[str, Any]:
        dims = list(data.get("dimensions") or [])
        ids = [d.get("id") for d in dims]
        if dim_id != original_id and dim_id in ids:
            raise InvalidInputError(
                lazy_gettext("id: there is already a dimension '%(dim_id)s'", dim_id=dim_id)
            )
        entry: dict[str, Any] = {"id": dim_id, "label": label}
        if any(description.values()):
            entry["description"] = description
        if original_id is None:
            dims.append(entry)
        else:
            dims[ids.index(original_id)] = entry
            for item in data.get("items") or []:
                if item.get("dimension") == original_id:
                    item["dimension"] = dim_id
        data["dimensions"] = dims
        return data

    return change


def add_seed_dimension(dim_id: str) -> Change:
    seed = next((d for d in SEED_DIMENSIONS if d["id"] == dim_id), None)
    if seed is None:
        raise InvalidInputError(lazy_gettext("no seed dimension '%(dim_id)s'", dim_id=dim_id))

    def change(data: dict[str, Any]) -> dict[str, Any]:
        dims = list(data.get("dimensions") or [])
        if any(d.get("id") == dim_id for d in dims):
            raise InvalidInputError(
                lazy_gettext("the dimension '%(dim_id)s' is already there", dim_id=dim_id)
            )
        languages = list(data.get("languages") or ["en"])
        label = {lang: seed["label"].get(lang, "") for lang in languages}
        if not label[languages[0]]:
            label[languages[0]] = seed["label"]["en"]
        dims.append({"id": dim_id, "label": label})
        data["dimensions"] = dims
        return data

    return change


def delete_dimension(dim_id: str) -> Change:
    def change(data: dict[str, Any]) -> dict[str, Any]:
        used = [i.get("id") for i in data.get("items") or [] if i.get("dimension") == dim_id]
        if used:
            raise InvalidInputError(
                lazy_gettext(
                    "the dimension '%(dim_id)s' still has items (%(value)s); move them first",
                    dim_id=dim_id,
                    value=", ".join(map(str, used[:5])),
                )
            )
        data["dimensions"] = [d for d in data.get("dimensions") or [] if d.get("id") != dim_id]
        return data

    return change
