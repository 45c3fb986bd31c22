"""How many deliveries each step has waiting (ready, delayed or leased), kept in memory
so that an emit checks the bound for free: counted up when a message is stored, down
when a delivery is acknowledged or buried, and read again from the queue now and then
(``refresh``), which also brings in what other hosts on a shared queue did meanwhile.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..errors import QueueFullError


class QueueDepths:
    def __init__(self, bound: int) -> None:
        self.bound = bound
        self._waiting: dict[str, int] = {}

    def load(self, counts: dict[str, dict[str, int]]) -> None:
        """Take the queue's own counts (``QueueBackend.counts``)."""
        self._waiting = {
            step: c.get("ready", 0) + c.get("delayed", 0) + c.get("leased", 0)
            for step, c in counts.items()
        }

    def check(self, topic: str, steps: Iterable[str]) -> None:
        """Raise QueueFullError if a step subscribed to ``topic`` is at the bound."""
        for step in steps:
            waiting = self._waiting.get(step, 0)
            if waiting >= self.bound:
                raise QueueFullError(
                    f"topic {topic!r} is full: its subscriber {step} has {waiting} deliveries "
                    f"waiting, the bound is {self.bound} (max_queue_depth); try again later"
                )

    def added(self, steps: Iterable[str]) -> None:
        for step in steps:
            self._waiting[step] = self._waiting.get(step, 0) + 1

    def done(self, step: str) -> None:
        waiting = self._waiting.get(step, 0)
        if waiting > 0:
            self._waiting[step] = waiting - 1
