"""Motia 0.x configs on stephost: what maps onto our settings, and what cannot be honoured.

Motia steps carry keys of their own. ``virtualEmits``, ``virtualSubscribes``,
``includeFiles`` and ``queryParams`` are accepted as they are (drawings, a bundling
hint, documentation); ``middleware`` runs in the runtimes. ``infrastructure`` maps
onto our settings where there is a match (``native_settings``); what cannot be
honoured is a ``Note`` that names the file, the step and the field. The same goes
for stream declarations (``stream_notes``). A native key set in the config wins
over the one ``infrastructure`` maps to.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# The TypeScript declarations of a Motia project's steps (`stephost gen` keeps them).
TYPES_FILE = "types.d.ts"

_SECONDS_TO_MS = 1000
_QUEUE_KEYS = frozenset({"type", "maxRetries", "visibilityTimeout", "delaySeconds", "concurrency"})
_HANDLER_KEYS = frozenset({"timeout", "ram", "cpu"})
_QUEUE_TYPES = ("standard", "fifo")


@dataclass(frozen=True, slots=True)
class Note:
    """Something stephost accepts but does not honour: a field of a step's or a stream's
    config, or of one of the project's own files (``name`` is then empty)."""

    file: str
    name: str
    field: str
    message: str

    def text(self) -> str:
        where = f"{self.file}: {self.name}" if self.name else self.file
        return f"{where}: `{self.field}` {self.message}"

    def to_json(self) -> dict[str, str]:
        return {"file": self.file, "name": self.name, "field": self.field, "message": self.message}


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        return None
    return float(value)


def native_settings(raw: dict[str, Any]) -> dict[str, Any]:
    """The native config keys a step's ``infrastructure`` maps to.

    - ``handler.timeout`` (seconds) -> ``timeoutMs``;
    - ``queue.maxRetries`` (Motia counts every attempt) -> ``maxAttempts``;
    - ``queue.visibilityTimeout`` (seconds before a failed message is tried again)
      -> ``backoffMs``, the first retry's wait;
    - ``queue.delaySeconds`` -> ``delayMs``, each message's wait before delivery;
    - ``queue.concurrency`` -> ``concurrency``.

    ``queue.type: fifo`` needs nothing: messages with a ``messageGroupId`` are always
    delivered in order within their group. Values that are not usable numbers are left
    out (``infrastructure_notes`` names them).
    """
    infrastructure = raw.get("infrastructure")
    if not isinstance(infrastructure, dict):
        return {}
    out: dict[str, Any] = {}
    handler = infrastructure.get("handler")
    if isinstance(handler, dict):
        timeout = _number(handler.get("timeout"))
        if timeout:
            out["timeoutMs"] = int(timeout * _SECONDS_TO_MS)
    queue = infrastructure.get("queue")
    if isinstance(queue, dict):
        retries = _number(queue.get("maxRetries"))
        if retries is not None:
            out["maxAttempts"] = max(1, int(retries))
        visibility = _number(queue.get("visibilityTimeout"))
        if visibility:
            out["backoffMs"] = int(visibility * _SECONDS_TO_MS)
        delay = _number(queue.get("delaySeconds"))
        if delay:
            out["delayMs"] = int(delay * _SECONDS_TO_MS)
        concurrency = _number(queue.get("concurrency"))
        if concurrency is not None and concurrency >= 1:
            out["concurrency"] = int(concurrency)
    return out


def virtual_emits(raw: dict[str, Any]) -> set[str]:
    """The topics a config's ``virtualEmits`` names (drawn in flows; emitted elsewhere)."""
    entries = raw.get("virtualEmits")
    if not isinstance(entries, list):
        return set()
    topics = (e.get("topic") if isinstance(e, dict) else e for e in entries)
    return {t for t in topics if isinstance(t, str) and t}


def infrastructure_notes(raw: dict[str, Any], file: str) -> list[Note]:
    """What in a step's ``infrastructure`` cannot be honoured."""
    infrastructure = raw.get("infrastructure")
    if infrastructure is None:
        return []
    name = str(raw.get("name") or "?")
    field = "infrastructure"
    if not isinstance(infrastructure, dict):
        return [Note(file, name, field, "must be an object; it is ignored")]
    notes = []
    if raw.get("type") not in ("event", "cron") and infrastructure.get("queue") is not None:
        notes.append(
            Note(file, name, "infrastructure.queue", "applies to event steps only; ignored")
        )
    for key in sorted(set(infrastructure) - {"handler", "queue"}):
        notes.append(Note(file, name, f"{field}.{key}", "is not a Motia setting; ignored"))
    handler = infrastructure.get("handler")
    if isinstance(handler, dict):
        for key in ("ram", "cpu"):
            if key in handler:
                notes.append(
                    Note(
                        file,
                        name,
                        f"{field}.handler.{key}",
                        "cannot be honoured: steps share their language's runtime "
                        "processes (set `processes` per language in stephost.toml)",
                    )
                )
        notes.extend(_unknown(handler, _HANDLER_KEYS, file, name, f"{field}.handler"))
        notes.extend(_not_number(handler, ("timeout",), file, name, f"{field}.handler"))
    queue = infrastructure.get("queue")
    if isinstance(queue, dict):
        if queue.get("type", "standard") not in _QUEUE_TYPES:
            notes.append(
                Note(
                    file,
                    name,
                    f"{field}.queue.type",
                    f"must be standard or fifo, got {queue.get('type')!r}; ignored",
                )
            )
        notes.extend(_unknown(queue, _QUEUE_KEYS, file, name, f"{field}.queue"))
        numbers = ("maxRetries", "visibilityTimeout", "delaySeconds", "concurrency")
        notes.extend(_not_number(queue, numbers, file, name, f"{field}.queue"))
    return notes


def _unknown(
    section: dict[str, Any], known: frozenset[str], file: str, name: str, where: str
) -> list[Note]:
    return [
        Note(file, name, f"{where}.{key}", "is not a Motia setting; ignored")
        for key in sorted(set(section) - known)
    ]


def _not_number(
    section: dict[str, Any], keys: tuple[str, ...], file: str, name: str, where: str
) -> list[Note]:
    return [
        Note(
            file,
            name,
            f"{where}.{key}",
            f"must be a number >= 0, got {section[key]!r}; ignored",
        )
        for key in keys
        if key in section and _number(section[key]) is None
    ]


def stream_notes(config: dict[str, Any], file: str) -> list[Note]:
    """What in a stream declaration cannot be honoured."""
    name = str(config.get("name") or "?")
    notes = []
    if "canAccess" in config:
        notes.append(
            Note(
                file,
                name,
                "canAccess",
                "is not supported: every client that can reach the host's streams "
                "endpoint may subscribe; keep it off public networks",
            )
        )
    base = config.get("baseConfig")
    if isinstance(base, dict) and base.get("storageType", "default") != "default":
        notes.append(
            Note(
                file,
                name,
                "baseConfig.storageType",
                "custom stream storage is not supported; items are kept in the host's state store",
            )
        )
    return notes


# motia.config.ts keys stephost does not read, and what takes their place.
_PROJECT_KEYS = {
    "plugins": "Workbench plugins are not loaded; stephost has its own Workbench and admin "
    "API (/_stephost/)",
    "adapters": "custom state, event, cron or stream adapters are not loaded; stephost keeps "
    "them in its own backends (SQLite, or Redis when scaled out)",
    "redis": "is not read; stephost needs no Redis on one machine (see stephost.toml to scale out)",
    "streamAuth": "is not supported: stream subscriptions are not authenticated; keep the "
    "host's streams endpoint off public networks",
    "app": "express app hooks are not supported",
}
_CONFIG_FILES = ("motia.config.ts", "motia.config.js")
_MARKERS = (*_CONFIG_FILES, "motia-workbench.json")
_REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
_DEPRECATED_PYTHON_STEP = "*.step.py"


def is_motia_project(project: Path) -> bool:
    """Whether ``project`` was made for Motia (its config or Workbench file is there)."""
    return any((project / name).is_file() for name in _MARKERS)


def project_notes(project: Path, step_dirs: list[Path]) -> list[Note]:
    """What in a Motia project's own files stephost does not honour, found by reading them."""
    notes = []
    for name in _CONFIG_FILES:
        path = project / name
        if path.is_file():
            text = path.read_text(errors="replace")
            for key, why in _PROJECT_KEYS.items():
                if re.search(rf"\b{key}\s*:", text):
                    notes.append(Note(name, "", key, why))
    notes.extend(_requirement_notes(project))
    for folder in step_dirs:
        for path in sorted(folder.rglob(_DEPRECATED_PYTHON_STEP)):
            rel = path.relative_to(project).as_posix()
            notes.append(
                Note(
                    rel,
                    "",
                    "file name",
                    f"is not a step file name; rename it to {path.name[:-8]}_step.py "
                    "(Motia 0.x dropped `.step.py` too)",
                )
            )
    return notes


def _requirement_notes(project: Path) -> list[Note]:
    """requirements.txt packages missing from the Python that runs the steps (Motia put
    them in python_modules, which stephost does not use)."""
    path = project / "requirements.txt"
    if not path.is_file():
        return []
    import importlib.metadata  # on first use: it is slow to import

    notes = []
    for line in path.read_text(errors="replace").splitlines():
        match = _REQUIREMENT.match(line.split("#", 1)[0])
        if match is None:
            continue
        try:
            importlib.metadata.version(match.group(1))
        except importlib.metadata.PackageNotFoundError:
            notes.append(
                Note(
                    "requirements.txt",
                    "",
                    match.group(1),
                    f"is not installed in the Python that runs the steps ({sys.executable}); "
                    f"run `{sys.executable} -m pip install -r requirements.txt`",
                )
            )
    return notes
