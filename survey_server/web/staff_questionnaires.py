"""Staff pages of a pilot's questionnaire: the editor, versions, exports, preview, test
links. Managers and admins (`questionnaire.edit`); another pilot's pages answer 404."""

from __future__ import annotations

import tempfile
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import msgspec
from litestar import Request, Response, get, post
from litestar.datastructures import State, UploadFile
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from pilotkit.instruments import Instrument
from pilotkit.instruments.model import ITEM_TYPES
from pilotkit.instruments.yaml_io import dump_instrument
from survey_server.errors import InvalidInputError, NotFoundError
from survey_server.i18n import Translator, language_name
from survey_server.i18n.lazy import lazy_gettext
from survey_server.inputs import MAX_ID, MAX_PAGE, optional_whole_number
from survey_server.services import questionnaire_edits as edits
from survey_server.services import questionnaires, test_links
from survey_server.services.accounts import pilot_id_for
from survey_server.services.forms import FormContext
from survey_server.services.pages import form_pages
from survey_server.services.pilots import get_pilot
from survey_server.services.questionnaire_content import (
    SEED_DIMENSIONS,
    check_condition,
    sections,
)
from survey_server.services.waves import WaveInfo
from survey_server.web.staff_auth import STAFF_HEADERS, SignedIn, checked_form, field, page

EDIT = "questionnaire.edit"
BASE = "/staff/pilots/{slug:str}/questionnaire"


def _to(slug: str, tail: str = "", anchor: str = "") -> Redirect:
    url = f"/staff/pilots/{slug}/questionnaire{tail}" + (f"#{anchor}" if anchor else "")
    return Redirect(url, status_code=303, headers=STAFF_HEADERS)


def _overview(
    session: SignedIn,
    q: questionnaires.Questionnaire,
    *,
    status: int = 200,
    error: str = "",
    notice: str = "",
) -> Template:
    dims = [d.get("id") for d in q.data.get("dimensions") or []]
    return page(
        session,
        "questionnaire.html",
        lazy_gettext("Questionnaire – %(pilot_name)s", pilot_name=q.pilot_name),
        status,
        q=q,
        sections=sections(q.data),
        section_entries={e.get("id"): e for e in q.data.get("sections") or []},
        seeds=[d for d in SEED_DIMENSIONS if d["id"] not in dims],
        shipped=edits.shipped_choices(),
        error=error,
        notice=notice,
        lang_name=language_name,
        text_of=_text_of(q),
    )


def _text_of(q: questionnaires.Questionnaire) -> Any:
    default = (q.languages or ["en"])[0]

    def text_of(value: Any) -> str:
        if isinstance(value, dict):
            return str(value.get(default) or next(iter(value.values()), ""))
        return str(value or "")

    return text_of


async def _load(state: State, session: SignedIn, slug: str) -> questionnaires.Questionnaire:
    pilot_id = await pilot_id_for(session.user, slug, EDIT)
    return await questionnaires.load(state.engine, pilot_id)


async def _change(
    state: State,
    session: SignedIn,
    slug: str,
    change: edits.Change,
    action: str,
    detail: dict[str, Any],
    **extra: Any,
) -> questionnaires.Questionnaire:
    pilot_id = await pilot_id_for(session.user, slug, EDIT)
    return await questionnaires.edit(
        state.engine, session.user.actor, pilot_id, change, action=action, detail=detail, **extra
    )


@get(BASE, include_in_schema=False)
async def questionnaire_page(state: State, session: SignedIn, slug: FromPath[str]) -> Template:
    return _overview(session, await _load(state, session, slug))


@post(BASE + "/start", include_in_schema=False)
async def start_questionnaire(
    request: Request, state: State, session: SignedIn, slug: FromPath[str]
) -> Response:
    form = await checked_form(request, session)
    q = await _load(state, session, slug)
    try:
        if field(form, "source") == "scratch":
            change = edits.start_from_scratch(field(form, "title"), field(form, "language") or "en")
            origin = "scratch"
        else:
            change = edits.start_from_shipped(field(form, "instrument"))
            origin = field(form, "instrument")
    except InvalidInputError as exc:
        return _overview(session, q, status=422, error=exc.message)
    await _change(
        state,
        session,
        slug,
        change,
        "questionnaire.start",
        {"from": origin},
        origin=origin,
        import_report=[],
    )
    return _to(slug)


@post(BASE + "/upload", include_in_schema=False)
async def upload_questionnaire(
    request: Request, state: State, session: SignedIn, slug: FromPath[str]
) -> Response:
    form = await request.form()
    await checked_form(request, session)
    q = await _load(state, session, slug)
    upload = form.get("file")
    if not isinstance(upload, UploadFile):
        return _overview(
            session, q, status=422, error=lazy_gettext("file: choose an XLSForm (.xlsx) to upload")
        )
    content = await upload.read()
    try:
        data, report = edits.read_upload(
            content,
            upload.filename or "form.xlsx",
            dimensions_from_groups=form.get("groups_as_dimensions") == "on",
        )
    except InvalidInputError as exc:
        return _overview(session, q, status=422, error=exc.message)
    name = Path(upload.filename or "form.xlsx").name[:150]
    await _change(
        state,
        session,
        slug,
        lambda _old: data,
        "questionnaire.upload",
        {
            "file": name,
            "report_lines": len(report),
            "groups_as_dimensions": form.get("groups_as_dimensions") == "on",
        },
        origin=f"XLSForm {name}",
        import_report=report,
    )
    return _to(slug)


@get(BASE + "/details", include_in_schema=False)
async def details_form(state: State, session: SignedIn, slug: FromPath[str]) -> Template:
    q = await _load(state, session, slug)
    return page(
        session,
        "questionnaire_details.html",
        lazy_gettext("Title and introduction"),
        q=q,
        lang_name=language_name,
        error="",
    )


@post(BASE + "/details", include_in_schema=False)
async def save_details(
    request: Request, state: State, session: SignedIn, slug: FromPath[str]
) -> Response:
    form = await checked_form(request, session)
    q = await _load(state, session, slug)
    try:
        change = edits.details(form, q.languages)
    except InvalidInputError as exc:
        return page(
            session,
            "questionnaire_details.html",
            lazy_gettext("Title and introduction"),
            422,
            q=q,
            lang_name=language_name,
            error=exc.message,
        )
    await _change(state, session, slug, change, "questionnaire.details", {})
    return _to(slug)


# -- items -------------------------------------------------------------------------


def _item_page(
    session: SignedIn,
    q: questionnaires.Questionnaire,
    item: dict[str, Any] | None,
    original: str | None,
    *,
    error: str = "",
    status: int = 200,
) -> Template:
    item = item or {"id": "", "type": "likert", "required": True}
    ids = [str(i.get("id")) for i in q.data.get("items") or []]
    index = ids.index(original) if original in ids else len(ids)
    waves = [w.get("id") for w in q.data.get("waves") or []] or ["pre", "post"]
    keys = list(dict.fromkeys(k for k, _ in sections(q.data) if k))
    return page(
        session,
        "questionnaire_item.html",
        f"Item {original}" if original else "New item",
        status,
        q=q,
        item=item,
        original=original,
        earlier=ids[:index],
        types=ITEM_TYPES,
        wave_ids=waves,
        section_keys=keys,
        error=error,
        problems=q.check.at(f"item:{original}") if original else [],
        field_problems=(lambda name: q.check.at(f"item:{original}:{name}"))
        if original
        else (lambda name: []),
        core=original in q.core_ids,
        lang_name=language_name,
        text_of=_text_of(q),
    )


@get(BASE + "/items/new", include_in_schema=False)
async def new_item_form(state: State, session: SignedIn, slug: FromPath[str]) -> Template:
    return _item_page(session, await _load(state, session, slug), None, None)


async def _save_item(
    request: Request, state: State, session: SignedIn, slug: str, original: str | None
) -> Response:
    form = await checked_form(request, session)
    q = await _load(state, session, slug)
    try:
        item = edits.item_from_fields(form, q.data)
        change = edits.save_item(original, item)
        change(dict(q.data))  # refuse a clash before writing
    except InvalidInputError as exc:
        posted = _posted_item(form, q)
        return _item_page(session, q, posted, original, error=exc.message, status=422)
    saved = await _change(
        state,
        session,
        slug,
        change,
        "questionnaire.item",
        {"item": item["id"], "was": original or ""},
    )
    if saved.check.at(f"item:{item['id']}"):
        return _to(slug, f"/items/{item['id']}")  # show its problems next to the fields
    return _to(slug, anchor=f"item-{item['id']}")


def _posted_item(form: dict[str, list[str]], q: questionnaires.Questionnaire) -> dict[str, Any]:
    """What was typed, shown back on a refused form."""
    texts = {lang: field(form, f"text_{lang}") for lang in q.languages}
    return {
        "id": field(form, "id"),
        "type": field(form, "type") or "likert",
        "text": texts,
        "hint": {lang: field(form, f"hint_{lang}") for lang in q.languages},
        "required": "required" in form,
        "dimension": field(form, "dimension"),
        "section": field(form, "section"),
        "relevant": field(form, "relevant"),
    }


@post(BASE + "/items/new", include_in_schema=False)
async def create_item(
    request: Request, state: State, session: SignedIn, slug: FromPath[str]
) -> Response:
    return await _save_item(request, state, session, slug, None)


def _find_item(q: questionnaires.Questionnaire, item_id: str) -> dict[str, Any]:
    for item in q.data.get("items") or []:
        if item.get("id") == item_id:
            return item
    raise NotFoundError(
        lazy_gettext("no item '%(item_id)s' in this questionnaire", item_id=item_id)
    )


@get(BASE + "/items/{item_id:str}", include_in_schema=False)
async def item_form(
    state: State, session: SignedIn, slug: FromPath[str], item_id: FromPath[str]
) -> Template:
    q = await _load(state, session, slug)
    return _item_page(session, q, _find_item(q, item_id), item_id)


@post(BASE + "/items/{item_id:str}", include_in_schema=False)
async def update_item(
    request: Request, state: State, session: SignedIn, slug: FromPath[str], item_id: FromPath[str]
) -> Response:
    _find_item(await _load(state, session, slug), item_id)
    return await _save_item(request, state, session, slug, item_id)


@post(BASE + "/items/{item_id:str}/delete", include_in_schema=False)
async def delete_item(
    request: Request, state: State, session: SignedIn, slug: FromPath[str], item_id: FromPath[str]
) -> Response:
    await checked_form(request, session)
    q = await _load(state, session, slug)
    _find_item(q, item_id)
    try:
        change = edits.delete_item(item_id, q.core_ids)
    except InvalidInputError as exc:
        return _overview(session, q, status=422, error=exc.message)
    await _change(state, session, slug, change, "questionnaire.item_delete", {"item": item_id})
    return _to(slug, anchor="items")


@post(BASE + "/order", include_in_schema=False)
async def reorder(
    request: Request, state: State, session: SignedIn, slug: FromPath[str]
) -> Response:
    """Drag and drop posts the whole order; the arrow buttons one move."""
    form = await checked_form(request, session)
    q = await _load(state, session, slug)
    direction = "up" if field(form, "direction") == "up" else "down"
    try:
        if form.get("order"):
            change = edits.reorder([v for v in form["order"] if v])
            moved = "order"
        elif "section" in form:
            change = edits.move_section(field(form, "section"), direction)
            moved = f"section {field(form, 'section')} {direction}"
        else:
            change = edits.move_item(field(form, "move"), direction)
            moved = f"{field(form, 'move')} {direction}"
        change(dict(q.data) | {"items": list(q.data.get("items") or [])})
    except InvalidInputError as exc:
        if request.headers.get("accept", "").startswith("application/json"):
            return Response({"detail": exc.message}, status_code=422, headers=STAFF_HEADERS)
        return _overview(session, q, status=422, error=exc.message)
    await _change(state, session, slug, change, "questionnaire.order", {"moved": moved})
    if request.headers.get("accept", "").startswith("application/json"):
        return Response({"saved": True}, headers=STAFF_HEADERS)
    anchor = f"item-{field(form, 'move')}" if field(form, "move") else "items"
    return _to(slug, anchor=anchor)


@post(BASE + "/sections/{key:str}", include_in_schema=False)
async def rename_section(
    request: Request, state: State, session: SignedIn, slug: FromPath[str], key: FromPath[str]
) -> Response:
    form = await checked_form(request, session)
    q = await _load(state, session, slug)
    retitle = field(form, "action") == "title"
    try:
        if retitle:
            change = edits.section_title(key, form, q.languages)
            change(msgspec.json.decode(msgspec.json.encode(q.data)))
        else:
            change = edits.rename_section(key, field(form, "name"))
    except InvalidInputError as exc:
        return _overview(session, q, status=422, error=exc.message)
    detail = {"section": key, "title": "edited"} if retitle else {"name": field(form, "name")}
    await _change(state, session, slug, change, "questionnaire.section", {"section": key, **detail})
    return _to(slug, anchor="items")


# -- dimensions ------------------------------------------------------------------------


@post(BASE + "/dimensions", include_in_schema=False)
async def add_dimension(
    request: Request, state: State, session: SignedIn, slug: FromPath[str]
) -> Response:
    form = await checked_form(request, session)
    q = await _load(state, session, slug)
    try:
        if field(form, "seed"):
            change = edits.add_seed_dimension(field(form, "seed"))
        else:
            change = edits.save_dimension(None, form, q.languages)
        change(dict(q.data) | {"dimensions": list(q.data.get("dimensions") or [])})
    except InvalidInputError as exc:
        return _overview(session, q, status=422, error=exc.message)
    await _change(
        state,
        session,
        slug,
        change,
        "questionnaire.dimension",
        {"dimension": field(form, "seed") or field(form, "id")},
    )
    return _to(slug, anchor="dimensions")


@get(BASE + "/dimensions/{dim_id:str}", include_in_schema=False)
async def dimension_form(
    state: State, session: SignedIn, slug: FromPath[str], dim_id: FromPath[str]
) -> Template:
    q = await _load(state, session, slug)
    dim = next((d for d in q.data.get("dimensions") or [] if d.get("id") == dim_id), None)
    if dim is None:
        raise NotFoundError(
            lazy_gettext("no dimension '%(dim_id)s' in this questionnaire", dim_id=dim_id)
        )
    return page(
        session,
        "questionnaire_dimension.html",
        lazy_gettext("Dimension %(dim_id)s", dim_id=dim_id),
        q=q,
        dim=dim,
        lang_name=language_name,
        error="",
        problems=q.check.at(f"dimension:{dim_id}"),
    )


@post(BASE + "/dimensions/{dim_id:str}", include_in_schema=False)
async def save_dimension(
    request: Request, state: State, session: SignedIn, slug: FromPath[str], dim_id: FromPath[str]
) -> Response:
    form = await checked_form(request, session)
    q = await _load(state, session, slug)
    dim = next((d for d in q.data.get("dimensions") or [] if d.get("id") == dim_id), None)
    if dim is None:
        raise NotFoundError(
            lazy_gettext("no dimension '%(dim_id)s' in this questionnaire", dim_id=dim_id)
        )
    try:
        if field(form, "action") == "delete":
            change = edits.delete_dimension(dim_id)
        else:
            change = edits.save_dimension(dim_id, form, q.languages)
        change(msgspec.json.decode(msgspec.json.encode(q.data)))
    except InvalidInputError as exc:
        return page(
            session,
            "questionnaire_dimension.html",
            lazy_gettext("Dimension %(dim_id)s", dim_id=dim_id),
            422,
            q=q,
            dim=dim,
            lang_name=language_name,
            error=exc.message,
            problems=[],
        )
    await _change(state, session, slug, change, "questionnaire.dimension", {"dimension": dim_id})
    return _to(slug, anchor="dimensions")


# -- languages and translations --------------------------------------------------------


@get(BASE + "/translations", include_in_schema=False)
async def translations_page(state: State, session: SignedIn, slug: FromPath[str]) -> Template:
    q = await _load(state, session, slug)
    return _translations(session, q)


def _translations(
    session: SignedIn, q: questionnaires.Questionnaire, error: str = "", status: int = 200
) -> Template:
    from survey_server.services.questionnaire_content import _scales, _texts

    rows = [(place, name, texts) for place, name, texts in _texts(q.data)]
    scales = [(place, s.get("labels") or {}) for place, s in _scales(q.data) if s.get("labels")]
    missing = {lang: set(places) for lang, places in q.check.missing.items()}
    return page(
        session,
        "questionnaire_translations.html",
        lazy_gettext("Translations"),
        status,
        q=q,
        rows=rows,
        scales=scales,
        missing=missing,
        lang_name=language_name,
        error=error,
    )


@post(BASE + "/translations", include_in_schema=False)
async def save_translations(
    request: Request, state: State, session: SignedIn, slug: FromPath[str]
) -> Response:
    form = await checked_form(request, session)
    q = await _load(state, session, slug)
    try:
        change = edits.translations(form, q.data)
    except InvalidInputError as exc:
        return _translations(session, q, exc.message, 422)
    await _change(state, session, slug, change, "questionnaire.translations", {})
    return _to(slug, "/translations")


@post(BASE + "/languages", include_in_schema=False)
async def add_language(
    request: Request, state: State, session: SignedIn, slug: FromPath[str]
) -> Response:
    form = await checked_form(request, session)
    q = await _load(state, session, slug)
    code = field(form, "language")
    try:
        change = edits.add_language(code)
        change(dict(q.data))
    except InvalidInputError as exc:
        return _translations(session, q, exc.message, 422)
    await _change(state, session, slug, change, "questionnaire.language_add", {"language": code})
    return _to(slug, "/translations")


@post(BASE + "/languages/{code:str}/remove", include_in_schema=False)
async def remove_language(
    request: Request, state: State, session: SignedIn, slug: FromPath[str], code: FromPath[str]
) -> Response:
    await checked_form(request, session)
    q = await _load(state, session, slug)
    try:
        change = edits.remove_language(code)
        change(dict(q.data))
    except InvalidInputError as exc:
        return _translations(session, q, exc.message, 422)
    await _change(state, session, slug, change, "questionnaire.language_remove", {"language": code})
    return _to(slug, "/translations")


# -- skip logic as it is typed ---------------------------------------------------------


class ConditionOut(msgspec.Struct):
    ok: bool
    message: str
    position: int | None


@get(BASE + "/relevant", include_in_schema=False)
async def check_relevant(
    state: State,
    session: SignedIn,
    slug: FromPath[str],
    item: FromQuery[str] = "",
    expr: FromQuery[str] = "",
) -> Response[ConditionOut]:
    q = await _load(state, session, slug)
    if len(expr) > 2000:
        result = ConditionOut(False, "the condition is too long (at most 2000 characters)", None)
    else:
        found = check_condition(q.data, item or "new_item", expr)
        result = ConditionOut(found.ok, found.message, found.position)
    return Response(result, headers=STAFF_HEADERS)


# -- versions and exports --------------------------------------------------------------


@get(BASE + "/versions", include_in_schema=False)
async def versions_page(state: State, session: SignedIn, slug: FromPath[str]) -> Template:
    q = await _load(state, session, slug)
    return page(session, "questionnaire_versions.html", lazy_gettext("Versions"), q=q, error="")


@post(BASE + "/put-in-use", include_in_schema=False)
async def put_in_use(
    request: Request, state: State, session: SignedIn, slug: FromPath[str]
) -> Response:
    form = await checked_form(request, session)
    pilot_id = await pilot_id_for(session.user, slug, EDIT)
    await questionnaires.put_in_use(
        state.engine, session.user.actor, pilot_id, accept_reworded="accept" in form
    )
    return _to(slug, "/versions")


@get("/staff/pilots/{slug:str}/questionnaire.yaml", include_in_schema=False)
async def export_yaml(
    state: State, session: SignedIn, slug: FromPath[str], version: FromQuery[str | None] = None
) -> Response[str]:
    pilot_id = await pilot_id_for(session.user, slug, EDIT)
    data = await _export_data(state, pilot_id, version)
    instrument = questionnaires.exportable(data)
    return Response(
        dump_instrument(instrument),
        media_type="application/yaml; charset=utf-8",
        headers={
            **STAFF_HEADERS,
            "Content-Disposition": f'attachment; filename="{slug}-questionnaire.yaml"',
        },
    )


async def _export_data(state: State, pilot_id: int, version: str | None) -> dict[str, Any]:
    number = optional_whole_number(version, "version", low=1, high=MAX_ID)
    if number is not None:
        return await questionnaires.version_data(state.engine, pilot_id, number)
    return (await questionnaires.load(state.engine, pilot_id)).data


@get("/staff/pilots/{slug:str}/questionnaire.xlsx", include_in_schema=False)
async def export_xlsx(
    state: State, session: SignedIn, slug: FromPath[str], version: FromQuery[str | None] = None
) -> Response[bytes]:
    from pilotkit.instruments.xlsform import write_xlsform

    pilot_id = await pilot_id_for(session.user, slug, EDIT)
    instrument = questionnaires.exportable(await _export_data(state, pilot_id, version))
    with tempfile.TemporaryDirectory(prefix="pilotkit-xlsform-") as folder:
        path = write_xlsform(instrument, Path(folder) / "form.xlsx")
        content = path.read_bytes()
    return Response(
        content,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={
            **STAFF_HEADERS,
            "Content-Disposition": f'attachment; filename="{slug}-questionnaire.xlsx"',
        },
    )


# -- preview and test links ------------------------------------------------------------


def _preview_instrument(q: questionnaires.Questionnaire) -> tuple[Instrument, bool]:
    """The draft as participants would get it, else the version in use."""
    if q.check.instrument is not None:
        return q.check.instrument, True
    from pilotkit.instruments import instrument_from_mapping
    from survey_server.services.questionnaire_content import compact

    return instrument_from_mapping(compact(q.live), "in use"), False


@get(BASE + "/preview", include_in_schema=False)
async def preview_page(
    state: State,
    session: SignedIn,
    slug: FromPath[str],
    wave: FromQuery[str | None] = None,
    lang: FromQuery[str | None] = None,
) -> Template:
    q = await _load(state, session, slug)
    return await _preview(state, session, q, slug, wave, lang, new_link="")


async def _preview(
    state: State,
    session: SignedIn,
    q: questionnaires.Questionnaire,
    slug: str,
    wave: str | None,
    lang: str | None,
    *,
    new_link: str,
) -> Template:
    instrument, is_draft = _preview_instrument(q)
    waves = instrument.wave_ids
    chosen_wave = wave if wave in waves else waves[0]
    chosen_lang = lang if lang in instrument.languages else instrument.default_language
    pages = form_pages(instrument, chosen_wave, {})
    figures = await test_links.test_figures(state.engine, q.pilot_id)
    return page(
        session,
        "questionnaire_preview.html",
        lazy_gettext("Preview"),
        q=q,
        waves=waves,
        wave=chosen_wave,
        languages=[(c, language_name(c)) for c in instrument.languages],
        lang=chosen_lang,
        pages=[(n, p.key) for n, p in enumerate(pages, start=1)],
        is_draft=is_draft,
        new_link=new_link,
        figures=figures,
    )


@get(BASE + "/preview/{wave:str}/frame", include_in_schema=False)
async def preview_frame(
    request: Request,
    state: State,
    session: SignedIn,
    slug: FromPath[str],
    wave: FromPath[str],
    page: FromQuery[str | None] = None,
    lang: FromQuery[str | None] = None,
    action: FromQuery[str | None] = None,
) -> Response:
    """The real participant form's pages, for one wave and language: nothing is saved,
    every page is reachable (skip logic shows every item)."""
    from survey_server.web.form import _render

    q = await _load(state, session, slug)
    instrument, _ = _preview_instrument(q)
    if wave not in instrument.wave_ids:
        raise NotFoundError(lazy_gettext("this questionnaire has no wave '%(wave)s'", wave=wave))
    chosen = lang if lang in instrument.languages else instrument.default_language
    number = optional_whole_number(page, "page", low=0, high=MAX_PAGE) or 0
    if action in ("next", "submit"):
        number += 1
    elif action == "back":
        number = max(number - 1, 0)
    total = len(form_pages(instrument, wave, {}))
    if action and number <= total:
        target = (
            f"/staff/pilots/{slug}/questionnaire/preview/{wave}/frame?page={number}&lang={chosen}"
        )
        return Redirect(target, status_code=303, headers=_FRAME_HEADERS)
    pilot = await get_pilot(state.engine, slug)
    info = next((w for w in pilot.waves if w.name == wave), WaveInfo(0, wave, 0, "open"))
    context = FormContext(
        participant_id=0,
        pseudonym="preview",
        pilot_id=q.pilot_id,
        pilot_name=pilot.name,
        pilot_slug=slug,
        anonymous=pilot.anonymous,
        instrument=instrument,
        wave=info,
    )
    if number > total:  # after the last page: what a participant sees once submitted
        context.submission_id = uuid.uuid4()
        context.submitted_at = datetime.now(UTC)
    template = _render(request, context, "preview", chosen, number)
    template.context["form_action"] = f"/staff/pilots/{slug}/questionnaire/preview/{wave}/frame"
    template.context["start_url"] = (
        f"/staff/pilots/{slug}/questionnaire/preview/{wave}/frame?page=1&lang={chosen}"
    )
    template.context["preview"] = True
    template.context["t"] = Translator(chosen)
    template.headers.update(_FRAME_HEADERS)
    return template


_FRAME_HEADERS = {**STAFF_HEADERS, "X-Frame-Options": "SAMEORIGIN"}


@post("/staff/pilots/{slug:str}/test-links", include_in_schema=False)
async def create_test_link(
    request: Request, state: State, session: SignedIn, slug: FromPath[str]
) -> Template:
    form = await checked_form(request, session)
    q = await _load(state, session, slug)
    link = await test_links.create_test_link(
        state.engine, session.user.actor, q.pilot_id, field(form, "wave"), state.settings.base_url
    )
    return await _preview(state, session, q, slug, field(form, "wave"), None, new_link=link)


@post("/staff/pilots/{slug:str}/test-links/clear", include_in_schema=False)
async def clear_test_links(
    request: Request, state: State, session: SignedIn, slug: FromPath[str]
) -> Redirect:
    await checked_form(request, session)
    pilot_id = await pilot_id_for(session.user, slug, EDIT)
    await test_links.clear_test_answers(state.engine, session.user.actor, pilot_id)
    return _to(slug, "/preview")


QUESTIONNAIRE_HANDLERS = [
    questionnaire_page,
    start_questionnaire,
    upload_questionnaire,
    details_form,
    save_details,
    new_item_form,
    create_item,
    item_form,
    update_item,
    delete_item,
    reorder,
    rename_section,
    add_dimension,
    dimension_form,
    save_dimension,
    translations_page,
    save_translations,
    add_language,
    remove_language,
    check_relevant,
    versions_page,
    put_in_use,
    export_yaml,
    export_xlsx,
    preview_page,
    preview_frame,
    create_test_link,
    clear_test_links,
]
