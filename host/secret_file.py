"""A JSON file of hashed secrets, ``{"<list>": [entry, ...]}``: the API keys and the
admin tokens each keep one in the data folder.

The file is mode 0600 and replaced atomically on every write; a running host re-reads
it when its mtime or size changes, so a revoke needs no restart. Secrets are 32 random
bytes, so a plain SHA-256 is all that is stored (nothing to guess from it), and a
lookup by that hash costs the same whichever secret is presented.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, Generic, TypeVar

import orjson

from .errors import ProjectError

Entry = dict[str, Any]
T = TypeVar("T")


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class SecretFile(Generic[T]):
    """The entries under ``list_key`` in ``path``, each checked by ``valid`` and turned
    into a ``T`` by ``parse``; a bad file raises ``error`` saying what it must hold."""

    def __init__(
        self,
        path: Path,
        list_key: str,
        shape: str,
        valid: Callable[[Entry], bool],
        parse: Callable[[Entry], T],
        error: type[ProjectError],
    ) -> None:
        self.path = path
        self._file = str(path)  # os.stat on a str: no Path work per request
        self._list_key = list_key
        self._shape = shape
        self._valid = valid
        self._parse = parse
        self._error = error
        self._by_hash: dict[str, T] = {}
        self._seen: tuple[int, int] | None = None

    def by_hash(self) -> dict[str, T]:
        """The parsed entries by their ``hash``, re-read only when the file changed."""
        try:
            stat = os.stat(self._file)
        except FileNotFoundError:
            self._by_hash, self._seen = {}, None
            return self._by_hash
        seen = (stat.st_mtime_ns, stat.st_size)
        if seen != self._seen:
            self._by_hash = {entry["hash"]: self._parse(entry) for entry in self.read()}
            self._seen = seen
        return self._by_hash

    def read(self) -> list[Entry]:
        try:
            data = orjson.loads(self.path.read_bytes())
        except FileNotFoundError:
            return []
        except orjson.JSONDecodeError as exc:
            raise self._error(f"{self.path} is not JSON: {exc}") from None
        entries = data.get(self._list_key) if isinstance(data, dict) else None
        if not isinstance(entries, list) or not all(
            isinstance(e, dict) and isinstance(e.get("hash"), str) and self._valid(e)
            for e in entries
        ):
            raise self._error(f'{self.path} must hold {{"{self._list_key}": [{{{self._shape}}}]}}')
        return entries

    def write(self, entries: list[Entry]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(".tmp")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(orjson.dumps({self._list_key: entries}, option=orjson.OPT_INDENT_2))
        os.replace(temporary, self.path)
