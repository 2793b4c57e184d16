"""The printed invitation cards of a batch: what each card says, in the pilot's languages.

A card carries the link (as a QR code, drawn by the page), the short code and the address
where it is typed, and for each of the pilot's languages the invitation, how to open the
form, the day the round closes (as that language writes dates, CLDR) and the pilot's
contact, all from the participant catalogs. An anonymous pilot's cards name nobody.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from markupsafe import Markup, escape
from piccolo.engine.base import Engine

from pilotkit.instruments.translations.languages import is_rtl
from survey_server.i18n import Translator, long_date
from survey_server.i18n.gettext_catalogs import catalog_for
from survey_server.services.accounts import StaffAccount
from survey_server.services.contacts import pilot_facts
from survey_server.services.pilots import get_pilot
from survey_server.services.staff_pilots import batch_links
from survey_server.services.waves import WaveInfo


@dataclass(frozen=True)
class CardText:
    lang: str
    dir: str
    invite: str
    how: str  # markup: the address and the code kept whole
    closes: str
    contact: str  # markup: the pilot's contact isolated in its own direction


@dataclass(frozen=True)
class Card:
    participant_id: str
    wave: str
    url: str
    code: str
    texts: list[CardText]


@dataclass(frozen=True)
class Sheet:
    pilot_name: str
    anonymous: bool
    contact: str
    address: str  # where a code is typed, as printed: `survey.example.org/c`
    offered: list[str]  # the pilot's languages a card can be printed in
    languages: list[str]  # those it is printed in
    cards: list[Card]


def code_address(base_url: str) -> str:
    """The code page's address as a person types it (browsers add `https://`)."""
    return base_url.removeprefix("https://").rstrip("/") + "/c"


def card_languages(pilot_languages: list[str]) -> list[str]:
    """The pilot's languages, one per catalog: a language without a catalog of the
    platform's texts would only repeat the English ones."""
    chosen: list[str] = []
    served: set[str] = set()
    for lang in pilot_languages:
        catalog = catalog_for(lang)
        if catalog not in served:
            served.add(catalog)
            chosen.append(lang)
    return chosen or ["en"]


def _closing(waves: list[WaveInfo], wave: str) -> datetime | None:
    """When the link's round closes: its own wave (anonymous pilots), else the first
    wave still to be answered (linked pilots)."""
    if wave:
        match = next((w for w in waves if w.name == wave), None)
        return match.closes_at if match else None
    upcoming = next((w for w in waves if w.state() != "closed"), None)
    return upcoming.closes_at if upcoming else None


def _isolated(t: Translator, key: str, *, whole: bool, **values: str) -> Markup:
    """The translated text, escaped, with each value in its own direction (`<bdi>`, so
    a code reads left to right in Arabic) and, when `whole`, never broken over two lines."""
    marks = {name: f"\x00{name}\x00" for name in values}
    text = str(escape(t(key, **marks)))
    opening = '<bdi class="nowrap">' if whole else "<bdi>"
    for name, value in values.items():
        text = text.replace(marks[name], f"{opening}{escape(value)}</bdi>")
    return Markup(text)  # every part was escaped above


def _texts(
    lang: str, code: str, address: str, closes_at: datetime | None, contact: str
) -> CardText:
    t = Translator(lang)
    closes = long_date(closes_at, lang)
    return CardText(
        lang=lang,
        dir="rtl" if is_rtl(lang) else "ltr",
        invite=t("card.invite"),
        how=(
            _isolated(t, "card.how", whole=True, address=address, code=code)
            if code
            else t("card.scan")
        ),
        closes=t("card.closes", date=closes) if closes else "",
        contact=_isolated(t, "message.contact", whole=False, contact=contact) if contact else "",
    )


async def invitation_sheet(
    engine: Engine,
    user: StaffAccount,
    pilot_id: int,
    key: str,
    base_url: str,
    languages: list[str] | None = None,
) -> Sheet:
    """The cards of a batch this user issued, while it lasts; `languages` narrows the
    pilot's languages printed (unknown ones are ignored)."""
    links = await batch_links(engine, user, pilot_id, key)
    facts = await pilot_facts(pilot_id)
    pilot = await get_pilot(engine, facts.slug)
    offered = card_languages(facts.languages)
    chosen = [lang for lang in offered if lang in (languages or [])] or offered
    address = code_address(base_url)

    def texts(code: str, wave: str) -> list[CardText]:
        closes_at = _closing(pilot.waves, wave)
        return [_texts(lang, code, address, closes_at, facts.contact) for lang in chosen]

    cards = [
        Card(link.participant_id, link.wave, link.url, link.code, texts(link.code, link.wave))
        for link in links
    ]
    return Sheet(facts.name, facts.anonymous, facts.contact, address, offered, chosen, cards)
