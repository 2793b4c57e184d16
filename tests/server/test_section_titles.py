"""A page that is not a dimension shows its section's title in the participant's language."""

from __future__ import annotations

from pathlib import Path

import yaml

from tests.server.conftest import ALL_TYPES


def with_section_titles(tmp_path: Path) -> Path:
    """The all-types instrument with a page of its own for the comments, titled."""
    data = yaml.safe_load(ALL_TYPES.read_text(encoding="utf-8"))
    comments = next(i for i in data["items"] if i["id"] == "comments")
    comments["section"] = "final_words"
    comments.pop("waves")
    data["items"].append(
        {"id": "extra", "type": "text", "required": False, "section": "last_thing",
         "text": {"en": "Anything else?", "es": "¿Algo más?"}}
    )  # fmt: skip
    data["sections"] = [
        {
            "id": "final_words",
            "title": {"en": "Final words", "es": "Últimas palabras"},
            "description": {"en": "Tell us more.", "es": "Cuéntenos más."},
        }
    ]
    path = tmp_path / "titled.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_the_form_shows_the_section_title_in_the_participants_language(site, tmp_path):
    site.pilot(instrument=with_section_titles(tmp_path))
    [token] = site.tokens()
    spanish = site.client.get(f"/f/{token}?page=3&lang=es").text
    assert "<h1>Últimas palabras</h1>" in spanish
    assert '<p class="lead">Cuéntenos más.</p>' in spanish
    assert "<title>Paso 3 de 4 – Últimas palabras" in spanish
    english = site.client.get(f"/f/{token}?page=3&lang=en").text
    assert "<h1>Final words</h1>" in english and "Tell us more." in english
    untitled = site.client.get(f"/f/{token}?page=4&lang=es").text
    assert "<h1>Last thing</h1>" in untitled  # no entry: the key, readable


def test_the_api_gives_section_titles_in_the_requested_language(site, tmp_path):
    site.pilot(instrument=with_section_titles(tmp_path))
    [token] = site.tokens()
    body = site.client.get(f"/api/v1/forms/{token}?lang=es").json()
    assert body["sections"] == [
        {"id": "final_words", "title": "Últimas palabras", "description": "Cuéntenos más."}
    ]
    comments = next(i for i in body["items"] if i["id"] == "comments")
    assert comments["section"] == "final_words"
