"""Errors built by the services and the input rules reach a Spanish staff page in Spanish;
the JSON API keeps its codes and its English messages."""

from __future__ import annotations

from tests.staff.conftest import StaffSite, csrf_of

SPANISH = {"Accept-Language": "es-ES,es;q=0.9"}


def test_a_field_error_of_the_new_pilot_form_is_spanish(team: StaffSite) -> None:
    from survey_server.services.pilots import MAX_NAME

    manager = team.browser("manager@example.org")
    csrf = csrf_of(manager.get("/staff/pilots").text)
    form = {"csrf_token": csrf, "instrument": "pilot-core", "slug": "largo"}
    spanish = manager.post(
        "/staff/pilots/new", data={**form, "name": "x" * 12_000}, headers=SPANISH
    )
    assert spanish.status_code == 422
    assert (
        f"El nombre debe tener como máximo {MAX_NAME} caracteres (este tiene 12.000)."
        in spanish.text
    )
    assert "must be at most" not in spanish.text
    english = manager.post("/staff/pilots/new", data={**form, "name": "x" * 12_000})
    assert f"The name must be at most {MAX_NAME} characters (this one has 12,000)." in english.text


def test_a_domain_error_page_is_spanish(team: StaffSite) -> None:
    manager = team.browser("manager@example.org")
    csrf = csrf_of(manager.get("/staff/pilots").text)
    taken = manager.post(
        "/staff/pilots/new",
        data={"csrf_token": csrf, "instrument": "pilot-core", "slug": "alpha", "name": "Otro"},
        headers=SPANISH,
    )
    assert taken.status_code == 422
    assert "Ya existe un piloto con el nombre corto «alpha»." in taken.text
    missing = manager.get("/staff/pilots/alpha/sessions/999999", headers=SPANISH)
    assert missing.status_code == 404
    assert '<html lang="es"' in missing.text and "No encontrado" in missing.text


def test_a_nul_character_is_named_in_spanish_on_a_page_and_in_english_in_the_api(
    team: StaffSite,
) -> None:
    manager = team.browser("manager@example.org")
    csrf = csrf_of(manager.get("/staff/pilots").text)
    refused = manager.post(
        "/staff/pilots/new",
        data={"csrf_token": csrf, "instrument": "pilot-core", "slug": "n", "name": "A\x00"},
        headers=SPANISH,
    )
    assert refused.status_code == 422
    assert "Name: no debe contener el carácter NUL (\\u0000)." in refused.text
    api = team.client.get("/staff/api/v1/pilots", params={"q": "\x00"}, headers=SPANISH)
    assert api.status_code == 422
    body = api.json()
    assert body["code"] == "nul_character"
    assert body["errors"] == {"q": "must not contain the NUL character (\\u0000)"}


def test_page_titles_built_in_python_follow_the_page_language(team: StaffSite) -> None:
    manager = team.browser("manager@example.org")
    spanish = manager.get("/staff/pilots/new", headers=SPANISH).text
    assert "<title>Nuevo piloto – pilotkit personal</title>" in spanish
    reports = manager.get("/staff/pilots/alpha/reports", headers=SPANISH).text
    assert "<title>Informes de preparación – " in reports
    english = manager.get("/staff/pilots/new").text
    assert "<title>New pilot – pilotkit staff</title>" in english
