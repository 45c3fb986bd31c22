"""Runtime groups: which runtime processes are interchangeable.

A **group** is a set of runtime processes that serve the same step files, so any of
them may take any invocation of the group's steps. The catalog holds one announcement
per group (its latest Hello), and a group's steps are *available* while the group has
at least one live connection.

- The supervisor launches one group per language, named after it (``"python"``), with
  ``processes`` connections; a step file with ``isolated: true`` gets a group of its
  own, named ``"<language>:<file>"`` (``host.runtimes.supervisor``).
- Any other connection (a remote runtime) joins the group named by its
  ``RuntimeInfo.group``, or by ``assign()`` before it attaches; else its language's.
  A name never seen before is a new group: its steps join the catalog when it
  announces them.

When the last connection of a group goes, its steps stay in the catalog marked
unavailable (``Catalog.unavailable``): their api routes answer 503
RUNTIME_UNAVAILABLE with Retry-After, messages on their topics are still stored and
wait in the queue (nothing is leased for a step no runtime serves), and the group's
next announcement (a restarted process) makes them available again.
"""

from __future__ import annotations

from ..bridge.connection import RuntimeConnection


class RuntimeGroups:
    """The live connections of each group, and the groups given to runtimes in advance."""

    def __init__(self) -> None:
        self._assigned: dict[str, str] = {}  # runtime id -> group, until it attaches
        self._live: dict[str, list[RuntimeConnection]] = {}
        # The steps each group announced last, kept while it is away: they come back with it.
        self._steps: dict[str, frozenset[str]] = {}

    def assign(self, runtime_id: str, group: str) -> None:
        """The runtime ``runtime_id``, when it connects, joins ``group``."""
        self._assigned[runtime_id] = group

    def withdraw(self, runtime_id: str) -> None:
        """The runtime will not connect (its process is gone)."""
        self._assigned.pop(runtime_id, None)

    def attach(self, conn: RuntimeConnection) -> str:
        """Count ``conn`` in its group (set on ``conn.group``); the group's name."""
        conn.group = self._assigned.pop(conn.runtime_id, conn.group)
        members = self._live.setdefault(conn.group, [])
        if conn not in members:
            members.append(conn)
        self._steps[conn.group] = frozenset(conn.steps)
        return conn.group

    def detach(self, conn: RuntimeConnection) -> str:
        """``conn`` is gone; the name of the group it leaves."""
        members = self._live.get(conn.group)
        if members is not None and conn in members:
            members.remove(conn)
            if not members:
                del self._live[conn.group]
        return conn.group

    def live(self, group: str) -> int:
        """How many connections ``group`` has now."""
        return len(self._live.get(group, ()))

    def served(self) -> dict[str, str]:
        """The group that serves each step name, a group that is away included: a remote
        runtime may not take a step name while its own group restarts."""
        return {step: group for group, steps in self._steps.items() for step in steps}

    def names(self) -> list[str]:
        """The groups with a live connection."""
        return sorted(self._live)
