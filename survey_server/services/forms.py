"""The participant's form: finding it by token, drafts and idempotent submissions.

One read resolves a token (participant, pilot, waves and what was submitted); a
submission is one write transaction whose `INSERT ... ON CONFLICT DO NOTHING` on the
unique (participant, wave) and submission-id keys decides which of several concurrent
identical requests stores the answers: the others read the stored row and replay its
response body, so nothing is stored twice whatever the engine or number of processes.
The answers and the draft's deletion in that transaction are scoped to the link's own
(participant, wave) row: a refused submission (409) writes nothing and keeps the draft.
"""

from __future__ import annotations

import uuid
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import msgspec
from piccolo.engine.base import Engine
from piccolo.engine.sqlite import SQLiteEngine
from piccolo.querystring import QueryString

from pilotkit.instruments import Instrument, instrument_from_mapping
from survey_server.database import run_write_batch, write_transaction
from survey_server.errors import (
    AlreadySubmittedError,
    NotFoundError,
    SubmissionMismatchError,
    WaveNotOpenError,
)
from survey_server.services.answers import (
    AnswerValue,
    answers_hash,
    check_answers,
    complete_answers,
    export_value,
)
from survey_server.services.tokens import hash_token, looks_like_token
from survey_server.services.waves import WaveInfo
from survey_server.tables import Draft, Submission

UNKNOWN_LINK = "This link is not valid. Check that it was copied completely."
WAVE_CLOSED = "This survey round is closed and no longer takes answers."
WAVE_NOT_YET_OPEN = "This survey round is not open yet."
ALREADY_SUBMITTED = "Answers for this survey round were already submitted with this link."

_RESOLVE_SQL = """
SELECT p."id" AS participant_id, p."pseudonym", p."wave" AS fixed_wave,
       pi."id" AS pilot_id, pi."name" AS pilot_name, pi."slug", pi."anonymous",
       pi."instrument_id", pi."instrument_version", pi."instrument_revision", p."test",
       pi."contact",
       w."id" AS wave_id, w."name" AS wave_name, w."position", w."status",
       w."opens_at", w."closes_at",
       s."submission_id", s."created_at" AS submitted_at,
       EXISTS (SELECT 1 FROM "draft" d WHERE d."participant" = p."id" AND d."wave" = w."id")
           AS has_draft
FROM "participant" p
JOIN "pilot" pi ON pi."id" = p."pilot"
JOIN "wave" w ON w."pilot" = pi."id"
LEFT JOIN "submission" s ON s."participant" = p."id" AND s."wave" = w."id"
WHERE p."token_hash" = {}
ORDER BY w."position"
"""

# Frozen instruments never change, so each process keeps the parsed ones (bounded),
# keyed by database and pilot: nothing another process would need.
_INSTRUMENT_CACHE_SIZE = 256
_instrument_cache: OrderedDict[tuple[str, int, str, str, int, int], Instrument] = OrderedDict()


@dataclass
class FormContext:
    """What a token opens: the participant's form for the wave that takes answers now."""

    participant_id: int
    pseudonym: str
    pilot_id: int
    pilot_name: str
    pilot_slug: str
    anonymous: bool
    instrument: Instrument
    wave: WaveInfo
    submission_id: uuid.UUID | None = None
    submitted_at: datetime | None = None
    draft_answers: dict[str, Any] = field(default_factory=dict)
    draft_page: int = 0
    #: a draft was saved for this wave (so submitting must delete it)
    has_draft: bool = True
    #: who participants may ask about the survey (set by the pilot's manager)
    contact: str = ""
    #: linked pilots: the wave the same link answers after this one, if any
    next_wave: WaveInfo | None = None

    @property
    def submitted(self) -> bool:
        return self.submission_id is not None


@dataclass(frozen=True)
class SubmissionResult:
    created: bool
    body: dict[str, Any]


def _as_uuid(value: object) -> uuid.UUID | None:
    if value is None or isinstance(value, uuid.UUID):
        return value
    return uuid.UUID(str(value))


def _as_datetime(value: object) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value)).replace(tzinfo=UTC)


def _database_identity(engine: Engine) -> str:
    if isinstance(engine, SQLiteEngine):
        return str(engine.path)
    return str(getattr(engine, "config", {}).get("dsn", id(engine)))


async def _instrument(engine: Engine, row: Mapping[str, Any]) -> Instrument:
    key = (
        _database_identity(engine),
        row["pilot_id"],
        row["slug"],
        row["instrument_id"],
        row["instrument_version"],
        row["instrument_revision"],
    )
    cached = _instrument_cache.get(key)
    if cached is None:
        rows = await engine.run_querystring(
            QueryString('SELECT "instrument" FROM "pilot" WHERE "id" = {}', row["pilot_id"])
        )
        cached = instrument_from_mapping(msgspec.json.decode(rows[0]["instrument"]))
        _instrument_cache[key] = cached
        while len(_instrument_cache) > _INSTRUMENT_CACHE_SIZE:
            _instrument_cache.popitem(last=False)
    return cached


def _own_submission(context: FormContext, submission_id: uuid.UUID, digest: str) -> QueryString:
    """A condition true when the link's own row for the wave is this submission.

    Every write after the submission's `INSERT ... ON CONFLICT DO NOTHING` checks it, so
    that when the INSERT did not happen because another link used the id, or this link
    stored other answers, nothing else is written: the request is refused and its
    answers must go nowhere, its draft must stay.
    """
    return QueryString(
        'EXISTS (SELECT 1 FROM "submission" own WHERE own."participant" = {} '
        'AND own."wave" = {} AND own."submission_id" = {} AND own."answers_hash" = {})',
        context.participant_id,
        context.wave.id,
        submission_id,
        digest,
    )


def _answers_insert(
    context: FormContext,
    submission_id: uuid.UUID,
    digest: str,
    answers: Mapping[str, object],
) -> QueryString:
    """The answers of the link's submission `submission_id`, in one statement.

    It finds the submission's row by the link's own keys (participant and wave) as well
    as its id and answers' digest, so it can run in the same batch as the submission's
    own INSERT and never reaches another link's row; it inserts nothing when that row
    already has answers (the INSERT met a conflict: an identical retry). Plain SQL
    rather than `Answer.insert(*rows)`: building two dozen table objects per submission
    was the largest cost of the request; the columns are plain integers and text.
    """
    rows = ", ".join(["({}, {})"] * len(answers))
    values: list[object] = []
    for item_id, value in answers.items():
        values.extend((item_id, export_value(value)))
    return QueryString(
        'INSERT INTO "answer" ("submission", "item_id", "value") '
        'SELECT s."id", v.column1, v.column2 '
        f'FROM "submission" s, (VALUES {rows}) AS v '
        'WHERE s."participant" = {} AND s."wave" = {} '
        'AND s."submission_id" = {} AND s."answers_hash" = {} '
        'AND NOT EXISTS (SELECT 1 FROM "answer" a WHERE a."submission" = s."id")',
        *values,
        context.participant_id,
        context.wave.id,
        submission_id,
        digest,
    )


def _draft_delete(context: FormContext, submission_id: uuid.UUID, digest: str) -> QueryString:
    """The link's draft for the wave, deleted only once its submission is stored."""
    return QueryString(
        'DELETE FROM "draft" WHERE "participant" = {} AND "wave" = {} AND {}',
        context.participant_id,
        context.wave.id,
        _own_submission(context, submission_id, digest),
    )


@dataclass(frozen=True)
class ClosedForm:
    """What a participant may know about a survey whose link takes no answers now: its
    title, the round's dates and whom to ask (none of it about other participants)."""

    instrument: Instrument
    wave: WaveInfo
    contact: str


class FormNotOpenError(WaveNotOpenError):
    """A known link whose waves take no answers now, with the survey's public details."""

    def __init__(self, message: str, reason: str, form: ClosedForm) -> None:
        super().__init__(message, reason)
        self.form = form


class _NoOpenWaveError(Exception):
    def __init__(self, reason: str, row: Mapping[str, Any]) -> None:
        super().__init__(reason)
        self.reason = reason
        self.row = row


def _choose_wave(rows: list[dict[str, Any]], now: datetime) -> dict[str, Any]:
    """Anonymous tokens answer their own wave; linked ones the first open wave they have
    not submitted yet, else the last open one (which shows "already submitted")."""
    fixed = rows[0]["fixed_wave"]
    if rows[0]["test"] and fixed is not None:
        # a test link tries its wave's form whatever the schedule says
        return next(r for r in rows if r["wave_id"] == fixed)
    candidates = [r for r in rows if fixed is None or r["wave_id"] == fixed]
    states = {r["wave_id"]: _wave_info(r).state(now) for r in candidates}
    open_rows = [r for r in candidates if states[r["wave_id"]] == "open"]
    if open_rows:
        pending = [r for r in open_rows if r["submission_id"] is None]
        return pending[0] if pending else open_rows[-1]
    waiting = [r for r in candidates if states[r["wave_id"]] == "not_yet_open"]
    if waiting:
        raise _NoOpenWaveError("not_yet_open", waiting[0])
    raise _NoOpenWaveError("closed", candidates[-1])


def _next_wave(rows: list[dict[str, Any]], row: Mapping[str, Any]) -> WaveInfo | None:
    """The wave a linked link answers after `row`'s: the next by position, not submitted."""
    if row["fixed_wave"] is not None:
        return None  # anonymous links answer one wave only
    later = [r for r in rows if r["position"] > row["position"] and r["submission_id"] is None]
    return _wave_info(later[0]) if later else None


def _wave_info(row: Mapping[str, Any]) -> WaveInfo:
    return WaveInfo(
        id=row["wave_id"],
        name=row["wave_name"],
        position=row["position"],
        status=row["status"],
        opens_at=_as_datetime(row["opens_at"]),
        closes_at=_as_datetime(row["closes_at"]),
    )


async def resolve_token(engine: Engine, token: str) -> FormContext:
    """The form a token opens now; NotFoundError for unknown or malformed tokens alike."""
    if not looks_like_token(token):
        raise NotFoundError(UNKNOWN_LINK)
    rows = await engine.run_querystring(QueryString(_RESOLVE_SQL, hash_token(token)))
    if not rows:
        raise NotFoundError(UNKNOWN_LINK)
    try:
        row = _choose_wave(rows, datetime.now(UTC))
    except _NoOpenWaveError as exc:
        form = ClosedForm(
            instrument=await _instrument(engine, exc.row),
            wave=_wave_info(exc.row),
            contact=str(exc.row["contact"] or ""),
        )
        message = WAVE_NOT_YET_OPEN if exc.reason == "not_yet_open" else WAVE_CLOSED
        raise FormNotOpenError(message, exc.reason, form) from None
    return FormContext(
        participant_id=row["participant_id"],
        pseudonym=row["pseudonym"],
        pilot_id=row["pilot_id"],
        pilot_name=row["pilot_name"],
        pilot_slug=row["slug"],
        anonymous=bool(row["anonymous"]),
        instrument=await _instrument(engine, row),
        wave=_wave_info(row),
        submission_id=_as_uuid(row["submission_id"]),
        submitted_at=_as_datetime(row["submitted_at"]),
        has_draft=bool(row["has_draft"]),
        contact=str(row["contact"] or ""),
        next_wave=_next_wave(rows, row),
    )


async def open_form(engine: Engine, token: str) -> FormContext:
    """The form with its saved draft (answers and page)."""
    context = await resolve_token(engine, token)
    if not context.submitted:
        rows = await (
            Draft.select(Draft.answers, Draft.page)
            .where((Draft.participant == context.participant_id) & (Draft.wave == context.wave.id))
            .first()
        )
        if rows:
            context.draft_answers = msgspec.json.decode(rows["answers"])
            context.draft_page = rows["page"]
    return context


async def save_draft(
    engine: Engine,
    token: str,
    answers: Mapping[str, object],
    *,
    page: int | None = None,
) -> FormContext:
    """Merge `answers` into the saved draft (None clears an answer); keeps the page."""
    context = await resolve_token(engine, token)
    if context.submitted:
        raise AlreadySubmittedError(ALREADY_SUBMITTED)
    checked = check_answers(context.instrument, context.wave.name, answers)
    cleared = {k for k, v in answers.items() if k not in checked}
    async with write_transaction(engine):
        if not isinstance(engine, SQLiteEngine):  # serialize merges of one participant
            await engine.run_querystring(
                QueryString(
                    'SELECT "id" FROM "participant" WHERE "id" = {} FOR UPDATE',
                    context.participant_id,
                )
            )
        where = (Draft.participant == context.participant_id) & (Draft.wave == context.wave.id)
        current = await Draft.select(Draft.answers, Draft.page).where(where).first()
        merged: dict[str, Any] = msgspec.json.decode(current["answers"]) if current else {}
        merged = {k: v for k, v in merged.items() if k not in cleared}
        merged.update(checked)
        new_page = page if page is not None else (current["page"] if current else 0)
        now = datetime.now(UTC)
        payload = msgspec.json.encode(merged).decode()
        if current:
            await Draft.update(
                {Draft.answers: payload, Draft.page: new_page, Draft.updated_at: now}
            ).where(where)
        else:
            await Draft.insert(
                Draft(
                    participant=context.participant_id,
                    wave=context.wave.id,
                    answers=payload,
                    page=new_page,
                    updated_at=now,
                )
            )
    context.draft_answers = merged
    context.draft_page = new_page
    return context


def _response_body(
    context: FormContext, submission_id: uuid.UUID, answers: dict[str, AnswerValue], at: datetime
) -> dict[str, Any]:
    return {
        "submission_id": str(submission_id),
        "pilot": context.pilot_slug,
        "wave": context.wave.name,
        "submitted_at": at.isoformat(),
        "answers": answers,
    }


async def _stored_submission(engine: Engine, context: FormContext) -> dict[str, Any] | None:
    return await (
        Submission.select(
            Submission.submission_id, Submission.answers_hash, Submission.response_body
        )
        .where(
            (Submission.participant == context.participant_id)
            & (Submission.wave == context.wave.id)
        )
        .first()
    )


def _replay(
    stored: dict[str, Any] | None, submission_id: uuid.UUID, digest: str
) -> SubmissionResult:
    """An identical retry gets the first body back; anything else is a conflict."""
    if stored is None:
        raise SubmissionMismatchError("this submission_id was already used for other answers")
    if _as_uuid(stored["submission_id"]) != submission_id:
        raise AlreadySubmittedError(ALREADY_SUBMITTED)
    if stored["answers_hash"] != digest:
        raise SubmissionMismatchError(
            "this submission_id was already submitted with different answers"
        )
    return SubmissionResult(created=False, body=msgspec.json.decode(stored["response_body"]))


async def submit(
    engine: Engine, token: str, submission_id: uuid.UUID, answers: Mapping[str, object]
) -> SubmissionResult:
    """Store a complete submission once; identical retries replay the first answer."""
    context = await resolve_token(engine, token)
    cleaned = complete_answers(context.instrument, context.wave.name, answers)
    digest = answers_hash(cleaned)
    if context.submitted:
        return _replay(await _stored_submission(engine, context), submission_id, digest)
    now = datetime.now(UTC)
    body = _response_body(context, submission_id, cleaned, now)
    insert = (
        Submission.insert(
            Submission(
                participant=context.participant_id,
                wave=context.wave.id,
                submission_id=submission_id,
                answers_hash=digest,
                response_body=msgspec.json.encode(body).decode(),
                created_at=now,
            )
        )
        .on_conflict(action="DO NOTHING")
        .returning(Submission.id)
    )
    # One transaction; the writes after the INSERT are scoped to this link's own row, so
    # a refused submission (its id already used elsewhere) writes nothing.
    statements = [insert.querystrings[0]]
    if cleaned:
        statements.append(_answers_insert(context, submission_id, digest, cleaned))
    if context.has_draft:
        statements.append(_draft_delete(context, submission_id, digest))
    inserted, *_ = await run_write_batch(engine, statements)
    if inserted:
        return SubmissionResult(created=True, body=body)
    # Someone else (a concurrent retry) stored it first: the stored row decides.
    return _replay(await _stored_submission(engine, context), submission_id, digest)
