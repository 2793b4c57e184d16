"""Staff side, measured side by side in one run.

1. Responses export over HTTP: the streamed CSV (batches from the database) against
   building the whole CSV in memory first; wall time and peak Python memory
   (tracemalloc) for a pilot of SUBMISSIONS submissions on a SQLite file.
2. Sign-in: argon2id verification in a worker thread (as the server does) against on
   the event loop, while 8 sign-ins run at once: the longest stall a 1 ms ticker on the
   loop sees (what every other request would wait), and the total time.
"""

from __future__ import annotations

import asyncio
import csv
import io
import tempfile
import time
import tracemalloc
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path

from pilotkit.instruments import load_instrument_file
from pilotkit.paths import project_root
from survey_server.connection import connected
from survey_server.services import accounts
from survey_server.services.export import COLUMNS, response_batches
from survey_server.services.forms import open_form, submit
from survey_server.services.invitations import invite
from survey_server.services.pilots import create_pilot, set_wave_status

SUBMISSIONS = 4000
CONCURRENT_SIGN_INS = 8


async def _seed(engine: object) -> None:
    instrument = load_instrument_file(project_root() / "instruments" / "pilot-core.yaml")
    await create_pilot(engine, slug="bench", instrument=instrument)  # type: ignore[arg-type]
    await set_wave_status(engine, "bench", "pre", "open")  # type: ignore[arg-type]
    invitations = await invite(engine, "bench", SUBMISSIONS)  # type: ignore[arg-type]
    context = await open_form(engine, invitations[0].token)  # type: ignore[arg-type]
    answers = {i.id: 3 for i in context.instrument.items_in_wave("pre") if i.type == "likert"}
    for invitation in invitations:
        await submit(engine, invitation.token, uuid.uuid4(), answers)  # type: ignore[arg-type]


async def _streamed(engine: object) -> int:
    size = len(",".join(COLUMNS))
    async for batch in response_batches(engine, "bench"):  # type: ignore[arg-type]
        buffer = io.StringIO()
        csv.writer(buffer).writerows((p, w, i, v, at.isoformat()) for p, w, i, v, at in batch)
        size += len(buffer.getvalue())  # handed to the socket, then dropped
    return size


async def _whole(engine: object) -> int:
    rows = []
    async for batch in response_batches(engine, "bench"):  # type: ignore[arg-type]
        rows.extend(batch)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    writer.writerows((p, w, i, v, at.isoformat()) for p, w, i, v, at in rows)
    return len(buffer.getvalue())


async def _measure(action: Callable[[], Awaitable[int]]) -> tuple[float, float, int]:
    tracemalloc.start()
    start = time.perf_counter()
    size = await action()
    elapsed = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return elapsed, peak / 1e6, size


async def _stall_during(work: Callable[[], Awaitable[object]]) -> tuple[float, float]:
    """Longest gap between 1 ms ticks on the loop while `work` runs, and its duration."""
    longest = 0.0
    running = True

    async def ticker() -> None:
        nonlocal longest
        last = time.perf_counter()
        while running:
            await asyncio.sleep(0.001)
            now = time.perf_counter()
            longest = max(longest, now - last)
            last = now

    task = asyncio.create_task(ticker())
    start = time.perf_counter()
    await work()
    elapsed = time.perf_counter() - start
    running = False
    await task
    return longest * 1000, elapsed * 1000


async def _bench(folder: Path) -> None:
    async with connected(f"sqlite:///{folder / 'bench.sqlite3'}") as engine:
        print(f"seeding {SUBMISSIONS} submissions of pilot-core ...")
        await _seed(engine)
        streamed = await _measure(lambda: _streamed(engine))
        whole = await _measure(lambda: _whole(engine))
        print(f"responses CSV, {streamed[2] / 1e6:.1f} MB")
        print(f"  streamed in batches : {streamed[0]:.2f} s, peak memory {streamed[1]:.1f} MB")
        print(f"  whole table first   : {whole[0]:.2f} s, peak memory {whole[1]:.1f} MB")
        print(f"  memory ratio whole/streamed: {whole[1] / streamed[1]:.1f}x")

        password_hash = await accounts.hash_password("a benchmark password")

        async def threaded() -> object:
            return await asyncio.gather(
                *(accounts._verify(password_hash, "wrong") for _ in range(CONCURRENT_SIGN_INS))
            )

        async def on_loop() -> object:
            async def one() -> bool:
                try:
                    return accounts._hasher.verify(password_hash, "wrong")
                except Exception:
                    return False

            return await asyncio.gather(*(one() for _ in range(CONCURRENT_SIGN_INS)))

        thread_stall, thread_total = await _stall_during(threaded)
        loop_stall, loop_total = await _stall_during(on_loop)
        print(f"{CONCURRENT_SIGN_INS} concurrent argon2id verifications")
        for label, stall, total in (
            ("in worker threads", thread_stall, thread_total),
            ("on the event loop", loop_stall, loop_total),
        ):
            print(f"  {label} : longest loop stall {stall:.1f} ms, total {total:.0f} ms")
        print(f"  stall ratio loop/thread: {loop_stall / max(thread_stall, 0.001):.0f}x")


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(_bench(Path(folder)))


if __name__ == "__main__":
    main()
