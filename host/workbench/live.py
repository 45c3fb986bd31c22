"""The Workbench's live feeds, over WebSocket.

``/_stephost/live/logs``: the log tail. The client sends a filter (``LiveLogFilter``)
whenever it changes; the host answers with the recent lines that pass it (``reset``),
then every new one, in batches (``LiveLogBatch``) four times a second. A line costs
the logging path one append; filtering and encoding happen in the batch, and only
for the lines sent. Under load a batch carries the newest ``MAX_LINES_PER_BATCH``
lines and says how many it skipped: a person cannot read more, and a flood of logs
must not slow the flow it describes (``make bench`` (e) measures that).

``/_stephost/live/counters``: per-step counters (``LiveCounters``), sent when they
change, at most once a second.

WebSockets rather than server-sent events: the filter travels on the same
connection, and the server closes them on shutdown (a streaming HTTP response would
hold the host's graceful stop until its timeout).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from typing import Any

import orjson
from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from pydantic import ValidationError

from ..http.app import ADMIN_PREFIX
from ..http.sockets import until_closed
from ..telemetry import LEVELS, recent_logs
from .api import WorkbenchHost, counters
from .models import LiveLogFilter

BATCH_INTERVAL_S = 0.5
COUNTERS_INTERVAL_S = 1.0
MAX_LINES_PER_BATCH = 50  # at most 100 lines a second reach a browser
BACKFILL_LINES = 200
PENDING_LINES = 5000


class LogFilter:
    def __init__(self, spec: LiveLogFilter) -> None:
        self.min_level = LEVELS.get(spec.level, 10)
        self.step = spec.step
        self.trace = spec.trace
        self.text = spec.text.lower().encode()

    def passes(self, line: dict[str, Any]) -> bool:
        """The cheap part of the filter: level, step and trace (no encoding)."""
        if LEVELS.get(str(line.get("level", "info")), 20) < self.min_level:
            return False
        if self.step and line.get("step") != self.step:
            return False
        return not self.trace or line.get("trace_id") == self.trace

    def encode(self, line: dict[str, Any]) -> bytes | None:
        """The line as JSON if it passes, else None."""
        if not self.passes(line):
            return None
        encoded = orjson.dumps(line, default=str)
        if self.text and self.text not in encoded.lower():
            return None
        return encoded

    def newest(self, lines: list[dict[str, Any]], limit: int) -> tuple[list[bytes], int]:
        """Up to ``limit`` of the newest passing lines, oldest first, and how many other
        lines may have passed (only those looked at are encoded: a flood costs little)."""
        candidates = [line for line in lines if self.passes(line)]
        chosen: list[bytes] = []
        looked = 0
        for line in reversed(candidates):
            if len(chosen) == limit:
                break
            looked += 1
            encoded = self.encode(line)
            if encoded is not None:
                chosen.append(encoded)
        chosen.reverse()
        return chosen, len(candidates) - looked


class LogTail:
    """Lines logged since the last batch (a listener of ``recent_logs``)."""

    def __init__(self) -> None:
        self.pending: deque[dict[str, Any]] = deque(maxlen=PENDING_LINES)
        self.arrived = 0

    def push(self, line: dict[str, Any]) -> None:
        self.pending.append(line)
        self.arrived += 1

    def take(self) -> tuple[list[dict[str, Any]], int]:
        """The pending lines, and how many were dropped for want of room."""
        lines = list(self.pending)
        self.pending.clear()
        dropped = self.arrived - len(lines)
        self.arrived = 0
        return lines, max(0, dropped)


def _batch(encoded: list[bytes], skipped: int, reset: bool) -> str:
    return orjson.dumps(
        {
            "type": "lines",
            "reset": reset,
            "lines": [orjson.Fragment(e) for e in encoded],
            "skipped": skipped,
        }
    ).decode()


async def _read_filters(websocket: WebSocket, filters: asyncio.Queue[LogFilter]) -> None:
    """Until the client goes: every filter it sends (a bad one gets an error message)."""
    with contextlib.suppress(WebSocketDisconnect):
        while True:
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect":
                return
            try:
                spec = LiveLogFilter.model_validate_json(
                    message.get("text") or message.get("bytes") or "{}"
                )
            except ValidationError as exc:
                error = {"type": "error", "message": f"bad filter: {exc.errors()[0]['msg']}"}
                await websocket.send_text(orjson.dumps(error).decode())
                continue
            filters.put_nowait(LogFilter(spec))


def build_live_router(host: WorkbenchHost) -> APIRouter:
    router = APIRouter(prefix=f"{ADMIN_PREFIX}/live")

    @router.websocket("/logs")
    async def live_logs(websocket: WebSocket) -> None:
        await websocket.accept()
        tail = LogTail()
        filters: asyncio.Queue[LogFilter] = asyncio.Queue()
        reader = asyncio.ensure_future(_read_filters(websocket, filters))
        recent_logs.listeners.append(tail.push)
        current: LogFilter | None = None
        try:
            while not reader.done():
                if not filters.empty():
                    chosen = filters.get_nowait()
                    while not filters.empty():
                        chosen = filters.get_nowait()
                    current = chosen
                    tail.take()  # the backfill below covers them
                    backfill, _older = chosen.newest(recent_logs.recent(), BACKFILL_LINES)
                    await websocket.send_text(_batch(backfill, 0, True))
                elif current is not None and tail.arrived:
                    lines, dropped = tail.take()
                    encoded, skipped = current.newest(lines, MAX_LINES_PER_BATCH)
                    if encoded or dropped or skipped:
                        await websocket.send_text(_batch(encoded, dropped + skipped, False))
                await asyncio.wait({reader}, timeout=BATCH_INTERVAL_S)
        except (WebSocketDisconnect, RuntimeError):
            pass  # the client went away mid-send
        finally:
            recent_logs.listeners.remove(tail.push)
            reader.cancel()

    @router.websocket("/counters")
    async def live_counters(websocket: WebSocket) -> None:
        await websocket.accept()
        closed = asyncio.ensure_future(until_closed(websocket))
        last = b""
        try:
            while not closed.done():
                frame = orjson.dumps({"type": "counters", **await counters(host)})
                if frame != last:
                    await websocket.send_text(frame.decode())
                    last = frame
                await asyncio.wait({closed}, timeout=COUNTERS_INTERVAL_S)
        except (WebSocketDisconnect, RuntimeError):
            pass
        finally:
            closed.cancel()

    return router
