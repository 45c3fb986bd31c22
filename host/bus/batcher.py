"""Coalesces the calls made during one turn of the event loop into one backend call.

Under load, a frame from a runtime carries many emits; they arrive in the same
turn and so share one transaction (one commit instead of one per emit).
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
        self._scheduled = False
        self._tasks: set[asyncio.Task[None]] = set()

    def submit(self, item: T) -> asyncio.Future[R]:
        """Queue ``item``; the future resolves with its result once its batch is written."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[R] = loop.create_future()
        self._items.append(item)
        self._futures.append(future)
        if not self._scheduled:
            self._scheduled = True
            loop.call_soon(self._start)
        return future

    def _start(self) -> None:
        task = asyncio.create_task(self._flush())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _flush(self) -> None:
        items, futures = self._items, self._futures
        self._items, self._futures = [], []
        self._scheduled = False
        try:
            results = await self._flush_fn(items)
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
        while self._scheduled or self._tasks:
            if self._tasks:
                await asyncio.gather(*self._tasks, return_exceptions=True)
            else:
                await asyncio.sleep(0)
