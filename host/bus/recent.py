"""The messages emitted lately, kept in memory for ``GET /_stephost/messages`` and the
test harness: bounded by count (``[retention] messages``) and by the bytes of their
data, so that a stream of large payloads cannot grow the host without end."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass

DEFAULT_MESSAGES = 10_000
# The data kept at most, whatever the count: the newest message is always kept.
MAX_DATA_BYTES = 32 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class EmittedMessage:
    """A message as it was emitted."""

    message_id: str
    topic: str
    data: bytes
    trace_id: str
    emitted_by: str
    time_ms: float
    priority: int | None = None  # as the emit gave it (None: each subscriber's default)


class RecentMessages:
    def __init__(self, size: int = DEFAULT_MESSAGES, max_bytes: int = MAX_DATA_BYTES) -> None:
        self.size = size
        self.max_bytes = max_bytes
        self._messages: deque[EmittedMessage] = deque()
        self._bytes = 0

    def append(self, message: EmittedMessage) -> None:
        self._messages.append(message)
        self._bytes += len(message.data)
        self._trim()

    def configure(self, size: int) -> None:
        self.size = size
        self._trim()

    def _trim(self) -> None:
        messages = self._messages
        while len(messages) > self.size or (self._bytes > self.max_bytes and len(messages) > 1):
            self._bytes -= len(messages.popleft().data)

    @property
    def data_bytes(self) -> int:
        return self._bytes

    def __iter__(self) -> Iterator[EmittedMessage]:
        return iter(self._messages)

    def __len__(self) -> int:
        return len(self._messages)
