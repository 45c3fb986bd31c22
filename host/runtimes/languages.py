"""The languages a project's steps may be written in, and how to launch each runtime."""

from __future__ import annotations

import fnmatch
import os
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from host.errors import ProjectError

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


LANGUAGES: dict[str, Language] = {
    "python": Language("python", ("*_step.py",), (".py",), _python_command),
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
