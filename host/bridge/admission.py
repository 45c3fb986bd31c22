"""Who may come in through the gateway: one ticket per runtime the host launched.

The supervisor issues a ticket before it starts a child and hands the child its key
(in the child's environment, never its argv). The runtime sends the key as call
metadata on Connect (``stephost-runtime-key``); the gateway checks it before it reads
anything else, then checks the Hello against the ticket:

- the key names a ticket, or the call is refused (UNAUTHENTICATED);
- the Hello's runtime id and language are the ticket's (PERMISSION_DENIED);
- every step and stream comes from a file the ticket's language owns in the project,
  as the project is when the Hello arrives (PERMISSION_DENIED);
- the ticket's runtime is not connected already (ALREADY_EXISTS).

Nothing of a refused runtime reaches the pool or the catalog. Remote runtimes (which
the host does not launch) will be admitted by a token of their own, here.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Collection
from dataclasses import dataclass

from ..model import RuntimeInfo

# The call metadata that carries a runtime's key, and the variable the child reads it from.
KEY_METADATA = "stephost-runtime-key"
KEY_ENV = "STEPHOST_RUNTIME_KEY"


class AdmissionError(Exception):
    """A runtime refused at the door; ``status`` names the gRPC status to end the call with."""

    def __init__(self, status: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True, slots=True)
class Ticket:
    """What one launched runtime may do: connect once, as ``runtime_id``, serving the
    steps of the files ``files()`` names (project-relative, ``/``-separated)."""

    runtime_id: str
    language: str
    key: str
    files: Callable[[], Collection[str]]


def _digest(key: str) -> bytes:
    return hashlib.sha256(key.encode()).digest()


class Admission:
    """The tickets of the runtimes the host launched, and which of them are connected."""

    def __init__(self) -> None:
        self._tickets: dict[bytes, Ticket] = {}  # by the digest of the key
        self._connected: set[str] = set()

    def issue(self, runtime_id: str, language: str, files: Callable[[], Collection[str]]) -> Ticket:
        ticket = Ticket(runtime_id, language, secrets.token_urlsafe(32), files)
        self._tickets[_digest(ticket.key)] = ticket
        return ticket

    def withdraw(self, ticket: Ticket) -> None:
        """The runtime's process is gone: its key opens nothing any more."""
        self._tickets.pop(_digest(ticket.key), None)

    def ticket(self, key: str) -> Ticket:
        """The ticket ``key`` opens (looked up by its digest, so comparing costs the same
        whatever the key); AdmissionError when none."""
        ticket = self._tickets.get(_digest(key)) if key else None
        if ticket is None:
            what = "no runtime key" if not key else "an unknown runtime key"
            raise AdmissionError(
                "UNAUTHENTICATED",
                f"the runtime sent {what}: only runtimes the host launched may connect",
            )
        return ticket

    def admit(self, ticket: Ticket, info: RuntimeInfo) -> None:
        """Check the Hello against the ticket, and mark its runtime connected."""
        if (info.runtime_id, info.language) != (ticket.runtime_id, ticket.language):
            raise AdmissionError(
                "PERMISSION_DENIED",
                f"the key was issued to {ticket.language} runtime {ticket.runtime_id}, not to "
                f"{info.language or 'unknown'} runtime {info.runtime_id or '(no id)'}",
            )
        claimed = {s.file for s in info.steps} | {s.file for s in info.streams}
        foreign = sorted(claimed - set(ticket.files()))
        if foreign:
            raise AdmissionError(
                "PERMISSION_DENIED",
                f"{ticket.language} runtime {ticket.runtime_id} announced steps from files "
                f"it was not started for: {', '.join(foreign[:5])}",
            )
        if ticket.runtime_id in self._connected:
            raise AdmissionError(
                "ALREADY_EXISTS", f"runtime {ticket.runtime_id} is connected already"
            )
        self._connected.add(ticket.runtime_id)

    def leave(self, runtime_id: str) -> None:
        self._connected.discard(runtime_id)
