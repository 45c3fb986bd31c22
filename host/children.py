"""Child processes the host starts in a process group of their own (runtimes, workers):
stopping a whole group, and tying a child's life to its parent's."""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import os
import signal
import sys
from collections.abc import Callable

PR_SET_PDEATHSIG = 1
# Loaded here, in the parent: between fork and exec the child may only make the call.
_LIBC = ctypes.CDLL(None, use_errno=True) if sys.platform.startswith("linux") else None


def signal_group(pid: int, sig: signal.Signals) -> None:
    """``sig`` to the process group ``pid`` leads; nothing if it is gone already."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, sig)


async def stop_group(process: asyncio.subprocess.Process, grace_s: float) -> None:
    """SIGTERM to the child's group; SIGKILL after ``grace_s``."""
    if process.returncode is not None:
        return
    signal_group(process.pid, signal.SIGTERM)
    try:
        await asyncio.wait_for(process.wait(), grace_s)
    except TimeoutError:
        signal_group(process.pid, signal.SIGKILL)
        await process.wait()


def die_with_parent(sig: signal.Signals) -> Callable[[], None]:
    """A ``preexec_fn``: the child gets ``sig`` when its parent dies, even by kill -9
    (Linux; elsewhere it does nothing)."""

    def arm() -> None:
        if _LIBC is not None:
            _LIBC.prctl(PR_SET_PDEATHSIG, sig)

    return arm
