"""Numbers, percentages and dates written the way a language writes them (CLDR, via Babel).

`format_number(0.59, "es")` is `0,59`; `format_percent(0.125, "fr")` is `12 %` with the
narrow no-break space French uses; `format_date(d, "es")` is `4 dic 2026`.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.dates import format_date as babel_date
from babel.dates import format_datetime as babel_datetime
from babel.dates import format_skeleton
from babel.dates import format_time as babel_time
from babel.numbers import format_decimal
from babel.numbers import format_percent as babel_percent

from pilotkit.instruments.translations.languages import babel_code


@lru_cache(maxsize=64)
def locale_of(lang: str) -> Locale:
    """CLDR's data for `lang`, English for a code CLDR does not know."""
    try:
        return Locale.parse(babel_code(lang))
    except (UnknownLocaleError, ValueError, TypeError):
        return Locale.parse("en")


def format_number(value: float | int, lang: str, digits: int | None = None) -> str:
    """A number in the language's digits and signs; `digits` fixes the decimals shown."""
    pattern = None
    if digits is not None:
        pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    return format_decimal(value, format=pattern, locale=locale_of(lang))


def format_percent(value: float, lang: str, digits: int = 0) -> str:
    """A share (0.125) as the language writes a percentage."""
    pattern = locale_of(lang).percent_formats[None].pattern
    if digits > 0:
        pattern = pattern.replace("0", "0." + "0" * digits, 1)
    return babel_percent(value, format=pattern, locale=locale_of(lang))


def format_date(value: date | datetime, lang: str, width: str = "medium") -> str:
    """A calendar date (`short`, `medium`, `long` or `full`)."""
    day = value.date() if isinstance(value, datetime) else value
    return babel_date(day, format=width, locale=locale_of(lang))


def format_datetime(value: datetime, lang: str, width: str = "medium") -> str:
    """A date and time as given (the platform shows UTC and says so beside it)."""
    return babel_datetime(value, format=width, locale=locale_of(lang))


def format_day(value: date | datetime | str | None, lang: str) -> str:
    """A short day with the month's name in the language (`4 dic 2026`, `Dec 4, 2026`);
    anything that is not a date is shown as it is."""
    if not isinstance(value, date):
        return "" if value is None else str(value)
    day = value.date() if isinstance(value, datetime) else value
    return format_skeleton("yMMMd", day, locale=locale_of(lang))


def format_moment(value: datetime | str | None, lang: str) -> str:
    """A day and a 24-hour time (`4 dic 2026, 19:05`): staff pages add "UTC" themselves."""
    if not isinstance(value, datetime):
        return "" if value is None else str(value)
    return f"{format_day(value, lang)}, {babel_time(value, 'HH:mm', locale=locale_of(lang))}"
