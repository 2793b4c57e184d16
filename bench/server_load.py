"""Load generator for bench/server_bench.py, run in its own process (loopback only).

Reads tokens (one per line), sends one submission per token (or GET /healthz as many
times) from `--concurrency` concurrent clients, and prints one JSON line: counts by
status, elapsed seconds, latencies, and the submission ids acknowledged with 201/200.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
import uuid
from pathlib import Path

import httpx

ANSWERS = {
    f"{prefix}_{n}": 4
    for prefix in ("prod", "proc", "comm", "org", "ease", "impact")
    for n in range(1, 5)
}


async def run(base: str, tokens: list[str], concurrency: int, mode: str, ack_file: Path | None):
    queue: asyncio.Queue[str] = asyncio.Queue()
    for token in tokens:
        queue.put_nowait(token)
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    acked: list[str] = []
    ack_handle = ack_file.open("a") if ack_file else None
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, timeout=30, limits=limits) as client:

        async def worker() -> None:
            while not queue.empty():
                token = queue.get_nowait()
                start = time.perf_counter()
                try:
                    if mode == "healthz":
                        response = await client.get("/healthz")
                    else:
                        submission_id = str(uuid.uuid4())
                        response = await client.post(
                            f"/api/v1/forms/{token}/submissions",
                            json={"submission_id": submission_id, "answers": ANSWERS},
                        )
                        if response.status_code in (200, 201):
                            acked.append(submission_id)
                            if ack_handle:
                                ack_handle.write(submission_id + "\n")
                                ack_handle.flush()
                    key = str(response.status_code)
                except httpx.HTTPError as exc:
                    key = type(exc).__name__
                latencies.append(time.perf_counter() - start)
                statuses[key] = statuses.get(key, 0) + 1

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    if ack_handle:
        ack_handle.close()
    latencies.sort()

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000

    return {
        "requests": len(latencies),
        "elapsed_s": elapsed,
        "per_s": len(latencies) / elapsed if elapsed else 0.0,
        "p50_ms": pct(0.50),
        "p99_ms": pct(0.99),
        "statuses": statuses,
        "acked": acked,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--tokens", required=True, type=Path)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--mode", choices=("submit", "healthz"), default="submit")
    parser.add_argument("--ack-file", type=Path, default=None)
    args = parser.parse_args()
    tokens = args.tokens.read_text().split()
    result = asyncio.run(run(args.base, tokens, args.concurrency, args.mode, args.ack_file))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
