"""Translation files: export, a translator's edit, import; the checks made row by row;
and what each format (XLIFF 2.0, PO, xlsx) must hold for the tools translators use."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from openpyxl import load_workbook

from pilotkit.errors import PilotkitError
from pilotkit.instruments import instrument_from_mapping
from pilotkit.instruments.translations import language_coverage, offered_languages
from pilotkit.instruments.translations.exporting import export_translations
from pilotkit.instruments.translations.importing import (
    TranslationImportError,
    apply_translations,
    read_translation_file,
)
from tests.instruments.test_translations import base, with_vi
from tests.instruments.translators import FILLERS, SUFFIX, fill_po, fill_xliff, fill_xlsx
from tests.instruments.xliff_rules import xliff_problems

FORMATS = ["xliff", "po", "xlsx"]


def vietnamese(path: str, source: str) -> str:
    return f"VI {source}"


def export(tmp_path: Path, file_format: str, data: dict | None = None, **kw: object) -> Path:
    inst = instrument_from_mapping(data or base())
    out = tmp_path / f"service.vi{SUFFIX[file_format]}"
    export_translations(inst, "vi", file_format, out, **kw)  # type: ignore[arg-type]
    return out


def problems_of(tmp_path: Path, file_format: str, translate, data: dict | None = None) -> list:
    out = export(tmp_path, file_format, data)
    FILLERS[file_format](out, translate)
    with pytest.raises(TranslationImportError) as caught:
        apply_translations(instrument_from_mapping(data or base()), read_translation_file(out))
    return caught.value.problems


@pytest.mark.parametrize("file_format", FORMATS)
def test_round_trip_adds_the_language_and_offers_it(tmp_path: Path, file_format: str) -> None:
    inst = instrument_from_mapping(base())
    out = export(tmp_path, file_format)
    FILLERS[file_format](out, vietnamese)
    outcome = apply_translations(inst, read_translation_file(out))
    result = outcome.instrument
    assert outcome.newly_offered and result.languages == ["en", "es", "vi"]
    assert result.translation_status == {"vi": "draft"}
    assert offered_languages(result) == ["en", "es", "vi"]
    assert (outcome.changed, outcome.untranslated) == (14, 0)
    assert result.text(result.intro, "vi") == "VI Hello {name}, it takes %(minutes)s minutes."
    assert result.text(result.item("q1").text, "vi") == "VI My work is easy & fun <really>."
    assert result.item("how").choices[0].label["vi"] == "VI Now and then"  # type: ignore[index]
    assert result.scale.labels["vi"] == ["VI Low", "VI Middle", "VI High"]  # type: ignore[union-attr]
    assert result.item("thanks").text == "Thank you!"  # a plain string stays one
    with pytest.raises(PilotkitError, match="nothing to translate: 'vi' has all 15 texts"):
        export_translations(result, "vi", file_format, tmp_path / "again")


@pytest.mark.parametrize("file_format", FORMATS)
def test_a_partial_translation_waits_until_it_is_complete(tmp_path: Path, file_format: str):
    inst = instrument_from_mapping(base())
    out = export(tmp_path, file_format)
    FILLERS[file_format](out, lambda p, s: f"VI {s}" if p.startswith("items.") else None)
    first = apply_translations(inst, read_translation_file(out))
    assert first.instrument.languages == ["en", "es"]  # not offered
    assert first.instrument.translation_status == {"vi": "draft"}
    assert first.untranslated == 8 and not first.coverage.complete
    rest = tmp_path / f"rest{SUFFIX[file_format]}"
    export_translations(first.instrument, "vi", file_format, rest)
    assert len(read_translation_file(rest).rows) == 8  # only what is still missing
    FILLERS[file_format](rest, vietnamese)
    second = apply_translations(first.instrument, read_translation_file(rest))
    assert second.coverage.complete and second.instrument.languages[-1] == "vi"


def test_hold_and_reviewed_status(tmp_path: Path) -> None:
    out = export(tmp_path, "po")
    fill_po(out, vietnamese)
    held = apply_translations(instrument_from_mapping(base()), read_translation_file(out),
                              offer=False, status="reviewed")  # fmt: skip
    assert held.instrument.languages == ["en", "es"] and held.coverage.complete
    assert held.instrument.translation_status == {"vi": "reviewed"}


@pytest.mark.parametrize("file_format", FORMATS)
def test_bad_rows_are_each_one_line_naming_file_unit_and_problem(
    tmp_path: Path, file_format: str
) -> None:
    bad = {
        "intro": "VI Xin chào, mất %(minutes)s phút {extra}.",  # {name} lost, {extra} added
        "items.q1.text": "   ",  # empty
        "items.how.choices.a_x002F_b.label": "x" * 81,  # over the limit
        "scale.labels.2": "VI Middle",  # one label of three
    }
    problems = problems_of(tmp_path, file_format, lambda p, s: bad.get(p))
    name = f"service.vi{SUFFIX[file_format]}"
    assert all(line.startswith(f"{name}: ") for line in problems)
    text = "\n".join(problems)
    assert "placeholder {name} of the source is missing from the translation" in text
    assert "placeholder {extra} is not in the source text" in text
    assert "the translation is empty" in text
    assert "the translation has 81 characters; at most 80 fit where it is shown" in text
    assert "the scale has 3 points but 1 labels are translated (none for point 1, 3)" in text
    assert len(problems) == 5
    unit = {"xliff": "unit 'intro'", "po": "(intro)", "xlsx": "(intro)"}[file_format]
    assert unit in next(line for line in problems if "{name}" in line)


def test_changed_source_unknown_text_and_wrong_instrument(tmp_path: Path) -> None:
    out = export(tmp_path, "xlsx")
    fill_xlsx(out, vietnamese)
    book = load_workbook(out)
    sheet = book["translations"]
    sheet.append(["items.ghost.text", "", None, "Ghost", "VI Ghost", ""])
    book.save(out)
    changed = base()
    changed["items"][0]["text"]["en"] = "My work is easy."
    with pytest.raises(TranslationImportError) as caught:
        apply_translations(instrument_from_mapping(changed), read_translation_file(out))
    lines = caught.value.problems
    assert any("row 8 (items.q1.text): the source text is no longer the instrument's" in x
               for x in lines)  # fmt: skip
    assert any("row 16 (items.ghost.text): unknown text: service has no 'items.ghost.text'" in x
               for x in lines)  # fmt: skip
    other = base(id="other")
    with pytest.raises(TranslationImportError, match="is a translation of 'service'"):
        apply_translations(instrument_from_mapping(other), read_translation_file(out),
                           explicit_instrument=True)  # fmt: skip


def test_nothing_translated_is_not_an_import(tmp_path: Path) -> None:
    out = export(tmp_path, "po")
    with pytest.raises(TranslationImportError, match=r"no translated text \(14 left empty\)"):
        apply_translations(instrument_from_mapping(base()), read_translation_file(out))


# -- XLIFF 2.0 ------------------------------------------------------------------------


def test_xliff_keeps_the_rules_of_the_specification(tmp_path: Path) -> None:
    data = with_vi(base(), {"title", "intro", "scale.labels.1", "scale.labels.2"})
    data["items"][1]["text"]["en"] = "Bell \x07 and\rreturn {n} {n} ${q1}?"
    data["items"][1]["text"]["es"] = "Campana \x07 {n} {n} ${q1}?"
    out = export(tmp_path, "xliff", data, include_all=True)
    raw = out.read_bytes()
    assert xliff_problems(raw) == []
    text = raw.decode()
    assert '<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0"' in text
    assert 'version="2.0" srcLang="en" trgLang="vi"' in text
    assert '<unit id="items.how.choices.a_x002F_b.label" slr:sizeRestriction="80">' in text
    assert '<note category="location">answer option; item how; choice value a/b</note>' in text
    assert '<segment state="translated">' in text and '<segment state="initial">' in text
    assert '<cp hex="0007"/>' in text and "&#13;" in text
    # placeholders are protected codes; the same one twice is two <ph> sharing one <data>
    assert '<data id="d1">{n}</data>' in text and '<data id="d2">${q1}</data>' in text
    uses = text[text.index('<unit id="items.uses.text"') :]
    uses = uses[: uses.index("</unit>")]
    assert uses.count('dataRef="d1"') == 2 and uses.count('dataRef="d2"') == 1
    rows = {r.path: r for r in read_translation_file(out).rows}
    assert rows["items.uses.text"].source == "Bell \x07 and\rreturn {n} {n} ${q1}?"
    assert rows["intro"].target == "vi Hello {name}, it takes %(minutes)s minutes."
    assert rows["items.q1.text"].target is None  # state initial, no target


def test_xliff_for_a_right_to_left_language(tmp_path: Path) -> None:
    inst = instrument_from_mapping(base())
    out = tmp_path / "service.ar.xlf"
    export_translations(inst, "ar", "xliff", out)
    assert 'trgDir="rtl"' in out.read_text() and xliff_problems(out.read_bytes()) == []


def test_the_rule_checker_finds_broken_documents(tmp_path: Path) -> None:
    """The checker used above is not a rubber stamp."""
    good = export(tmp_path, "xliff").read_text()
    broken = {
        "R1": good.replace(' srcLang="en"', ""),
        "R4": good.replace('<unit id="title"', '<unit id="ti tle"'),
        "R5": good.replace('<segment state="initial">', '<segment state="done">', 1),
        "R7": good.replace('dataRef="d1"', 'dataRef="d9"', 1),
        "R9": good.replace("<unit id=", '<unit colour="red" id=', 1),
    }
    for rule, text in broken.items():
        assert any(p.startswith(rule) for p in xliff_problems(text.encode())), rule


def test_xliff_reader_reports_what_it_cannot_use(tmp_path: Path) -> None:
    out = export(tmp_path, "xliff")
    fill_xliff(out, vietnamese)
    text = out.read_text()
    one = tmp_path / "one.xlf"
    one.write_text(text.replace("<target>VI Service survey</target>", "<target> </target>"))
    with pytest.raises(TranslationImportError, match="unit 'title': the translation is empty"):
        apply_translations(instrument_from_mapping(base()), read_translation_file(one))
    old = tmp_path / "old.xlf"
    old.write_text('<xliff xmlns="urn:oasis:names:tc:xliff:document:1.2" version="1.2"/>')
    assert "XLIFF 1.2" in read_translation_file(old).problems[0]
    bomb = tmp_path / "bomb.xlf"
    bomb.write_text('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>')
    assert "declares entities" in read_translation_file(bomb).problems[0]
    torn = tmp_path / "torn.xlf"
    torn.write_text(text[: len(text) // 2])
    assert read_translation_file(torn).problems[0].startswith("not well-formed XML")


# -- PO and spreadsheet --------------------------------------------------------------


def test_po_messages_carry_context_and_fuzzy_means_not_done(tmp_path: Path) -> None:
    out = export(tmp_path, "po")
    with out.open("rb") as handle:
        catalog = read_po(handle)
    assert (catalog.project, catalog.version, str(catalog.locale)) == ("service", "2", "vi")
    intro = next(m for m in catalog if m.context == "intro")
    assert "python-format" in intro.flags and "python-brace-format" in intro.flags
    assert "location: introduction on the form's first page" in intro.auto_comments
    fill_po(out, vietnamese, fuzzy=("title",))
    outcome = apply_translations(instrument_from_mapping(base()), read_translation_file(out))
    assert outcome.untranslated == 1 and outcome.coverage.missing == ("title",)


def test_spreadsheet_locks_all_but_the_translation_and_never_writes_formulas(
    tmp_path: Path,
) -> None:
    data = base()
    data["items"][0]["text"]["en"] = '=HYPERLINK("http://x")'
    out = export(tmp_path, "xlsx", data)
    book = load_workbook(out)
    sheet = book["translations"]
    assert sheet.protection.sheet and book["about"].protection.sheet
    header = [c.value for c in sheet[1]]
    assert header == ["id", "shown", "limit", "source (en)", "translation (vi)", "notes"]
    q1 = next(row for row in sheet.iter_rows(min_row=2) if row[0].value == "items.q1.text")
    assert q1[3].data_type == "s" and q1[3].value.startswith("=HYPERLINK")
    assert q1[3].protection.locked and not q1[4].protection.locked
    facts = {r[0].value: r[1].value for r in book["about"].iter_rows()}
    assert facts["instrument"] == "service" and facts["target language"] == "vi"
    q1[4].value = "=1+1"  # a translator's formula
    book.save(out)
    with pytest.raises(TranslationImportError, match=r"\(items.q1.text\): the translation is a"):
        apply_translations(instrument_from_mapping(data), read_translation_file(out))


def test_files_that_are_not_translation_files(tmp_path: Path) -> None:
    with pytest.raises(PilotkitError, match="unknown kind of file"):
        read_translation_file(tmp_path / "x.docx")
    with pytest.raises(PilotkitError, match="no such file"):
        read_translation_file(tmp_path / "x.po")
    fake = tmp_path / "x.xlsx"
    fake.write_text("not a workbook")
    assert "not an Excel workbook" in read_translation_file(fake).problems[0]
    po = tmp_path / "y.po"
    po.write_text('msgid "a"\nmsgstr "b"\nnonsense\n')
    assert read_translation_file(po).problems[0].startswith("not a valid PO file")
    assert language_coverage(instrument_from_mapping(base()), "vi").translated == 1
