"""Warm Jupyter kernels for report runs.

Starting a kernel and importing pandas, scipy, matplotlib, seaborn and `evaluation` in
it takes longer than a report's own work. A `KernelPool` pays that ahead of time: it
starts kernels in the background and runs a preload in each that only imports modules
(names are not left in the notebook's namespace, and the execution counter does not
move). Each kernel runs exactly one notebook and is then shut down, so no state passes
from one run to the next; a replacement is warmed in the background.

All kernel life-cycle work (start, preload, change of directory, shutdown) runs on one
private asyncio loop thread, where each kernel manager's own sockets live; notebooks are
executed by nbclient from the caller's thread through a client of its own.
"""

from __future__ import annotations

import asyncio
import atexit
import shutil
import signal
import tempfile
import threading
from collections import deque
from collections.abc import Coroutine, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any, Self, TypeVar

from jupyter_client.manager import AsyncKernelManager

from evaluation.reporting.kernel_client import PromptClient
from pilotkit.errors import PilotkitError

T = TypeVar("T")

#: Imports (inside a function, so no name lands in the notebook's namespace): the
#: libraries the report notebooks use, with matplotlib on the Agg backend as they set it;
#: and figures drawn by worker processes while the notebook goes on (a report kernel has
#: the machine's cores to itself, an analyst's JupyterLab kernel draws in place), after a
#: first throw-away drawing that loads fonts and caches for the workers to inherit.
PRELOAD = """\
def _pilotkit_preload():
    import matplotlib

    matplotlib.use("Agg")
    import IPython.display
    import matplotlib.pyplot
    import numpy
    import pandas
    import scipy.stats
    import seaborn

    import evaluation.engine
    import evaluation.io
    import evaluation.reporting.figures
    import evaluation.reporting.html_blocks
    import evaluation.reporting.parameters
    import evaluation.reporting.tables
    import evaluation.summary_io
    import pilotkit.instruments

    evaluation.reporting.figures.draw_in_background()
    evaluation.reporting.figures.warm_up()


_pilotkit_preload()
del _pilotkit_preload
"""


class KernelPoolError(PilotkitError):
    """A kernel of the pool could not be started, prepared or handed out."""


class KernelPool:
    """`size` warm kernels, each used for one notebook and then replaced.

    Thread-safe: `acquire` may be called from any thread. Use as a context manager, or
    call `close`, which shuts down every kernel the pool started (in use or not).
    """

    def __init__(
        self,
        size: int = 2,
        kernel_name: str = "python3",
        *,
        preload: str = PRELOAD,
        refill: bool = True,
        startup_timeout: float = 60.0,
    ) -> None:
        if size < 1:
            raise ValueError(f"a kernel pool needs at least one kernel, not {size}")
        self.size = size
        self.kernel_name = kernel_name
        self.preload = preload
        self.refill = refill
        self.startup_timeout = startup_timeout
        self._lock = threading.Condition()
        self._ready: deque[AsyncKernelManager] = deque()
        self._in_use: set[AsyncKernelManager] = set()
        self._warming = 0
        self._waiting = 0
        self._started = 0
        self._failure: BaseException | None = None
        self._closed = False
        # kernels start in an empty folder, so no module beside the caller's working
        # directory can shadow an installed one; a run moves its kernel to the run folder
        self._home = Path(tempfile.mkdtemp(prefix="pilotkit-kernels-"))
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="pilotkit-kernel-pool", daemon=True
        )
        self._thread.start()
        atexit.register(self.close)
        with self._lock:
            for _ in range(size):
                self._spawn()

    # -- public API -------------------------------------------------------------------

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def acquire(self, cwd: Path | str | None = None, timeout: float | None = None) -> Any:
        """A warm kernel manager, moved to `cwd` when given; the caller must `release` it.

        Waits for a kernel that is warming; when none is warming for this caller (all
        handed out), starts one more at once: a cold start, as without a pool. A kernel
        that died while it waited is replaced, a few times at most.
        """
        for attempt in range(3):
            km = self._take(timeout)
            code = f"import os\nos.chdir({str(cwd)!r})\n" if cwd is not None else "pass\n"
            try:
                self._run(self._execute(km, code))  # also proves the kernel alive
            except Exception:
                self.release(km)
                if attempt == 2:
                    raise
                continue
            return km
        raise AssertionError("unreachable")

    def _take(self, timeout: float | None) -> AsyncKernelManager:
        with self._lock:
            self._waiting += 1
            try:
                while not self._ready:
                    if self._closed:
                        raise KernelPoolError("the kernel pool is closed")
                    if self._failure is not None and not self._warming:
                        raise KernelPoolError(f"no kernel could be started: {self._failure}")
                    if self._warming < self._waiting:
                        self._spawn()
                    if not self._lock.wait(timeout):
                        raise KernelPoolError(f"no kernel was ready within {timeout:.0f} s")
                km = self._ready.popleft()
                self._in_use.add(km)
                return km
            finally:
                self._waiting -= 1

    def release(self, km: Any) -> None:
        """Shut a used kernel down (in the background) and warm its replacement."""
        with self._lock:
            self._in_use.discard(km)
            self._schedule(self._shutdown(km))
            self._refill()

    def wait_ready(self, timeout: float | None = None) -> None:
        """Block until `size` kernels are warm (e.g. before timing a run)."""
        with self._lock:
            ok = self._lock.wait_for(
                lambda: (
                    self._closed
                    or len(self._ready) >= self.size
                    or (self._failure is not None and not self._warming)
                ),
                timeout,
            )
            if self._failure is not None and len(self._ready) < self.size:
                raise KernelPoolError(f"no kernel could be started: {self._failure}")
            if not ok:
                raise KernelPoolError(f"the kernels were not ready within {timeout:.0f} s")

    def stop_in_use(self) -> None:
        """Kill every kernel handed out: the notebooks running on them fail at once."""
        with self._lock:
            managers = list(self._in_use)
        for km in managers:
            self._schedule(km.signal_kernel(signal.SIGKILL))

    @contextmanager
    def kernel(self, cwd: Path | str | None = None) -> Iterator[Any]:
        """`acquire` and, whatever happens, `release` one kernel."""
        km = self.acquire(cwd)
        try:
            yield km
        finally:
            self.release(km)

    @property
    def folder(self) -> Path:
        """The pool's private folder: kernels' connection files and IPC sockets."""
        return self._home

    def kernel_pids(self) -> list[int]:
        """Process ids of the kernels the pool holds now (ready or in use)."""
        with self._lock:
            managers = [*self._ready, *self._in_use]
        return [pid for km in managers if (pid := _pid(km)) is not None]

    def close(self) -> None:
        """Shut down every kernel the pool started and stop its thread; idempotent.

        Kernels in use are shut down too (their notebooks fail); kernels still starting
        are stopped where they are.
        """
        with self._lock:
            if self._closed:
                return
            self._closed = True
            managers = [*self._ready, *self._in_use]
            self._ready.clear()
            self._in_use.clear()
            self._lock.notify_all()
        atexit.unregister(self.close)
        try:
            self._run(self._close_all(managers))
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=10)
            if not self._thread.is_alive():
                self._loop.close()
            shutil.rmtree(self._home, ignore_errors=True)

    # -- inside the pool (the loop thread) ----------------------------------------------

    def _refill(self) -> None:
        """Warm replacements up to `size`; the caller holds the lock.

        Not while a kernel of the pool runs a notebook: on a small machine a kernel
        importing its libraries would slow that run down. A caller that finds no kernel
        starts one itself (see `acquire`).
        """
        if not self.refill or self._closed or self._in_use:
            return
        for _ in range(self.size - len(self._ready) - self._warming):
            self._spawn()

    def _spawn(self) -> None:
        """Start warming one kernel; the caller holds the lock."""
        self._warming += 1
        self._schedule(self._start())

    def _schedule(self, coroutine: Coroutine[Any, Any, Any]) -> None:
        asyncio.run_coroutine_threadsafe(coroutine, self._loop)

    def _run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result()

    async def _start(self) -> None:
        task = asyncio.current_task()
        if task is not None:
            task.set_name(_STARTING)
        self._started += 1
        # IPC sockets in the pool's private folder rather than TCP ports on localhost:
        # nothing else on the machine can reach the kernel, and ipykernel has no reason
        # to warn about unencrypted TCP on the report command's error output
        name = self._home / f"kernel-{self._started}"
        km = AsyncKernelManager(
            kernel_name=self.kernel_name,
            client_factory=PromptClient,
            transport="ipc",
            ip=str(name),
            connection_file=f"{name}.json",
        )
        ready = False
        try:
            if self._closed:
                raise asyncio.CancelledError
            # IPython's history goes to memory, as nbclient arranges for its own kernels:
            # kernels running side by side would otherwise contend for one SQLite file
            await km.start_kernel(
                cwd=str(self._home), extra_arguments=["--HistoryManager.hist_file=:memory:"]
            )
            await self._execute(km, self.preload)
            ready = True
        except Exception as exc:
            with self._lock:
                self._failure = exc  # reported by `acquire`
        finally:
            with self._lock:
                self._warming -= 1
                keep = ready and not self._closed
                if keep:
                    self._failure = None
                    self._ready.append(km)
                self._lock.notify_all()
            if not keep:
                await self._shutdown(km)

    async def _execute(self, km: AsyncKernelManager, code: str) -> None:
        """Run `code` silently (no output, no execution count) and fail on an error."""
        client = km.client()
        client.start_channels()
        try:
            await client.wait_for_ready(timeout=self.startup_timeout)
            reply = await client.execute_interactive(
                code,
                silent=True,
                store_history=False,
                timeout=self.startup_timeout,
                output_hook=lambda _msg: None,
            )
        finally:
            client.stop_channels()
        content = reply["content"]
        if content.get("status") != "ok":
            raise KernelPoolError(
                f"kernel preparation failed: {content.get('ename')}: {content.get('evalue')}"
            )

    async def _shutdown(self, km: AsyncKernelManager) -> None:
        """Stop a kernel at once: SIGKILL to its process group (the kernel and its figure
        workers), then wait for it to exit.

        A pool kernel holds nothing to save: its notebook has finished (outputs and files
        written) and its history lives in memory. A polite shutdown request would only
        let the interpreter tear down pandas, scipy and matplotlib first, which took
        0.6-0.8 s per kernel; and `shutdown_kernel` interrupts the kernel first, which
        an idle ipykernel logs as a KeyboardInterrupt on the report command's output.
        """
        try:
            if km.has_kernel:
                await km.signal_kernel(signal.SIGKILL)
                await km.finish_shutdown(pollinterval=0.01)
        finally:
            await km.cleanup_resources()

    async def _close_all(self, managers: list[AsyncKernelManager]) -> None:
        me = asyncio.current_task()
        for task in asyncio.all_tasks():
            if task is not me and task.get_name() == _STARTING:
                task.cancel()
        await asyncio.gather(*(self._shutdown(km) for km in managers), return_exceptions=True)
        # every start and shutdown still under way, so that no process outlives close()
        others = [task for task in asyncio.all_tasks() if task is not me]
        await asyncio.gather(*others, return_exceptions=True)


_STARTING = "pilotkit-kernel-start"


def _pid(km: AsyncKernelManager) -> int | None:
    process = getattr(km.provisioner, "process", None)
    return getattr(process, "pid", None)
