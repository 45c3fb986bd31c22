"""Runs the generators, then writes each language's output folder wholesale, or
(``--check``) reports what differs from a fresh generation."""

from __future__ import annotations

import importlib
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from host.catalog import Catalog
from host.contracts import Contracts
from host.gen.breaking import Snapshot, breaking_changes, snapshot
from host.gen.model import GenInput, build_input

SNAPSHOT_FILE = "contracts.json"
# language -> (output folder under gen_dir, generator module)
OUTPUTS = {
    "python": ("python", "host.gen.python"),
    "node": ("ts", "host.gen.typescript"),
    "ruby": ("ruby", "host.gen.ruby"),
}
Generator = Callable[[GenInput, Path | None], dict[str, bytes]]


@dataclass
class GenResult:
    files: dict[str, bytes] = field(default_factory=dict)  # relative to gen_dir
    breaking: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)


def _generator(language: str) -> Generator:
    module = importlib.import_module(OUTPUTS[language][1])
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


def write_messages(contracts: Contracts, languages: list[str], gen_dir: Path) -> None:
    """Only the message classes (no step types) of each language, into ``gen_dir``."""
    empty = Catalog()
    for path, content in render(empty, contracts, languages).items():
        target = gen_dir / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)


def _previous_snapshot(gen_dir: Path) -> Snapshot | None:
    path = gen_dir / SNAPSHOT_FILE
    if not path.exists():
        return None
    previous: Snapshot = json.loads(path.read_text())
    return previous


def _on_disk(gen_dir: Path, languages: list[str]) -> dict[str, bytes]:
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
) -> GenResult:
    files = render(catalog, contracts, languages)
    result = GenResult(files=files)
    previous = _previous_snapshot(gen_dir)
    if previous is not None and contracts.own_files:
        result.breaking = breaking_changes(previous, snapshot(contracts.descriptor_set))
    if check:
        current = _on_disk(gen_dir, languages)
        result.stale = sorted(
            path for path in files.keys() | current.keys() if files.get(path) != current.get(path)
        )
        return result
    if write:
        for folder, _module in OUTPUTS.values():
            shutil.rmtree(gen_dir / folder, ignore_errors=True)
        (gen_dir / SNAPSHOT_FILE).unlink(missing_ok=True)
        for path, content in files.items():
            target = gen_dir / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
    return result
