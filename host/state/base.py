"""The state interface every backend implements (SQLite now, Redis next).

Values are stored as the JSON bytes that travel on the wire, so the host never
decodes a value it only passes along.
"""

from __future__ import annotations

from typing import Protocol

# Aliases: inside the class, `list` names the method.
Items = list[tuple[str, bytes]]
Names = list[str]
Found = list[tuple[str, str, bytes]]  # (group, key, JSON value)


def folded(text: str) -> bytes:
    """``text`` as a search compares it: UTF-8, ASCII letters in lower case (SQLite's
    ``lower`` folds those alone)."""
    return text.encode().lower()


class StateStore(Protocol):
    async def get(self, group: str, key: str) -> bytes | None:
        """The JSON value, or None when the key does not exist."""
        ...

    async def set(self, group: str, key: str, value: bytes) -> None: ...

    async def delete(self, group: str, key: str) -> bool:
        """Whether the key existed."""
        ...

    async def list(self, group: str) -> Items:
        """Every (key, JSON value) of the group, ordered by key."""
        ...

    async def page(self, group: str, after: str, limit: int) -> Items:
        """At most ``limit`` of the group's (key, JSON value), ordered by key, the first
        one past ``after`` ("" for the start): what a viewer of a large group asks for,
        without the whole group in memory."""
        ...

    async def count(self, group: str) -> int:
        """How many keys the group holds."""
        ...

    async def search(self, text: str, limit: int) -> Found:
        """The first ``limit`` items, by group then key, whose key or JSON value holds
        ``text`` (ASCII letters in either case); groups named with a leading ``$`` (the
        streams') are not searched."""
        ...

    async def clear(self, group: str) -> int:
        """How many keys were deleted."""
        ...

    async def groups(self) -> Names:
        """Every group that has at least one key, ordered."""
        ...

    async def close(self) -> None: ...


async def search_by_reading(store: StateStore, text: str, limit: int) -> Found:
    """``StateStore.search`` for a backend that cannot look inside its values (memory,
    Redis): each group read, in order, and matched here."""
    needle = folded(text)
    found: Found = []
    for group in await store.groups():
        if group.startswith("$"):
            continue
        for key, value in await store.list(group):
            if needle in folded(key) or needle in value.lower():
                if len(found) == limit:
                    return found
                found.append((group, key, value))
    return found
