"""Group commit: the calls made while the backend is busy become its next single call.

Under load, a frame from a runtime carries many emits; they arrive in the same turn of
the event loop and so share one transaction (one commit instead of one per emit). One
batch is written at a time: what is submitted while it is written waits, and goes
into the next batch, written as soon as that one ended. So the slower the commits
(a WAL checkpoint on a busy disk), the larger the batches, not the longer the queue
of small transactions.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class Batcher(Generic[T, R]):
    def __init__(self, flush: Callable[[list[T]], Awaitable[list[R]]]) -> None:
        self._flush_fn = flush
        self._items: list[T] = []
        self._futures: list[asyncio.Future[R]] = []
        self._writing = False  # a task writes batches until none is left
        self._tasks: set[asyncio.Task[None]] = set()

    def submit(self, item: T) -> asyncio.Future[R]:
        """Queue ``item``; the future resolves with its result once its batch is written."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[R] = loop.create_future()
        self._items.append(item)
        self._futures.append(future)
        if not self._writing:
            self._writing = True
            loop.call_soon(self._start)  # the rest of this turn's calls join the batch
        return future

    def _start(self) -> None:
        task = asyncio.create_task(self._write_all())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _write_all(self) -> None:
        try:
            while self._items:
                items, futures = self._items, self._futures
                self._items, self._futures = [], []
                await self._write(items, futures)
        finally:
            self._writing = False
            for future in self._futures:  # cancelled (shutdown): nothing more is written
                future.cancel()
            self._items, self._futures = [], []

    async def _write(self, items: list[T], futures: list[asyncio.Future[R]]) -> None:
        try:
            results = await self._flush_fn(items)
        except asyncio.CancelledError:  # its callers learn it too, instead of waiting on
            for future in futures:
                future.cancel()
            raise
        except Exception as exc:
            for future in futures:
                if not future.done():
                    future.set_exception(exc)
            return
        for future, result in zip(futures, results, strict=True):
            if not future.done():
                future.set_result(result)

    async def drain(self) -> None:
        """Wait until every queued item is written."""
        while self._writing or self._tasks:
            if self._tasks:
                await asyncio.gather(*self._tasks, return_exceptions=True)
            else:
                await asyncio.sleep(0)
