"""The terminal view of an evaluation (rich tables; numbers rounded for reading only)."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from evaluation.result import EvaluationResult

VERDICT_STYLES = {
    "improved": "green",
    "no_change": "cyan",
    "declined": "red",
    "inconclusive": "yellow",
    "ready": "bold green",
    "conditional": "bold yellow",
    "not_ready": "bold red",
    "insufficient_data": "bold magenta",
}


def _f(value: float | None, digits: int = 2, signed: bool = False) -> str:
    if value is None:
        return "–"
    return f"{value:+.{digits}f}" if signed else f"{value:.{digits}f}"


def _p(value: float | None) -> str:
    if value is None:
        return "–"
    return "<0.001" if value < 0.001 else f"{value:.3f}"


def _styled(verdict: str) -> str:
    style = VERDICT_STYLES.get(verdict, "")
    return f"[{style}]{verdict.replace('_', ' ')}[/{style}]" if style else verdict


def print_result(result: EvaluationResult, console: Console | None = None) -> None:
    """Print the design line, the dimension and item tables and the readiness verdict."""
    if console is None:
        console = Console()
        if not console.is_terminal:  # piped or captured: wide enough for the tables
            console = Console(width=max(console.width, 132))
    design = result.design
    waves = ", ".join(f"{wave} n={n}" for wave, n in design.n.items())
    console.print(
        f"[bold]{result.instrument_id}[/bold] v{result.instrument_version} · {waves} · "
        f"{design.n_paired} in both waves ({design.n_pre_only} {design.baseline} only, "
        f"{design.n_post_only} {design.follow_up} only) · [bold]{design.name}[/bold] design · "
        f"alpha {result.alpha:g}"
    )
    level = f"{100 * (1 - result.alpha):g}%"
    test = "paired t" if design.paired else "Welch t"
    title = f"Dimensions: change = post - pre, {test}, Holm-adjusted p"
    table = Table(title=title, title_justify="left")
    columns = (
        "dimension",
        "n pre/post/both",
        "pre",
        "post",
        "change",
        f"{level} CI",
        "p",
        "p adj",
        "effect",
        "alpha",
        "verdict",
    )
    for column in columns:
        table.add_column(column, justify="left" if column == "dimension" else "right")
    for d in result.dimensions:
        c = d.comparison
        ci = f"{_f(c.ci_low)} to {_f(c.ci_high)}" if c.ci_low is not None else "–"
        effect = f"{_f(c.effect_size)} {'dz' if c.effect_size_kind == 'cohen_dz' else 'g'}"
        table.add_row(
            escape(d.label),
            f"{d.n_pre}/{d.n_post}/{d.n_paired}",
            _f(c.pre_mean),
            _f(c.post_mean),
            _f(c.mean_change, signed=True),
            ci,
            _p(c.p_value),
            _p(d.p_adjusted),
            effect if c.effect_size is not None else "–",
            _f(d.reliability_pre.alpha),
            _styled(d.verdict),
        )
    console.print(table)
    if result.items:
        items = Table(title="Items (Benjamini-Hochberg adjusted)", title_justify="left")
        for column in ("item", "type", "n pre/post", "pre", "post", "test", "p", "p adj"):
            items.add_column(
                column, justify="left" if column in ("item", "type", "test") else "right"
            )
        for i in result.items:
            pre, post = _item_figures(i.figures)
            items.add_row(
                i.id,
                i.type,
                f"{i.n_pre}/{i.n_post}",
                pre,
                post,
                i.test or "–",
                _p(i.p_value),
                _p(i.p_adjusted),
            )
        console.print(items)
    attrition = result.attrition
    if attrition.applicable and attrition.rate is not None:
        console.print(f"attrition: {attrition.rate:.0%} ({attrition.level})")
    readiness = result.readiness
    console.print(f"readiness: {_styled(readiness.verdict)}")
    for reason in readiness.reasons:
        console.print(f"  - {reason}", highlight=False, markup=False)
    # a resolved concern is no reason any more: say how it was resolved
    effects = readiness.concern_effects
    for concern in result.concerns or ():
        if concern.status == "verified" and effects.get(concern.id) == "resolved":
            console.print(
                f"  resolved: concern {concern.id} ({concern.severity}): {concern.title} "
                f"(verified: {concern.verification})",
                highlight=False,
                markup=False,
            )


def _item_figures(figures: dict) -> tuple[str, str]:
    if "pre_mean" in figures:
        return _f(figures["pre_mean"]), _f(figures["post_mean"])
    if "pre_rate" in figures:
        pre, post = figures["pre_rate"], figures["post_rate"]
        return (
            f"{pre:.0%}" if pre is not None else "–",
            f"{post:.0%}" if post is not None else "–",
        )
    if "pre_distribution" in figures:
        return _mode(figures["pre_distribution"]), _mode(figures["post_distribution"])
    return _mode(figures.get("pre_choice_rates", {})), _mode(figures.get("post_choice_rates", {}))


def _mode(shares: dict) -> str:
    present = {k: v for k, v in shares.items() if v is not None}
    if not present:
        return "–"
    top = max(present, key=lambda k: present[k])
    return f"{top} {present[top]:.0%}"
