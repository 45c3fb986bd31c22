"""Writes that settle a delivery (ack, retry, release, bury), kept when the store
cannot take them for a while (disk full, read-only) and tried again with backoff until
it does. Meanwhile the delivery stays leased, so it does not run again while this host
lives; if the host stops first, the next start returns the lease to the queue.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from ..errors import StorageError
from ..telemetry import get_logger

FIRST_RETRY_S = 0.25
MAX_RETRY_S = 5.0

Write = Callable[[], Awaitable[object]]

log = get_logger(component="bus")


class Settlements:
    def __init__(self, on_recovered: Callable[[], None]) -> None:
        self._pending: list[tuple[str, Write]] = []
        self._task: asyncio.Task[None] | None = None
        self._on_recovered = on_recovered

    @property
    def pending(self) -> int:
        return len(self._pending)

    async def run(self, what: str, write: Write) -> None:
        """``write`` now, or, if the store refuses it, later."""
        try:
            await write()
        except StorageError as exc:
            self.later(what, write, exc)

    def later(self, what: str, write: Write, error: StorageError) -> None:
        # One error line per outage (with the store's own reason), not one per write.
        if self._task is None:
            log.error(
                "the queue refused a write; trying again until it takes it",
                what=what,
                error=error.message,
            )
            self._task = asyncio.get_running_loop().create_task(self._retry(), name="settle")
        self._pending.append((what, write))

    async def _retry(self) -> None:
        delay = FIRST_RETRY_S
        while self._pending:
            await asyncio.sleep(delay)
            tried = len(self._pending)
            failed: list[tuple[str, Write]] = []
            last = ""
            for what, write in self._pending[:tried]:
                try:
                    await write()
                except StorageError as exc:
                    failed.append((what, write))
                    last = exc.message
            self._pending = failed + self._pending[tried:]
            if failed:
                log.debug("the queue still refuses writes", waiting=len(self._pending), error=last)
            delay = min(delay * 2, MAX_RETRY_S)
        self._task = None
        log.info("the queue takes writes again; every waiting write is done")
        self._on_recovered()

    async def drain(self) -> None:
        """At stop: one last try; what still fails is left leased for the next start."""
        if self._task is not None:
            self._task.cancel()
            self._task = None
        pending, self._pending = self._pending, []
        left = 0
        for _what, write in pending:
            try:
                await write()
            except StorageError:
                left += 1
        if left:
            log.warning(
                "writes the queue refused until the end; the next start runs "
                "those deliveries again",
                count=left,
            )
