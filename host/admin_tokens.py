"""Bearer tokens for the admin listener and for remote runtimes, each with a role,
stored hashed.

Admin roles, each allowed what the one before is:

    viewer    read anything (GET, and the live feeds)
    operator  emit, replay dead letters, run / pause / resume cron, edit state
    admin     delete (state, dead letters), and settings (the Workbench layout)

The ``runtime`` role is of another kind: it lets a remote runtime in through the
gateway's TCP listener (``host.bridge.admission``) and opens nothing on the admin
listener, as no admin token opens the gateway.

Tokens live in ``<data folder>/admin-tokens.json`` (mode 0600), written by
``stephost token create / list / revoke`` and re-read by the host when the file
changes. A token is 32 random bytes, so its SHA-256 is all that is kept, and looking
a presented token up by its hash costs the same whichever token it is.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeGuard

from .errors import ProjectError
from .secret_file import SecretFile, digest

TOKENS_FILE = "admin-tokens.json"
PREFIX = "sht_"
Role = Literal["viewer", "operator", "admin"]
ROLES: tuple[Role, ...] = ("viewer", "operator", "admin")
RUNTIME_ROLE: Literal["runtime"] = "runtime"
TokenRole = Literal["viewer", "operator", "admin", "runtime"]
TOKEN_ROLES: tuple[TokenRole, ...] = (*ROLES, RUNTIME_ROLE)


class TokenError(ProjectError):
    """A token that cannot be made or revoked, or an unreadable token file."""


@dataclass(frozen=True, slots=True)
class AdminToken:
    """A stored token: its id, role, the start of the token (to recognise it), its note."""

    id: str
    role: TokenRole
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


def allows(role: str, needed: Role) -> TypeGuard[Role]:
    """Whether ``role`` may do what needs ``needed`` (never the runtime role: it opens
    only the gateway)."""
    return role in ROLES and ROLES.index(role) >= ROLES.index(needed)


class TokenStore:
    """The tokens of one data folder (admin and runtime ones)."""

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / TOKENS_FILE
        self._file = SecretFile(
            self.path,
            "tokens",
            "id, role, hash, ...",
            lambda entry: isinstance(entry.get("id"), str) and entry.get("role") in TOKEN_ROLES,
            _token,
            TokenError,
        )

    def find(self, presented: str) -> AdminToken | None:
        return self._file.by_hash().get(digest(presented)) if presented else None

    def by_id(self, token_id: str) -> AdminToken | None:
        """The token with this id, unless it was revoked (the file is re-read when it
        changed)."""
        return next((t for t in self._file.by_hash().values() if t.id == token_id), None)

    def listed(self) -> list[AdminToken]:
        return sorted(self._file.by_hash().values(), key=lambda t: t.created_unix_s)

    def has_admin_tokens(self) -> bool:
        """Whether any token opens the admin listener (runtime tokens do not)."""
        return any(token.role in ROLES for token in self._file.by_hash().values())

    def create(self, role: str, name: str = "") -> tuple[AdminToken, str]:
        """A new token; the token itself is returned once and stored hashed."""
        if role not in TOKEN_ROLES:
            raise TokenError(f"a role is one of {', '.join(TOKEN_ROLES)}, got {role!r}")
        entries = self._file.read()
        token = PREFIX + secrets.token_urlsafe(32)
        made = AdminToken(secrets.token_hex(4), role, token[:8], name, round(time.time(), 3))
        entries.append({**made.to_json(), "hash": digest(token)})
        self._file.write(entries)
        return made, token

    def revoke(self, token_id: str) -> AdminToken:
        entries = self._file.read()
        kept = [entry for entry in entries if entry["id"] != token_id]
        if len(kept) == len(entries):
            ids = ", ".join(entry["id"] for entry in entries) or "none"
            raise TokenError(f"no admin token has the id {token_id!r} (ids: {ids})")
        self._file.write(kept)
        (gone,) = [_token(entry) for entry in entries if entry["id"] == token_id]
        return gone


def _token(entry: dict[str, Any]) -> AdminToken:
    return AdminToken(
        entry["id"],
        entry["role"],
        entry.get("hint", ""),
        entry.get("name", ""),
        entry.get("created", 0.0),
    )
