"""`stephost doctor`: what in a project stephost will not run as written, file by file.

Made for projects that come from Motia: it loads every step and stream the way the host
does (each language's runtime, started briefly, without touching the data folder) and
reports, per file, what fails to load, what in a config or in the project's own files
cannot be honoured, and config keys stephost does not know (typos, most likely),
instead of the project failing at run time.
"""

from __future__ import annotations

import asyncio
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import typer

from . import motia
from .catalog import Catalog
from .contracts import Contracts
from .errors import ProjectError
from .runtimes.languages import STEP_DIRS, step_dirs

PROJECT = "(project)"


@dataclass(frozen=True, slots=True)
class Finding:
    """One line of the report: an error (the file does not serve) or a warning."""

    level: str
    message: str


def findings(project: Path, catalog: Catalog) -> dict[str, list[Finding]]:
    """Per file (``PROJECT`` for the project as a whole), what the report says."""
    out: dict[str, list[Finding]] = defaultdict(list)
    for problem in catalog.problems:
        out[problem.file].append(Finding("error", problem.failure.message))
    for step in sorted(catalog.steps.values(), key=lambda s: s.file):
        for warning in step.config_warnings:  # keys no step type has: typos, most likely
            out[step.file].append(Finding("warning", f"{step.name}: {warning}"))
    for note in [*motia.project_notes(project, step_dirs(project)), *catalog.notes]:
        where = f"{note.name}: " if note.name else ""
        out[note.file].append(Finding("warning", f"{where}`{note.field}` {note.message}"))
    for warning in catalog.topic_warnings():
        out[PROJECT].append(Finding("warning", warning))
    return out


def report(project: Path, catalog: Catalog) -> tuple[str, int]:
    """The report's text, and the exit code: 1 when a file does not serve, else 0."""
    found = findings(project, catalog)
    kind = "a Motia project" if motia.is_motia_project(project) else "a stephost project"
    lines = [f"stephost doctor: {project} ({kind})", ""]
    for file in sorted(found, key=lambda f: (f == PROJECT, f)):
        lines.append(file)
        lines.extend(f"  {f.level}: {f.message}" for f in found[file])
        lines.append("")
    errors = sum(f.level == "error" for items in found.values() for f in items)
    warnings = sum(f.level == "warning" for items in found.values() for f in items)
    loaded = (
        f"{_count(len(catalog.steps), 'step')} and {_count(len(catalog.streams), 'stream')} load"
    )
    if not found:
        lines.append(f"{loaded}; nothing to report.")
    else:
        lines.append(
            f"{loaded}; {_count(errors, 'error')} and {_count(warnings, 'warning')} in "
            f"{_count(len(found), 'file')}."
        )
    return "\n".join(lines), 1 if errors else 0


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def run_doctor(project: Path) -> int:
    """`stephost doctor`: print the report; the exit code."""
    from .gen.probe import probe_catalog
    from .settings import load_settings
    from .telemetry import configure_logging

    if not step_dirs(project):
        folders = " or ".join(f"{name}/" for name in STEP_DIRS)
        typer.echo(f"error: no {folders} folder in {project}", err=True)
        return 1
    try:
        settings = load_settings(project)
        configure_logging("error", "console", sys.stderr)
        contracts = Contracts.load(project, settings.contracts_dir)
        catalog = asyncio.run(probe_catalog(project, settings, contracts))
    except ProjectError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        return 1
    text, code = report(project, catalog)
    typer.echo(text)
    return code
