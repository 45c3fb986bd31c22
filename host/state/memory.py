"""An in-memory StateStore, for unit tests of code that needs one."""

from __future__ import annotations

from .base import Found, Items, Names, search_by_reading


class MemoryStateStore:
    def __init__(self) -> None:
        self._groups: dict[str, dict[str, bytes]] = {}

    async def get(self, group: str, key: str) -> bytes | None:
        return self._groups.get(group, {}).get(key)

    async def set(self, group: str, key: str, value: bytes) -> None:
        self._groups.setdefault(group, {})[key] = value

    async def delete(self, group: str, key: str) -> bool:
        items = self._groups.get(group, {})
        existed = items.pop(key, None) is not None
        if not items:
            self._groups.pop(group, None)
        return existed

    async def list(self, group: str) -> Items:
        return sorted(self._groups.get(group, {}).items())

    async def page(self, group: str, after: str, limit: int) -> Items:
        return [item for item in await self.list(group) if item[0] > after][:limit]

    async def count(self, group: str) -> int:
        return len(self._groups.get(group, {}))

    async def search(self, text: str, limit: int) -> Found:
        return await search_by_reading(self, text, limit)

    async def clear(self, group: str) -> int:
        return len(self._groups.pop(group, {}))

    async def groups(self) -> Names:
        return sorted(self._groups)

    async def close(self) -> None:
        self._groups.clear()
