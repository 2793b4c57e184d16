"""Run the report notebooks with papermill into `reports/<pilot>/<run-id>/`.

One run folder holds everything needed to read and to reproduce a report:

- `inputs/`: the instrument, responses, notes and concern register that were analysed
  (copied, with their SHA-256 in `run.json`), so a rerun never depends on files that
  may change later;
- `parameters.json`: every parameter the notebooks received, defaults included;
- `run.json`: when the run started and finished, its inputs' SHA-256, the parameters
  asked for, and `languages`: the reader's language (`asked`), the one of the report's
  own words (`texts`: English when it has none in `asked`) and of the instrument's
  questions and answers (`questions`);
- the executed notebooks, one code-free HTML per notebook (`report.html` for the main
  one), `summary.json` and the figures, all written by the notebooks themselves.

When a cell fails the executed notebook is kept as it stands (for debugging) and one
`ReportError` names the notebook, the cell and the error.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import logging
import os
import shutil
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pilotkit.errors import PilotkitError
from pilotkit.paths import project_root, reports_dir

if TYPE_CHECKING:
    from evaluation.reporting.kernels import KernelPool

#: The kernel named in every notebook's metadata (ipykernel's own, in the same venv).
KERNEL_NAME = "python3"

#: Parameters the runner fills in itself; `-p` cannot override them (`concerns_path`
#: comes from the concern register given as the extra input `concerns`).
RUNNER_PARAMETERS = (
    "instrument_path",
    "responses_path",
    "notes_path",
    "concerns_path",
    "output_dir",
)


class ReportError(PilotkitError):
    """A report run that could not finish; the message says where and why."""


@dataclass(frozen=True)
class NotebookSpec:
    """One notebook of a report run and the HTML file it becomes."""

    source: Path
    html_name: str
    #: run this notebook only when focus-group notes are given
    needs_notes: bool = False


@dataclass(frozen=True)
class ReportRequest:
    """What to analyse and how."""

    pilot: str
    instrument: Path
    responses: Path
    notes: Path | None = None
    overrides: Mapping[str, str] = field(default_factory=dict)
    out_root: Path | None = None
    run_id: str | None = None
    notebooks: tuple[NotebookSpec, ...] = ()
    #: extra files to copy into `inputs/`, each given to the notebooks as `<role>_path`
    #: (`concerns`: the concern register)
    extra_inputs: Mapping[str, Path] = field(default_factory=dict)
    #: also print the main HTML report to `report.pdf` (needs chromium)
    pdf: bool = False


@dataclass(frozen=True)
class ReportRun:
    """Where a finished run put its files."""

    run_dir: Path
    notebooks: list[Path]
    html: list[Path]
    parameters: dict[str, Any]

    @property
    def report_html(self) -> Path:
        return self.html[0]

    @property
    def summary(self) -> Path:
        return self.run_dir / "summary.json"


def notebooks_dir() -> Path:
    return project_root() / "notebooks"


def default_notebooks() -> tuple[NotebookSpec, ...]:
    folder = notebooks_dir()
    return (
        NotebookSpec(folder / "readiness_report.ipynb", "report.html"),
        NotebookSpec(folder / "focus_groups.ipynb", "focus_groups.html", needs_notes=True),
    )


def new_run_id(now: dt.datetime | None = None) -> str:
    """A sortable, unique-enough run id: UTC time to the second plus 4 random hex digits."""
    import secrets

    now = now or dt.datetime.now(dt.UTC)
    return f"{now:%Y%m%d-%H%M%S}-{secrets.token_hex(2)}"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def notebook_parameters(path: Path) -> dict[str, dict[str, Any]]:
    """The parameters declared in a notebook's `parameters` cell, as papermill reads them."""
    import papermill

    return papermill.inspect_notebook(str(path))


def coerce_parameter(name: str, raw: str, declared: Mapping[str, Any]) -> Any:
    """Turn a `-p NAME VALUE` string into the type the parameters cell declares."""
    type_name = str(declared.get("inferred_type_name") or "None").replace(" ", "")
    optional = "None" in type_name.split("|") or type_name.startswith("Optional")
    base = type_name.split("|")[0].removeprefix("Optional[").rstrip("]")
    if optional and raw.strip().lower() in ("", "none", "null"):
        return None
    try:
        if base == "float":
            return float(raw)
        if base == "int":
            return int(raw)
        if base == "bool":
            lowered = raw.strip().lower()
            if lowered in ("1", "true", "yes", "on"):
                return True
            if lowered in ("0", "false", "no", "off"):
                return False
            raise ValueError(raw)
    except ValueError:
        raise ReportError(
            f"parameter '{name}' must be {type_name.replace('|', ' or ')}, not '{raw}'"
        ) from None
    return raw


def resolve_parameters(
    specs: list[NotebookSpec], overrides: Mapping[str, str], fixed: Mapping[str, Any]
) -> dict[str, dict[str, Any]]:
    """Per notebook: the overrides it declares (typed) plus the fixed ones it declares.

    An override must be declared by at least one notebook of the run; a value is checked
    against the first notebook that declares it.
    """
    declared = {spec.source.name: notebook_parameters(spec.source) for spec in specs}
    known: dict[str, dict[str, Any]] = {}
    for parameters in declared.values():
        for name, info in parameters.items():
            known.setdefault(name, info)
    typed: dict[str, Any] = {}
    for name, raw in overrides.items():
        if name in RUNNER_PARAMETERS:
            raise ReportError(f"parameter '{name}' is set by the report command itself")
        if name not in known:
            names = ", ".join(n for n in known if n not in RUNNER_PARAMETERS)
            raise ReportError(f"unknown parameter '{name}' (the report's parameters: {names})")
        typed[name] = coerce_parameter(name, raw, known[name])
    return {
        notebook: {
            **{k: v for k, v in typed.items() if k in parameters},
            **{k: v for k, v in fixed.items() if k in parameters},
        }
        for notebook, parameters in declared.items()
    }


def _input_files(request: ReportRequest) -> dict[str, Path]:
    sources: dict[str, Path | None] = {
        "instrument": request.instrument,
        "responses": request.responses,
        "notes": request.notes,
        **request.extra_inputs,
    }
    files = {role: source for role, source in sources.items() if source is not None}
    for role, source in files.items():
        if not source.is_file():
            raise ReportError(f"{role} file '{source}' does not exist")
    return files


def _copy_inputs(files: Mapping[str, Path], run_dir: Path) -> dict[str, Path]:
    inputs = run_dir / "inputs"
    inputs.mkdir(parents=True, exist_ok=True)
    copied: dict[str, Path] = {}
    for role, source in files.items():
        target = inputs / f"{role}{''.join(source.suffixes[-1:])}"
        shutil.copyfile(source, target)
        copied[role] = target
    return copied


def run_report(
    request: ReportRequest,
    *,
    progress: bool = True,
    on_notebook: Callable[[str], None] | None = None,
    on_progress: Callable[[float, str], None] | None = None,
    kernels: KernelPool | None = None,
) -> ReportRun:
    """Execute the notebooks and export code-free HTML; raise `ReportError` on failure.

    `on_notebook(name)` is called as each notebook starts; `on_progress(fraction, stage)`
    as cells finish across all notebooks and as the HTML and PDF are written, with a
    fraction that only grows and ends at `(1.0, "Done")`; both may be called from
    several threads and must be cheap. With `kernels`, notebooks run on the pool's warm
    kernels; without, the run starts its own kernels first thing, so that they boot and
    import their libraries while this process copies the inputs and reads parameters.
    """
    from evaluation.reporting.kernels import KernelPool

    specs = request.notebooks or default_notebooks()
    for spec in specs:
        if not spec.source.is_file():
            raise ReportError(f"notebook '{spec.source}' is missing")
    run_id = request.run_id or new_run_id()
    # absolute: the kernels run the notebooks from a folder of their own
    run_dir = ((request.out_root or reports_dir()) / request.pilot / run_id).absolute()
    if run_dir.exists() and any(run_dir.iterdir()):
        raise ReportError(f"run folder '{run_dir}' already exists; choose another run id")
    files = _input_files(request)
    selected = [s for s in specs if not s.needs_notes or "notes" in files]
    run = functools.partial(
        _run,
        request,
        run_id,
        run_dir,
        files,
        selected,
        progress=progress,
        on_notebook=on_notebook,
        on_progress=on_progress,
    )
    if kernels is not None:
        return run(kernels)
    with KernelPool(len(selected), KERNEL_NAME, refill=False) as own:
        return run(own)


def _run(
    request: ReportRequest,
    run_id: str,
    run_dir: Path,
    files: Mapping[str, Path],
    selected: list[NotebookSpec],
    kernels: KernelPool,
    *,
    progress: bool,
    on_notebook: Callable[[str], None] | None,
    on_progress: Callable[[float, str], None] | None,
) -> ReportRun:
    from evaluation.reporting.html import export_notebook_html
    from evaluation.reporting.progress import RunProgress, code_cells

    tracker = RunProgress(on_progress, pages=len(selected), pdf=request.pdf)
    tracker.start("Preparing the run")
    run_dir.mkdir(parents=True, exist_ok=True)
    started_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    copied = _copy_inputs(files, run_dir)
    fixed: dict[str, Any] = {
        "instrument_path": str(copied["instrument"]),
        "responses_path": str(copied["responses"]),
        "notes_path": str(copied["notes"]) if "notes" in copied else "",
        "output_dir": str(run_dir),
        **{
            f"{role}_path": str(path)
            for role, path in copied.items()
            if role not in ("instrument", "responses", "notes")
        },
    }
    parameters = resolve_parameters(selected, request.overrides, fixed)
    if on_progress is not None:
        tracker.plan(
            {
                s.source.name: code_cells(s.source, injected=bool(parameters[s.source.name]))
                for s in selected
            }
        )
    run_record = {
        "run_id": run_id,
        "pilot": request.pilot,
        "started_at": started_at,
        "inputs": {role: {"file": p.name, "sha256": sha256_of(p)} for role, p in copied.items()},
        "overrides": dict(request.overrides),
    }
    languages = _languages_record(parameters[selected[0].source.name], copied["instrument"])
    if languages:
        run_record["languages"] = languages
    (run_dir / "parameters.json").write_text(json.dumps(parameters, indent=2) + "\n")

    # Kernels are released when the whole run is done, not as each notebook finishes: a
    # pool warms a replacement for each released kernel, and its imports would take the
    # CPU from the notebook still running and from the HTML export.
    used: list[Any] = []

    def run_one(spec: NotebookSpec) -> tuple[Path, Path]:
        name = spec.source.name
        if on_notebook is not None:
            on_notebook(name)
        target = run_dir / name
        km = kernels.acquire(cwd=run_dir)
        used.append(km)
        # one progress bar only: the main notebook's (they run side by side)
        notebook = _execute(
            spec.source,
            target,
            parameters[name],
            km,
            progress=progress and spec is selected[0],
            hooks=tracker.hooks(name),
        )
        page = export_notebook_html(notebook, run_dir / spec.html_name, page=spec.source.stem)
        main = spec is selected[0]
        tracker.page_done("Writing the HTML report" if main else f"Writing {spec.html_name}")
        return target, page

    executed: list[Path] = []
    html: list[Path] = []
    # Each notebook runs in its own kernel process, so two cores run two notebooks; the
    # first to finish writes its HTML while the other still runs.
    try:
        with ThreadPoolExecutor(max_workers=min(len(selected), os.cpu_count() or 1)) as pool:
            for target, page in pool.map(run_one, selected):
                executed.append(target)
                html.append(page)
    finally:
        for km in used:
            kernels.release(km)
    if request.pdf:
        from evaluation.reporting.pdf import html_to_pdf

        html_to_pdf(html[0], run_dir / "report.pdf")
        tracker.pdf_done("Printing the PDF")
    run_record["finished_at"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    (run_dir / "run.json").write_text(json.dumps(run_record, indent=2) + "\n")
    tracker.finish()
    return ReportRun(run_dir=run_dir, notebooks=executed, html=html, parameters=parameters)


def _languages_record(parameters: Mapping[str, Any], instrument_path: Path) -> dict[str, str]:
    """Which language each part of the report is in (see `i18n.report_languages_for`)."""
    from evaluation.reporting.i18n import UnknownLanguageError, report_languages_for
    from pilotkit.instruments import load_instrument

    asked = str(parameters.get("language") or "en")
    try:
        plan = report_languages_for(asked, load_instrument(instrument_path).languages)
    except (PilotkitError, UnknownLanguageError):
        return {}  # the notebook's own parameter check names the problem
    return {"asked": plan.asked, "texts": plan.texts, "questions": plan.questions}


def _execute(
    source: Path,
    target: Path,
    parameters: dict[str, Any],
    km: Any,
    *,
    progress: bool,
    hooks: Mapping[str, Any],
) -> Any:
    """Run one notebook on the kernel of `km` (which the caller owns); the executed one."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    # papermill formats the injected parameters with black when black imports, and warns
    # on every run when the installed black lacks the API it expects; the cell runs the
    # same either way, so the warning only clutters the report command's output
    logging.getLogger("papermill.translators").setLevel(logging.ERROR)

    try:
        # No `cwd=`: papermill would chdir this whole process (every thread of it); the
        # kernel was moved to the run folder instead. The executed notebook is written
        # once, when it finishes or a cell fails, not twice per cell (a tenth of a warm
        # run went into rewriting a notebook that grows to 2 MB of figures).
        return papermill.execute_notebook(
            str(source),
            str(target),
            parameters=parameters,
            kernel_name=KERNEL_NAME,
            progress_bar=progress,
            log_output=False,
            request_save_on_cell_execute=False,
            km=km,
            **hooks,
        )
    except PapermillExecutionError as exc:
        first_line = next((ln for ln in exc.source.splitlines() if ln.strip()), "").strip()
        raise ReportError(
            f"{source.name}, cell {exc.cell_index + 1} ('{first_line[:60]}'): "
            f"{exc.ename}: {exc.evalue.strip()} (the partial notebook is kept in {target})"
        ) from None
