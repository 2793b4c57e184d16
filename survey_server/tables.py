"""Piccolo tables of the survey server (data only: behaviour lives in the services).

The tables are declared without an engine; `bind_tables(engine)` attaches the engine
chosen at run time (DATABASE_URL) to every table, once per process. The schema itself is
created and evolved by the versioned migrations in `survey_server.migrations`, never by
`create_table()`, so a table added here needs a migration too.

Participant side: pilots, their waves, participants (only a hash of their link token),
drafts, submissions and one row per answer. A staff workspace (accounts, memberships,
sessions, notes, audit log, report runs) adds tables next to these.
"""

from __future__ import annotations

from piccolo.columns import (
    JSON,
    UUID,
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


class Pilot(Table, tablename="pilot"):
    """A pilot programme: one frozen instrument asked in its waves."""

    name = Varchar(length=200)
    slug = Varchar(length=100, unique=True)
    instrument_id = Varchar(length=100)
    instrument_version = Integer()
    #: `Instrument.to_builtins()` at creation: later YAML edits never change the pilot.
    instrument = JSON()
    technology = Text(default="")
    objectives = Text(default="")
    anonymous = Boolean(default=False)
    created_at = Timestamptz()
    #: Who participants may ask about the survey, shown on its pages and invitations.
    contact = Text(default="")
    #: Bumped when a draft questionnaire is put in use before the first wave (m0008).
    instrument_revision = Integer(default=0)
    #: Non-inferiority margin in scale points (None: the evaluation's default) (m0011).
    margin = DoublePrecision(null=True, default=None)
    #: The margin was changed once the follow-up wave had answers: reports flag it.
    margin_changed_after_data = Boolean(default=False)


class Wave(Table, tablename="wave"):
    """A data-collection round of a pilot (`pre`, `post`)."""

    pilot = ForeignKey(Pilot, on_delete=OnDelete.cascade)
    name = Varchar(length=50)
    position = Integer()
    #: `not_open` | `open` | `closed`
    status = Varchar(length=20, default="not_open")
    opens_at = Timestamptz(null=True, default=None)
    closes_at = Timestamptz(null=True, default=None)


class Participant(Table, tablename="participant"):
    """A respondent: a pseudonymous id and the sha256 of their link token."""

    pilot = ForeignKey(Pilot, on_delete=OnDelete.cascade)
    pseudonym = Varchar(length=40)
    token_hash = Varchar(length=64, unique=True)
    #: Anonymous pilots: the one wave this token answers; linked pilots: null.
    wave = ForeignKey(Wave, null=True, on_delete=OnDelete.cascade)
    created_at = Timestamptz()
    #: A link for trying the form: its answers never reach exports or figures (m0008).
    test = Boolean(default=False)


class Draft(Table, tablename="draft"):
    """Answers saved before submitting, and the page the participant was on."""

    participant = ForeignKey(Participant, on_delete=OnDelete.cascade)
    wave = ForeignKey(Wave, on_delete=OnDelete.cascade)
    answers = JSON()
    page = Integer(default=0)
    updated_at = Timestamptz()


class Submission(Table, tablename="submission"):
    """The answers of one participant in one wave (unique per participant and wave)."""

    participant = ForeignKey(Participant, on_delete=OnDelete.cascade)
    wave = ForeignKey(Wave, on_delete=OnDelete.cascade)
    submission_id = UUID(unique=True)
    answers_hash = Varchar(length=64)
    #: The JSON body answered to the first request, replayed to identical retries.
    response_body = JSON()
    created_at = Timestamptz()


class Answer(Table, tablename="answer"):
    """One answered item of a submission, in the responses-table format."""

    submission = ForeignKey(Submission, on_delete=OnDelete.cascade)
    item_id = Varchar(length=100)
    value = Text()


class InvitationCode(Table, tablename="invitation_code"):
    """The short code of a participant's invitation card, as a keyed hash (m0013)."""

    participant = ForeignKey(Participant, on_delete=OnDelete.cascade, unique=True)
    #: HMAC-SHA256 of the code under the installation's key: the code itself is nowhere.
    code_hash = Varchar(length=64, unique=True)
    created_at = BigInt()


class CodeAttempt(Table, tablename="code_attempt"):
    """One wrong invitation code typed from an address, counted to throttle guessing."""

    address = Varchar(length=64)
    at = BigInt()


TABLES: tuple[type[Table], ...] = (
    Pilot,
    Wave,
    Participant,
    Draft,
    Submission,
    Answer,
    InvitationCode,
    CodeAttempt,
)


def bind_tables(engine: Engine) -> None:
    """Run every table's queries on `engine` (one database per process)."""
    for table in TABLES:
        table._meta.db = engine
