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

Remote runtimes (``stephost runtime --connect`` on another machine, which the host
does not launch) come in over the gateway's TCP listener with a token of the
``runtime`` role (``stephost token create --role runtime``; stored hashed in the data
folder, ``host.admin_tokens``) sent the same way, as the key. For them:

- the token is a runtime token of the data folder, or the call is refused
  (UNAUTHENTICATED) before anything else is read;
- the Hello's runtime id is ``<language>@<name>/<instance>`` (the form ``stephost
  runtime`` gives it: ``<name>`` is the machine's, or its ``--name``; the host's own
  runtimes have no ``@``), with the Hello's language, or PERMISSION_DENIED;
- that id is not connected already (ALREADY_EXISTS);
- none of its steps is served by a runtime of another group (PERMISSION_DENIED): the
  host routes by step name, so a remote step must not shadow one of the host's.

Its group (``host.runtimes.groups``) is ``<language>@<name>``: the processes of one
``stephost runtime`` (and their replacements) are interchangeable, and a group of
their own.

A remote runtime serves the steps of its own project folder, which the host cannot
see: those are not checked against the host's files. Nothing of a refused runtime
reaches the pool or the catalog.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, replace

from ..admin_tokens import RUNTIME_ROLE, TokenStore
from ..model import RuntimeInfo

# The call metadata that carries a runtime's key (a child finds it in its environment
# or on its stdin: host.runtimes.prewarm).
KEY_METADATA = "stephost-runtime-key"


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
    remote_token: str = ""  # a remote runtime's: the id of the runtime token it showed


def _digest(key: str) -> bytes:
    return hashlib.sha256(key.encode()).digest()


def _any_files() -> Collection[str]:
    return ()


class Admission:
    """The tickets of the runtimes the host launched, and which runtimes are connected.
    ``tokens``: the data folder's tokens, whose runtime ones admit remote runtimes
    (None: no remote runtime may come in)."""

    def __init__(self, tokens: TokenStore | None = None) -> None:
        self._tickets: dict[bytes, Ticket] = {}  # by the digest of the key
        self._connected: set[str] = set()
        self._tokens = tokens

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
        if ticket is not None:
            return ticket
        token = self._tokens.find(key) if self._tokens is not None and key else None
        if token is not None and token.role == RUNTIME_ROLE:
            return Ticket("", "", "", _any_files, remote_token=token.id)
        what = "no runtime key" if not key else "an unknown runtime key"
        if key and self._tokens is not None and token is None:
            what += " (mistyped, or its runtime token was revoked)"
        if self._tokens is None:
            who = "only runtimes the host launched may connect"
        elif token is not None:
            who = f"token {token.id} is a {token.role}'s, and only a runtime token admits one"
        else:
            who = (
                "only runtimes the host launched, or remote ones with a runtime token "
                "(`stephost token create --role runtime`), may connect"
            )
        raise AdmissionError("UNAUTHENTICATED", f"the runtime sent {what}: {who}")

    def admit(
        self, ticket: Ticket, info: RuntimeInfo, served: Mapping[str, str] | None = None
    ) -> RuntimeInfo:
        """Check the Hello against the ticket, and mark its runtime connected: what it
        announced, with its group. ``served``: the group that serves each step now."""
        if ticket.remote_token:
            return self._admit_remote(info, served or {})
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
        return info

    def _admit_remote(self, info: RuntimeInfo, served: Mapping[str, str]) -> RuntimeInfo:
        group, _, instance = info.runtime_id.partition("/")
        language, _, name = group.partition("@")
        if language != info.language or not name or not instance:
            raise AdmissionError(
                "PERMISSION_DENIED",
                f"a remote {info.language or 'unknown'} runtime's id is "
                f"{info.language or '<language>'}@<name>/<instance> (as `stephost runtime` "
                f"gives it), not {info.runtime_id or '(no id)'!r}",
            )
        if info.runtime_id in self._connected:
            raise AdmissionError(
                "ALREADY_EXISTS", f"runtime {info.runtime_id} is connected already"
            )
        clash = sorted(
            f"{step.name} (served by {served[step.name]})"
            for step in info.steps
            if served.get(step.name, group) != group
        )
        if clash:
            raise AdmissionError(
                "PERMISSION_DENIED",
                f"remote runtime {info.runtime_id} announced steps another runtime group "
                f"serves: {', '.join(clash[:5])}; a step name is served by one group",
            )
        self._connected.add(info.runtime_id)
        return replace(info, group=group)

    def admits_still(self, ticket: Ticket) -> bool:
        """Whether the runtime token behind a remote runtime's ticket is still there
        (not revoked); a launched runtime's ticket lasts as long as its process."""
        if not ticket.remote_token:
            return True
        token = self._tokens.by_id(ticket.remote_token) if self._tokens is not None else None
        return token is not None and token.role == RUNTIME_ROLE

    def leave(self, runtime_id: str) -> None:
        self._connected.discard(runtime_id)
