"""Piccolo tables of e-mail outreach (data only: behaviour lives in the services).

Contacts are personal data: they live in their own table, apart from participants and
answers, and no export, report input or staff API reads them. A linked pilot's contact
points at the participant whose link it is sent; an anonymous pilot's contact points at
nothing. The schema comes from `survey_server.migrations.m0009_outreach`.
"""

from __future__ import annotations

from piccolo.columns import JSON, BigInt, Boolean, ForeignKey, Integer, Text, Varchar
from piccolo.columns.base import OnDelete
from piccolo.engine.base import Engine
from piccolo.table import Table

from survey_server.staff_tables import StaffUser
from survey_server.tables import Participant, Pilot, Wave


class Contact(Table, tablename="contact"):
    """An e-mail address of a pilot; `status`: active | opted_out | bounced."""

    pilot = ForeignKey(Pilot, on_delete=OnDelete.cascade)
    email = Varchar(length=320)
    #: the address as compared for duplicates (lower case)
    email_key = Varchar(length=320)
    name = Varchar(length=200, default="")
    language = Varchar(length=20, default="")
    #: linked pilots: the participant whose link this contact receives
    participant = ForeignKey(Participant, null=True, on_delete=OnDelete.set_null)
    #: random; with the server's key it gives the contact's link and opt-out tokens
    link_seed = Varchar(length=64)
    opt_out_hash = Varchar(length=64, unique=True)
    status = Varchar(length=12, default="active")
    status_detail = Text(default="")
    status_at = BigInt(null=True, default=None)
    created_at = BigInt()


class MailTemplate(Table, tablename="mail_template"):
    """A pilot's own wording of one kind of message (invitation | reminder) in a language."""

    pilot = ForeignKey(Pilot, on_delete=OnDelete.cascade)
    kind = Varchar(length=12)
    language = Varchar(length=20)
    subject = Text()
    body = Text()
    updated_at = BigInt()
    updated_by_email = Varchar(length=254, default="")


class ReminderPlan(Table, tablename="reminder_plan"):
    """Reminders of one wave: at most `max_reminders`, `gap_days` apart, sent by the
    worker when `automatic`."""

    pilot = ForeignKey(Pilot, on_delete=OnDelete.cascade)
    wave = ForeignKey(Wave, on_delete=OnDelete.cascade, unique=True)
    automatic = Boolean(default=False)
    max_reminders = Integer()
    gap_days = Integer()
    updated_by = ForeignKey(StaffUser, null=True, on_delete=OnDelete.set_null)
    updated_by_email = Varchar(length=254, default="")
    updated_at = BigInt()


class OutreachBatch(Table, tablename="outreach_batch"):
    """One send action: who asked, when it goes out, how many, which templates."""

    pilot = ForeignKey(Pilot, on_delete=OnDelete.cascade)
    wave = ForeignKey(Wave, on_delete=OnDelete.cascade)
    kind = Varchar(length=12)
    automatic = Boolean(default=False)
    created_by = ForeignKey(StaffUser, null=True, on_delete=OnDelete.set_null)
    created_by_email = Varchar(length=254)
    templates = JSON()
    recipients = Integer()
    send_at = BigInt()
    created_at = BigInt()


class Outbox(Table, tablename="outbox"):
    """One message to one contact; `state`: queued | sending | sent | failed | cancelled."""

    pilot = ForeignKey(Pilot, on_delete=OnDelete.cascade)
    batch = ForeignKey(OutreachBatch, on_delete=OnDelete.cascade)
    wave = ForeignKey(Wave, on_delete=OnDelete.cascade)
    contact = ForeignKey(Contact, null=True, on_delete=OnDelete.set_null)
    kind = Varchar(length=12)
    #: 0 for an invitation, n for the n-th reminder of the wave
    sequence = Integer()
    message_id = Varchar(length=250, unique=True)
    state = Varchar(length=12)
    attempts = Integer(default=0)
    not_before = BigInt()
    lease_until = BigInt(null=True, default=None)
    worker = Varchar(length=100, default="")
    #: anonymous pilots: the message's new link until it is sent, then blanked
    link_token = Varchar(length=64, default="")
    error = Text(default="")
    sent_at = BigInt(null=True, default=None)
    created_at = BigInt()


OUTREACH_TABLES: tuple[type[Table], ...] = (
    Contact,
    MailTemplate,
    ReminderPlan,
    OutreachBatch,
    Outbox,
)


def bind_outreach_tables(engine: Engine) -> None:
    for table in OUTREACH_TABLES:
        table._meta.db = engine
