"""The project's API keys: each a name and the SHA-256 of a random key, never the key.

Keys live in ``<data folder>/api-keys.json`` (mode 0600), written by
``stephost apikey create / revoke`` and read by the host, which notices a change of the
file without a restart. A deployment whose data folder is not its own can list keys in
``stephost.toml`` instead, each naming the environment variable that holds it:

    [api_keys]
    partner = "PARTNER_API_KEY"

A key is 32 random bytes, so a plain SHA-256 is enough to store it (nothing to guess
from the hash), and looking a presented key up by its hash takes the same time
whichever key it is.
"""

from __future__ import annotations

import os
import re
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from ..errors import ProjectError
from ..secret_file import SecretFile, digest

KEYS_FILE = "api-keys.json"
PREFIX = "shk_"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


class ApiKeyError(ProjectError):
    """A key that cannot be made or revoked, an unreadable key file, an unset env var."""


@dataclass(frozen=True, slots=True)
class ApiKey:
    """A stored key: its name, the start of the key (to recognise it), when it was made."""

    name: str
    hint: str
    created_unix_s: float
    source: str = "file"  # "file" or "env"

    @property
    def principal(self) -> bytes:
        """What a handler reads as ctx.auth, as JSON."""
        return orjson.dumps({"type": "apiKey", "name": self.name})

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "hint": self.hint,
            "created": self.created_unix_s,
            "source": self.source,
        }


class ApiKeyStore:
    """The keys of one data folder, plus those ``stephost.toml`` names by env var."""

    def __init__(self, data_dir: Path, env_keys: Mapping[str, str] | None = None) -> None:
        self.path = data_dir / KEYS_FILE
        self._file = SecretFile(
            self.path,
            "keys",
            "name, hash, ...",
            lambda entry: isinstance(entry.get("name"), str),
            lambda entry: ApiKey(entry["name"], entry.get("hint", ""), entry.get("created", 0.0)),
            ApiKeyError,
        )
        self._env = self._from_env(env_keys or {})

    @staticmethod
    def _from_env(env_keys: Mapping[str, str]) -> dict[str, ApiKey]:
        out = {}
        for name, variable in env_keys.items():
            key = os.environ.get(variable, "")
            if not key:
                raise ApiKeyError(
                    f"api_keys.{name} names the environment variable {variable}, which is "
                    "not set (or empty)"
                )
            out[digest(key)] = ApiKey(name, key[:8], 0.0, source="env")
        return out

    def find(self, presented: str) -> ApiKey | None:
        """The key ``presented`` is, or None."""
        hashed = digest(presented)
        found = self._file.by_hash().get(hashed)
        return found if found is not None else self._env.get(hashed)

    def listed(self) -> list[ApiKey]:
        return sorted([*self._file.by_hash().values(), *self._env.values()], key=lambda k: k.name)

    def create(self, name: str) -> str:
        """A new key named ``name``; the key itself is returned once and stored hashed."""
        if not _NAME.match(name):
            raise ApiKeyError(
                f"a key name is 1-64 letters, digits, '_', '.' or '-' (starting with a letter "
                f"or digit), got {name!r}"
            )
        entries = self._file.read()
        if any(entry["name"] == name for entry in entries):
            raise ApiKeyError(f"a key named {name!r} exists; revoke it first")
        key = PREFIX + secrets.token_urlsafe(32)
        entries.append(
            {"name": name, "hash": digest(key), "hint": key[:8], "created": round(time.time(), 3)}
        )
        self._file.write(entries)
        return key

    def revoke(self, name: str) -> None:
        entries = self._file.read()
        kept = [entry for entry in entries if entry["name"] != name]
        if len(kept) == len(entries):
            names = ", ".join(entry["name"] for entry in entries) or "none"
            raise ApiKeyError(f"no key is named {name!r} (keys: {names})")
        self._file.write(kept)
