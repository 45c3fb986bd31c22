"""Routes each invocation to a connected runtime that has the step.

The least busy runtime wins; a runtime that declared a capacity never gets more
than that in flight. When no runtime can take the step (it is restarting, or all
are full) the caller waits, up to a bound, instead of failing at once. Which
connections are interchangeable is ``groups`` (``host.runtimes.groups``).
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable
from functools import partial

from ..bridge.connection import RuntimeConnection
from ..errors import InvocationCancelledError, RuntimeUnavailableError
from ..invocation import Cancellation, Invocation, Outcome
from .groups import RuntimeGroups

Listener = Callable[[RuntimeConnection, bool], None]
UNLIMITED = 1 << 30


class RuntimePool:
    def __init__(self, wait_s: float = 10.0) -> None:
        self.connections: list[RuntimeConnection] = []
        self.groups = RuntimeGroups()
        self._by_step: dict[str, list[RuntimeConnection]] = {}
        self._waiters: deque[asyncio.Future[None]] = deque()
        self._listeners: list[Listener] = []
        self._wait_s = wait_s
        self._turn = 0
        self._room_callbacks: list[Callable[[], None]] = []

    def add_listener(self, listener: Listener) -> None:
        """``listener(conn, attached)`` runs when a runtime connects or goes away."""
        self._listeners.append(listener)

    def attach(self, conn: RuntimeConnection) -> None:
        self.connections.append(conn)
        self.groups.attach(conn)
        self._reindex()
        for listener in list(self._listeners):
            listener(conn, True)
        self.slot_free()

    def detach(self, conn: RuntimeConnection) -> None:
        """``conn`` is gone (its process exited, or its stream ended: whichever the host
        learns first; the second changes nothing)."""
        if conn not in self.connections:
            return
        self.connections.remove(conn)
        self.groups.detach(conn)
        self._reindex()
        for listener in list(self._listeners):
            listener(conn, False)

    def refresh(self) -> None:
        """Re-read which connections may take work (after one starts draining)."""
        self._reindex()

    def _reindex(self) -> None:
        index: dict[str, list[RuntimeConnection]] = {}
        for conn in self.connections:
            if conn.draining or conn.closed:
                continue
            for name in conn.steps:
                index.setdefault(name, []).append(conn)
        self._by_step = index

    def room(self, step: str) -> int:
        """How many more invocations of ``step`` the runtimes can take now."""
        total = 0
        for conn in self._by_step.get(step, ()):
            if conn.closed or conn.draining:
                continue
            if conn.capacity == 0:
                return UNLIMITED
            total += max(0, conn.capacity - len(conn.in_flight))
        return total

    def when_room(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` once, the next time a runtime has room again."""
        self._room_callbacks.append(callback)

    def served(self) -> dict[str, str]:
        return self.groups.served()

    def slot_free(self) -> None:
        """A runtime has room again: let one waiting caller retry."""
        if self._room_callbacks:
            callbacks, self._room_callbacks = self._room_callbacks, []
            for callback in callbacks:
                callback()
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return

    def pick(self, step: str) -> RuntimeConnection | None:
        """The least busy runtime with room; ties go round-robin."""
        conns = self._by_step.get(step)
        if not conns:
            return None
        count = len(conns)
        if count == 1:
            return conns[0] if conns[0].has_room else None
        self._turn += 1
        best = None
        for i in range(count):
            conn = conns[(self._turn + i) % count]
            if conn.has_room and (best is None or len(conn.in_flight) < len(best.in_flight)):
                best = conn
        return best

    def serves(self, step: str) -> bool:
        return any(not c.closed for c in self._by_step.get(step, ()))

    async def invoke(
        self,
        invocation: Invocation,
        cancellation: Cancellation | None = None,
        *,
        alone: bool = False,
    ) -> Outcome:
        """Run the step once somewhere: what the handler did, or a TransportError when
        no runtime took it in time, it timed out, its runtime went away, or the caller
        cancelled it. ``alone``: on a runtime with nothing else in flight, which takes
        nothing else meanwhile (a suspect of a runtime's death: if it dies again, the
        death is its own)."""
        step = invocation.step
        conn = self.pick(step.name)
        if conn is None:
            conn = await self._wait_for(step.name)
            if conn is None:
                raise RuntimeUnavailableError(
                    f"no {step.language} runtime could take step {step.name} "
                    f"within {self._wait_s:g}s",
                    step=step.name,
                )
        if cancellation is not None and cancellation.reason:
            raise InvocationCancelledError(
                f"{step.name} was cancelled before it ran: {cancellation.reason}", step=step.name
            )
        if alone:
            conn.reserved = True
            try:
                await self._until_idle(conn, step.name)
                return await self._run(conn, invocation, cancellation)
            finally:
                conn.reserved = False
                self.slot_free()
        return await self._run(conn, invocation, cancellation)

    async def _run(
        self, conn: RuntimeConnection, invocation: Invocation, cancellation: Cancellation | None
    ) -> Outcome:
        entry = conn.invoke(invocation, cancellation)
        try:
            return await entry.future
        except asyncio.CancelledError:
            conn.cancel(entry.id, "the host stopped waiting")
            raise

    async def _until_idle(self, conn: RuntimeConnection, step: str) -> None:
        """Until ``conn`` has nothing in flight (it takes nothing new: it is reserved)."""
        loop = asyncio.get_running_loop()
        while conn.in_flight and not conn.closed:
            freed: asyncio.Future[None] = loop.create_future()
            self.when_room(partial(_resolve, freed))
            await freed
        if conn.closed:
            raise RuntimeUnavailableError(
                f"the {conn.language} runtime went away before {step} could run alone on it",
                step=step,
            )

    async def _wait_for(self, step: str) -> RuntimeConnection | None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._wait_s
        while True:
            remaining = deadline - loop.time()
            if remaining <= 0:
                return None
            waiter: asyncio.Future[None] = loop.create_future()
            self._waiters.append(waiter)
            try:
                await asyncio.wait_for(waiter, remaining)
            except TimeoutError:
                return None
            conn = self.pick(step)
            if conn is not None:
                if self._waiters and conn.has_room:
                    self.slot_free()  # there may be room for the next waiter too
                return conn


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)
