"""`pilotkit instruments ...`: check and read questionnaire files."""

from __future__ import annotations

from pathlib import Path

import click

from pilotkit.instruments import Instrument, InstrumentError, load_instrument, load_instrument_file


@click.group()
def instruments() -> None:
    """Check, show, import and export instruments (questionnaires)."""


@instruments.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
def validate(files: tuple[Path, ...]) -> None:
    """Check instrument files; exit 0 when all are valid.

    Every problem is printed as one line naming the file, the item and the problem.
    """
    failed = 0
    for path in files:
        try:
            inst = load_instrument_file(path)
        except InstrumentError as exc:
            failed += 1
            for line in exc.problems:
                click.echo(f"error: {line}", err=True)
            continue
        click.echo(
            f"ok: {path}: {inst.id} v{inst.version}, {len(inst.items)} items, "
            f"{len(inst.dimensions)} dimensions, languages {', '.join(inst.languages)}"
        )
    if failed:
        click.echo(f"{failed} of {len(files)} file(s) invalid", err=True)
        raise SystemExit(1)


@instruments.command()
@click.argument("instrument")
@click.option("--lang", default=None, help="Language to show (default: the instrument's first).")
@click.option(
    "--coverage",
    "show_coverage",
    is_flag=True,
    help="Translation coverage per language instead (with --lang: that language, in full).",
)
def show(instrument: str, lang: str | None, show_coverage: bool) -> None:
    """Print an instrument (by id or path) as a participant would read it."""
    inst = load_instrument(instrument)
    if show_coverage:
        from pilotkit.cli.coverage_view import print_coverage

        print_coverage(inst, lang)
        return
    if lang is not None and lang not in inst.languages:
        raise click.BadParameter(
            f"'{lang}' is not offered by {inst.id} (languages: {', '.join(inst.languages)})",
            param_hint="--lang",
        )
    _print_instrument(inst, lang or inst.default_language)


def _print_instrument(inst: Instrument, lang: str) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    console.print(f"[bold]{inst.text(inst.title, lang)}[/bold]  ({inst.id} v{inst.version})")
    console.print(
        f"languages: {', '.join(inst.languages)} · waves: {', '.join(inst.wave_ids)} · "
        f"{'anonymous' if inst.anonymous else 'linked'} by default"
    )
    if inst.description:
        console.print(inst.text(inst.description, lang))
    if inst.scale is not None:
        labels = (inst.scale.labels or {}).get(lang) or []
        points = [
            f"{p} {labels[i]}" if i < len(labels) else str(p)
            for i, p in enumerate(inst.scale.points)
        ]
        console.print(f"scale: {' · '.join(points)}")
    table = Table(show_lines=False, expand=False)
    for column in ("item", "dimension", "type", "text"):
        table.add_column(column, overflow="fold")
    for item in inst.items:
        flags = []
        if item.reverse:
            flags.append("reverse")
        if not item.required:
            flags.append("optional")
        if item.waves:
            flags.append("/".join(item.waves))
        kind = item.type + (f" ({', '.join(flags)})" if flags else "")
        text = inst.text(item.text, lang)
        if item.choices:
            text += "\n" + " | ".join(
                f"{c.value}: {inst.text(c.label, lang)}" for c in item.choices
            )
        dim = inst.text(inst.dimension(item.dimension).label, lang) if item.dimension else ""
        table.add_row(item.id, dim, kind, text)
    console.print(table)
    if inst.focus_group_guide:
        console.print("[bold]Focus-group guide[/bold]")
        for section in inst.focus_group_guide:
            heading = (
                inst.text(inst.dimension(section.dimension).label, lang)
                if section.dimension
                else inst.text(section.title, lang) or "General"
            )
            console.print(f"  {heading}")
            for prompt in section.prompts:
                console.print(f"    - {inst.text(prompt, lang)}")


@instruments.command(name="import")
@click.argument("form", type=click.Path(path_type=Path))
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=None,
    help="Instrument file to write (default: instruments/<id>.yaml).",
)
@click.option("--id", "instrument_id", default=None, help="Instrument id (default: form_id).")
@click.option("--strict", is_flag=True, help="Fail when anything cannot be mapped.")
@click.option("--force", is_flag=True, help="Overwrite an existing instrument file.")
@click.option(
    "--dimension-from-groups",
    "dimension_from_groups",
    is_flag=True,
    help="Make each group's scale questions a dimension named after the group.",
)
def import_form(
    form: Path,
    out: Path | None,
    instrument_id: str | None,
    strict: bool,
    force: bool,
    dimension_from_groups: bool,
) -> None:
    """Import an XLSForm (ODK, KoboToolbox, SurveyCTO, Ona) as an instrument file.

    Prints one line per row that could not be mapped; with --strict those are errors
    and nothing is written.
    """
    from pilotkit.errors import PilotkitError
    from pilotkit.instruments.xlsform import read_xlsform
    from pilotkit.instruments.yaml_io import dump_instrument
    from pilotkit.paths import instruments_dirs

    if instrument_id is not None:
        from pilotkit.instruments.validation import SLUG

        if not SLUG.match(instrument_id):
            raise click.BadParameter(
                f"'{instrument_id}' is not a slug (lowercase letters, digits, - and _)",
                param_hint="--id",
            )
    result = read_xlsform(
        form, instrument_id=instrument_id, dimensions_from_groups=dimension_from_groups
    )
    label = "error" if strict else "warning"
    for line in result.warnings:
        click.echo(f"{label}: {form}: {line}", err=True)
    if strict and result.warnings:
        raise PilotkitError(
            f"{form}: {len(result.warnings)} row(s) cannot be mapped (--strict); nothing written"
        )
    inst = result.instrument
    target = out or instruments_dirs()[0] / f"{inst.id}.yaml"
    if target.exists() and not force:
        raise PilotkitError(f"{target} already exists (use --force to overwrite it)")
    header = f"Imported from the XLSForm {form.name} by `pilotkit instruments import`."
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(dump_instrument(inst, header=header), encoding="utf-8")
    note = f", {len(result.warnings)} warning(s)" if result.warnings else ""
    click.echo(
        f"wrote {target}: {inst.id} v{inst.version}, {len(inst.items)} items, "
        f"{len(inst.dimensions)} dimensions, languages {', '.join(inst.languages)}{note}"
    )


@instruments.command(name="export")
@click.argument("instrument")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["xlsform"]),
    default="xlsform",
    show_default=True,
    help="File format to write.",
)
@click.option("--out", type=click.Path(path_type=Path), required=True, help="FORM.xlsx to write.")
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
def export_form(instrument: str, output_format: str, out: Path, force: bool) -> None:
    """Export an instrument (by id or path) as an XLSForm for ODK, KoboToolbox or SurveyCTO."""
    from pilotkit.errors import PilotkitError
    from pilotkit.instruments.xlsform import write_xlsform

    if out.suffix.lower() != ".xlsx":
        raise click.BadParameter(f"'{out}' must end in .xlsx", param_hint="--out")
    if out.exists() and not force:
        raise PilotkitError(f"{out} already exists (use --force to overwrite it)")
    inst = load_instrument(instrument)
    out.parent.mkdir(parents=True, exist_ok=True)
    write_xlsform(inst, out)
    click.echo(
        f"wrote {out}: {inst.id} v{inst.version} as {output_format}, {len(inst.items)} items"
    )
