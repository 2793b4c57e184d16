"""The HTML form's pages: one section (dimension) per page, skip logic page by page.

A page holds the items of one section (the item's `section`, else its dimension) that
are relevant for the answers given so far; sections with nothing to show are skipped.
`save_page` reads a posted page (field values as text), keeps every valid answer in the
draft whatever else is wrong, checks the page's required items when moving on, and
submits on the last page.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from piccolo.engine.base import Engine

from pilotkit.instruments import Instrument, Item
from pilotkit.instruments.relevance import relevant_items
from survey_server.errors import AlreadySubmittedError, InvalidAnswersError
from survey_server.services import forms
from survey_server.services.answers import AnswerError, check_answer

FIELD_PREFIX = "q-"


@dataclass(frozen=True)
class Page:
    key: str  # section id ("" for items outside any section)
    items: list[Item]


@dataclass(frozen=True)
class FieldError:
    code: str
    params: dict[str, object] = field(default_factory=dict)


@dataclass
class PageOutcome:
    context: forms.FormContext
    page: int  # 1-based question page to show next
    errors: dict[str, FieldError] = field(default_factory=dict)
    #: What the participant typed on the page, shown back when it had errors.
    raw: dict[str, list[str]] = field(default_factory=dict)
    submitted: bool = False


def form_pages(instrument: Instrument, wave: str, answers: Mapping[str, object]) -> list[Page]:
    """The question pages for these answers, in instrument order."""
    shown = relevant_items(instrument, answers)
    order: list[str] = []
    by_key: dict[str, list[Item]] = {}
    for item in instrument.items_in_wave(wave):
        key = item.section or item.dimension or ""
        if key not in by_key:
            order.append(key)
            by_key[key] = []
        if item.id in shown:
            by_key[key].append(item)
    pages = [Page(key, by_key[key]) for key in order]
    return [p for p in pages if any(i.type != "note" for i in p.items)]


def parse_field(item: Item, values: Sequence[str]) -> object:
    """The typed answer of one HTML field (texts as posted); raises AnswerError."""
    texts = [v for v in values if v.strip()]
    if item.type == "multi":
        return list(texts) or None
    if not texts:
        return None
    text = texts[0].strip()
    if item.type in ("likert", "number"):
        try:
            number = float(text.replace(",", ".").replace(" ", ""))
        except ValueError:
            code = "choose" if item.type == "likert" else "number"
            raise AnswerError("must be a number", code) from None
        return int(number) if number.is_integer() else number
    if item.type == "boolean":
        if text not in ("0", "1"):
            raise AnswerError("must be yes or no", "choose")
        return text == "1"
    if item.type == "text":
        return texts[0]
    return text


def _page_answers(
    context: forms.FormContext, page: Page, fields: Mapping[str, list[str]]
) -> tuple[dict[str, object], dict[str, FieldError]]:
    answers: dict[str, object] = {}
    errors: dict[str, FieldError] = {}
    for item in page.items:
        if item.type == "note":
            continue
        try:
            value = parse_field(item, fields.get(FIELD_PREFIX + item.id, []))
            answers[item.id] = check_answer(context.instrument, item, value)
        except AnswerError as exc:
            errors[item.id] = FieldError(exc.code, exc.params)
            answers[item.id] = None
    return answers, errors


async def save_page(
    engine: Engine,
    token: str,
    *,
    page: int,
    action: str,
    fields: Mapping[str, list[str]],
    submission_id: uuid.UUID | None = None,
) -> PageOutcome:
    """Save a posted page and decide where to go: `back`, `next`, `submit` or `save`."""
    context = await forms.open_form(engine, token)
    if context.submitted:
        return PageOutcome(context, page, submitted=True)
    pages = form_pages(context.instrument, context.wave.name, context.draft_answers)
    page = min(max(page, 1), len(pages))
    answers, errors = _page_answers(context, pages[page - 1], fields)
    merged = {**context.draft_answers, **answers}
    if action != "back":
        shown = relevant_items(context.instrument, merged)
        for item in pages[page - 1].items:
            missing = merged.get(item.id) is None
            if item.required and item.type != "note" and item.id in shown and missing:
                errors.setdefault(item.id, FieldError("required"))
    target = page
    if not errors or action == "back":
        after = form_pages(context.instrument, context.wave.name, merged)
        if action == "back":
            target = max(page - 1, 0)
        elif action == "next":
            target = min(page + 1, len(after))
    raw = {k: v for k, v in fields.items() if k.startswith(FIELD_PREFIX)}
    context = await forms.save_draft(engine, token, answers, page=target if target else 1)
    if errors and action != "back":
        return PageOutcome(context, page, errors, raw)
    if action == "submit" and submission_id is not None:
        return await _submit(engine, token, context, submission_id)
    return PageOutcome(context, target)


async def _submit(
    engine: Engine, token: str, context: forms.FormContext, submission_id: uuid.UUID
) -> PageOutcome:
    try:
        await forms.submit(engine, token, submission_id, context.draft_answers)
    except AlreadySubmittedError:
        return PageOutcome(context, 0, submitted=True)
    except InvalidAnswersError as exc:  # a required item on an earlier page: go there
        pages = form_pages(context.instrument, context.wave.name, context.draft_answers)
        first = next(
            (n for n, p in enumerate(pages, 1) if any(i.id in exc.errors for i in p.items)),
            len(pages),
        )
        errors = {k: FieldError("required") for k in exc.errors}
        return PageOutcome(context, first, errors)
    return PageOutcome(context, 0, submitted=True)


def page_values(answers: Mapping[str, Any], raw: Mapping[str, list[str]]) -> dict[str, list[str]]:
    """The values to show in each field: what was just typed, else the saved answer."""
    shown: dict[str, list[str]] = {}
    for item_id, value in answers.items():
        if isinstance(value, bool):
            shown[item_id] = ["1" if value else "0"]
        elif isinstance(value, list):
            shown[item_id] = [str(v) for v in value]
        elif value is not None:
            shown[item_id] = [str(value)]
    for name, values in raw.items():
        shown[name.removeprefix(FIELD_PREFIX)] = list(values)
    return shown
