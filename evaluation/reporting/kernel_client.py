"""A kernel client that connects without jupyter_client's fixed 0.2 s wait."""

from __future__ import annotations

import time
from queue import Empty

from jupyter_client.asynchronous import AsyncKernelClient


class PromptClient(AsyncKernelClient):
    """A kernel client that is ready as soon as IOPub carries its own request's status.

    jupyter_client's `wait_for_ready` ends by waiting for 0.2 s of silence on IOPub, on
    every connection; nbclient connects once per notebook, so a warm kernel would spend
    more time being greeted than running a short notebook. Seeing the kernel go idle
    after our `kernel_info` request on IOPub proves the same two things: the kernel
    answers, and the IOPub subscription is live (everything older has been read).
    """

    async def wait_for_ready(self, timeout: float | None = None) -> None:
        deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
        while True:
            msg_id = self.kernel_info()
            try:
                reply = await self._async_recv_reply(msg_id, timeout=1.0)
            except TimeoutError:
                reply = None
            if reply is not None and await self._idle_after(msg_id, within=1.0):
                self._handle_kernel_info_reply(reply)
                return
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")

    async def _idle_after(self, msg_id: str, within: float) -> bool:
        until = time.monotonic() + within
        while (left := until - time.monotonic()) > 0:
            try:
                msg = await self._async_get_iopub_msg(timeout=left)
            except Empty:
                return False
            if (
                msg["msg_type"] == "status"
                and msg["parent_header"].get("msg_id") == msg_id
                and msg["content"].get("execution_state") == "idle"
            ):
                return True
        return False
