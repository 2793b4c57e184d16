"""Staff pages speak the browser's language when its catalog is complete (Spanish),
English otherwise; Babel's plural rules and number formats follow the same language."""

from __future__ import annotations

from tests.staff.conftest import StaffSite, csrf_of

SPANISH = {"Accept-Language": "es-MX,es;q=0.9,en;q=0.5"}


def test_the_sign_in_page_follows_accept_language(staff_site: StaffSite):
    english = staff_site.client.get("/staff/sign-in")
    assert '<html lang="en" dir="ltr">' in english.text and "<h1>Sign in</h1>" in english.text
    spanish = staff_site.client.get("/staff/sign-in", headers=SPANISH)
    assert '<html lang="es" dir="ltr">' in spanish.text
    assert "<h1>Iniciar sesión</h1>" in spanish.text
    assert "Saltar al contenido principal" in spanish.text


def test_a_language_without_a_complete_catalog_gets_english(staff_site: StaffSite):
    page = staff_site.client.get("/staff/sign-in", headers={"Accept-Language": "de, km"})
    assert '<html lang="en"' in page.text and "<h1>Sign in</h1>" in page.text


def test_a_signed_in_manager_reads_the_pilot_page_in_spanish(team: StaffSite):
    browser = team.browser("manager@example.org")
    page = browser.get("/staff/pilots/alpha", headers=SPANISH)
    assert page.status_code == 200
    assert "Enlaces de participante" in page.text and "Cerrar sesión" in page.text
    listing = browser.get("/staff/pilots", headers=SPANISH).text
    # CLDR's plural rules for Spanish: "0 participantes", never "0 participante".
    assert "0 participantes" in listing


def test_a_session_is_named_with_its_kind_and_day_in_the_readers_language(team: StaffSite):
    browser = team.browser("facilitator@example.org")
    form = browser.get("/staff/pilots/alpha/sessions/new", headers=SPANISH).text
    assert ">Grupo focal</label>" in form and ">Entrevista</label>" in form
    created = browser.post(
        "/staff/pilots/alpha/sessions/new",
        headers=SPANISH,
        data={
            "csrf_token": csrf_of(form),
            "held_on": "2026-03-02",
            "kind": "focus_group",
            "attendees": "8",
            "facilitator": "Maria",
        },
    )
    assert created.status_code == 200, created.text
    assert "<h1>Grupo focal el 2 mar 2026</h1>" in created.text
    english = browser.get(str(created.url)).text
    assert "<h1>Focus group on Mar 2, 2026</h1>" in english
    pilot = browser.get("/staff/pilots/alpha", headers=SPANISH).text
    assert "Grupo focal el 2 mar 2026</a>" in pilot
