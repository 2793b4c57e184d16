"""Piccolo table of questionnaire versions (schema: migrations.m0008_questionnaires)."""

from __future__ import annotations

from piccolo.columns import JSON, BigInt, ForeignKey, Integer, Varchar
from piccolo.columns.base import OnDelete
from piccolo.engine.base import Engine
from piccolo.table import Table

from survey_server.tables import Pilot


class QuestionnaireVersion(Table, tablename="questionnaire_version"):
    """One version of a pilot's questionnaire: a draft (`frozen_at` null) or frozen."""

    pilot = ForeignKey(Pilot, on_delete=OnDelete.cascade)
    number = Integer()
    #: The instrument as edited (plain data, possibly with problems still to fix).
    instrument = JSON()
    #: Where version 1 came from: "pilot-core", "upload: form.xlsx", "scratch", ...
    origin = Varchar(length=200, default="")
    #: The XLSForm importer's lines (one per row it could not map), shown until replaced.
    import_report = JSON()
    created_at = BigInt()
    updated_at = BigInt()
    updated_by = Varchar(length=254, default="")
    frozen_at = BigInt(null=True, default=None)


QUESTIONNAIRE_TABLES: tuple[type[Table], ...] = (QuestionnaireVersion,)


def bind_questionnaire_tables(engine: Engine) -> None:
    for table in QUESTIONNAIRE_TABLES:
        table._meta.db = engine
