"""Message templates: the wording of invitations and reminders, per pilot and language.

A pilot starts with the default wording of the catalogs (`mail.*` keys in
`survey_server/i18n/<lang>.yaml`); managers may rewrite it per language. A template uses
placeholders in braces, replaced when a message is made: `{link}` (required), `{name}`,
`{closing_date}`, `{contact}`, `{pilot}`, `{wave}`. Replacement is a plain lookup of
these names, never `str.format`, so a template cannot reach anything else. Every message
ends with the opt-out line, whatever the template says.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from babel.core import UnknownLocaleError
from babel.dates import format_date
from piccolo.engine.base import Engine

from survey_server.database import write_transaction
from survey_server.errors import InvalidInputError
from survey_server.i18n import Translator
from survey_server.i18n.lazy import lazy_gettext
from survey_server.outreach_tables import MailTemplate
from survey_server.services import audit
from survey_server.services.accounts import StaffAccount
from survey_server.services.contacts import clean_name, pilot_facts
from survey_server.tables import Pilot

KINDS: tuple[str, ...] = ("invitation", "reminder")
PLACEHOLDERS: tuple[str, ...] = ("link", "name", "closing_date", "contact", "pilot", "wave")
MAX_SUBJECT = 200
MAX_BODY = 10_000
MAX_CONTACT = 300
_PLACEHOLDER = re.compile(r"\{([^{}\s]*)\}")


class TemplateFieldsError(InvalidInputError):
    """One message per field of the template form."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))


@dataclass(frozen=True)
class MailText:
    kind: str
    language: str
    subject: str
    body: str
    custom: bool  # False: the catalog's default wording


def default_text(kind: str, language: str) -> MailText:
    t = Translator(language)
    return MailText(kind, language, t(f"mail.{kind}.subject"), t(f"mail.{kind}.body"), False)


def unknown_placeholders(text: str) -> list[str]:
    return sorted({m for m in _PLACEHOLDER.findall(text) if m not in PLACEHOLDERS})


def check_template(subject: str, body: str) -> dict[str, str]:
    """Problems of a template, by field (empty when it can be saved)."""
    errors: dict[str, str] = {}
    if not subject.strip():
        errors["subject"] = lazy_gettext("Write a subject.")
    elif len(subject) > MAX_SUBJECT:
        errors["subject"] = lazy_gettext("Use at most %(limit)s characters.", limit=MAX_SUBJECT)
    elif "\n" in subject or "\r" in subject:
        errors["subject"] = lazy_gettext("The subject is one line.")
    if len(body) > MAX_BODY:
        errors["body"] = lazy_gettext("Use at most %(limit)s characters.", limit=MAX_BODY)
    elif "{link}" not in body:
        errors["body"] = lazy_gettext(
            "The text must contain {link}: the participant's link to the form."
        )
    for name, text in (("subject", subject), ("body", body)):
        unknown = unknown_placeholders(text)
        if unknown and name not in errors:
            known = ", ".join("{" + p + "}" for p in PLACEHOLDERS)
            errors[name] = lazy_gettext(
                "Unknown placeholder {%(unknown)s}: use %(known)s.", unknown=unknown[0], known=known
            )
    if "\x00" in subject + body:
        errors["body"] = lazy_gettext("The text contains a NUL character.")
    return errors


def fill(text: str, values: Mapping[str, str]) -> str:
    """The text with every known placeholder replaced."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def closing_words(closes_at: datetime | None, language: str) -> str:
    """The closing date as the language writes it, or words for "when the round ends"."""
    if closes_at is None:
        return Translator(language)("mail.no_closing_date")
    day: date = closes_at.date()
    try:
        return format_date(day, format="long", locale=language)
    except (UnknownLocaleError, ValueError):
        return format_date(day, format="long", locale="en")


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str


def render(
    text: MailText,
    *,
    pilot: str,
    pilot_contact: str,
    wave: str,
    closes_at: datetime | None,
    name: str,
    link: str,
    opt_out_url: str,
    anonymous: bool,
) -> Rendered:
    """The subject and body one contact receives (also the preview's)."""
    t = Translator(text.language)
    values = {
        "link": link,
        "name": name or t("mail.name_fallback"),
        "closing_date": closing_words(closes_at, text.language),
        "contact": pilot_contact or t("mail.contact_fallback"),
        "pilot": pilot,
        "wave": wave,
    }
    body = fill(text.body, values).rstrip() + "\n"
    if anonymous and text.kind == "reminder":
        body += "\n" + t("mail.anonymous_note") + "\n"
    body += "\n-- \n" + t("mail.opt_out", link=opt_out_url) + "\n"
    return Rendered(fill(text.subject, values), body)


async def pilot_texts(engine: Engine, pilot_id: int) -> dict[tuple[str, str], MailText]:
    """Every (kind, language) template of the pilot: its own, else the default."""
    facts = await pilot_facts(pilot_id)
    texts = {(kind, lang): default_text(kind, lang) for kind in KINDS for lang in facts.languages}
    rows = await MailTemplate.select().where(MailTemplate.pilot == pilot_id)
    for row in rows:
        key = (row["kind"], row["language"])
        if key in texts:
            texts[key] = MailText(row["kind"], row["language"], row["subject"], row["body"], True)
    return texts


def digest(texts: list[MailText]) -> str:
    """A short fingerprint of the wording, shown at preview and checked when sending."""
    hasher = hashlib.sha256()
    for text in sorted(texts, key=lambda t: (t.kind, t.language)):
        for part in (text.kind, text.language, text.subject, text.body):
            hasher.update(part.encode())
            hasher.update(b"\0")
    return hasher.hexdigest()[:16]


async def save_template(
    engine: Engine,
    user: StaffAccount,
    pilot_id: int,
    *,
    kind: str,
    language: str,
    subject: str,
    body: str,
) -> None:
    """Store the pilot's wording of one kind and language (TemplateFieldsError if wrong)."""
    facts = await pilot_facts(pilot_id)
    if kind not in KINDS:
        raise InvalidInputError(
            lazy_gettext("a template is an invitation or a reminder, not '%(kind)s'", kind=kind)
        )
    if language not in facts.languages:
        raise InvalidInputError(
            lazy_gettext("the questionnaire has no language '%(language)s'", language=language)
        )
    body = body.replace("\r\n", "\n")
    subject = subject.strip()
    errors = check_template(subject, body)
    if errors:
        raise TemplateFieldsError(errors)
    now = int(time.time())
    async with write_transaction(engine):
        where = (
            (MailTemplate.pilot == pilot_id)
            & (MailTemplate.kind == kind)
            & (MailTemplate.language == language)
        )
        changed = {
            MailTemplate.subject: subject,
            MailTemplate.body: body,
            MailTemplate.updated_at: now,
            MailTemplate.updated_by_email: user.email,
        }
        if await MailTemplate.exists().where(where):
            await MailTemplate.update(changed).where(where)
        else:
            await MailTemplate.insert(
                MailTemplate(
                    pilot=pilot_id,
                    kind=kind,
                    language=language,
                    subject=subject,
                    body=body,
                    updated_at=now,
                    updated_by_email=user.email,
                )
            )
        await audit.record(
            user.actor,
            "mail_template.save",
            "mail_template",
            f"{kind}/{language}",
            pilot=pilot_id,
            after={"kind": kind, "language": language, "subject": subject, "body": body},
        )


async def reset_template(
    engine: Engine, user: StaffAccount, pilot_id: int, *, kind: str, language: str
) -> None:
    """Go back to the default wording."""
    async with write_transaction(engine):
        await MailTemplate.delete().where(
            (MailTemplate.pilot == pilot_id)
            & (MailTemplate.kind == kind)
            & (MailTemplate.language == language)
        )
        await audit.record(
            user.actor,
            "mail_template.reset",
            "mail_template",
            f"{kind}/{language}",
            pilot=pilot_id,
        )


async def set_pilot_contact(engine: Engine, user: StaffAccount, pilot_id: int, contact: str) -> str:
    """Who participants may ask about the survey (shown in every message as {contact})."""
    value = clean_name(contact)[:MAX_CONTACT] if contact else ""
    if len(contact.strip()) > MAX_CONTACT:
        raise InvalidInputError(
            lazy_gettext(
                "the pilot's contact: use at most %(limit)s characters",
                limit=MAX_CONTACT,
            )
        )
    async with write_transaction(engine):
        before = await Pilot.select(Pilot.contact).where(Pilot.id == pilot_id).first()
        await Pilot.update({Pilot.contact: value}).where(Pilot.id == pilot_id)
        await audit.record(
            user.actor,
            "pilot.contact",
            "pilot",
            pilot_id,
            pilot=pilot_id,
            before={"contact": before["contact"] if before else ""},
            after={"contact": value},
        )
    return value
