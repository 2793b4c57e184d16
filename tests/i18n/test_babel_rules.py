"""CLDR through Babel: the language a browser asks for, plural forms, numbers, dates."""

from __future__ import annotations

from datetime import date

import pytest

from survey_server.i18n import Translator, language_name
from survey_server.i18n.formatting import format_date, format_number, format_percent
from survey_server.i18n.gettext_catalogs import catalog_for, translations
from survey_server.i18n.negotiation import negotiate

OFFERED = ["en", "es", "ar", "zh-Hans", "zh-Hant", "fr"]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("es-MX,es;q=0.9,en;q=0.5", "es"),
        ("zh-TW,zh;q=0.8", "zh-Hant"),  # a region turned into its script
        ("zh-CN", "zh-Hans"),
        ("de;q=0.9, fr;q=0.5", "fr"),  # quality order, unknown languages skipped
        ("fr;q=0, ar", "ar"),  # q=0 means "not this one"
        ("de", None),
        ("", None),
    ],
)
def test_accept_language_negotiation(header, expected):
    assert negotiate(header, OFFERED) == expected


def test_an_instrument_language_finds_its_catalog():
    assert catalog_for("zh") == "zh-Hans" and catalog_for("zh-TW") == "zh-Hant"
    assert catalog_for("pt-BR") == "pt" and catalog_for("de") == "en"


def test_plural_forms_follow_cldr():
    # Each catalog's Plural-Forms come from CLDR: Russian 1 / 2-4 / 5+, Arabic's six.
    russian, arabic = translations("ru"), translations("ar")
    assert [russian.plural(n) for n in (1, 3, 5, 21)] == [0, 1, 2, 0]  # type: ignore[attr-defined]
    assert [arabic.plural(n) for n in (0, 1, 2, 3, 11, 100)] == [0, 1, 2, 3, 4, 5]  # type: ignore[attr-defined]
    spanish = translations("es")
    assert spanish.ngettext("%(num)d note", "%(num)d notes", 1) == "%(num)d nota"
    assert spanish.ngettext("%(num)d note", "%(num)d notes", 0) == "%(num)d notas"


def test_numbers_percentages_and_dates_per_language():
    assert format_number(0.59, "es") == "0,59" and format_number(0.59, "en") == "0.59"
    assert format_number(1234.5, "fr", 1) == "1\u202f234,5"
    assert format_percent(0.125, "es", 1) == "12,5\xa0%"
    assert format_percent(0.125, "en") == "12%"
    assert format_date(date(2026, 12, 4), "es", "long") == "4 de diciembre de 2026"
    assert format_number(0.59, "ar") == "0.59"  # CLDR's default numbering system for ar


def test_a_text_missing_from_a_catalog_is_whole_english():
    t = Translator("km")
    assert t("button.next") == "បន្ទាប់"
    with pytest.raises(KeyError):
        t("no.such.key")


def test_the_informal_register_changes_only_its_texts():
    formal, informal = Translator("es"), Translator("es", "informal")
    assert formal("error.required") == "Responda esta pregunta para continuar."
    assert informal("error.required") == "Responde esta pregunta para continuar."
    assert informal("button.next") == formal("button.next") == "Siguiente"


def test_language_names_are_their_own():
    assert language_name("es") == "Español" and language_name("ar") == "العربية"
    assert language_name("zh-Hant") == "中文 (繁體)"


def test_staff_dates_name_the_month_in_the_page_language():
    from datetime import datetime

    from survey_server.i18n.formatting import format_day, format_moment

    moment = datetime(2026, 12, 4, 19, 5)
    assert format_day(moment, "es") == "4 dic 2026" and format_day(moment, "en") == "Dec 4, 2026"
    assert format_moment(moment, "es") == "4 dic 2026, 19:05"
    assert format_day("not a date", "es") == "not a date" and format_moment(None, "en") == ""
