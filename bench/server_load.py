"""Load generator for bench/server_bench.py, run in its own process (loopback only).

Reads tokens (one per line), sends one submission per token (or as many GET /ping) from
`--concurrency` concurrent clients, and prints one JSON line: counts by status, elapsed
seconds, latencies, and the submission ids acknowledged with 201/200.

Each client is a plain HTTP/1.1 keep-alive connection on asyncio streams: on 2 cores a
general-purpose client library would spend more CPU than the server it measures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

ANSWERS = {
    f"{prefix}_{n}": 4
    for prefix in ("prod", "proc", "comm", "org", "ease", "impact")
    for n in range(1, 5)
}


class Connection:
    """One keep-alive HTTP/1.1 connection (responses carry Content-Length)."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, path: str, body: bytes = b"") -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        head = (
            f"{method} {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        self.writer.write(head.encode() + body)
        await self.writer.drain()
        status_line = await self.reader.readline()
        if not status_line:
            raise ConnectionError("connection closed")
        status = int(status_line.split()[1])
        length = 0
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b""):
                break
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        return status, await self.reader.readexactly(length)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


async def run(
    base: str, tokens: list[str], concurrency: int, mode: str, ack_file: Path | None
) -> dict:
    parts = urlsplit(base)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    queue: asyncio.Queue[str] = asyncio.Queue()
    for token in tokens:
        queue.put_nowait(token)
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    acked: list[str] = []
    ack_handle = ack_file.open("a") if ack_file else None

    async def worker() -> None:
        connection = Connection(host, port)
        while not queue.empty():
            token = queue.get_nowait()
            start = time.perf_counter()
            try:
                if mode == "ping":
                    status, _ = await connection.request("GET", "/ping")
                else:
                    submission_id = str(uuid.uuid4())
                    body = json.dumps({"submission_id": submission_id, "answers": ANSWERS})
                    status, _ = await connection.request(
                        "POST", f"/api/v1/forms/{token}/submissions", body.encode()
                    )
                    if status in (200, 201):
                        acked.append(submission_id)
                        if ack_handle:
                            ack_handle.write(submission_id + "\n")
                            ack_handle.flush()
                key = str(status)
            except (OSError, ConnectionError, asyncio.IncompleteReadError, ValueError) as exc:
                key = type(exc).__name__
                connection.close()
            latencies.append(time.perf_counter() - start)
            statuses[key] = statuses.get(key, 0) + 1
        connection.close()

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
    parser.add_argument("--mode", choices=("submit", "ping"), default="submit")
    parser.add_argument("--ack-file", type=Path, default=None)
    args = parser.parse_args()
    tokens = args.tokens.read_text().split()
    result = asyncio.run(run(args.base, tokens, args.concurrency, args.mode, args.ack_file))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
