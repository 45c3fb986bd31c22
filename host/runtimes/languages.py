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

# The Node and Ruby runtimes: bundled inside the installed package (the wheel's build puts
# them in _runtimes/, see setup.py), else a checkout's bridges/ (an editable install).
# STEPHOST_BRIDGES_DIR names a bridges/ folder to use instead of both.
PACKAGE_RUNTIMES = Path(__file__).resolve().parent.parent / "_runtimes"
CHECKOUT_BRIDGES = Path(__file__).resolve().parents[2] / "bridges"


@dataclass(frozen=True, slots=True)
class RuntimeFiles:
    """Where the files of the Node and Ruby runtimes are."""

    node: Path  # the runtime the host launches
    node_test: Path  # the --import entry of a project's node:test files
    ts_proto: Path  # ts-proto's protoc plugin (`stephost gen`)
    node_types: Path  # sdk.ts, testing.ts, motia-sdk.ts: the types of the public modules
    ruby: Path
    bundled: bool  # False: a checkout's sources, which need `npm ci` in bridges/node

    @property
    def node_modules(self) -> Path:
        return self.node.parents[1] / "node_modules"


def runtime_files() -> RuntimeFiles:
    override = os.environ.get("STEPHOST_BRIDGES_DIR")
    if not override and (PACKAGE_RUNTIMES / "node" / "stephost-node.mjs").is_file():
        node = PACKAGE_RUNTIMES / "node"
        return RuntimeFiles(
            node=node / "stephost-node.mjs",
            node_test=node / "stephost-node-test.mjs",
            ts_proto=node / "protoc-gen-ts_proto.cjs",
            node_types=node / "types",
            ruby=PACKAGE_RUNTIMES / "ruby" / "bin" / "stephost-ruby",
            bundled=True,
        )
    bridges = Path(override) if override else CHECKOUT_BRIDGES
    return RuntimeFiles(
        node=bridges / "node" / "bin" / "stephost-node.mjs",
        node_test=bridges / "node" / "bin" / "stephost-node-test.mjs",
        ts_proto=bridges / "node" / "bin" / "protoc-gen-ts_proto.cjs",
        node_types=bridges / "node" / "src",
        ruby=bridges / "ruby" / "bin" / "stephost-ruby",
        bundled=False,
    )


def node_runtime_ready() -> RuntimeFiles:
    """The runtime files, once Node can run them; else ProjectError saying what is missing."""
    files = runtime_files()
    if not files.node.is_file():
        raise ProjectError(
            f"the Node runtime is missing ({files.node}); reinstall stephost, or build it "
            "from a checkout (`make install`)"
        )
    if not files.bundled and not files.node_modules.is_dir():
        raise ProjectError(
            "the Node runtime's dependencies are not installed; run `npm ci` in "
            f"{files.node.parents[1]} (or `make install`)"
        )
    return files


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


NODE_SEMI_SPACE_MB = 2


def _node_command() -> list[str]:
    node = _require("node", "TypeScript/JavaScript steps need Node.js 20+ on PATH (`node`)")
    return [
        node,
        *node_memory_flags(os.environ.get("NODE_OPTIONS", "")),
        str(node_runtime_ready().node),
    ]


def node_memory_flags(node_options: str) -> list[str]:
    """V8's young generation capped at 2 MB a half (16 by default): under load it grew to
    48 MB of the runtime's RSS, for no CPU measured per message. ``--max-semi-space-size``
    in NODE_OPTIONS wins (a flag on the command line would override it)."""
    if "--max-semi-space-size" in node_options:
        return []
    return [f"--max-semi-space-size={NODE_SEMI_SPACE_MB}"]


def _ruby_command() -> list[str]:
    ruby = _require(
        "ruby",
        "Ruby steps need Ruby with Debian's gRPC packages: "
        "apt-get install ruby ruby-grpc ruby-google-protobuf",
    )
    return [ruby, str(runtime_files().ruby)]


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
