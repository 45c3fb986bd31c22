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


# Step (and stream) files: ours, and the names Motia projects use (`*_step.ts`,
# `*.stream.ts`, `*_stream.py`).
LANGUAGES: dict[str, Language] = {
    "python": Language("python", ("*_step.py", "*_stream.py"), (".py",), _python_command),
    "node": Language(
        "node",
        (
            *("*.step.ts", "*.step.js", "*.step.mts", "*.step.mjs", "*.step.cts", "*.step.cjs"),
            *("*_step.ts", "*_step.js", "*.stream.ts", "*.stream.js", "*_stream.ts", "*_stream.js"),
        ),
        (".ts", ".js", ".mts", ".mjs", ".cts", ".cjs", ".json"),
        _node_command,
    ),
    "ruby": Language("ruby", ("*_step.rb", "*.step.rb"), (".rb",), _ruby_command),
}

# Where step files live: steps/, and src/ (the other layout of Motia projects).
STEP_DIRS = ("steps", "src")
# Installed packages are never searched (Motia keeps a virtualenv in python_modules).
SKIPPED_DIRS = frozenset({"node_modules", "python_modules", "__pycache__"})


def step_dirs(project: Path) -> list[Path]:
    """The folders of ``project`` that hold step files."""
    return [project / name for name in STEP_DIRS if (project / name).is_dir()]


def step_files(project: Path) -> dict[str, list[Path]]:
    """The step files of ``project``, per language (languages with none are left out)."""
    found: dict[str, list[Path]] = {}
    for path in sorted(p for folder in step_dirs(project) for p in folder.rglob("*")):
        parts = path.relative_to(project).parts
        if not path.is_file() or any(p.startswith(".") or p in SKIPPED_DIRS for p in parts):
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
