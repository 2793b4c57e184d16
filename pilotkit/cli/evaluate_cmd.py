"""`pilotkit evaluate` and `pilotkit plan`: compare the waves; size the next pilot."""

from __future__ import annotations

import math
from pathlib import Path

import click

from pilotkit.errors import PilotkitError


@click.command()
@click.option(
    "--instrument",
    "instrument_ref",
    required=True,
    help="Instrument id (pilot-core) or path to its YAML file.",
)
@click.option(
    "--responses",
    "responses_path",
    required=True,
    type=click.Path(path_type=Path),
    help="Responses table, CSV or Parquet (contracts.md section 2).",
)
@click.option(
    "--alpha",
    default=0.05,
    show_default=True,
    type=float,
    help="Significance level; CIs are at 1 - alpha.",
)
@click.option(
    "--json",
    "json_path",
    type=click.Path(path_type=Path),
    default=None,
    help="Write summary.json here.",
)
@click.option(
    "--notes",
    "notes_path",
    type=click.Path(path_type=Path),
    default=None,
    help="Focus-group notes CSV (dimension, sentiment, severity, text, ...).",
)
@click.option(
    "--concerns",
    "concerns_path",
    type=click.Path(path_type=Path),
    default=None,
    help="Concern register CSV (pilotkit export-concerns): verified concerns no longer "
    "count, accepted risks count as conditional at most.",
)
@click.option(
    "--margin",
    type=float,
    default=None,
    help="Non-inferiority margin in scale points, fixed before the follow-up wave "
    "(default: 0.25 points on a 1-5 scale, the same share of other scales).",
)
@click.option(
    "--invited",
    "invited_specs",
    multiple=True,
    help="People invited: N for every wave, or WAVE=N (repeatable); unknown when not given.",
)
@click.option(
    "--min-response-rate",
    type=float,
    default=0.50,
    show_default=True,
    help="A wave answered by fewer than this share of those invited: conditional.",
)
@click.option(
    "--min-respondents",
    type=click.IntRange(1),
    default=10,
    show_default=True,
    help="Fewest respondents per wave for a readiness verdict.",
)
@click.option(
    "--reliability-threshold",
    type=float,
    default=0.70,
    show_default=True,
    help="Cronbach's alpha below this makes the verdict conditional.",
)
@click.option(
    "--attrition-amber",
    type=float,
    default=0.20,
    show_default=True,
    help="Attrition above this is flagged amber (conditional).",
)
@click.option(
    "--attrition-red",
    type=float,
    default=0.30,
    show_default=True,
    help="Attrition above this is flagged red (conditional).",
)
@click.option("--quiet", is_flag=True, help="Print nothing but errors (with --json).")
def evaluate(
    instrument_ref: str,
    responses_path: Path,
    alpha: float,
    json_path: Path | None,
    notes_path: Path | None,
    concerns_path: Path | None,
    margin: float | None,
    invited_specs: tuple[str, ...],
    min_response_rate: float,
    min_respondents: int,
    reliability_threshold: float,
    attrition_amber: float,
    attrition_red: float,
    quiet: bool,
) -> None:
    """Compare the pre and post waves of a responses table; print the table, write summary.json."""
    from evaluation import ReadinessRules, read_notes, read_responses
    from evaluation import evaluate as run_evaluation
    from evaluation.concerns import read_concerns
    from evaluation.render import print_result
    from pilotkit.instruments import load_instrument

    ReadinessRules(
        min_respondents_per_wave=min_respondents,
        reliability_threshold=reliability_threshold,
        attrition_amber=attrition_amber,
        attrition_red=attrition_red,
        min_response_rate=min_response_rate,
    ).check()
    if margin is not None and not (margin > 0 and math.isfinite(margin)):
        raise PilotkitError(f"--margin must be a positive number of scale points, not {margin}")
    if not 0 < alpha < 0.5:
        raise PilotkitError(f"--alpha must lie between 0 and 0.5, not {alpha}")
    invited = parse_invited(invited_specs)
    instrument = load_instrument(instrument_ref)
    responses = read_responses(responses_path)
    notes = read_notes(notes_path) if notes_path is not None else None
    concerns = read_concerns(concerns_path) if concerns_path is not None else None
    rules = ReadinessRules(
        min_respondents_per_wave=min_respondents,
        reliability_threshold=reliability_threshold,
        attrition_amber=attrition_amber,
        attrition_red=attrition_red,
        min_response_rate=min_response_rate,
    )
    result = run_evaluation(
        instrument,
        responses,
        alpha=alpha,
        margin=margin,
        notes=notes,
        rules=rules,
        invited=invited,
        concerns=concerns,
    )
    if json_path is not None:
        from evaluation.summary_io import write_summary

        try:
            write_summary(result, json_path)
        except OSError as exc:
            raise PilotkitError(f"{json_path}: cannot write the summary: {exc.strerror}") from None
    if not quiet:
        print_result(result)
        if json_path is not None:
            click.echo(f"summary written to {json_path}")


def parse_invited(specs: tuple[str, ...]) -> dict[str, int] | int | None:
    """`--invited 40` (every wave) or `--invited pre=40 --invited post=38`."""
    if not specs:
        return None
    per_wave: dict[str, int] = {}
    for spec in specs:
        wave, _, count = spec.rpartition("=")
        try:
            number = int(count)
        except ValueError:
            raise PilotkitError(f"--invited '{spec}' is not N or WAVE=N") from None
        if number < 0:
            raise PilotkitError(f"--invited '{spec}': N must be 0 or more")
        if not wave:
            if len(specs) > 1:
                raise PilotkitError("--invited: give one N for every wave, or WAVE=N for each")
            return number
        per_wave[wave.strip()] = number
    return per_wave


@click.command()
@click.option(
    "--effect",
    required=True,
    type=float,
    help="Smallest effect worth detecting (Cohen's d; d_z for a paired design).",
)
@click.option(
    "--design",
    type=click.Choice(["paired", "unpaired"]),
    default="paired",
    show_default=True,
    help="paired: the same people answer both waves; unpaired: two independent groups.",
)
@click.option(
    "--power",
    default=0.8,
    show_default=True,
    type=click.FloatRange(0, 1, min_open=True, max_open=True),
    help="Chance of detecting the effect when it is real.",
)
@click.option(
    "--alpha",
    default=0.05,
    show_default=True,
    type=click.FloatRange(0, 1, min_open=True, max_open=True),
    help="Significance level (two-sided).",
)
@click.option(
    "--areas",
    default=6,
    show_default=True,
    type=click.IntRange(1),
    help="Areas (dimensions) the verdict tests, Holm-corrected (pilot-core has 6).",
)
@click.option(
    "--margin",
    default=0.25,
    show_default=True,
    type=float,
    help="Non-inferiority margin in scale points.",
)
@click.option(
    "--sd",
    "sd_change",
    default=0.7,
    show_default=True,
    type=float,
    help="Assumed SD of the per-person change of an area score, in scale points.",
)
def plan(
    effect: float,
    design: str,
    power: float,
    alpha: float,
    areas: int,
    margin: float,
    sd_change: float,
) -> None:
    """Participants needed for the verdict to find an effect on every area (Holm across
    the areas), and the chance of a "ready" verdict at that size."""
    from evaluation.power import sample_size, verdict_sample_size

    if effect == 0:
        raise PilotkitError("--effect: the effect must not be 0")
    for name, value in (("--margin", margin), ("--sd", sd_change)):
        if not (value > 0 and math.isfinite(value)):
            raise PilotkitError(f"{name} must be a positive number, not {value}")
    level = alpha / areas
    holm = f", Holm across {areas} areas" if areas > 1 else ""
    try:
        size = sample_size(effect, design=design, power=power, alpha=level)  # type: ignore[arg-type]
    except ValueError as exc:
        raise PilotkitError(f"--effect: {exc}") from None
    if design == "unpaired":
        click.echo(
            f"{size.n} participants per wave, {size.total} in all (Welch/Student t-test, "
            f"d = {size.effect:g}, alpha = {alpha:g}{holm}, power = {power:g} per area; "
            f"achieved power {size.achieved_power:.3f})"
        )
        return
    verdict = verdict_sample_size(
        effect, areas=areas, margin=margin / sd_change, power=power, alpha=alpha
    )
    click.echo(
        f"{verdict.n} participants answering both waves (paired t-test, d_z = {abs(effect):g}, "
        f"alpha = {alpha:g}{holm}, power = {power:g} per area; achieved power "
        f"{verdict.area_power:.3f})"
    )
    click.echo(
        f"at {verdict.n} pairs, analytic (noncentral t, areas independent, other rules quiet): "
        f"P(ready) = {verdict.p_ready:.3f} with a margin of {margin:g} points "
        f"({verdict.margin:.2f} SD of the change); P(every area improved) >= "
        f"{verdict.p_all_improved:.3f}; one unadjusted t-test would need "
        f"{verdict.single_test_n}"
    )
