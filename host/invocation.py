"""One run of a step's handler, as the host asks for it and as it ends: plain values.

The HTTP app and the bus build an ``Invocation``; the runtime pool sends it to a
runtime (``host.bridge`` turns it into the wire's message) and hands back an
``Outcome``: what the handler returned, or how it failed. When no answer comes at
all the pool raises a ``TransportError`` instead (see ``host.errors``).

These are built for every message, so they are plain slotted dataclasses, not frozen
ones: a frozen dataclass costs about 2 us more to build (``object.__setattr__`` per
field), on the path whose CPU bounds the whole host. Nothing mutates them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .catalog import StepConfig
from .model import Failure


@dataclass(slots=True)
class ApiRequest:
    """The HTTP request an api step gets; ``body`` is JSON (empty for none), ``auth`` the
    principal its `auth` accepted, as JSON (empty when it has none)."""

    method: str
    path: str
    path_params: dict[str, str]
    query_params: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    auth: bytes = b""


@dataclass(slots=True)
class ApiResponse:
    """What an api handler returned; ``body`` is JSON (empty or null for none)."""

    status: int
    headers: dict[str, str]
    body: bytes
    auth: bytes = b""


@dataclass(slots=True)
class Invocation:
    """Run ``step`` once, within trace ``trace_id``: with ``request`` (api) or
    ``payload`` (JSON: an event's data, null for cron)."""

    step: StepConfig
    trigger: str  # "api", "event", "cron", or "auth" (an auth step checks a request)
    payload: bytes
    trace_id: str
    span_id: str  # the host's span for this invocation: the handler's parent
    attempt: int = 1
    topic: str = ""  # event: the topic it was emitted on
    message_id: str = ""  # event and cron: the durable message
    request: ApiRequest | None = None
    tracestate: str = ""  # W3C tracestate, carried along with the trace


class Cancellation:
    """Lets whoever waits for an invocation stop waiting (the HTTP client went away):
    the runtime is told, the handler cancelled, and the wait ends with
    InvocationCancelledError. Cancelling once it has finished does nothing."""

    __slots__ = ("_stop", "reason")

    def __init__(self) -> None:
        self.reason = ""
        self._stop: Callable[[str], None] | None = None

    def cancel(self, reason: str) -> None:
        if self.reason:
            return
        self.reason = reason
        if self._stop is not None:
            self._stop(reason)

    def on_cancel(self, stop: Callable[[str], None]) -> None:
        """``stop(reason)`` runs when cancelled (at once, if it already is)."""
        self._stop = stop
        if self.reason:
            stop(self.reason)


@dataclass(slots=True)
class Outcome:
    """What the handler did: returned ``output`` (JSON; an api handler: ``response``),
    or failed with ``failure``."""

    output: bytes | None = None
    failure: Failure | None = None
    response: ApiResponse | None = None
