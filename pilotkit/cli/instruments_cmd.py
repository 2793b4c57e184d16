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
def show(instrument: str, lang: str | None) -> None:
    """Print an instrument (by id or path) as a participant would read it."""
    inst = load_instrument(instrument)
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
