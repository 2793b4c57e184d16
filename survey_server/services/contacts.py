"""A pilot's contacts: e-mail addresses to invite, kept apart from participants' answers.

Addresses are checked by `email-validator` (syntax, no DNS look-up) and compared in
lower case; an address given twice (in one file, or already in the list) is merged into
one contact and reported. In a linked pilot each contact gets its own participant, whose
link (derived from the contact's seed and the server key, see `outreach_keys`) every
message carries. In an anonymous pilot a contact has no participant at all.

Deleting a contact removes the address and name; its participant and answers stay, so the
link it was sent keeps working. Audit entries count contacts and never name an address.
"""

from __future__ import annotations

import csv
import io
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

import msgspec
from email_validator import EmailNotValidError, validate_email
from piccolo.engine.base import Engine
from piccolo.querystring import QueryString

from survey_server.database import write_transaction
from survey_server.errors import InvalidInputError, NotFoundError
from survey_server.i18n.lazy import lazy_gettext
from survey_server.outreach_tables import Contact, Outbox
from survey_server.services import audit
from survey_server.services.audit import Actor
from survey_server.services.outreach_keys import link_token, new_seed, opt_out_token
from survey_server.services.tokens import hash_token, new_pseudonym
from survey_server.tables import Participant, Pilot

MAX_CONTACTS = 50_000
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_NAME = 200
MAX_REPORTED = 200  # problems listed row by row; the rest are counted
PAGE_SIZE = 100
STATUSES = ("active", "opted_out", "bounced")

_EMAIL_HEADERS = {"email", "e-mail", "mail", "email address", "e-mail address", "correo"}
_NAME_HEADERS = {"name", "full name", "nombre"}
_LANGUAGE_HEADERS = {"language", "lang", "idioma", "lengua"}
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class PilotFacts:
    id: int
    slug: str
    name: str
    anonymous: bool
    languages: list[str]
    contact: str


async def pilot_facts(pilot_id: int) -> PilotFacts:
    row = (
        await Pilot.select(
            Pilot.id, Pilot.slug, Pilot.name, Pilot.anonymous, Pilot.instrument, Pilot.contact
        )
        .where(Pilot.id == pilot_id)
        .first()
    )
    if row is None:
        raise NotFoundError(lazy_gettext("no such pilot"))
    instrument = row["instrument"]
    if isinstance(instrument, str):
        instrument = msgspec.json.decode(instrument)
    return PilotFacts(
        id=row["id"],
        slug=row["slug"],
        name=row["name"],
        anonymous=bool(row["anonymous"]),
        languages=list(instrument.get("languages") or ["en"]),
        contact=row["contact"] or "",
    )


def check_address(raw: str) -> str:
    """The normalised address, or InvalidInputError saying what is wrong with it."""
    text = raw.strip()
    if not text:
        raise InvalidInputError(lazy_gettext("the e-mail address is empty"))
    if len(text) > 320:
        raise InvalidInputError(lazy_gettext("the e-mail address is longer than 320 characters"))
    try:
        return validate_email(text, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise InvalidInputError(
            lazy_gettext("'%(text)s' is not an e-mail address: %(exc)s", text=text, exc=exc)
        ) from None


def clean_name(raw: str) -> str:
    return _CONTROL.sub(" ", raw).strip()[:MAX_NAME]


@dataclass
class ImportReport:
    """What an upload (or a single addition) did, row by row where something was off."""

    rows: int = 0
    added: int = 0
    merged: int = 0
    invalid: int = 0
    problems: list[tuple[int, str]] = field(default_factory=list)
    notes: list[tuple[int, str]] = field(default_factory=list)

    def problem(self, row: int, message: str) -> None:
        self.invalid += 1
        if len(self.problems) < MAX_REPORTED:
            self.problems.append((row, message))

    def note(self, row: int, message: str) -> None:
        if len(self.notes) < MAX_REPORTED:
            self.notes.append((row, message))

    @property
    def unlisted(self) -> int:
        return max(0, self.invalid - len(self.problems))


@dataclass
class _Entry:
    row: int
    email: str
    name: str
    language: str


def _language(raw: str, facts: PilotFacts, row: int, report: ImportReport) -> str:
    code = raw.strip().lower()
    if not code:
        return ""
    if code in facts.languages:
        return code
    short = code.split("-")[0].split("_")[0]
    if short in facts.languages:
        return short
    offered = ", ".join(facts.languages)
    report.note(
        row,
        f"language '{raw.strip()}' is not one of the questionnaire's ({offered}); "
        f"messages go out in {facts.languages[0]}",
    )
    return ""


def _columns(first: list[str]) -> tuple[dict[str, int], bool]:
    """Column positions, and whether the first row is a header."""
    lowered = [cell.strip().lower() for cell in first]
    positions: dict[str, int] = {}
    for index, cell in enumerate(lowered):
        if cell in _EMAIL_HEADERS and "email" not in positions:
            positions["email"] = index
        elif cell in _NAME_HEADERS and "name" not in positions:
            positions["name"] = index
        elif cell in _LANGUAGE_HEADERS and "language" not in positions:
            positions["language"] = index
    if "email" in positions:
        return positions, True
    return {"email": 0, "name": 1, "language": 2}, False


def read_contacts_csv(data: bytes) -> list[list[str]]:
    """The rows of an uploaded CSV (UTF-8; comma, semicolon or tab separated)."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise InvalidInputError(
            lazy_gettext(
                "the file is larger than %(value)s MB: split it",
                value=MAX_UPLOAD_BYTES // (1024 * 1024),
            )
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInputError(
            lazy_gettext("the file is not UTF-8 text: save it as 'CSV UTF-8' and upload it again")
        ) from None
    if "\x00" in text:
        raise InvalidInputError(lazy_gettext("the file is not a CSV text file"))
    sample = text[:4096]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        return [
            row for row in csv.reader(io.StringIO(text), dialect) if any(c.strip() for c in row)
        ]
    except csv.Error as exc:
        raise InvalidInputError(
            lazy_gettext("the file could not be read as CSV: %(exc)s", exc=exc)
        ) from None


def _entries(rows: list[list[str]], facts: PilotFacts, report: ImportReport) -> list[_Entry]:
    """Valid rows, duplicates within the file merged into their first occurrence."""
    if not rows:
        raise InvalidInputError(
            lazy_gettext("the file has no rows: one e-mail address per row is needed")
        )
    positions, header = _columns(rows[0])
    body = rows[1:] if header else rows
    first_row = 2 if header else 1
    seen: dict[str, _Entry] = {}
    for number, cells in enumerate(body, start=first_row):
        report.rows += 1

        def cell(name: str, cells: list[str] = cells) -> str:
            index = positions.get(name)
            return cells[index] if index is not None and index < len(cells) else ""

        try:
            email = check_address(cell("email"))
        except InvalidInputError as exc:
            report.problem(number, exc.message)
            continue
        name = clean_name(cell("name"))
        language = _language(cell("language"), facts, number, report)
        key = email.lower()
        earlier = seen.get(key)
        if earlier is not None:
            report.merged += 1
            report.note(number, f"{email}: same address as row {earlier.row}; merged into it")
            earlier.name = earlier.name or name
            earlier.language = earlier.language or language
            continue
        seen[key] = _Entry(number, email, name, language)
    return list(seen.values())


async def _store(
    engine: Engine,
    actor: Actor,
    facts: PilotFacts,
    key: bytes,
    entries: list[_Entry],
    report: ImportReport,
    action: str,
) -> None:
    now = int(time.time())
    async with write_transaction(engine):
        existing = {
            row["email_key"]: row
            for row in await Contact.select(
                Contact.id, Contact.email_key, Contact.name, Contact.language, Contact.status
            ).where(Contact.pilot == facts.id)
        }
        fresh: list[_Entry] = []
        for entry in entries:
            found = existing.get(entry.email.lower())
            if found is None:
                fresh.append(entry)
                continue
            report.merged += 1
            changes = {}
            if entry.name and not found["name"]:
                changes[Contact.name] = entry.name
            if entry.language and not found["language"]:
                changes[Contact.language] = entry.language
            if changes:
                await Contact.update(changes).where(Contact.id == found["id"])
            detail = "already in the list; merged"
            if found["status"] == "opted_out":
                detail += " (it opted out earlier and stays opted out)"
            report.note(entry.row, f"{entry.email}: {detail}")
        if len(existing) + len(fresh) > MAX_CONTACTS:
            raise InvalidInputError(
                lazy_gettext(
                    "a pilot has at most %(limit)s contacts; it has %(length)s and this adds "
                    "%(length2)s",
                    limit=MAX_CONTACTS,
                    length=len(existing),
                    length2=len(fresh),
                )
            )
        created = datetime.fromtimestamp(now, UTC)
        for start in range(0, len(fresh), 500):
            chunk = fresh[start : start + 500]
            seeds = [new_seed() for _ in chunk]
            participants: list[int | None] = [None] * len(chunk)
            if not facts.anonymous:
                hashes = [hash_token(link_token(key, seed)) for seed in seeds]
                rows = await Participant.insert(
                    *[
                        Participant(
                            pilot=facts.id,
                            pseudonym=new_pseudonym(),
                            token_hash=token_hash,
                            wave=None,
                            created_at=created,
                        )
                        for token_hash in hashes
                    ]
                ).returning(Participant.id, Participant.token_hash)
                by_hash = {row["token_hash"]: row["id"] for row in rows}
                participants = [by_hash[h] for h in hashes]
            await Contact.insert(
                *[
                    Contact(
                        pilot=facts.id,
                        email=entry.email,
                        email_key=entry.email.lower(),
                        name=entry.name,
                        language=entry.language,
                        participant=participant,
                        link_seed=seed,
                        opt_out_hash=hash_token(opt_out_token(key, seed)),
                        status="active",
                        created_at=now,
                    )
                    for entry, seed, participant in zip(chunk, seeds, participants, strict=True)
                ]
            )
        report.added = len(fresh)
        await audit.record(
            actor,
            action,
            "contact",
            f"{report.added} added",
            pilot=facts.id,
            after={
                "rows": report.rows,
                "added": report.added,
                "merged": report.merged,
                "invalid": report.invalid,
            },
        )


async def import_contacts(
    engine: Engine, actor: Actor, pilot_id: int, key: bytes, data: bytes
) -> ImportReport:
    """Add the addresses of an uploaded CSV (`email`, optional `name`, `language`)."""
    facts = await pilot_facts(pilot_id)
    report = ImportReport()
    entries = _entries(read_contacts_csv(data), facts, report)
    await _store(engine, actor, facts, key, entries, report, "contact.import")
    return report


async def add_contact(
    engine: Engine,
    actor: Actor,
    pilot_id: int,
    key: bytes,
    *,
    email: str,
    name: str = "",
    language: str = "",
) -> ImportReport:
    """Add one address (InvalidInputError when it is not one)."""
    facts = await pilot_facts(pilot_id)
    report = ImportReport(rows=1)
    address = check_address(email)
    entry = _Entry(1, address, clean_name(name), _language(language, facts, 1, report))
    await _store(engine, actor, facts, key, [entry], report, "contact.add")
    return report


async def delete_contact(engine: Engine, actor: Actor, pilot_id: int, contact_id: int) -> None:
    """Remove an address; its link keeps working and its messages not yet sent are dropped."""
    async with write_transaction(engine):
        await Outbox.update(
            {
                Outbox.state: "cancelled",
                Outbox.error: "the contact was deleted",
                Outbox.link_token: "",
            }
        ).where(
            (Outbox.contact == contact_id) & (Outbox.pilot == pilot_id) & (Outbox.state == "queued")
        )
        deleted = (
            await Contact.delete()
            .where((Contact.id == contact_id) & (Contact.pilot == pilot_id))
            .returning(Contact.id)
        )
        if not deleted:
            raise NotFoundError(lazy_gettext("no such contact in this pilot"))
        await audit.record(actor, "contact.delete", "contact", contact_id, pilot=pilot_id)


@dataclass(frozen=True)
class ContactView:
    id: int
    email: str
    name: str
    language: str
    status: str
    status_detail: str
    created_at: datetime


@dataclass(frozen=True)
class ContactPage:
    contacts: list[ContactView]
    total: int
    matching: int
    page: int
    pages: int
    counts: dict[str, int]


async def list_contacts(
    engine: Engine, pilot_id: int, *, search: str = "", status: str = "", page: int = 1
) -> ContactPage:
    """A page of the pilot's contacts, optionally filtered by address/name and status."""
    where = Contact.pilot == pilot_id
    search = search.strip().lower()[:100]
    if search:
        pattern = "%" + search.replace("%", "").replace("_", "") + "%"
        where &= Contact.email_key.like(pattern) | Contact.name.ilike(pattern)
    if status in STATUSES:
        where &= Contact.status == status
    counts = {s: 0 for s in STATUSES}
    for row in await engine.run_querystring(
        QueryString(
            'SELECT "status", COUNT(*) AS n FROM "contact" WHERE "pilot" = {} GROUP BY "status"',
            pilot_id,
        )
    ):
        counts[row["status"]] = row["n"]
    matching = await Contact.count().where(where)
    pages = max(1, -(-matching // PAGE_SIZE))
    page = min(max(page, 1), pages)
    rows = (
        await Contact.select(
            Contact.id,
            Contact.email,
            Contact.name,
            Contact.language,
            Contact.status,
            Contact.status_detail,
            Contact.created_at,
        )
        .where(where)
        .order_by(Contact.email_key)
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    )
    return ContactPage(
        contacts=[
            ContactView(
                id=r["id"],
                email=r["email"],
                name=r["name"],
                language=r["language"],
                status=r["status"],
                status_detail=r["status_detail"],
                created_at=datetime.fromtimestamp(r["created_at"], UTC),
            )
            for r in rows
        ],
        total=sum(counts.values()),
        matching=matching,
        page=page,
        pages=pages,
        counts=counts,
    )


# -- the participant's side: opting out -----------------------------------------------


@dataclass(frozen=True)
class OptOutTarget:
    pilot_name: str
    languages: list[str]
    language: str
    opted_out: bool


async def opt_out_target(engine: Engine, token: str) -> OptOutTarget:
    """Whose opt-out link this is (NotFoundError for an unknown or deleted one)."""
    row = (
        await Contact.select(Contact.pilot, Contact.language, Contact.status)
        .where(Contact.opt_out_hash == hash_token(token[:128]))
        .first()
    )
    if row is None:
        raise NotFoundError(lazy_gettext("unknown opt-out link"))
    facts = await pilot_facts(row["pilot"])
    return OptOutTarget(
        pilot_name=facts.name,
        languages=facts.languages,
        language=row["language"] or facts.languages[0],
        opted_out=row["status"] == "opted_out",
    )


async def opt_out(engine: Engine, token: str) -> OptOutTarget:
    """Stop every message to this contact at once: the messages not sent yet are dropped."""
    token_hash = hash_token(token[:128])
    async with write_transaction(engine):
        row = (
            await Contact.select(Contact.id, Contact.pilot, Contact.status)
            .where(Contact.opt_out_hash == token_hash)
            .first()
        )
        if row is None:
            raise NotFoundError(lazy_gettext("unknown opt-out link"))
        if row["status"] != "opted_out":
            await Contact.update(
                {
                    Contact.status: "opted_out",
                    Contact.status_detail: "",
                    Contact.status_at: int(time.time()),
                }
            ).where(Contact.id == row["id"])
            await Outbox.update(
                {Outbox.state: "cancelled", Outbox.error: "opted out", Outbox.link_token: ""}
            ).where((Outbox.contact == row["id"]) & (Outbox.state == "queued"))
    return await opt_out_target(engine, token)
