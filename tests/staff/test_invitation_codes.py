"""Invitation cards with a short code: the code's shape, typing it at /c, wrong codes,
guessing throttled, and the printed sheet in the pilot's languages, on every engine."""

from __future__ import annotations

import asyncio
import hashlib
import math
import re

import pytest

from survey_server.connection import connected
from survey_server.services import invitation_codes
from survey_server.services.invitation_codes import (
    ALPHABET,
    CODE_LENGTH,
    MAX_WRONG_PER_ADDRESS,
    code_hash,
    code_token,
    grouped,
    new_code,
    normalise_code,
)
from tests.staff.conftest import StaffSite, csrf_of
from tests.staff.test_links import _issue


def _whole(text: str) -> str:
    """How the card keeps a value whole and in its own direction inside a sentence."""
    return f'<bdi class="nowrap">{text}</bdi>'


_CODE = re.compile(r'<span class="code">([A-Z0-9]{5}-[A-Z0-9]{5})</span>')


def test_codes_use_an_alphabet_without_look_alikes_and_carry_40_bits_or_more() -> None:
    assert not set("0O1lIL") & set(ALPHABET)
    assert len(set(ALPHABET)) == len(ALPHABET) == 31
    assert CODE_LENGTH * math.log2(len(ALPHABET)) >= 40
    codes = {new_code() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(len(c) == CODE_LENGTH and set(c) <= set(ALPHABET) for c in codes)
    assert set("".join(codes)) == set(ALPHABET)  # every symbol is drawn
    assert re.fullmatch(r"[A-Z0-9]{5}-[A-Z0-9]{5}", grouped(new_code()))


@pytest.mark.parametrize(
    "typed", ["K7QMX-3TD9R", "k7qmx3td9r", " k7qmx - 3td9r ", "K7QMX 3TD9R", "k7QmX–3tD9r"]
)
def test_a_code_is_read_in_any_case_with_or_without_the_dash(typed: str) -> None:
    assert normalise_code(typed) == "K7QMX3TD9R"


@pytest.mark.parametrize("typed", ["", "K7QMX-3TD9", "K7QMX-3TD9RR", "K7QMX-3TD0R", "O7QMX-3TDIR"])
def test_what_cannot_be_a_code_is_refused_before_any_look_up(typed: str) -> None:
    assert normalise_code(typed) is None


def test_the_stored_hash_and_the_link_need_the_installation_key() -> None:
    code = new_code()
    assert code_hash(b"k" * 32, code) != code_hash(b"j" * 32, code)
    assert code_hash(b"k" * 32, code) != hashlib.sha256(code.encode()).hexdigest()
    assert code_token(b"k" * 32, code) != code_token(b"j" * 32, code)
    assert len(code_token(b"k" * 32, code)) == 32


def _linked_pilot(site: StaffSite, *, contact: str = "Ana Ruiz, 555-0100") -> None:
    site.user("mo@example.org", "manager")
    mo = site.browser("mo@example.org")
    csrf = csrf_of(mo.get("/staff/pilots").text)
    created = mo.post(
        "/staff/pilots/new",
        data={
            "csrf_token": csrf,
            "instrument": "pilot-core",
            "name": "Tax portal",
            "slug": "tax",
            "design": "linked",
            "opens_pre": "2026-01-05",
            "closes_pre": "2030-12-31",
        },
    )
    assert created.status_code == 200, created.text
    mo.post("/staff/pilots/tax/waves/pre", data={"csrf_token": csrf, "status": "open"})
    if contact:
        saved = mo.post(
            "/staff/pilots/tax/outreach/contact", data={"csrf_token": csrf, "contact": contact}
        )
        assert saved.status_code == 200, saved.text


def test_a_typed_code_leads_to_the_participants_form(staff_site: StaffSite) -> None:
    _linked_pilot(staff_site)
    mo = staff_site.browser("mo@example.org")
    batch = _issue(mo, "tax", 2)
    rows = [row.split(",") for row in mo.get(batch + "/links.csv").text.splitlines()[1:]]
    home = staff_site.client.get("/")
    assert 'href="/c"' in home.text
    page = staff_site.client.get("/c")
    assert page.status_code == 200
    assert 'name="code"' in page.text and 'autocomplete="off"' in page.text
    for (_, _, link, code), typed in zip(
        rows, (str.lower, lambda c: c.replace("-", "")), strict=True
    ):
        opened = staff_site.client.post("/c", data={"code": typed(code)}, follow_redirects=False)
        assert opened.status_code == 303
        token = link.rsplit("/f/", 1)[1]
        assert opened.headers["location"] == f"/f/{token}"
        assert opened.headers["referrer-policy"] == "no-referrer"
        assert staff_site.client.get(opened.headers["location"]).status_code == 200
    spanish = staff_site.client.post("/c", data={"code": rows[0][3], "lang": "es"})
    assert spanish.status_code == 200 and 'lang="es"' in spanish.text


def test_a_wrong_code_gets_one_message_and_guessing_is_throttled(staff_site: StaffSite) -> None:
    _linked_pilot(staff_site)
    mo = staff_site.browser("mo@example.org")
    right = mo.get(_issue(mo, "tax", 1) + "/links.csv").text.splitlines()[1].split(",")[3]
    client = staff_site.client
    shape = client.post("/c", data={"code": "K7QMX-3TD0R"})
    assert shape.status_code == 422
    assert "A code has 10 letters and digits" in shape.text
    assert 'aria-invalid="true"' in shape.text and 'value="K7QMX-3TD0R"' in shape.text
    wrong = next(c for c in (grouped(new_code()) for _ in range(5)) if c != right)
    unknown = client.post("/c", data={"code": wrong, "lang": "es"})
    assert unknown.status_code == 404
    assert "Este código no es válido" in unknown.text
    assert unknown.text.count('class="error-message"') == 1
    for _ in range(MAX_WRONG_PER_ADDRESS - 1):
        assert client.post("/c", data={"code": grouped(new_code())}).status_code == 404
    throttled = client.post("/c", data={"code": right})  # even a right code waits now
    assert throttled.status_code == 429
    assert throttled.headers["retry-after"] == str(invitation_codes.THROTTLE_WINDOW_S)
    assert "Too many wrong codes" in throttled.text and "Wait 15 minutes" in throttled.text
    assert client.post("/c", data={"code": "nonsense"}).status_code == 422  # never a 500


def test_the_sheet_speaks_the_pilots_languages_with_closing_date_and_contact(
    staff_site: StaffSite,
) -> None:
    _linked_pilot(staff_site)
    mo = staff_site.browser("mo@example.org")
    batch = _issue(mo, "tax", 2)
    sheet = mo.get(batch + "/sheet")
    assert sheet.status_code == 200
    codes = _CODE.findall(sheet.text)
    csv_codes = [r.split(",")[3] for r in mo.get(batch + "/links.csv").text.splitlines()[1:]]
    assert codes == csv_codes
    for lang in ("en", "es", "ar", "zh"):  # every language of pilot-core, on every card
        assert sheet.text.count(f'<div class="card-lang" lang="{lang}"') == 2
    two = mo.get(batch + "/sheet?lang=en&lang=es").text
    assert 'lang="ar"' not in two.split('<ul class="sheet">')[1]
    assert two.count('<div class="card-lang"') == 4
    address, code = _whole("http://testserver/c"), _whole(codes[0])
    assert f"or go to {address} and type this code: {code}" in two
    assert f"o vaya a {address} y escriba este código: {code}" in two
    assert "Open until December 31, 2030." in two
    assert "Abierto hasta el 31 de diciembre de 2030." in two
    assert "Questions about this survey? <bdi>Ana Ruiz, 555-0100</bdi>" in two
    assert "¿Preguntas sobre esta encuesta? <bdi>Ana Ruiz, 555-0100</bdi>" in two
    assert "Participant id p" in two  # a linked pilot's card names its participant for staff
    assert '<p class="url">' not in two  # no 32-character link to type: the code instead


def test_a_sheet_without_contact_says_how_to_set_one(staff_site: StaffSite) -> None:
    _linked_pilot(staff_site, contact="")
    mo = staff_site.browser("mo@example.org")
    sheet = mo.get(_issue(mo, "tax", 1) + "/sheet").text
    assert "The pilot has no contact for participants yet" in sheet
    assert "/staff/pilots/tax/outreach/templates#pilot-contact" in sheet
    assert "Questions about this survey?" not in sheet


def test_the_contact_on_a_card_is_escaped(staff_site: StaffSite) -> None:
    _linked_pilot(staff_site, contact='Ana <img src=x onerror="alert(1)">')
    mo = staff_site.browser("mo@example.org")
    sheet = mo.get(_issue(mo, "tax", 1) + "/sheet?lang=en").text
    assert "<img src=x" not in sheet
    assert "<bdi>Ana &lt;img src=x onerror=&#34;alert(1)&#34;&gt;</bdi>" in sheet


def test_parallel_guesses_cannot_slip_past_the_limit(database_url: str) -> None:
    """Count, look-up and record are one serialised transaction: of 25 wrong codes sent at
    once from one address, exactly the allowed number are looked up."""

    async def main() -> list[str]:
        async with connected(database_url) as engine:

            async def guess() -> str:
                try:
                    await invitation_codes.open_code(engine, b"k" * 32, new_code(), "10.0.0.9")
                except invitation_codes.UnknownCodeError:
                    return "unknown"
                except invitation_codes.CodeThrottledError:
                    return "throttled"
                return "opened"

            return await asyncio.gather(*(guess() for _ in range(25)))

    outcomes = asyncio.run(main())
    assert outcomes.count("unknown") == MAX_WRONG_PER_ADDRESS
    assert outcomes.count("throttled") == 25 - MAX_WRONG_PER_ADDRESS


def test_an_anonymous_card_gives_its_waves_closing_date_and_no_participant_id(
    staff_site: StaffSite,
) -> None:
    staff_site.user("mo@example.org", "manager")
    mo = staff_site.browser("mo@example.org")
    csrf = csrf_of(mo.get("/staff/pilots").text)
    created = mo.post(
        "/staff/pilots/new",
        data={
            "csrf_token": csrf,
            "instrument": "pilot-core",
            "name": "Anonymous pilot",
            "slug": "anon",
            "design": "anonymous",
            "opens_pre": "",
            "closes_pre": "2030-05-01",
            "opens_post": "",
            "closes_post": "2030-11-30",
        },
    )
    assert created.status_code == 200, created.text
    sheet = mo.get(_issue(mo, "anon", 2, wave="post") + "/sheet?lang=es").text
    assert sheet.count("Abierto hasta el 30 de noviembre de 2030.") == 2
    assert "1 de mayo" not in sheet
    assert "Participant id" not in sheet and len(_CODE.findall(sheet)) == 2
