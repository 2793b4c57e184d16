"""JSON bodies of the participant API (msgspec Structs, described in the OpenAPI schema)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import msgspec


class ScaleOut(msgspec.Struct):
    min: int
    max: int
    labels: list[str]


class ChoiceOut(msgspec.Struct):
    value: str
    label: str


class ItemOut(msgspec.Struct):
    id: str
    type: str
    text: str
    required: bool
    dimension: str | None = None
    section: str | None = None
    hint: str | None = None
    scale: ScaleOut | None = None
    choices: list[ChoiceOut] | None = None
    min: float | None = None
    max: float | None = None
    #: XLSForm skip-logic condition (the server applies it; clients may too).
    relevant: str | None = None


class DimensionOut(msgspec.Struct):
    id: str
    label: str


class SectionOut(msgspec.Struct):
    """The title of a page that is not a dimension (an item's `section`)."""

    id: str
    title: str
    description: str | None = None


class FormOut(msgspec.Struct):
    pilot: str
    title: str
    instrument_id: str
    instrument_version: int
    wave: str
    language: str
    languages: list[str]
    items: list[ItemOut]
    dimensions: list[DimensionOut]
    #: Saved draft answers (empty once submitted).
    answers: dict[str, Any]
    submitted: bool
    submitted_at: datetime | None = None
    #: Titles of the pages that are not dimensions; a page without one is titled by its key.
    sections: list[SectionOut] = []


class DraftIn(msgspec.Struct, forbid_unknown_fields=True):
    """Partial answers; a key set to null clears that answer."""

    answers: dict[str, Any]


class DraftOut(msgspec.Struct):
    wave: str
    answers: dict[str, Any]


class SubmissionIn(msgspec.Struct, forbid_unknown_fields=True):
    submission_id: uuid.UUID
    answers: dict[str, Any]


class SubmissionOut(msgspec.Struct):
    submission_id: str
    pilot: str
    wave: str
    submitted_at: str
    answers: dict[str, Any]


class ErrorOut(msgspec.Struct):
    detail: str
    code: str
    errors: dict[str, str] = {}
