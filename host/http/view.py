"""The host as its own JSON API sees it: what ``host.http.admin`` (and any module that
adds to the admin API) depends on, instead of the ``Host`` class that wires it."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

from ..bus.bus import EventBus
from ..catalog import Catalog
from ..state.base import StateStore
from ..streams import StreamHub


class HostView(Protocol):
    """The served project and the parts an operator reads and changes."""

    @property
    def project(self) -> Path: ...

    @property
    def catalog(self) -> Catalog:
        """The steps served now (it changes when runtimes reload)."""
        ...

    @property
    def state(self) -> StateStore: ...

    @property
    def streams(self) -> StreamHub: ...

    @property
    def bus(self) -> EventBus:
        """Emits, the dead-letter queue, queue statistics, recent messages."""
        ...

    def status(self) -> dict[str, Any]:
        """The health document: version, uptime, runtimes, steps, problems."""
        ...
