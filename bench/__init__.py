"""Benchmarks: `python -m bench` runs every module listed in `BENCHMARKS` and prints figures."""

#: Modules with a `main(argv)` function, run in this order by `python -m bench`.
BENCHMARKS: list[str] = [
    "bench.evaluation_bench",
]
