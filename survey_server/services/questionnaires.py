"""A pilot's questionnaire, edited in the browser, and its versions.

Rules (docs/staff.md, "Questionnaire editor"):

- Version 1 starts as a copy of the pilot's instrument (a shipped one, an uploaded
  XLSForm or an empty one). Until the first wave opens it is a draft: every save that
  passes the checks is put in use at once (pilot.instrument), with the languages whose
  texts are complete. A save with problems is kept in the draft; participants keep the
  last good one.
- Opening the first wave (by hand, by the schedule or on the command line) freezes the
  version in use. Edits after that make version n+1, a draft shown as a diff against the
  version in use; staff put it in use while no wave is open, and it is frozen at once.
  A reworded scored item is flagged: it breaks the pre/post comparison.

Every write runs in one transaction with its audit entry.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import msgspec
from piccolo.engine.base import Engine
from piccolo.querystring import QueryString

from pilotkit.instruments import Instrument, available_instruments, load_instrument_file
from survey_server.database import write_transaction
from survey_server.errors import ConflictError, InvalidInputError, NotFoundError
from survey_server.i18n.lazy import lazy_gettext
from survey_server.services import audit
from survey_server.services.questionnaire_content import (
    Check,
    ItemChange,
    check,
    compact,
    diff,
    normalise,
)
from survey_server.services.waves import WaveInfo

Change = Callable[[dict[str, Any]], dict[str, Any]]


@dataclass(frozen=True)
class VersionRow:
    number: int
    frozen_at: int | None
    created_at: int
    updated_at: int
    updated_by: str
    origin: str


@dataclass
class Questionnaire:
    """What the editor shows: the draft (or the version in use when there is none)."""

    pilot_id: int
    slug: str
    pilot_name: str
    number: int
    data: dict[str, Any]
    draft: bool
    started: bool
    origin: str
    import_report: list[str]
    check: Check
    live: dict[str, Any]
    live_number: int
    versions: list[VersionRow]
    core_ids: set[str] = field(default_factory=set)
    changes: list[ItemChange] = field(default_factory=list)

    @property
    def languages(self) -> list[str]:
        return list(self.data.get("languages") or [])

    @property
    def in_use(self) -> bool:
        """The draft is what participants get (nothing waits to be put in use)."""
        return not self.changes and self.check.instrument is not None


def _decode(value: Any) -> Any:
    return msgspec.json.decode(value) if isinstance(value, str | bytes) else value


def _json(value: Any) -> str:
    return msgspec.json.encode(value).decode()


def _seconds(now: datetime | None) -> int:
    return int((now or datetime.now(UTC)).timestamp())


async def _rows(engine: Engine, sql: str, *args: Any) -> list[dict[str, Any]]:
    return [dict(r) for r in await engine.run_querystring(QueryString(sql, *args))]


async def _pilot(engine: Engine, pilot_id: int) -> dict[str, Any]:
    rows = await _rows(
        engine,
        'SELECT "id", "slug", "name", "instrument", "instrument_version" FROM "pilot" '
        'WHERE "id" = {}',
        pilot_id,
    )
    if not rows:
        raise NotFoundError(lazy_gettext("no such pilot"))
    return rows[0]


async def pilot_started(engine: Engine, pilot_id: int, now: datetime | None = None) -> bool:
    """A wave has opened (by hand or by its date) or an answer was submitted."""
    waves = await _rows(
        engine,
        'SELECT "id", "name", "position", "status", "opens_at", "closes_at" FROM "wave" '
        'WHERE "pilot" = {}',
        pilot_id,
    )
    moment = now or datetime.now(UTC)
    for row in waves:
        if row["status"] != "not_open" or _info(row).state(moment) != "not_yet_open":
            return True
    submitted = await _rows(
        engine,
        'SELECT 1 AS one FROM "submission" s JOIN "wave" w ON w."id" = s."wave" '
        'WHERE w."pilot" = {} LIMIT 1',
        pilot_id,
    )
    return bool(submitted)


def _when(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    parsed = datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _info(row: dict[str, Any]) -> WaveInfo:
    return WaveInfo(
        id=row["id"],
        name=row["name"],
        position=row["position"],
        status=row["status"],
        opens_at=_when(row["opens_at"]),
        closes_at=_when(row["closes_at"]),
    )


async def open_wave_now(engine: Engine, pilot_id: int, now: datetime | None = None) -> bool:
    moment = now or datetime.now(UTC)
    waves = await _rows(
        engine,
        'SELECT "id", "name", "position", "status", "opens_at", "closes_at" FROM "wave" '
        'WHERE "pilot" = {}',
        pilot_id,
    )
    return any(_info(r).state(moment) == "open" for r in waves)


async def _versions(engine: Engine, pilot_id: int) -> list[dict[str, Any]]:
    return await _rows(
        engine,
        'SELECT "id", "number", "instrument", "origin", "import_report", "created_at", '
        '"updated_at", "updated_by", "frozen_at" FROM "questionnaire_version" '
        'WHERE "pilot" = {} ORDER BY "number"',
        pilot_id,
    )


async def _insert_version(
    engine: Engine,
    pilot_id: int,
    number: int,
    data: dict[str, Any],
    *,
    origin: str,
    report: list[str],
    by: str,
    now_s: int,
    frozen: bool,
) -> None:
    await engine.run_querystring(
        QueryString(
            'INSERT INTO "questionnaire_version" ("pilot", "number", "instrument", "origin", '
            '"import_report", "created_at", "updated_at", "updated_by", "frozen_at") '
            "VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}) "
            'ON CONFLICT ("pilot", "number") DO NOTHING',
            pilot_id,
            number,
            _json(data),
            origin,
            _json(report),
            now_s,
            now_s,
            by,
            now_s if frozen else None,
        )
    )


async def _ensure_first(engine: Engine, pilot_id: int, now: datetime | None) -> None:
    """A pilot made before the editor existed (or on the command line) gets version 1,
    a copy of its instrument: frozen if the pilot has started."""
    if await _versions(engine, pilot_id):
        return
    pilot = await _pilot(engine, pilot_id)
    data = normalise(_decode(pilot["instrument"]))
    started = await pilot_started(engine, pilot_id, now)
    async with write_transaction(engine):
        await _insert_version(
            engine,
            pilot_id,
            1,
            data,
            origin=str(data.get("id", "")),
            report=[],
            by="",
            now_s=_seconds(now),
            frozen=started,
        )


def core_item_ids(data: dict[str, Any]) -> set[str]:
    """Items of the shipped instrument this questionnaire adapts (kept for comparability)."""
    instrument_id = data.get("id")
    for path in available_instruments():
        if path.stem != instrument_id:
            continue
        try:
            shipped = load_instrument_file(path)
        except Exception:  # a broken shipped file has no core items to show
            return set()
        return {i.id for i in shipped.items}
    return set()


async def load(engine: Engine, pilot_id: int, now: datetime | None = None) -> Questionnaire:
    """The questionnaire as the editor shows it."""
    await _ensure_first(engine, pilot_id, now)
    pilot = await _pilot(engine, pilot_id)
    rows = await _versions(engine, pilot_id)
    latest = rows[-1]
    frozen = [r for r in rows if r["frozen_at"] is not None]
    live = normalise(_decode(pilot["instrument"]))
    data = normalise(_decode(latest["instrument"]))
    draft = latest["frozen_at"] is None
    started = await pilot_started(engine, pilot_id, now)
    result = check(data)
    changes = diff(normalise(_decode(frozen[-1]["instrument"])), data) if frozen and draft else []
    return Questionnaire(
        pilot_id=pilot_id,
        slug=pilot["slug"],
        pilot_name=pilot["name"],
        number=latest["number"],
        data=data,
        draft=draft,
        started=started,
        origin=latest["origin"],
        import_report=list(_decode(latest["import_report"]) or []),
        check=result,
        live=live,
        live_number=frozen[-1]["number"] if frozen else latest["number"],
        versions=[
            VersionRow(
                r["number"],
                r["frozen_at"],
                r["created_at"],
                r["updated_at"],
                r["updated_by"],
                r["origin"],
            )
            for r in rows
        ],
        core_ids=core_item_ids(data),
        changes=changes,
    )


async def _put_in_use(engine: Engine, pilot_id: int, instrument: Instrument) -> None:
    await engine.run_querystring(
        QueryString(
            'UPDATE "pilot" SET "instrument" = {}, "instrument_id" = {}, '
            '"instrument_version" = {}, "instrument_revision" = "instrument_revision" + 1 '
            'WHERE "id" = {}',
            _json(instrument.to_builtins()),
            instrument.id,
            instrument.version,
            pilot_id,
        )
    )


async def freeze_in_use(engine: Engine, pilot_id: int, now: datetime | None = None) -> None:
    """Freeze the version participants get, once: call inside the transaction that
    opens a wave. A draft that differs from it (unfinished edits) moves to the next
    number."""
    rows = await _versions(engine, pilot_id)
    if not rows or any(r["frozen_at"] is not None for r in rows):
        return  # frozen already: later drafts wait to be put in use
    latest = rows[-1]
    pilot = await _pilot(engine, pilot_id)
    live = normalise(_decode(pilot["instrument"]))
    draft = normalise(_decode(latest["instrument"]))
    now_s = _seconds(now)
    await engine.run_querystring(
        QueryString(
            'UPDATE "questionnaire_version" SET "instrument" = {}, "frozen_at" = {} '
            'WHERE "id" = {}',
            _json(live),
            now_s,
            latest["id"],
        )
    )
    if compact(draft) != compact(live):
        await _insert_version(
            engine,
            pilot_id,
            latest["number"] + 1,
            draft,
            origin=latest["origin"],
            report=list(_decode(latest["import_report"]) or []),
            by=latest["updated_by"],
            now_s=now_s,
            frozen=False,
        )


async def edit(
    engine: Engine,
    actor: audit.Actor,
    pilot_id: int,
    change: Change,
    *,
    action: str,
    detail: dict[str, Any],
    origin: str | None = None,
    import_report: list[str] | None = None,
    now: datetime | None = None,
) -> Questionnaire:
    """Apply `change` to the draft (making one after a freeze) and record it; before the
    first wave a draft without problems is put in use at once."""
    await _ensure_first(engine, pilot_id, now)
    now_s = _seconds(now)
    async with write_transaction(engine):
        started = await pilot_started(engine, pilot_id, now)
        if started:
            await freeze_in_use(engine, pilot_id, now)
        rows = await _versions(engine, pilot_id)
        latest = rows[-1]
        data = normalise(_decode(latest["instrument"]))
        changed = normalise(change(copy.deepcopy(data)))
        report = (
            import_report
            if import_report is not None
            else list(_decode(latest["import_report"]) or [])
        )
        if latest["frozen_at"] is not None:
            number = latest["number"] + 1
            await _insert_version(
                engine,
                pilot_id,
                number,
                changed,
                origin=origin or latest["origin"],
                report=report,
                by=actor.email,
                now_s=now_s,
                frozen=False,
            )
        else:
            number = latest["number"]
            await engine.run_querystring(
                QueryString(
                    'UPDATE "questionnaire_version" SET "instrument" = {}, "updated_at" = {}, '
                    '"updated_by" = {}, "origin" = {}, "import_report" = {} WHERE "id" = {}',
                    _json(changed),
                    now_s,
                    actor.email,
                    origin or latest["origin"],
                    _json(report),
                    latest["id"],
                )
            )
        result = check(changed)
        if not started and result.instrument is not None:
            await _put_in_use(engine, pilot_id, result.instrument)
        await audit.record(
            actor,
            action,
            "questionnaire",
            f"v{number}",
            pilot=pilot_id,
            after={**detail, "version": number, "problems": len(result.problems)},
        )
    return await load(engine, pilot_id, now)


async def put_in_use(
    engine: Engine,
    actor: audit.Actor,
    pilot_id: int,
    *,
    accept_reworded: bool,
    now: datetime | None = None,
) -> Questionnaire:
    """Put the draft version n+1 in use for the waves still to come (frozen at once)."""
    current = await load(engine, pilot_id, now)
    if not current.draft or not current.started:
        raise ConflictError(lazy_gettext("there is no new version to put in use"))
    if current.check.instrument is None:
        raise InvalidInputError(
            lazy_gettext(
                "the draft has %(length)s problem(s); fix them first",
                length=len(current.check.problems),
            )
        )
    if await open_wave_now(engine, pilot_id, now):
        raise ConflictError(
            lazy_gettext("a wave is open: a new version can be put in use only between waves")
        )
    flagged = [c.item_id for c in current.changes if c.scored and c.kind == "reworded"]
    if flagged and not accept_reworded:
        raise InvalidInputError(
            "reworded scored items break the pre/post comparison ("
            + ", ".join(flagged)
            + "); confirm that you accept this"
        )
    previous_version = int(current.live.get("version", 1))
    data = copy.deepcopy(current.data)
    data["version"] = max(previous_version + 1, int(data.get("version", 1)))
    result = check(data)
    assert result.instrument is not None
    now_s = _seconds(now)
    async with write_transaction(engine):
        rows = await _versions(engine, pilot_id)
        latest = rows[-1]
        if latest["number"] != current.number or latest["frozen_at"] is not None:
            raise ConflictError(
                lazy_gettext("the questionnaire changed meanwhile; look at it again")
            )
        await engine.run_querystring(
            QueryString(
                'UPDATE "questionnaire_version" SET "instrument" = {}, "frozen_at" = {}, '
                '"updated_at" = {}, "updated_by" = {} WHERE "id" = {}',
                _json(data),
                now_s,
                now_s,
                actor.email,
                latest["id"],
            )
        )
        await _put_in_use(engine, pilot_id, result.instrument)
        await audit.record(
            actor,
            "questionnaire.put_in_use",
            "questionnaire",
            f"v{current.number}",
            pilot=pilot_id,
            before={"version": current.live_number},
            after={
                "version": current.number,
                "changes": [f"{c.kind} {c.item_id}" for c in current.changes],
                "reworded_scored": flagged,
            },
        )
    return await load(engine, pilot_id, now)


async def version_data(engine: Engine, pilot_id: int, number: int) -> dict[str, Any]:
    await _ensure_first(engine, pilot_id, None)
    rows = await _rows(
        engine,
        'SELECT "instrument" FROM "questionnaire_version" WHERE "pilot" = {} AND "number" = {}',
        pilot_id,
        number,
    )
    if not rows:
        raise NotFoundError(
            lazy_gettext("no version %(number)s of this questionnaire", number=number)
        )
    return normalise(_decode(rows[0]["instrument"]))


def exportable(data: dict[str, Any]) -> Instrument:
    """The instrument to hand out as YAML or XLSForm (complete languages only)."""
    result = check(data)
    if result.instrument is None:
        raise InvalidInputError(
            lazy_gettext(
                "the questionnaire has %(length)s problem(s); fix them before exporting it",
                length=len(result.problems),
            )
        )
    return result.instrument


def now_seconds() -> int:
    return int(time.time())
