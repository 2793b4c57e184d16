"""Participants' requests at a steady rate, for bench/outreach_bench.py (own process).

Open loop: a request starts every 1/rate seconds whatever the server's speed (a slow
server does not slow the load down, as real participants would not), two in three open
the form page (`GET /f/{token}`), one in three saves a draft (`PUT .../draft`). Runs
until `--stop-file` exists, then prints one JSON line: count, statuses, p50, p99, max.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from pathlib import Path
from urllib.parse import urlsplit

from bench.server_load import Connection

DRAFT = json.dumps({"answers": {"prod_1": 3}}).encode()
#: uvicorn closes keep-alive connections idle for 5 s; never reuse one that old
IDLE_S = 4.0


async def run(base: str, tokens: list[str], rate: float, stop_file: Path) -> dict:
    parts = urlsplit(base)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    idle: list[tuple[Connection, float]] = []
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    tasks: set[asyncio.Task[None]] = set()

    async def one(number: int) -> None:
        connection = None
        while idle and connection is None:
            candidate, since = idle.pop()
            if time.perf_counter() - since < IDLE_S:
                connection = candidate
            else:
                candidate.close()
        connection = connection or Connection(host, port)
        token = tokens[number % len(tokens)]
        start = time.perf_counter()
        try:
            if number % 3 == 2:
                status, _ = await connection.request("PUT", f"/api/v1/forms/{token}/draft", DRAFT)
            else:
                status, _ = await connection.request("GET", f"/f/{token}")
            key = str(status)
            idle.append((connection, time.perf_counter()))
        except (OSError, ConnectionError, asyncio.IncompleteReadError, ValueError) as exc:
            key = type(exc).__name__
            connection.close()
        latencies.append(time.perf_counter() - start)
        statuses[key] = statuses.get(key, 0) + 1

    interval = 1.0 / rate
    started = time.perf_counter()
    number = 0
    while not stop_file.exists():
        number += 1
        task = asyncio.create_task(one(number))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
        await asyncio.sleep(max(0.0, started + number * interval - time.perf_counter()))
    await asyncio.gather(*tasks)
    for connection, _ in idle:
        connection.close()
    latencies.sort()

    def pct(p: float) -> float:
        if not latencies:
            return 0.0
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000

    return {
        "requests": len(latencies),
        "statuses": statuses,
        "p50_ms": pct(0.50),
        "p99_ms": pct(0.99),
        "max_ms": latencies[-1] * 1000 if latencies else 0.0,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--tokens", required=True, type=Path)
    parser.add_argument("--rate", type=float, default=40.0)
    parser.add_argument("--stop-file", required=True, type=Path)
    args = parser.parse_args()
    tokens = args.tokens.read_text().split()
    print(json.dumps(asyncio.run(run(args.base, tokens, args.rate, args.stop_file))))


if __name__ == "__main__":
    main()
