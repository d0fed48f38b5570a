"""Private Jupyter helpers shared by the handout batch and the servers (``hipball app``).

``apply()``: a guard against the lost-wake-up hang in Jupyter messaging (PITFALLS.md:
nbclient issue 312). ``AsyncZMQSocketChannel.get_msg`` waits on one ``poll``; when the
wake-up is lost, it waits forever although the reply is there. Polling in short slices until
the real timeout recovers it. The handout notebook and the apps write into no Output widget,
so the hang should not happen at all; the batch and Voila (``voila_config/voila.py``) load
this anyway, as cheap insurance (0.5 s slices).

``VOILA_CONFIG_DIR``: the folder Voila is pointed at (``--Voila.config_file_paths``).
"""

from __future__ import annotations

import time
from pathlib import Path

VOILA_CONFIG_DIR = Path(__file__).resolve().parent / "voila_config"

SLICE_S = 0.5
_applied = False


def apply() -> bool:
    """Patch once per process. Returns True when the patch is (now) in place."""
    global _applied
    if _applied:
        return True
    from queue import Empty

    from jupyter_client.channels import AsyncZMQSocketChannel

    original = AsyncZMQSocketChannel.get_msg

    async def get_msg(self, timeout: float | None = None):
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            step = SLICE_S if left is None else min(SLICE_S, left)
            ready = await self.socket.poll(int(step * 1000))
            if ready:
                return await self._recv()
            if deadline is not None and time.monotonic() >= deadline:
                raise Empty

    get_msg.__wrapped__ = original  # type: ignore[attr-defined]
    AsyncZMQSocketChannel.get_msg = get_msg  # type: ignore[method-assign]
    _applied = True
    return True
