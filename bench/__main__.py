"""`python -m bench [NAME ...] [--quick]`: run every `bench/*_bench.py` (or those named).

Each module has a `main(argv)`; options (arguments starting with `-`) are passed on,
other arguments select benchmarks by a part of their name.
"""

from __future__ import annotations

import importlib
import inspect
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    options = [a for a in argv if a.startswith("-")]
    wanted = [a for a in argv if not a.startswith("-")]
    names = sorted(p.stem for p in Path(__file__).parent.glob("*_bench.py"))
    for name in names:
        if wanted and not any(w in name for w in wanted):
            continue
        print(f"== {name}", flush=True)
        entry = importlib.import_module(f"bench.{name}").main
        entry(options) if inspect.signature(entry).parameters else entry()
    return 0


if __name__ == "__main__":
    sys.exit(main())
