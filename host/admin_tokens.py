"""Bearer tokens for the admin listener, each with a role, stored hashed.

Roles, each allowed what the one before is:

    viewer    read anything (GET, and the live feeds)
    operator  emit, replay dead letters, run / pause / resume cron, edit state
    admin     delete (state, dead letters), and settings (the Workbench layout)

Tokens live in ``<data folder>/admin-tokens.json`` (mode 0600), written by
``stephost token create / list / revoke`` and re-read by the host when the file
changes. A token is 32 random bytes, so its SHA-256 is all that is kept, and looking
a presented token up by its hash costs the same whichever token it is.
"""

from __future__ import annotations

import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import orjson

from .auth.keys import digest
from .errors import ProjectError

TOKENS_FILE = "admin-tokens.json"
PREFIX = "sht_"
Role = Literal["viewer", "operator", "admin"]
ROLES: tuple[Role, ...] = ("viewer", "operator", "admin")


class TokenError(ProjectError):
    """A token that cannot be made or revoked, or an unreadable token file."""


@dataclass(frozen=True, slots=True)
class AdminToken:
    """A stored token: its id, role, the start of the token (to recognise it), its note."""

    id: str
    role: Role
    hint: str
    name: str
    created_unix_s: float

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "role": self.role,
            "hint": self.hint,
            "name": self.name,
            "created": self.created_unix_s,
        }


def allows(role: str, needed: Role) -> bool:
    """Whether ``role`` may do what needs ``needed``."""
    return role in ROLES and ROLES.index(role) >= ROLES.index(needed)


class TokenStore:
    """The admin tokens of one data folder."""

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / TOKENS_FILE
        self._by_hash: dict[str, AdminToken] = {}
        self._seen: tuple[int, int] | None = None

    def find(self, presented: str) -> AdminToken | None:
        self._refresh()
        return self._by_hash.get(digest(presented)) if presented else None

    def listed(self) -> list[AdminToken]:
        self._refresh()
        return sorted(self._by_hash.values(), key=lambda t: t.created_unix_s)

    def create(self, role: str, name: str = "") -> tuple[AdminToken, str]:
        """A new token; the token itself is returned once and stored hashed."""
        if role not in ROLES:
            raise TokenError(f"a role is one of {', '.join(ROLES)}, got {role!r}")
        entries = self._read()
        token = PREFIX + secrets.token_urlsafe(32)
        made = AdminToken(secrets.token_hex(4), role, token[:8], name, round(time.time(), 3))
        entries.append({**made.to_json(), "hash": digest(token)})
        self._write(entries)
        return made, token

    def revoke(self, token_id: str) -> AdminToken:
        entries = self._read()
        kept = [entry for entry in entries if entry["id"] != token_id]
        if len(kept) == len(entries):
            ids = ", ".join(entry["id"] for entry in entries) or "none"
            raise TokenError(f"no admin token has the id {token_id!r} (ids: {ids})")
        self._write(kept)
        (gone,) = [_token(entry) for entry in entries if entry["id"] == token_id]
        return gone

    def _refresh(self) -> None:
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            self._by_hash, self._seen = {}, None
            return
        seen = (stat.st_mtime_ns, stat.st_size)
        if seen != self._seen:
            self._by_hash = {entry["hash"]: _token(entry) for entry in self._read()}
            self._seen = seen

    def _read(self) -> list[dict[str, Any]]:
        try:
            data = orjson.loads(self.path.read_bytes())
        except FileNotFoundError:
            return []
        except orjson.JSONDecodeError as exc:
            raise TokenError(f"{self.path} is not JSON: {exc}") from None
        entries = data.get("tokens") if isinstance(data, dict) else None
        if not isinstance(entries, list) or not all(
            isinstance(e, dict)
            and isinstance(e.get("id"), str)
            and isinstance(e.get("hash"), str)
            and e.get("role") in ROLES
            for e in entries
        ):
            raise TokenError(f'{self.path} must hold {{"tokens": [{{id, role, hash, ...}}]}}')
        return entries

    def _write(self, entries: list[dict[str, Any]]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(".tmp")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(orjson.dumps({"tokens": entries}, option=orjson.OPT_INDENT_2))
        os.replace(temporary, self.path)


def _token(entry: dict[str, Any]) -> AdminToken:
    return AdminToken(
        entry["id"],
        entry["role"],
        entry.get("hint", ""),
        entry.get("name", ""),
        entry.get("created", 0.0),
    )
