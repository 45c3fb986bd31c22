"""The languages a project's steps may be written in, and how to launch each runtime."""

from __future__ import annotations

import fnmatch
import os
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..errors import ProjectError

# The repository's bridges/ folder (an editable install); STEPHOST_BRIDGES_DIR overrides.
BRIDGES_DIR = Path(
    os.environ.get("STEPHOST_BRIDGES_DIR", Path(__file__).resolve().parents[2] / "bridges")
)


@dataclass(frozen=True, slots=True)
class Language:
    """A runtime the host can launch: which files it owns and the command that runs it."""

    name: str
    patterns: tuple[str, ...]
    extensions: tuple[str, ...]
    command: Callable[[], list[str]]

    def owns(self, path: Path) -> bool:
        return any(fnmatch.fnmatch(path.name, pattern) for pattern in self.patterns)


def _python_command() -> list[str]:
    return [sys.executable, "-m", "stephost.runtime"]


def _require(tool: str, hint: str) -> str:
    found = shutil.which(tool)
    if found is None:
        raise ProjectError(hint)
    return found


def _node_command() -> list[str]:
    node = _require("node", "TypeScript/JavaScript steps need Node.js 20+ on PATH (`node`)")
    entry = BRIDGES_DIR / "node" / "bin" / "stephost-node.mjs"
    if not (BRIDGES_DIR / "node" / "node_modules").is_dir():
        raise ProjectError(
            f"the Node runtime's dependencies are not installed; run `npm ci` in {entry.parents[1]}"
            " (or `make install`)"
        )
    return [node, str(entry)]


def _ruby_command() -> list[str]:
    ruby = _require(
        "ruby",
        "Ruby steps need Ruby with Debian's gRPC packages: "
        "apt-get install ruby ruby-grpc ruby-google-protobuf",
    )
    return [ruby, str(BRIDGES_DIR / "ruby" / "bin" / "stephost-ruby")]


LANGUAGES: dict[str, Language] = {
    "python": Language("python", ("*_step.py",), (".py",), _python_command),
    "node": Language(
        "node",
        ("*.step.ts", "*.step.js", "*.step.mts", "*.step.mjs", "*.step.cts", "*.step.cjs"),
        (".ts", ".js", ".mts", ".mjs", ".cts", ".cjs", ".json"),
        _node_command,
    ),
    "ruby": Language("ruby", ("*_step.rb",), (".rb",), _ruby_command),
}


def step_files(steps_dir: Path) -> dict[str, list[Path]]:
    """The step files under ``steps_dir``, per language (languages with none are left out)."""
    found: dict[str, list[Path]] = {}
    for path in sorted(steps_dir.rglob("*")):
        if not path.is_file() or any(p.startswith(".") for p in path.relative_to(steps_dir).parts):
            continue
        if "node_modules" in path.parts:
            continue
        for language in LANGUAGES.values():
            if language.owns(path):
                found.setdefault(language.name, []).append(path)
    return found


def language_of_source(path: Path) -> str | None:
    """The language whose runtime must reload when ``path`` (a step or a helper) changes."""
    for language in LANGUAGES.values():
        if path.suffix in language.extensions:
            return language.name
    return None
