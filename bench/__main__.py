"""`python -m bench [--quick]`: run every benchmark of `bench.BENCHMARKS`, one after another."""

from __future__ import annotations

import importlib
import sys

from bench import BENCHMARKS


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    for name in BENCHMARKS:
        print(f"== {name}", flush=True)
        importlib.import_module(name).main(argv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
