"""A pilot's contact for participants: who to ask about the survey (a name, an e-mail
address or a telephone number, as the pilot's manager writes it)."""

from __future__ import annotations

_ADD_CONTACT = """ALTER TABLE "pilot" ADD COLUMN "contact" TEXT NOT NULL DEFAULT ''"""

STATEMENTS: dict[str, list[str]] = {
    "sqlite": [_ADD_CONTACT],
    "postgres": [_ADD_CONTACT],
}
