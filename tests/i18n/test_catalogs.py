"""The platform's gettext catalogs: every text of the templates and the code is marked,
extracted and present in every catalog; placeholders survive translation; each catalog
states whether a native speaker has reviewed it."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from survey_server.i18n.gettext_catalogs import (
    DRAFT,
    LOCALE_DIR,
    REVIEWED,
    catalog_codes,
    catalog_info,
    po_path,
)
from survey_server.i18n.untranslated import untranslated_in
from tests.helpers import REPO_ROOT

TEMPLATES = REPO_ROOT / "survey_server" / "templates"


def _key(message_id: object) -> object:
    return tuple(message_id) if isinstance(message_id, list | tuple) else message_id


def _extracted() -> set[object]:
    """What `make translations` would extract now, read straight from the sources."""
    with (REPO_ROOT / "babel.cfg").open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    found: set[object] = set()
    for _, _, message, _, _ in extract_from_dir(REPO_ROOT, method_map, options_map):
        found.add(_key(message))
    return found


def _catalog_ids(path: Path) -> set[object]:
    with path.open("rb") as handle:
        return {_key(m.id) for m in read_po(handle) if m.id}


def test_every_template_text_goes_through_gettext():
    problems = [f"{u.template}:{u.line}: {u.text!r}" for u in untranslated_in(TEMPLATES)]
    assert not problems, "texts written straight into templates, wrap them in _():\n" + "\n".join(
        problems
    )


def test_the_template_catalog_holds_every_text_of_the_templates_and_code():
    pot = _catalog_ids(LOCALE_DIR / "messages.pot")
    missing = _extracted() - pot
    assert not missing, f"texts without a catalog entry (run `make translations`): {missing}"


@pytest.mark.parametrize("code", catalog_codes())
def test_every_catalog_has_an_entry_for_every_text(code):
    missing = _catalog_ids(LOCALE_DIR / "messages.pot") - _catalog_ids(po_path(code))
    assert not missing, f"{code}: run `make translations` to merge {missing}"


@pytest.mark.parametrize("code", catalog_codes())
def test_translations_keep_their_placeholders(code):
    with po_path(code).open("rb") as handle:
        catalog = read_po(handle)
    errors = [(message.id, error) for message, error in catalog.check()]
    assert not errors


@pytest.mark.parametrize("code", catalog_codes())
def test_every_catalog_states_its_review_status(code):
    text = po_path(code).read_text(encoding="utf-8")
    assert "# Review status: " in text.split("msgid", 1)[0]
    info = catalog_info(code)
    assert info is not None and info.status in (REVIEWED, DRAFT)


def test_spanish_is_reviewed_and_complete():
    info = catalog_info("es")
    assert info is not None and info.reviewed
    assert info.translated == info.total > 400


PARTICIPANT_LANGUAGES = ["es", "zh-Hans", "zh-Hant", "vi", "ru", "ar", "ht", "fr", "pt", "ko"]
PARTICIPANT_LANGUAGES += ["bn", "km"]


@pytest.mark.parametrize("code", PARTICIPANT_LANGUAGES)
def test_every_participant_text_is_translated(code):
    from survey_server.i18n.participant_texts import TEXTS

    with po_path(code).open("rb") as handle:
        catalog = read_po(handle)
    missing = [text for text in TEXTS.values() if not (catalog.get(text) and catalog[text].string)]
    assert not missing, f"{code} lacks {missing[:3]}"
    assert any(m.string for m in catalog if m.id and "fuzzy" not in m.flags)


def test_only_spanish_is_reviewed():
    statuses = {code: catalog_info(code).status for code in catalog_codes()}  # type: ignore[union-attr]
    assert statuses.pop("es") == REVIEWED
    assert set(statuses.values()) == {DRAFT}
    assert set(PARTICIPANT_LANGUAGES) <= set(catalog_codes())


def test_the_informal_register_names_texts_that_exist():
    pot = _catalog_ids(LOCALE_DIR / "messages.pot")
    for path in LOCALE_DIR.glob("*/LC_MESSAGES/informal.po"):
        assert _catalog_ids(path) <= pot, path


def _marked_in_python(folder: Path) -> dict[str, str]:
    """Every text marked with `lazy_gettext` under `folder`, with where it is."""
    from babel.messages.extract import extract_from_dir

    found: dict[str, str] = {}
    for name, line, message, _, _ in extract_from_dir(
        folder, [("**.py", "python")], keywords={"lazy_gettext": None}
    ):
        found[str(message)] = f"{name}:{line}"
    return found


def _without_spanish(marked: dict[str, str]) -> list[str]:
    with po_path("es").open("rb") as handle:
        catalog = read_po(handle)
    return [
        f"{where}: {text!r}"
        for text, where in marked.items()
        if not ((entry := catalog.get(text)) and entry.string and not entry.fuzzy)
    ]


def test_every_text_marked_in_python_has_a_spanish_translation():
    marked = _marked_in_python(REPO_ROOT / "survey_server")
    assert len(marked) > 100
    missing = _without_spanish(marked)
    assert not missing, "lazy_gettext texts without Spanish (run `make translations`):\n" + (
        "\n".join(missing)
    )


def test_a_marked_python_text_without_spanish_is_found(tmp_path):
    (tmp_path / "service.py").write_text(
        'raise InvalidInputError(lazy_gettext("the moon is %(colour)s", colour=c))\n',
        encoding="utf-8",
    )
    assert _without_spanish(_marked_in_python(tmp_path)) == [
        "service.py:1: 'the moon is %(colour)s'"
    ]
