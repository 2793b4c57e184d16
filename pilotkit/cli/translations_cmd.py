"""`pilotkit translations ...`: files for translators, and their translations back."""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

import click

FORMAT_NAMES = {"xliff": "XLIFF 2.0", "po": "gettext PO", "xlsx": "spreadsheet"}


@click.group()
def translations() -> None:
    """Export an instrument's texts for translators and import their translations."""


@translations.command(name="export")
@click.argument("instrument")
@click.option("--lang", required=True, help="Language to translate into (vi, ar, zh-Hans, ...).")
@click.option(
    "--format",
    "file_format",
    type=click.Choice(list(FORMAT_NAMES)),
    default="xliff",
    show_default=True,
    help="xliff for CAT tools, po for gettext editors, xlsx for a spreadsheet.",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=None,
    help="File to write (default: <instrument>.<lang>.xlf|po|xlsx here).",
)
@click.option("--all", "include_all", is_flag=True, help="Every text, translated ones too.")
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
def export_cmd(
    instrument: str,
    lang: str,
    file_format: str,
    out: Path | None,
    include_all: bool,
    force: bool,
) -> None:
    """Write the texts of INSTRUMENT (id or path) that still need a translation into LANG,
    with their source text and context, for a translator."""
    from pilotkit.errors import PilotkitError
    from pilotkit.instruments import load_instrument
    from pilotkit.instruments.translations.exporting import default_output, export_translations
    from pilotkit.instruments.translations.languages import english_name

    inst = load_instrument(instrument)
    target = out or default_output(inst, lang, file_format)
    if target.exists() and not force:
        raise PilotkitError(f"{target} already exists (use --force to overwrite it)")
    bundle = export_translations(inst, lang, file_format, target, include_all=include_all)
    which = "texts" if include_all else "texts to translate"
    click.echo(
        f"wrote {target}: {len(bundle.units)} {which} of {inst.id} v{inst.version} "
        f"from {bundle.source_lang} into {lang} ({english_name(lang)}), "
        f"{FORMAT_NAMES[file_format]}"
    )


@translations.command(name="import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--instrument",
    "instrument",
    default=None,
    help="Instrument id or path (default: the instrument the file names).",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=None,
    help="Instrument file to write (default: the instrument's own file).",
)
@click.option(
    "--status",
    type=click.Choice(["draft", "reviewed"]),
    default=None,
    help="Status of the language after the import (default: draft when texts change).",
)
@click.option(
    "--hold",
    is_flag=True,
    help="Do not offer the language to participants yet, even when it is complete.",
)
@click.option("--check", is_flag=True, help="Check the file only; write nothing.")
def import_cmd(
    file: Path,
    instrument: str | None,
    out: Path | None,
    status: str | None,
    hold: bool,
    check: bool,
) -> None:
    """Bring the translations of FILE (.xlf, .po or .xlsx) back into the instrument.

    Every row is checked first: known text, unchanged source, not empty, placeholders
    kept, within the character limit, every point of a scale. Each bad row is one line;
    with any bad row nothing is written.
    """
    from pilotkit.errors import PilotkitError
    from pilotkit.instruments import find_instrument, load_instrument_file
    from pilotkit.instruments.translations.importing import (
        TranslationImportError,
        apply_translations,
        read_translation_file,
        write_instrument,
    )

    tfile = read_translation_file(file)
    if instrument is None and not tfile.instrument_id and tfile.problems:
        _reject([f"{file.name}: {p}" for p in tfile.problems], file)
    if instrument is not None:
        source = _instrument_path(instrument)
    elif tfile.instrument_id:
        source = find_instrument(tfile.instrument_id)
    else:
        raise PilotkitError(f"{file}: the file does not name its instrument: use --instrument")
    inst = load_instrument_file(source)
    try:
        outcome = apply_translations(
            inst, tfile, explicit_instrument=instrument is not None, status=status, offer=not hold
        )
    except TranslationImportError as exc:
        _reject(exc.problems, file)
    cov = outcome.coverage
    state = f"{outcome.lang} {cov.translated} of {cov.total} texts ({cov.percent:.0f}%)"
    state += f", {cov.status}"
    if cov.offered:
        state += ", newly offered to participants" if outcome.newly_offered else ", offered"
    elif cov.complete:
        state += ", complete but held back (add it to 'languages' to offer it)"
    else:
        state += (
            f", not offered until complete ({len(cov.missing)} missing: "
            f"pilotkit translations export {instrument or inst.id} --lang {outcome.lang} "
            "lists them)"
        )
    counts = f"{outcome.changed} text(s) added or changed, {outcome.unchanged} unchanged"
    if outcome.untranslated:
        counts += f", {outcome.untranslated} left untranslated in the file"
    if check:
        click.echo(f"checked {file}: no problems; would write {state}; {counts}")
        return
    target = out or source
    write_instrument(outcome.instrument, target, header_from=source)
    click.echo(f"wrote {_shown(target)}: {state}; {counts}")
    if cov.needs_review:
        click.echo(f"note: '{outcome.lang}' is a draft: have a native speaker review it")


def _reject(problems: list[str], file: Path) -> NoReturn:
    """Like `instruments validate`: one line per problem, then exit 1."""
    for line in problems:
        click.echo(f"error: {line}", err=True)
    click.echo(f"error: {file}: {len(problems)} problem(s); nothing written", err=True)
    raise SystemExit(1)


def _shown(path: Path) -> str:
    """A path as short as it can be said: relative to here when it is below here."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _instrument_path(instrument: str) -> Path:
    from pilotkit.instruments import find_instrument

    text = str(instrument)
    if text.endswith((".yaml", ".yml")) or "/" in text or "\\" in text:
        return Path(text)
    return find_instrument(text)
