"""The translation-coverage table of `pilotkit instruments show ID --coverage`."""

from __future__ import annotations

from pilotkit.errors import PilotkitError
from pilotkit.instruments import Instrument

#: Missing paths listed per language in the table (all of them below it with --lang).
SHOWN_MISSING = 3


def print_coverage(inst: Instrument, lang: str | None) -> None:
    from rich.console import Console
    from rich.table import Table

    from pilotkit.instruments.translations import coverage
    from pilotkit.instruments.translations.languages import english_name
    from pilotkit.instruments.validation import LANGUAGE

    if lang is not None and not LANGUAGE.match(lang):
        raise PilotkitError(f"'{lang}' is not a language code (like vi, ar, zh-Hans)")
    rows = coverage(inst, extra=[lang] if lang else [])
    if lang is not None:
        rows = [r for r in rows if r.lang == lang]
    console = Console()
    if not console.is_terminal:
        console = Console(width=120)  # a file or a pipe: room for the paths
    console.print(f"[bold]{inst.text(inst.title)}[/bold]  ({inst.id} v{inst.version})")
    table = Table(expand=False)
    for column in ("language", "status", "translated / total", "percent", "offered"):
        table.add_column(column, no_wrap=True)
    table.add_column("missing", no_wrap=True, overflow="ellipsis")
    for row in rows:
        shown = list(row.missing[:SHOWN_MISSING])
        if len(row.missing) > SHOWN_MISSING:
            shown.append(f"+{len(row.missing) - SHOWN_MISSING} more")
        table.add_row(
            f"{row.lang} ({english_name(row.lang)})",
            row.status,
            f"{row.translated} / {row.total}",
            f"{row.percent:.0f}%",
            "yes" if row.offered else "no",
            "\n".join(shown) or "-",
        )
    console.print(table)
    if lang is not None and rows and rows[0].missing:
        print(f"missing in {lang} ({len(rows[0].missing)}):")
        for path in rows[0].missing:
            print(f"  {path}")
    drafts = [r.lang for r in rows if r.needs_review]
    if drafts:
        console.print(f"draft, to be reviewed by a native speaker: {', '.join(drafts)}")
    short = [r.lang for r in rows if not r.complete]
    if short:
        console.print(
            f"not offered to participants until 100%: {', '.join(short)} "
            f"(pilotkit translations export {inst.id} --lang LANG)"
        )
