"""Evaluation at scale: 100,000 linked participants x 30 likert items x 2 waves.

Generates the responses table (6 million answers) with a fixed seed, writes it as
Parquet and CSV, then measures, each in a fresh subprocess (wall time and peak resident
memory from `resource.getrusage(RUSAGE_CHILDREN)`):

* the full evaluation (`evaluation.evaluate`: read, validate, pivot, every test, the
  summary) from the Parquet file and from the CSV file;
* the same per-dimension tests done the usual way: pingouin.ttest per dimension in a
  loop (pivoting with pandas first), on the same Parquet file;

and prints the ratio, plus the scaling of the full evaluation over 25k, 50k and 100k
participants. `--quick` runs 10k participants and skips the scaling.

Run: `python -m bench` or `python -m bench.evaluation_bench [--quick]`.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

SEED = 20261123
N_ITEMS = 30
N_DIMENSIONS = 6


def instrument_mapping() -> dict:
    dims = [f"dim{d}" for d in range(N_DIMENSIONS)]
    per = N_ITEMS // N_DIMENSIONS
    return {
        "id": "bench-30",
        "version": 1,
        "title": "Benchmark instrument",
        "languages": ["en"],
        "scale": {"min": 1, "max": 5},
        "dimensions": [{"id": d, "label": d} for d in dims],
        "items": [
            {
                "id": f"q{i:02d}",
                "type": "likert",
                "dimension": dims[i // per],
                "reverse": i % 5 == 4,
                "text": f"Question {i}",
            }
            for i in range(N_ITEMS)
        ],
    }


def generate(n_participants: int, folder: Path) -> tuple[Path, Path, Path]:
    """Write the instrument, and the responses as Parquet and CSV; return the paths."""
    rng = np.random.default_rng(SEED)
    instrument = folder / "bench-30.yaml"
    instrument.write_text(yaml.safe_dump(instrument_mapping()), encoding="utf-8")
    trait = rng.normal(0, 0.8, size=(n_participants, N_DIMENSIONS))
    frames = []
    for wave, shift in (("pre", 0.0), ("post", 0.15)):
        dim_of_item = np.arange(N_ITEMS) // (N_ITEMS // N_DIMENSIONS)
        latent = 3 + trait[:, dim_of_item] + shift + rng.normal(0, 0.9, (n_participants, N_ITEMS))
        raw = np.clip(np.rint(latent), 1, 5).astype(int)
        reverse = np.arange(N_ITEMS) % 5 == 4
        raw[:, reverse] = 6 - raw[:, reverse]
        frames.append(
            pd.DataFrame(
                {
                    "participant_id": np.repeat(
                        [f"P{p:06d}" for p in range(n_participants)], N_ITEMS
                    ),
                    "wave": wave,
                    "item_id": np.tile([f"q{i:02d}" for i in range(N_ITEMS)], n_participants),
                    "value": raw.ravel().astype(str),
                }
            )
        )
    table = pd.concat(frames, ignore_index=True)
    parquet = folder / f"responses_{n_participants}.parquet"
    csv = folder / f"responses_{n_participants}.csv"
    table.to_parquet(parquet, index=False)
    table.to_csv(csv, index=False)
    return instrument, parquet, csv


ENGINE_SCRIPT = textwrap.dedent(
    """
    import json, sys, time
    start = time.perf_counter()
    from evaluation import evaluate, read_responses
    from pilotkit.instruments import load_instrument
    result = evaluate(load_instrument(sys.argv[1]), read_responses(sys.argv[2]))
    summary = result.to_summary()
    json.dumps(summary, allow_nan=False)
    print(json.dumps({"seconds": time.perf_counter() - start,
                      "t": [d["statistic"] for d in summary["dimensions"]]}))
    """
)

PINGOUIN_SCRIPT = textwrap.dedent(
    """
    import json, sys, time
    start = time.perf_counter()
    import pandas as pd, pingouin as pg, yaml
    inst = yaml.safe_load(open(sys.argv[1]))
    data = pd.read_parquet(sys.argv[2])
    data["value"] = pd.to_numeric(data["value"])
    reverse = {i["id"] for i in inst["items"] if i.get("reverse")}
    rev = data["item_id"].isin(reverse)
    data.loc[rev, "value"] = 6 - data.loc[rev, "value"]
    dims = {i["id"]: i["dimension"] for i in inst["items"]}
    data["dimension"] = data["item_id"].map(dims)
    t = []
    for dim, part in data.groupby("dimension", sort=True):
        scores = part.pivot_table(index="participant_id", columns="wave", values="value",
                                  aggfunc="mean").dropna()
        res = pg.ttest(scores["post"], scores["pre"], paired=True)
        t.append(float(res["T"].iloc[0]))
    print(json.dumps({"seconds": time.perf_counter() - start, "t": t}))
    """
)


def run_measured(script: str, *args: str) -> dict:
    """Run a script in a fresh interpreter; wall time and its peak RSS (MB)."""
    wrapper = textwrap.dedent(
        f"""
        import resource, subprocess, sys, json
        proc = subprocess.run([sys.executable, "-c", {script!r}, *sys.argv[1:]],
                              capture_output=True, text=True)
        if proc.returncode:
            sys.stderr.write(proc.stderr); sys.exit(1)
        out = json.loads(proc.stdout.strip().splitlines()[-1])
        out["peak_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(json.dumps(out))
        """
    )
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", wrapper, *args], capture_output=True, text=True, check=False
    )
    if proc.returncode:
        raise RuntimeError(proc.stderr)
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result["wall"] = time.perf_counter() - start
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.evaluation_bench")
    parser.add_argument("--quick", action="store_true", help="10k participants, no scaling")
    args, _ = parser.parse_known_args(argv)
    size = 10_000 if args.quick else 100_000
    with tempfile.TemporaryDirectory(prefix="pilotkit-bench-") as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        instrument, parquet, csv = generate(size, folder)
        answers = size * N_ITEMS * 2
        print(
            f"data: {size:,} participants x {N_ITEMS} likert items x 2 waves = {answers:,} "
            f"answers (seed {SEED}); generated in {time.perf_counter() - started:.1f} s; "
            f"CSV {csv.stat().st_size / 1e6:.0f} MB, Parquet {parquet.stat().st_size / 1e6:.1f} MB"
        )
        engine_pq = run_measured(ENGINE_SCRIPT, str(instrument), str(parquet))
        engine_csv = run_measured(ENGINE_SCRIPT, str(instrument), str(csv))
        loop = run_measured(PINGOUIN_SCRIPT, str(instrument), str(parquet))
        same = np.allclose(engine_pq["t"], loop["t"], rtol=1e-9)
        print(f"{'run':<44}{'wall s':>9}{'in-process s':>14}{'peak MB':>10}")
        for name, row in (
            ("evaluate (full), from Parquet", engine_pq),
            ("evaluate (full), from CSV", engine_csv),
            ("pingouin.ttest per dimension loop, Parquet", loop),
        ):
            print(f"{name:<44}{row['wall']:>9.2f}{row['seconds']:>14.2f}{row['peak_mb']:>10.0f}")
        print(
            "ratio pingouin loop / evaluate (Parquet, wall): "
            f"{loop['wall'] / engine_pq['wall']:.2f}x"
            f"; same t statistics: {same}"
        )
        target = engine_pq["wall"] < 10 and engine_csv["wall"] < 10
        memory = max(engine_pq["peak_mb"], engine_csv["peak_mb"]) < 2048
        print(f"target under 10 s and 2 GB: {'met' if target and memory else 'NOT met'}")
        if args.quick:
            return
        print("scaling (evaluate from Parquet):")
        for n in (25_000, 50_000, 100_000):
            sub = folder / f"scale_{n}"
            sub.mkdir()
            inst_n, pq_n, _ = generate(n, sub)
            row = run_measured(ENGINE_SCRIPT, str(inst_n), str(pq_n))
            print(
                f"  {n:>7,} participants: {row['wall']:6.2f} s wall, {row['seconds']:6.2f} s "
                f"in-process, {row['peak_mb']:6.0f} MB, "
                f"{row['seconds'] / (n / 1e5):.2f} s per 100k"
            )


if __name__ == "__main__":
    main()
