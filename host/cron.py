"""Fires cron steps on schedule, each tick at most once, across restarts too.

A tick is queued as a delivery in the same transaction that records it as the
step's last tick, so a restart (or a second host sharing the backend) never
fires it again. Ticks missed while no host ran are skipped, not replayed.
Expressions have 5 fields, or 6 with seconds first; times are the host's local time.
A paused step skips its ticks until it is resumed (or the host restarts); a run
asked for by hand (``EventBus.run_cron``) is queued whether paused or not.
"""

from __future__ import annotations

import asyncio
import time
from datetime import datetime

from .bus.base import QueueBackend
from .bus.bus import EventBus
from .catalog import Catalog, StepConfig
from .telemetry import get_logger

log = get_logger(component="cron")


def next_tick(expression: str, after: float) -> float:
    """The first tick of ``expression`` strictly after ``after`` (Unix seconds)."""
    from croniter import croniter  # on first use: most projects have no cron step

    seconds_first = len(expression.split()) == 6
    start = datetime.fromtimestamp(after).astimezone()
    schedule = croniter(expression, start, second_at_beginning=seconds_first)
    return float(schedule.get_next(float))


class CronScheduler:
    def __init__(self, bus: EventBus, queue: QueueBackend) -> None:
        self._bus = bus
        self._queue = queue
        self._tasks: dict[str, tuple[str, asyncio.Task[None]]] = {}
        self.paused: set[str] = set()  # steps whose ticks are skipped (until resumed)

    def apply(self, catalog: Catalog) -> None:
        wanted = {s.name: s for s in catalog.of_type("cron")}
        for name, (expression, task) in list(self._tasks.items()):
            step = wanted.get(name)
            if step is None or step.cron != expression:
                task.cancel()
                del self._tasks[name]
        for name, step in wanted.items():
            if name not in self._tasks:
                task = asyncio.create_task(self._run(step), name=f"cron:{name}")
                self._tasks[name] = (step.cron, task)

    async def _run(self, step: StepConfig) -> None:
        last_ms = await self._queue.last_cron_tick(step.name)
        after = max(time.time(), (last_ms or 0) / 1000)
        while True:
            tick = next_tick(step.cron, after)
            # Sleep in steps that re-read the wall clock, which may jump.
            while (wait := tick - time.time()) > 0:  # noqa: ASYNC110
                await asyncio.sleep(wait)
            if step.name in self.paused:
                log.debug("cron tick skipped: paused", step=step.name, tick=tick)
                after = tick
                continue
            try:
                fired = await self._bus.fire_cron(step, int(tick * 1000))
            except Exception:
                log.exception("cron tick could not be queued", step=step.name)
                fired = False
            if fired:
                log.debug("cron tick", step=step.name, tick=tick)
            after = tick

    async def stop(self) -> None:
        tasks = [task for _, task in self._tasks.values()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._tasks.clear()
