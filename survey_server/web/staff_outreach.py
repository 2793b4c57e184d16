"""Staff pages of e-mail outreach: contacts, message wording, preview and send, reminder
plans, the outreach dashboard and the messages sent. Every route needs `outreach`
(admins and managers): analysts and executives never reach contacts."""

from __future__ import annotations

import email
import email.policy
import hmac
from datetime import UTC, datetime
from pathlib import Path

from litestar import Request, Response, get, post
from litestar.datastructures import State, UploadFile
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from survey_server.errors import ConflictError, InvalidFieldsError, InvalidInputError, NotFoundError
from survey_server.i18n import language_name
from survey_server.i18n.lazy import as_sentence, lazy_gettext
from survey_server.inputs import one_of, whole_number, whole_number_or
from survey_server.mail import FileTransport
from survey_server.services import contacts, mail_templates, outreach
from survey_server.services.accounts import pilot_id_for
from survey_server.services.contacts import MAX_UPLOAD_BYTES
from survey_server.web.keys import installation_key
from survey_server.web.staff_auth import (
    STAFF_HEADERS,
    CsrfError,
    SignedIn,
    checked_form,
    field,
    page,
)

PERMISSION = "outreach"
STATE_NAMES = ("queued", "sending", "sent", "failed", "cancelled")


def _key(state: State) -> bytes:
    return installation_key(state)


def _back(slug: str, where: str = "outreach", anchor: str = "") -> Redirect:
    return Redirect(
        f"/staff/pilots/{slug}/{where}{'#' + anchor if anchor else ''}",
        status_code=303,
        headers=STAFF_HEADERS,
    )


def _whole(text: str, name: str, low: int, high: int) -> int:
    try:
        return whole_number(text, name, low=low, high=high)
    except InvalidFieldsError:
        raise outreach.SendFieldsError(
            {
                name: lazy_gettext(
                    "Enter a whole number from %(low)s to %(high)s.", low=low, high=high
                )
            }
        ) from None


# -- the outreach page ------------------------------------------------------------------


@get("/staff/pilots/{slug:str}/outreach", include_in_schema=False)
async def outreach_page(
    state: State, session: SignedIn, slug: FromPath[str], queued: FromQuery[str | None] = None
) -> Template:
    pilot_id = await pilot_id_for(session.user, slug, PERMISSION)
    board = await outreach.board(state.engine, pilot_id)
    return page(
        session,
        "outreach.html",
        lazy_gettext("E-mail invitations – %(name)s", name=board.facts.name),
        board=board,
        slug=slug,
        queued=queued if queued and queued.isascii() and queued.isdigit() else None,
        file_transport=not state.settings.outreach.smtp_url,
        worker_on=getattr(state, "outreach_worker", None) is not None,
        errors={},
    )


@post("/staff/pilots/{slug:str}/outreach/plans/{wave:str}", include_in_schema=False)
async def save_plan(
    request: Request, state: State, session: SignedIn, slug: FromPath[str], wave: FromPath[str]
) -> Response:
    form = await checked_form(request, session)
    pilot_id = await pilot_id_for(session.user, slug, PERMISSION)
    try:
        await outreach.save_plan(
            state.engine,
            session.user.actor,
            pilot_id,
            wave,
            automatic=field(form, "automatic") == "1",
            max_reminders=_whole(field(form, "max_reminders"), "max_reminders", 0, 10),
            gap_days=_whole(field(form, "gap_days"), "gap_days", 1, 60),
        )
    except outreach.SendFieldsError as exc:
        board = await outreach.board(state.engine, pilot_id)
        return page(
            session,
            "outreach.html",
            lazy_gettext("E-mail invitations – %(name)s", name=board.facts.name),
            422,
            board=board,
            slug=slug,
            queued=None,
            file_transport=not state.settings.outreach.smtp_url,
            worker_on=getattr(state, "outreach_worker", None) is not None,
            errors={f"{wave}-{k}": v for k, v in exc.errors.items()},
        )
    return _back(slug, anchor=f"wave-{wave}")


# -- contacts ------------------------------------------------------------------------------


async def _contacts_page(
    state: State,
    session: SignedIn,
    slug: str,
    pilot_id: int,
    *,
    search: str = "",
    status: str = "",
    page_number: int = 1,
    report: contacts.ImportReport | None = None,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    code: int = 200,
) -> Template:
    facts = await contacts.pilot_facts(pilot_id)
    listing = await contacts.list_contacts(
        state.engine, pilot_id, search=search, status=status, page=page_number
    )
    return page(
        session,
        "contacts.html",
        lazy_gettext("Contacts – %(name)s", name=facts.name),
        code,
        facts=facts,
        slug=slug,
        listing=listing,
        search=search,
        status_filter=status,
        report=report,
        errors=errors or {},
        values=values or {},
        max_mb=MAX_UPLOAD_BYTES // (1024 * 1024),
        names={code: language_name(code) for code in facts.languages},
    )


@get("/staff/pilots/{slug:str}/contacts", include_in_schema=False)
async def contacts_page(
    state: State,
    session: SignedIn,
    slug: FromPath[str],
    q: FromQuery[str] = "",
    status: FromQuery[str] = "",
    page_number: FromQuery[str] = "1",
) -> Template:
    pilot_id = await pilot_id_for(session.user, slug, PERMISSION)
    status = one_of(status, "status", contacts.STATUSES)
    number = whole_number_or(page_number, 1, high=10_000)
    return await _contacts_page(
        state, session, slug, pilot_id, search=q, status=status, page_number=number
    )


@post("/staff/pilots/{slug:str}/contacts", include_in_schema=False)
async def add_contact(
    request: Request, state: State, session: SignedIn, slug: FromPath[str]
) -> Template:
    form = await checked_form(request, session)
    pilot_id = await pilot_id_for(session.user, slug, PERMISSION)
    values = {k: field(form, k) for k in ("email", "name", "language")}
    try:
        report = await contacts.add_contact(
            state.engine, session.user.actor, pilot_id, _key(state), **values
        )
    except InvalidInputError as exc:
        return await _contacts_page(
            state,
            session,
            slug,
            pilot_id,
            errors={"email": as_sentence(exc.message)},
            values=values,
            code=422,
        )
    return await _contacts_page(state, session, slug, pilot_id, report=report)


@post(
    "/staff/pilots/{slug:str}/contacts/upload",
    include_in_schema=False,
    request_max_body_size=MAX_UPLOAD_BYTES + 64 * 1024,
)
async def upload_contacts(
    request: Request, state: State, session: SignedIn, slug: FromPath[str]
) -> Template:
    form = await request.form()
    sent = str(form.get("csrf_token", ""))
    if not hmac.compare_digest(sent.encode(), session.csrf_token.encode()):
        raise CsrfError()
    pilot_id = await pilot_id_for(session.user, slug, PERMISSION)
    upload = form.get("file")
    if not isinstance(upload, UploadFile):
        return await _contacts_page(
            state,
            session,
            slug,
            pilot_id,
            errors={"file": lazy_gettext("Choose a CSV file with one e-mail address per row.")},
            code=422,
        )
    data = await upload.read()
    try:
        report = await contacts.import_contacts(
            state.engine, session.user.actor, pilot_id, _key(state), data
        )
    except InvalidInputError as exc:
        return await _contacts_page(
            state,
            session,
            slug,
            pilot_id,
            errors={"file": as_sentence(exc.message)},
            code=422,
        )
    return await _contacts_page(state, session, slug, pilot_id, report=report)


@post("/staff/pilots/{slug:str}/contacts/{contact_id:int}/delete", include_in_schema=False)
async def delete_contact(
    request: Request,
    state: State,
    session: SignedIn,
    slug: FromPath[str],
    contact_id: FromPath[int],
) -> Redirect:
    await checked_form(request, session)
    pilot_id = await pilot_id_for(session.user, slug, PERMISSION)
    await contacts.delete_contact(state.engine, session.user.actor, pilot_id, contact_id)
    return _back(slug, "contacts")


# -- wording ---------------------------------------------------------------------------------


async def _templates_page(
    state: State,
    session: SignedIn,
    slug: str,
    pilot_id: int,
    *,
    errors: dict[str, str] | None = None,
    drafts: dict[str, dict[str, str]] | None = None,
    code: int = 200,
) -> Template:
    facts = await contacts.pilot_facts(pilot_id)
    texts = await mail_templates.pilot_texts(state.engine, pilot_id)
    return page(
        session,
        "outreach_templates.html",
        lazy_gettext("Message wording – %(name)s", name=facts.name),
        code,
        facts=facts,
        slug=slug,
        texts=texts,
        kinds=mail_templates.KINDS,
        placeholders=mail_templates.PLACEHOLDERS,
        errors=errors or {},
        drafts=drafts or {},
        names={code: language_name(code) for code in facts.languages},
    )


@get("/staff/pilots/{slug:str}/outreach/templates", include_in_schema=False)
async def templates_page(state: State, session: SignedIn, slug: FromPath[str]) -> Template:
    pilot_id = await pilot_id_for(session.user, slug, PERMISSION)
    return await _templates_page(state, session, slug, pilot_id)


@post("/staff/pilots/{slug:str}/outreach/templates", include_in_schema=False)
async def save_template(
    request: Request, state: State, session: SignedIn, slug: FromPath[str]
) -> Response:
    form = await checked_form(request, session)
    pilot_id = await pilot_id_for(session.user, slug, PERMISSION)
    kind, language = field(form, "kind"), field(form, "language")
    if field(form, "action") == "reset":
        await mail_templates.reset_template(
            state.engine, session.user, pilot_id, kind=kind, language=language
        )
        return _back(slug, "outreach/templates", f"{kind}-{language}")
    subject = field(form, "subject")
    body = form.get("body", [""])[0]
    try:
        await mail_templates.save_template(
            state.engine,
            session.user,
            pilot_id,
            kind=kind,
            language=language,
            subject=subject,
            body=body,
        )
    except mail_templates.TemplateFieldsError as exc:
        prefix = f"{kind}-{language}"
        return await _templates_page(
            state,
            session,
            slug,
            pilot_id,
            errors={f"{prefix}-{k}": v for k, v in exc.errors.items()},
            drafts={prefix: {"subject": subject, "body": body}},
            code=422,
        )
    return _back(slug, "outreach/templates", f"{kind}-{language}")


@post("/staff/pilots/{slug:str}/outreach/contact", include_in_schema=False)
async def save_pilot_contact(
    request: Request, state: State, session: SignedIn, slug: FromPath[str]
) -> Response:
    form = await checked_form(request, session)
    pilot_id = await pilot_id_for(session.user, slug, PERMISSION)
    try:
        await mail_templates.set_pilot_contact(
            state.engine, session.user, pilot_id, field(form, "contact")
        )
    except InvalidInputError as exc:
        return await _templates_page(
            state,
            session,
            slug,
            pilot_id,
            errors={"contact": as_sentence(exc.message)},
            code=422,
        )
    return _back(slug, "outreach/templates", "pilot-contact")


# -- preview and send ------------------------------------------------------------------------


def _send_time(text: str) -> int | None:
    """A `datetime-local` value (UTC), or None for "now"."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise outreach.SendFieldsError(
            {"send_at": lazy_gettext("Enter a date and time, for example 2026-05-04T09:00.")}
        ) from None
    return int(moment.replace(tzinfo=moment.tzinfo or UTC).timestamp())


async def _preview_page(
    state: State,
    session: SignedIn,
    slug: str,
    pilot_id: int,
    wave: str,
    kind: str,
    *,
    send_at: str = "",
    errors: dict[str, str] | None = None,
    problem: str = "",
    code: int = 200,
) -> Template:
    now = outreach.now_s()
    when = _send_time(send_at) if send_at and not errors else None
    batch = await outreach.plan_batch(
        state.engine, pilot_id, wave, kind, send_at=max(now, when or now), now=now
    )
    samples = await _samples(state, batch)
    return page(
        session,
        "outreach_send.html",
        lazy_gettext("Send invitations – %(name)s", name=batch.facts.name)
        if kind == "invitation"
        else lazy_gettext("Send reminders – %(name)s", name=batch.facts.name),
        code,
        batch=batch,
        slug=slug,
        samples=samples,
        send_at=send_at,
        errors=errors or {},
        problem=problem,
        names={t.language: language_name(t.language) for t in batch.texts},
    )


async def _samples(state: State, batch: outreach.BatchPlan) -> list[tuple[str, str, str]]:
    """(language, subject, body) of each template, as a made-up participant would read it."""
    base = state.settings.base_url
    samples: list[tuple[str, str, str]] = []
    for text in batch.texts:
        rendered = mail_templates.render(
            text,
            pilot=batch.facts.name,
            pilot_contact=batch.facts.contact,
            wave=batch.wave.name,
            closes_at=batch.wave.closes_at,
            name="",
            link=f"{base}/f/PERSONAL-LINK?lang={text.language}",
            opt_out_url=f"{base}/o/PERSONAL-OPT-OUT-LINK",
            anonymous=batch.facts.anonymous,
        )
        samples.append((text.language, rendered.subject, rendered.body))
    return samples


@get("/staff/pilots/{slug:str}/outreach/send", include_in_schema=False)
async def send_preview(
    state: State,
    session: SignedIn,
    slug: FromPath[str],
    wave: FromQuery[str] = "",
    kind: FromQuery[str] = "invitation",
) -> Template:
    pilot_id = await pilot_id_for(session.user, slug, PERMISSION)
    if not wave:
        waves = await outreach.pilot_waves(pilot_id)
        wave = next((w.name for w in waves if w.state() == "open"), waves[0].name)
    return await _preview_page(state, session, slug, pilot_id, wave, kind)


@post("/staff/pilots/{slug:str}/outreach/send", include_in_schema=False)
async def send(request: Request, state: State, session: SignedIn, slug: FromPath[str]) -> Response:
    form = await checked_form(request, session)
    pilot_id = await pilot_id_for(session.user, slug, PERMISSION)
    wave, kind = field(form, "wave"), field(form, "kind")
    when_text = field(form, "send_at") if field(form, "when") == "later" else ""
    try:
        send_at = _send_time(when_text)
        if field(form, "when") == "later" and send_at is None:
            raise outreach.SendFieldsError(
                {"send_at": lazy_gettext("Choose when the messages go out.")}
            )
        count = await outreach.send_batch(
            state.engine,
            session.user.actor,
            pilot_id,
            wave_name=wave,
            kind=kind,
            send_at=send_at,
            previewed_digest=field(form, "digest"),
            sender=state.settings.outreach.mail_from,
            link_key=_key(state),
        )
    except outreach.SendFieldsError as exc:
        return await _preview_page(
            state,
            session,
            slug,
            pilot_id,
            wave,
            kind,
            send_at=when_text,
            errors=exc.errors,
            code=422,
        )
    except ConflictError as exc:
        return await _preview_page(
            state,
            session,
            slug,
            pilot_id,
            wave,
            kind,
            send_at=when_text,
            problem=as_sentence(exc.message),
            code=409,
        )
    worker = getattr(state, "outreach_worker", None)
    if worker is not None:
        worker.wake()
    return Redirect(
        f"/staff/pilots/{slug}/outreach?queued={count}#wave-{wave}",
        status_code=303,
        headers=STAFF_HEADERS,
    )


# -- messages ------------------------------------------------------------------------------


@get("/staff/pilots/{slug:str}/outreach/messages", include_in_schema=False)
async def messages_page(
    state: State,
    session: SignedIn,
    slug: FromPath[str],
    status: FromQuery[str] = "",
    page_number: FromQuery[str] = "1",
) -> Template:
    pilot_id = await pilot_id_for(session.user, slug, PERMISSION)
    status = one_of(status, "status", outreach.MESSAGE_STATES)
    facts = await contacts.pilot_facts(pilot_id)
    number = whole_number_or(page_number, 1, high=100_000)
    rows, pages = await outreach.messages(state.engine, pilot_id, state=status, page=number)
    return page(
        session,
        "outreach_messages.html",
        lazy_gettext("Messages – %(name)s", name=facts.name),
        facts=facts,
        slug=slug,
        rows=rows,
        pages=pages,
        page_number=min(max(number, 1), pages),
        state_filter=status if status in STATE_NAMES else "",
        states=STATE_NAMES,
        file_transport=not state.settings.outreach.smtp_url,
    )


def _eml_path(state: State, slug: str, message_id: str) -> Path | None:
    if state.settings.outreach.smtp_url:
        return None
    path = FileTransport(state.settings.outreach.outbox_dir).path_of(slug, message_id)
    return path if path.is_file() else None


@get("/staff/pilots/{slug:str}/outreach/messages/{message_id:int}", include_in_schema=False)
async def message_page(
    state: State, session: SignedIn, slug: FromPath[str], message_id: FromPath[int]
) -> Template:
    pilot_id = await pilot_id_for(session.user, slug, PERMISSION)
    row = await outreach.message(state.engine, pilot_id, message_id)
    facts = await contacts.pilot_facts(pilot_id)
    path = _eml_path(state, slug, row.message_id) if row.state == "sent" else None
    headers: list[tuple[str, str]] = []
    body = ""
    if path is not None:
        parsed = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        headers = [(name, str(parsed[name])) for name in ("From", "To", "Subject", "Date")]
        part = parsed.get_body(preferencelist=("plain",))
        body = str(part.get_content()) if part is not None else ""  # type: ignore[union-attr]
    return page(
        session,
        "outreach_message.html",
        lazy_gettext("Message – %(name)s", name=facts.name),
        facts=facts,
        slug=slug,
        row=row,
        has_file=path is not None,
        headers=headers,
        body=body,
    )


@get(
    "/staff/pilots/{slug:str}/outreach/messages/{message_id:int}/message.eml",
    include_in_schema=False,
)
async def message_file(
    state: State, session: SignedIn, slug: FromPath[str], message_id: FromPath[int]
) -> Response[bytes]:
    pilot_id = await pilot_id_for(session.user, slug, PERMISSION)
    row = await outreach.message(state.engine, pilot_id, message_id)
    path = _eml_path(state, slug, row.message_id)
    if path is None:
        raise NotFoundError(
            lazy_gettext("no copy of this message is kept (it went out by SMTP, or not yet)")
        )
    return Response(
        path.read_bytes(),
        media_type="message/rfc822",
        headers={
            **STAFF_HEADERS,
            "Content-Disposition": f'attachment; filename="{slug}-message-{message_id}.eml"',
        },
    )


OUTREACH_HANDLERS = [
    outreach_page,
    save_plan,
    contacts_page,
    add_contact,
    upload_contacts,
    delete_contact,
    templates_page,
    save_template,
    save_pilot_contact,
    send_preview,
    send,
    messages_page,
    message_page,
    message_file,
]
