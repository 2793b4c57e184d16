"""Checks of the report notebooks' parameters, run in the cell after the parameters cell.

A bad value stops the notebook at once with one message naming the parameter, so a
rerun with `-p NAME VALUE` never produces a report from nonsense.
"""

from __future__ import annotations

from pathlib import Path

from evaluation.engine import MARGIN_SOURCES
from evaluation.reporting.i18n import LANGUAGE_CODE, report_languages
from pilotkit.errors import PilotkitError


class ReportParameterError(PilotkitError):
    """A report parameter with a value the report cannot use."""


def check_language(language: str, instrument_languages: list[str] | None) -> None:
    """The reader's language: one of the report's texts, or one CLDR knows (`ar`, `km`),
    whose reader gets the report's texts in English and the instrument's questions in it
    when the instrument has them (`i18n.report_languages_for`; the report says so)."""
    catalogs = report_languages()
    if language in catalogs or (instrument_languages is not None and _known(language)):
        return
    raise ReportParameterError(
        f"language '{language}' cannot be used: it is not a language code CLDR knows; "
        f"the report's texts exist in {', '.join(catalogs)}"
        + (
            f", the instrument offers {', '.join(instrument_languages)}"
            if instrument_languages
            else ""
        )
    )


def _known(language: str) -> bool:
    from babel import Locale, UnknownLocaleError

    if not LANGUAGE_CODE.match(language):
        return False
    try:
        Locale.parse(language, sep="-")
    except (UnknownLocaleError, ValueError, TypeError):
        return False
    return True


def check_report_parameters(
    *,
    responses_path: str,
    instrument_path: str,
    notes_path: str = "",
    concerns_path: str = "",
    alpha: float = 0.05,
    margin: float | None = None,
    margin_source: str = "analyst",
    min_respondents_per_wave: int = 10,
    reliability_threshold: float = 0.70,
    attrition_amber: float = 0.20,
    attrition_red: float = 0.30,
    min_group: int = 5,
    language: str = "en",
    languages: list[str] | None = None,
    invited: int = 0,
    invited_by_wave: str = "",
) -> None:
    """Raise `ReportParameterError` naming the first parameter that is off."""
    if not responses_path:
        raise ReportParameterError("responses_path is empty: give the responses table")
    if not Path(responses_path).is_file():
        raise ReportParameterError(f"responses_path '{responses_path}' does not exist")
    if not instrument_path:
        raise ReportParameterError("instrument_path is empty: give the instrument id or file")
    if notes_path and not Path(notes_path).is_file():
        raise ReportParameterError(f"notes_path '{notes_path}' does not exist")
    if concerns_path and not Path(concerns_path).is_file():
        raise ReportParameterError(f"concerns_path '{concerns_path}' does not exist")
    if not 0 < alpha < 0.5:
        raise ReportParameterError(f"alpha must be between 0 and 0.5, not {alpha}")
    if margin is not None and not (margin > 0 and margin != float("inf")):
        raise ReportParameterError(f"margin must be positive (scale points), not {margin}")
    if margin_source not in MARGIN_SOURCES:
        raise ReportParameterError(
            f"margin_source must be {' or '.join(MARGIN_SOURCES)}, not {margin_source!r}"
        )
    if min_respondents_per_wave < 1:
        raise ReportParameterError(
            f"min_respondents_per_wave must be 1 or more, not {min_respondents_per_wave}"
        )
    if not 0 < reliability_threshold < 1:
        raise ReportParameterError(
            f"reliability_threshold must be between 0 and 1, not {reliability_threshold}"
        )
    if not 0 <= attrition_amber <= attrition_red <= 1:
        raise ReportParameterError(
            "attrition thresholds must satisfy 0 <= attrition_amber <= attrition_red <= 1, "
            f"not {attrition_amber} and {attrition_red}"
        )
    if min_group < 5:
        raise ReportParameterError(
            f"min_group must be at least 5 (smaller groups could identify people), not {min_group}"
        )
    check_language(language, languages)
    if invited < 0:
        raise ReportParameterError(f"invited must be 0 (unknown) or more, not {invited}")
    parse_invited_by_wave(invited_by_wave)


def check_report_context(*, pilot_url: str = "", report_date: str = "") -> None:
    """The link back to the pilot must be a web address; the report's date an ISO date."""
    if pilot_url and not pilot_url.startswith(("https://", "http://")):
        raise ReportParameterError(
            f"pilot_url must be a web address starting with https:// or http://, not {pilot_url!r}"
        )
    if report_date:
        from datetime import date

        try:
            date.fromisoformat(report_date)
        except ValueError:
            raise ReportParameterError(
                f"report_date must be a date written YYYY-MM-DD, not {report_date!r}"
            ) from None


def parse_invited_by_wave(text: str) -> dict[str, int]:
    """`"pre=33 post=30"`: people invited to each wave (empty: not known per wave)."""
    counts: dict[str, int] = {}
    for part in text.replace(",", " ").split():
        wave, sep, number = part.partition("=")
        if not sep or not wave or not number.isdigit():
            raise ReportParameterError(
                f"invited_by_wave: '{part}' is not WAVE=COUNT (for example pre=33 post=30)"
            )
        counts[wave] = int(number)
    return counts
