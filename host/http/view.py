"""The host as its own JSON API sees it: what ``host.http.admin`` (and the routers it
mounts: ``host.http.operator``, ``host.workbench``) depends on, instead of the ``Host``
class that wires it."""

from __future__ import annotations

from typing import Any, Protocol

from ..streams import StreamHub
from ..workbench.api import WorkbenchHost
from .operator import OperatorHost


class HostView(WorkbenchHost, OperatorHost, Protocol):
    """The served project and the parts an operator reads and changes."""

    @property
    def streams(self) -> StreamHub: ...

    def status(self) -> dict[str, Any]:
        """The health document: version, uptime, runtimes, steps, problems."""
        ...
