"""Load instrument files, strictly.

An instrument is found by id (in the instruments folders, see `pilotkit.paths`) or by
path. Every problem found is reported as one line that names the file, the item (or
dimension, or top-level key) and the problem, e.g.::

    instruments/pilot-core.yaml: item 'prod_2': unknown dimension 'productivty'
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import msgspec
import yaml

from pilotkit.errors import PilotkitError
from pilotkit.instruments.model import Instrument
from pilotkit.instruments.validation import semantic_problems
from pilotkit.paths import instruments_dirs

_MSGSPEC_PATH = re.compile(r"^(?P<msg>.*?)(?: - at `(?P<path>[^`]*)`)?$", re.DOTALL)
_PATH_PART = re.compile(r"\.(\w+)|\[(\d+)\]")


class InstrumentError(PilotkitError):
    """An instrument file that cannot be used; `problems` holds one line per problem."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = [f"{source}: {p}" for p in problems]
        super().__init__("\n".join(self.problems))


class _StrictLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """A YAML loader that refuses duplicate keys (YAML itself silently keeps the last).

    On libyaml's parser where PyYAML has it: an instrument loads in a third of the time.
    """


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    mapping: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in mapping:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key '{key}'", key_node.start_mark
            )
        mapping[key] = loader.construct_object(value_node, deep=deep)
    return mapping


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def parse_yaml(text: str, source: str) -> Any:
    """Parse YAML text, refusing duplicate keys, with errors that name the line."""
    try:
        return yaml.load(text, Loader=_StrictLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1}" if mark is not None else "YAML"
        raise InstrumentError(source, [f"{where}: {exc.problem or exc}"]) from None
    except yaml.YAMLError as exc:
        raise InstrumentError(source, [f"not valid YAML: {exc}"]) from None


def _describe_path(data: Mapping[str, Any], path: str) -> str:
    """Turn a msgspec path like `$.items[3].scale` into "item 'prod_4', field 'scale'"."""
    parts = [(m.group(1), m.group(2)) for m in _PATH_PART.finditer(path)]
    if not parts:
        return "top level"
    (key, _), rest = parts[0], parts[1:]
    collection_names = {
        "items": "item",
        "dimensions": "dimension",
        "sections": "section",
        "waves": "wave",
    }
    if key in collection_names and rest and rest[0][1] is not None:
        index = int(rest[0][1])
        entries = data.get(key) or []
        entry = entries[index] if index < len(entries) else None
        ident = entry.get("id") if isinstance(entry, Mapping) else None
        label = f"{collection_names[key]} '{ident}'" if ident else f"{key}[{index}]"
        tail = "".join(f".{k}" if k else f"[{i}]" for k, i in rest[1:])
        return f"{label}, field '{tail.lstrip('.')}'" if tail else label
    dotted = "".join(f".{k}" if k else f"[{i}]" for k, i in parts).lstrip(".")
    return f"field '{dotted}'"


def instrument_from_mapping(data: Any, source: str = "<instrument>") -> Instrument:
    """Build and validate an instrument from already-parsed data (YAML, JSON, database)."""
    if data is None:
        raise InstrumentError(source, ["the file is empty"])
    if not isinstance(data, Mapping):
        raise InstrumentError(source, ["top level: expected a mapping of keys (id, items, ...)"])
    try:
        instrument = msgspec.convert(data, Instrument, strict=True)
    except msgspec.ValidationError as exc:
        match = _MSGSPEC_PATH.match(str(exc))
        assert match is not None
        message = match.group("msg")
        message = re.sub(r"Object contains unknown field `(\w+)`", r"unknown key '\1'", message)
        message = re.sub(r"Object missing required field `(\w+)`", r"missing key '\1'", message)
        where = _describe_path(data, match.group("path") or "$")
        # an unknown/missing key is reported at the object that holds it
        raise InstrumentError(source, [f"{where}: {message}"]) from None
    problems = semantic_problems(instrument)
    if problems:
        raise InstrumentError(source, problems)
    return instrument


def load_instrument_file(path: str | Path) -> Instrument:
    """Load and validate one instrument file."""
    path = Path(path)
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InstrumentError(source, ["no such file"]) from None
    except IsADirectoryError:
        raise InstrumentError(source, ["is a folder, not an instrument file"]) from None
    except UnicodeDecodeError:
        raise InstrumentError(source, ["not UTF-8 text"]) from None
    return instrument_from_mapping(parse_yaml(text, source), source)


def find_instrument(instrument_id: str) -> Path:
    """The file of the instrument with this id, searched in the instruments folders."""
    folders = instruments_dirs()
    for folder in folders:
        for suffix in (".yaml", ".yml"):
            candidate = folder / f"{instrument_id}{suffix}"
            if candidate.is_file():
                return candidate
    searched = ", ".join(str(f) for f in folders if f.is_dir()) or "no instruments folder"
    raise PilotkitError(f"unknown instrument '{instrument_id}' (searched {searched})")


def load_instrument(id_or_path: str | Path) -> Instrument:
    """Load an instrument by id (`pilot-core`) or by path (`instruments/pilot-core.yaml`)."""
    text = str(id_or_path)
    looks_like_path = (
        isinstance(id_or_path, Path)
        or text.endswith((".yaml", ".yml"))
        or "/" in text
        or "\\" in text
    )
    if looks_like_path:
        return load_instrument_file(id_or_path)
    return load_instrument_file(find_instrument(text))


def available_instruments() -> list[Path]:
    """Instrument files in the instruments folders (first folder wins for a given id)."""
    seen: dict[str, Path] = {}
    for folder in instruments_dirs():
        if not folder.is_dir():
            continue
        for path in sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")]):
            seen.setdefault(path.stem, path)
    return list(seen.values())
