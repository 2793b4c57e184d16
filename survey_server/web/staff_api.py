"""Staff JSON API under /staff/api/v1: exports for analysts' scripts.

Authenticated by `Authorization: Bearer pk_...` (an API token) or, for download links in
the browser, by the staff session cookie. Only GET: no state changes, so no CSRF token.
Exports stream in batches (the table is never held in memory).
"""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from datetime import datetime

import msgspec
from litestar import Request, get
from litestar.datastructures import State
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath
from litestar.response import Stream

from pilotkit.csv_cells import SafeCSVWriter
from survey_server.services import api_tokens, audit
from survey_server.services.accounts import StaffAccount, pilot_id_for
from survey_server.services.concerns_export import concerns_csv_chunks
from survey_server.services.export import (
    COLUMNS,
    parquet_schema,
    parquet_tables,
    response_batches,
)
from survey_server.services.notes_export import codebook, notes_csv_chunks
from survey_server.services.staff_pilots import pilots_for
from survey_server.web.schemas import ErrorOut
from survey_server.web.staff_auth import NotSignedInError, current_session

_ERRORS = {
    401: ResponseSpec(ErrorOut, description="No valid API token"),
    403: ResponseSpec(ErrorOut, description="Your role cannot export"),
    404: ResponseSpec(ErrorOut, description="No such pilot among yours"),
}


class PilotOut(msgspec.Struct):
    slug: str
    name: str
    instrument_id: str
    instrument_version: int
    anonymous: bool
    participants: int
    submissions: dict[str, int]


class DimensionOut(msgspec.Struct):
    id: str
    label: dict[str, str]


class CodebookOut(msgspec.Struct):
    instrument: str
    version: int
    languages: list[str]
    dimensions: list[DimensionOut]
    columns: list[str]
    items: list[list[str | int]]


async def api_account(request: Request) -> StaffAccount:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        account = await api_tokens.account_for_token(request.app.state.engine, header[7:].strip())
        if account is None:
            raise NotSignedInError(detail="the API token is unknown or revoked")
        return account
    session = await current_session(request)
    if session is None:
        raise NotSignedInError(detail="send an API token: Authorization: Bearer pk_...")
    return session.user


@get(
    "/staff/api/v1/pilots",
    summary="The pilots you are a member of",
    tags=["staff"],
    responses={401: _ERRORS[401]},
)
async def list_pilots_api(request: Request, state: State) -> list[PilotOut]:
    account = await api_account(request)
    return [
        PilotOut(
            p.slug,
            p.name,
            p.instrument_id,
            p.instrument_version,
            p.anonymous,
            p.participants,
            p.submissions,
        )
        for p in await pilots_for(state.engine, account)
    ]


def _csv_line(row: tuple[object, ...]) -> str:
    buffer = io.StringIO()
    SafeCSVWriter(buffer).writerow(row)
    return buffer.getvalue()


async def _responses_csv(state: State, slug: str) -> AsyncIterator[str]:
    yield _csv_line(COLUMNS)
    async for batch in response_batches(state.engine, slug):
        buffer = io.StringIO()
        SafeCSVWriter(buffer).writerows(
            (p, w, i, v, at.isoformat() if isinstance(at, datetime) else at)
            for p, w, i, v, at in batch
        )
        yield buffer.getvalue()


async def _responses_parquet(state: State, slug: str) -> AsyncIterator[bytes]:
    import pyarrow.parquet as pq

    sink = io.BytesIO()
    with pq.ParquetWriter(sink, parquet_schema()) as writer:
        async for table in parquet_tables(state.engine, slug):
            writer.write_table(table)
            # Hand over what is written so far: one row group per batch in memory at most.
            yield sink.getvalue()
            sink.seek(0)
            sink.truncate()
    yield sink.getvalue()


def _download(name: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"}


@get(
    "/staff/api/v1/pilots/{slug:str}/responses.csv",
    summary="The responses table (contracts.md section 2) as CSV",
    tags=["staff"],
    responses=_ERRORS,
    media_type="text/csv",
)
async def responses_csv(request: Request, state: State, slug: FromPath[str]) -> Stream:
    account = await api_account(request)
    pilot_id = await pilot_id_for(account, slug, "export")
    await audit.record_export(state.engine, account.actor, pilot_id, slug, "responses.csv")
    return Stream(
        _responses_csv(state, slug),
        media_type="text/csv; charset=utf-8",
        headers=_download(f"{slug}-responses.csv"),
    )


@get(
    "/staff/api/v1/pilots/{slug:str}/responses.parquet",
    summary="The responses table as Parquet",
    tags=["staff"],
    responses=_ERRORS,
    media_type="application/vnd.apache.parquet",
)
async def responses_parquet(request: Request, state: State, slug: FromPath[str]) -> Stream:
    account = await api_account(request)
    pilot_id = await pilot_id_for(account, slug, "export")
    await audit.record_export(state.engine, account.actor, pilot_id, slug, "responses.parquet")
    return Stream(
        _responses_parquet(state, slug),
        media_type="application/vnd.apache.parquet",
        headers=_download(f"{slug}-responses.parquet"),
    )


@get(
    "/staff/api/v1/pilots/{slug:str}/notes.csv",
    summary="Focus-group notes (no facilitator names), readable by evaluation.read_notes",
    tags=["staff"],
    responses=_ERRORS,
    media_type="text/csv",
)
async def notes_csv(request: Request, state: State, slug: FromPath[str]) -> Stream:
    account = await api_account(request)
    pilot_id = await pilot_id_for(account, slug, "export")
    await audit.record_export(state.engine, account.actor, pilot_id, slug, "notes.csv")
    return Stream(
        notes_csv_chunks(state.engine, pilot_id),
        media_type="text/csv; charset=utf-8",
        headers=_download(f"{slug}-notes.csv"),
    )


@get(
    "/staff/api/v1/pilots/{slug:str}/concerns.csv",
    summary="The concern register, readable by evaluation.read_concerns (--concerns)",
    tags=["staff"],
    responses=_ERRORS,
    media_type="text/csv",
)
async def concerns_csv(request: Request, state: State, slug: FromPath[str]) -> Stream:
    # everyone who sees the register page may take it away as a file (concerns.view)
    account = await api_account(request)
    pilot_id = await pilot_id_for(account, slug, "concerns.view")
    await audit.record_export(state.engine, account.actor, pilot_id, slug, "concerns.csv")
    return Stream(
        concerns_csv_chunks(state.engine, pilot_id),
        media_type="text/csv; charset=utf-8",
        headers=_download(f"{slug}-concerns.csv"),
    )


@get(
    "/staff/api/v1/pilots/{slug:str}/codebook.json",
    summary="Codebook: items, dimensions, scales, reverse flags, labels per language",
    tags=["staff"],
    responses=_ERRORS,
)
async def codebook_json(request: Request, state: State, slug: FromPath[str]) -> CodebookOut:
    account = await api_account(request)
    pilot_id = await pilot_id_for(account, slug, "export")
    await audit.record_export(state.engine, account.actor, pilot_id, slug, "codebook.json")
    return msgspec.convert(await codebook(state.engine, slug), CodebookOut)


@get(
    "/staff/api/v1/pilots/{slug:str}/codebook.csv",
    summary="Codebook as CSV, one row per item and language",
    tags=["staff"],
    responses=_ERRORS,
    media_type="text/csv",
)
async def codebook_csv(request: Request, state: State, slug: FromPath[str]) -> Stream:
    account = await api_account(request)
    pilot_id = await pilot_id_for(account, slug, "export")
    await audit.record_export(state.engine, account.actor, pilot_id, slug, "codebook.csv")
    book = await codebook(state.engine, slug)

    async def rows() -> AsyncIterator[str]:
        yield _csv_line(tuple(book["columns"]))
        for row in book["items"]:
            yield _csv_line(tuple(row))

    return Stream(
        rows(), media_type="text/csv; charset=utf-8", headers=_download(f"{slug}-codebook.csv")
    )


STAFF_API_HANDLERS = [
    list_pilots_api,
    responses_csv,
    responses_parquet,
    notes_csv,
    concerns_csv,
    codebook_json,
    codebook_csv,
]
