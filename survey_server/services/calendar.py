"""A calendar entry (iCalendar, RFC 5545) for the day a survey round opens, so that a
participant can keep the date and the link in the calendar they already use."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

_FOLD_AT = 75  # octets per content line (RFC 5545 section 3.1)


def _escape(text: str) -> str:
    """TEXT values: backslash, semicolon, comma and line breaks escaped (section 3.3.11)."""
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def _fold(line: str) -> list[str]:
    """A long line split into 75-octet pieces, never inside a UTF-8 character."""
    pieces: list[str] = []
    current = ""
    limit = _FOLD_AT
    for char in line:
        if len((current + char).encode("utf-8")) > limit:
            pieces.append(current)
            current = ""
            limit = _FOLD_AT - 1  # continuation lines start with a space
        current += char
    pieces.append(current)
    return [pieces[0], *(" " + piece for piece in pieces[1:])]


def round_event(
    *,
    uid: str,
    summary: str,
    description: str,
    url: str,
    opens_on: date,
    closes_on: date | None = None,
    now: datetime | None = None,
) -> str:
    """One all-day event from the opening day to the closing day (or that day only)."""
    end = (closes_on or opens_on) + timedelta(days=1)  # DTEND of a date is exclusive
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//pilotkit//survey round//EN",
        "CALSCALE:GREGORIAN",
        "BEGIN:VEVENT",
        f"UID:{uid}",
        f"DTSTAMP:{stamp}",
        f"DTSTART;VALUE=DATE:{opens_on:%Y%m%d}",
        f"DTEND;VALUE=DATE:{end:%Y%m%d}",
        f"SUMMARY:{_escape(summary)}",
        f"DESCRIPTION:{_escape(description)}",
        f"URL:{url}",
        "TRANSP:TRANSPARENT",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    folded = [piece for line in lines for piece in _fold(line)]
    return "\r\n".join(folded) + "\r\n"
