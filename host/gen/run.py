"""Runs the generators, then writes each language's output folder wholesale, or
(``--check``) reports what differs from a fresh generation."""

from __future__ import annotations

import importlib
import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .. import motia
from ..catalog import Catalog
from ..contracts import Contracts
from .breaking import Snapshot, breaking_changes, snapshot
from .model import GenInput, build_input
from .motia import sync_types, wants_types

SNAPSHOT_FILE = "contracts.json"
# language -> (output folder under gen_dir, generator module relative to this package)
OUTPUTS = {
    "python": ("python", ".python"),
    "ruby": ("ruby", ".ruby"),
    "node": ("ts", ".typescript"),
}
Generator = Callable[[GenInput, Path | None], dict[str, bytes]]


def gen_languages(project: Path, stepped: list[str], contracts: Contracts) -> list[str]:
    """The languages to generate types for: ``stepped`` (those with steps), and TypeScript
    in a project with a package.json (its 'stephost' types live in the TypeScript output).
    A Motia project's TypeScript steps type themselves through types.d.ts instead, so it
    gets TypeScript output only for the message classes of its contracts."""
    languages = set(stepped)
    if motia.is_motia_project(project):
        if not contracts.own_files:
            languages.discard("node")
    elif (project / "package.json").is_file():
        languages.add("node")
    return sorted(languages)


@dataclass
class GenResult:
    files: dict[str, bytes] = field(default_factory=dict)  # relative to gen_dir
    breaking: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)


def _generator(language: str) -> Generator:
    module = importlib.import_module(OUTPUTS[language][1], __package__)
    generate: Generator = module.generate
    return generate


def render(catalog: Catalog, contracts: Contracts, languages: list[str]) -> dict[str, bytes]:
    """Every generated file, by path relative to the generation folder."""
    data = build_input(catalog, contracts.descriptor_set, contracts.own_files, languages)
    files: dict[str, bytes] = {}
    for language in sorted(set(languages) & set(OUTPUTS)):
        folder = OUTPUTS[language][0]
        for path, content in _generator(language)(data, contracts.folder).items():
            files[f"{folder}/{path}"] = content
    if contracts.own_files:
        files[SNAPSHOT_FILE] = (
            json.dumps(snapshot(contracts.descriptor_set), indent=1, sort_keys=True) + "\n"
        ).encode()
    return files


def step_type_paths(languages: list[str]) -> set[str]:
    """The generated files that depend on the step configs (the rest: on contracts/)."""
    return {
        f"{OUTPUTS[lang][0]}/{name}"
        for lang in languages
        if lang in OUTPUTS
        for name in importlib.import_module(OUTPUTS[lang][1], __package__).STEP_TYPE_FILES
    }


def write_messages(
    contracts: Contracts, languages: list[str], gen_dir: Path, previous: Path
) -> None:
    """Fresh message classes of each language into ``gen_dir``, beside the step types of
    the ``previous`` generation (steps that import them must load while being probed)."""
    if previous.is_dir():
        shutil.copytree(previous, gen_dir, dirs_exist_ok=True)
    step_files = step_type_paths(languages)
    for path, content in render(Catalog(), contracts, languages).items():
        target = gen_dir / path
        if path in step_files and target.exists():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)


def _previous_snapshot(gen_dir: Path) -> Snapshot | None:
    path = gen_dir / SNAPSHOT_FILE
    if not path.exists():
        return None
    previous: Snapshot = json.loads(path.read_text())
    return previous


def _on_disk(gen_dir: Path) -> dict[str, bytes]:
    found = {}
    folders = [OUTPUTS[lang][0] for lang in OUTPUTS]
    for folder in folders:
        for path in (gen_dir / folder).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                found[path.relative_to(gen_dir).as_posix()] = path.read_bytes()
    if (gen_dir / SNAPSHOT_FILE).exists():
        found[SNAPSHOT_FILE] = (gen_dir / SNAPSHOT_FILE).read_bytes()
    return found


def generate(
    catalog: Catalog,
    contracts: Contracts,
    languages: list[str],
    gen_dir: Path,
    *,
    check: bool = False,
    write: bool = True,
    keep_baseline: bool = False,
    keep_step_types: bool = False,
) -> GenResult:
    """Generate (or with ``check``, compare). The baseline of breaking-change detection
    (``contracts.json``) moves only when ``keep_baseline`` is false: an explicit
    `stephost gen`; `stephost dev` keeps the one it found (or writes the first).
    ``keep_step_types`` keeps the step types on disk as they are (dev, while step files
    fail to load)."""
    files = render(catalog, contracts, languages)
    result = GenResult(files=files)
    kept = step_type_paths(languages) if keep_step_types else set()
    if keep_baseline:
        kept.add(SNAPSHOT_FILE)
    for path in kept:
        if (gen_dir / path).exists():
            files[path] = (gen_dir / path).read_bytes()
    previous = _previous_snapshot(gen_dir)
    if previous is not None and contracts.own_files:
        result.breaking = breaking_changes(previous, snapshot(contracts.descriptor_set))
    if check:
        current = _on_disk(gen_dir)
        result.stale = sorted(
            path for path in files.keys() | current.keys() if files.get(path) != current.get(path)
        )
        return result
    if write:
        _replace_all(gen_dir, files)
    return result


def _replace_all(gen_dir: Path, files: dict[str, bytes]) -> None:
    """Make the output folders hold exactly ``files``; each file is replaced atomically,
    so an editor or type checker reading meanwhile never sees a missing or half file."""
    for path, content in files.items():
        target = gen_dir / path
        if target.exists() and target.read_bytes() == content:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.partial")
        partial.write_bytes(content)
        os.replace(partial, target)
    for old in _on_disk(gen_dir):
        if old not in files:
            (gen_dir / old).unlink()
    for folder, _module in OUTPUTS.values():
        for directory in sorted((gen_dir / folder).rglob("*"), reverse=True):
            if directory.is_dir() and not any(directory.iterdir()):
                directory.rmdir()


def run_gen(project: Path, *, check: bool, strict: bool) -> int:
    """`stephost gen`: the exit code (0 done or fresh, 1 stale, 2 breaking with --strict)."""
    import asyncio
    import sys
    import tempfile

    import typer

    from ..errors import ProjectError
    from ..runtimes.languages import step_files
    from ..settings import load_settings
    from ..telemetry import configure_logging
    from .probe import probe_catalog

    try:
        settings = load_settings(project)
        configure_logging("error", "console", sys.stderr)
        contracts = Contracts.load(project, settings.contracts_dir)
        stepped = sorted(step_files(project))
        languages = gen_languages(project, stepped, contracts)
        with tempfile.TemporaryDirectory(prefix="stephost-gen-") as tmp:
            # Steps may import the generated message classes: give the runtimes fresh
            # ones to load while their configs are read.
            write_messages(contracts, languages, Path(tmp), project / settings.gen_dir)
            catalog = asyncio.run(probe_catalog(project, settings, contracts, Path(tmp)))
    except ProjectError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        return 1
    for problem in catalog.problems:
        typer.echo(f"warning: {problem.file}: {problem.failure.message}", err=True)
    config_warnings = catalog.config_warnings()
    for warning in catalog.warnings():
        level = "error" if strict and warning in config_warnings else "warning"
        typer.echo(f"{level}: {warning}", err=True)
    if wants_types(project, stepped) and sync_types(project, catalog, check=check):
        verb = "is stale; run `stephost gen`" if check else "written"
        typer.echo(f"{project / motia.TYPES_FILE} {verb}", err=check)
        if check:
            return 1
    gen_dir = project / settings.gen_dir
    result = generate(catalog, contracts, languages, gen_dir, check=check, write=False)
    for change in result.breaking:
        typer.echo(f"{'error' if strict else 'warning'}: breaking change: {change}", err=True)
    if strict and (result.breaking or config_warnings):
        return 2
    if check:
        if result.stale:
            typer.echo(f"{gen_dir} is stale; run `stephost gen`:", err=True)
            for path in result.stale:
                typer.echo(f"  {path}", err=True)
            if SNAPSHOT_FILE in result.stale:
                typer.echo(
                    f"contracts/ changed since the baseline of breaking changes ({SNAPSHOT_FILE});"
                    " `stephost gen` makes the new contracts the baseline",
                    err=True,
                )
            return 1
        typer.echo(f"{gen_dir} is up to date")
        return 0
    generate(catalog, contracts, languages, gen_dir)
    typer.echo(f"generated {len(result.files)} files in {gen_dir}")
    return 0
