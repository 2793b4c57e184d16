"""Piccolo tables of the staff workspace (data only: behaviour lives in the services).

Times a query compares (`expires_at`, `last_seen_at`, failure times) are Unix seconds in
integer columns, so the comparisons are plain numbers on both engines; times people read
are `Timestamptz`. The schema comes from `survey_server.migrations.m0002_staff`.
"""

from __future__ import annotations

from piccolo.columns import (
    JSON,
    BigInt,
    Boolean,
    DoublePrecision,
    ForeignKey,
    Integer,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.base import OnDelete
from piccolo.engine.base import Engine
from piccolo.table import Table

from survey_server.tables import Pilot


class StaffUser(Table, tablename="staff_user"):
    """A staff account; `role` is one of `survey_server.services.roles.ROLES`."""

    email = Varchar(length=254, unique=True)
    role = Varchar(length=20)
    password_hash = Text()
    active = Boolean(default=True)
    created_at = Timestamptz()


class Membership(Table, tablename="membership"):
    """A user belongs to a pilot (admins see every pilot without one)."""

    user = ForeignKey(StaffUser, on_delete=OnDelete.cascade)
    pilot = ForeignKey(Pilot, on_delete=OnDelete.cascade)


class StaffSession(Table, tablename="staff_session"):
    """A signed-in browser: only the SHA-256 of the cookie value is stored."""

    id_hash = Varchar(length=64, unique=True)
    user = ForeignKey(StaffUser, on_delete=OnDelete.cascade)
    csrf_token = Varchar(length=64)
    created_at = BigInt()
    last_seen_at = BigInt()
    expires_at = BigInt()


class LoginFailure(Table, tablename="login_failure"):
    """One failed sign-in, counted per account and per address for throttling."""

    email = Varchar(length=254)
    address = Varchar(length=64)
    at = BigInt()


class AuditEntry(Table, tablename="audit_entry"):
    """Append-only record of a staff change (a trigger refuses UPDATE and DELETE)."""

    at = Timestamptz()
    actor = Integer(null=True, default=None)
    actor_email = Varchar(length=254)
    action = Varchar(length=60)
    object_type = Varchar(length=40)
    object_id = Varchar(length=100)
    pilot = Integer(null=True, default=None)
    before = JSON(null=True, default=None)
    after = JSON(null=True, default=None)


class InvitationBatch(Table, tablename="invitation_batch"):
    """Links of one issue action, kept for an hour so they can be downloaded and printed."""

    key_hash = Varchar(length=64, unique=True)
    pilot = ForeignKey(Pilot, on_delete=OnDelete.cascade)
    user = ForeignKey(StaffUser, on_delete=OnDelete.cascade)
    links = JSON()
    expires_at = BigInt()


class FocusSession(Table, tablename="focus_session"):
    """A focus group, interview or small-group meeting of a pilot."""

    pilot = ForeignKey(Pilot, on_delete=OnDelete.cascade)
    held_on = Varchar(length=10)  # ISO date
    kind = Varchar(length=20)
    attendees = Integer()
    facilitator = Varchar(length=200)
    created_by = ForeignKey(StaffUser, null=True, on_delete=OnDelete.set_null)
    created_at = Timestamptz()


class Note(Table, tablename="note"):
    """One observation of a session; edits overwrite it and the audit log keeps history."""

    session = ForeignKey(FocusSession, on_delete=OnDelete.cascade)
    text = Text()
    dimensions = Text()  # space-separated dimension ids
    sentiment = Varchar(length=10)
    severity = Varchar(length=10)
    quote = Text(default="")
    follow_up = Text(default="")
    created_at = Timestamptz()
    updated_at = Timestamptz()


class ApiToken(Table, tablename="api_token"):
    """A bearer token for scripts (shown once, stored as SHA-256); revoked ones stay listed."""

    user = ForeignKey(StaffUser, on_delete=OnDelete.cascade)
    name = Varchar(length=100)
    token_hash = Varchar(length=64, unique=True)
    prefix = Varchar(length=12)
    created_at = Timestamptz()
    last_used_at = Timestamptz(null=True, default=None)
    revoked = Boolean(default=False)


class ReportJob(Table, tablename="report_job"):
    """A report run started from the workspace (schema: migrations.m0003_report_jobs)."""

    pilot = ForeignKey(Pilot, on_delete=OnDelete.cascade)
    run_id = Varchar(length=40, unique=True)
    status = Varchar(length=12)  # queued | running | succeeded | failed
    requested_by = ForeignKey(StaffUser, null=True, on_delete=OnDelete.set_null)
    requested_by_email = Varchar(length=254)
    parameters = JSON()  # the notebook parameters chosen on the form
    pdf = Boolean(default=False)
    progress = DoublePrecision(default=0.0)
    stage = Varchar(length=200, default="")
    error = Text(default="")
    worker = Varchar(length=100, default="")
    created_at = BigInt()
    started_at = BigInt(null=True, default=None)
    finished_at = BigInt(null=True, default=None)
    heartbeat_at = BigInt(null=True, default=None)


STAFF_TABLES: tuple[type[Table], ...] = (
    StaffUser,
    Membership,
    StaffSession,
    LoginFailure,
    AuditEntry,
    InvitationBatch,
    FocusSession,
    Note,
    ApiToken,
    ReportJob,
)


def bind_staff_tables(engine: Engine) -> None:
    for table in STAFF_TABLES:
        table._meta.db = engine
