"""What `stephost dev` watches: the whole project, so that a helper module (``lib/``), a
``contracts/`` folder that appears later, or the project's ``package.json`` count as
changes too; but not what changes without the project changing: the data folder, the
generated folder and a Motia project's ``types.d.ts`` (dev writes them itself),
``tests/``, dependencies (``node_modules``, ``python_modules``, ``venv``), caches
(``__pycache__``) and dot-folders (``.git``, ``.venv``, ``.stephost``, ...).
"""

from __future__ import annotations

import os
from pathlib import Path

from . import motia
from .runtimes.languages import SKIPPED_DIRS
from .settings import CONFIG_FILE, Settings

# Folder names skipped wherever they are (the step finder's, and a plain venv);
# dot-folders are skipped too.
SKIPPED_ANYWHERE = SKIPPED_DIRS | {"venv"}
# Folders of the project's root that dev leaves alone.
SKIPPED_AT_ROOT = frozenset({"tests"})


class ProjectFiles:
    """The files of a project that `stephost dev` reacts to."""

    def __init__(self, project: Path, settings: Settings) -> None:
        self.project = project
        self.contracts = project / settings.contracts_dir
        self._skipped = [
            folder if folder.is_absolute() else project / folder
            for folder in (settings.data_dir, Path(settings.gen_dir), Path(motia.TYPES_FILE))
        ]

    def watched(self, path: Path) -> bool:
        """Whether a change of ``path`` (a file or folder, at any depth) may matter."""
        try:
            parts = path.relative_to(self.project).parts
        except ValueError:
            return False
        if parts and parts[0] in SKIPPED_AT_ROOT:
            return False
        if any(part.startswith(".") or part in SKIPPED_ANYWHERE for part in parts):
            return False
        return not any(path == folder or folder in path.parents for folder in self._skipped)

    def is_contract(self, path: Path) -> bool:
        return path.suffix == ".proto" and self.contracts in path.parents

    def is_settings(self, path: Path) -> bool:
        return path == self.project / CONFIG_FILE

    def snapshot(self) -> dict[Path, int]:
        """Every watched file and its modification time (to see what changed meanwhile)."""
        found: dict[Path, int] = {}
        for folder, dirs, files in os.walk(self.project):
            here = Path(folder)
            dirs[:] = [d for d in dirs if self.watched(here / d)]
            for name in files:
                path = here / name
                if self.watched(path):
                    try:
                        found[path] = path.stat().st_mtime_ns
                    except FileNotFoundError:
                        continue
        return found
