"""Build hooks (the rest of the build is in pyproject.toml): the wheel carries the Node
and Ruby runtimes, so that an installed stephost runs TypeScript and Ruby steps with no
checkout beside it.

They go into the host package as ``stephost_host/_runtimes/`` (found there by
``host/runtimes/languages.py``):

- ``node/``: the Node runtime bundled into plain JavaScript files
  (``bridges/node/scripts/bundle.mjs``, esbuild), so a user needs Node but no
  ``npm install``; building needs Node and npm (``npm ci`` runs when
  ``bridges/node/node_modules`` is missing);
- ``ruby/``: the Ruby runtime's ``bin/`` and ``lib/`` as they are.

The Workbench's built front end (``stephost_host/workbench/dist/``, package data) goes
in too: ``make workbench`` builds it in a checkout, and these hooks build it (npm) when
it is missing, so that no wheel lacks it.

``python -m build`` makes the sdist first, with the runtimes and the Workbench built into
it, then the wheel from the sdist, which ships them as package data. A wheel built
straight from a checkout builds them itself. An editable install builds nothing: it runs
the checkout's ``bridges/`` and ``host/workbench/dist/``.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.command.sdist import sdist

ROOT = Path(__file__).resolve().parent
BRIDGES = ROOT / "bridges"
RUNTIMES = "_runtimes"  # inside the host package
WORKBENCH_UI = ROOT / "host" / "workbench" / "ui"
WORKBENCH_DIST = "workbench/dist"  # inside the host package


def _run(command: list[str], cwd: Path) -> None:
    print(f"stephost build: {' '.join(command)} (in {cwd})")
    subprocess.run(command, cwd=cwd, check=True)


def _node_and_npm() -> tuple[str, str]:
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        raise SystemExit(
            "building stephost needs Node.js 20+ and npm on PATH: the Node runtime and the "
            "Workbench are built into the wheel at build time"
        )
    return node, npm


def _npm_ci(folder: Path, npm: str) -> None:
    if not (folder / "node_modules").is_dir():
        _run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], folder)


def _node_runtime(target: Path) -> None:
    node_dir = BRIDGES / "node"
    node, npm = _node_and_npm()
    _npm_ci(node_dir, npm)
    _run([node, "scripts/bundle.mjs", str(target)], node_dir)


def _workbench(target: Path) -> None:
    """The Workbench's built front end into ``target`` unless it is there (as package
    data): the checkout's (``make workbench``), built first when it is missing."""
    if (target / "index.html").is_file():
        return
    dist = WORKBENCH_UI.parent / "dist"
    if not (dist / "index.html").is_file():
        _node, npm = _node_and_npm()
        _npm_ci(WORKBENCH_UI, npm)
        _run([npm, "run", "build", "--silent"], WORKBENCH_UI)
    shutil.copytree(dist, target, dirs_exist_ok=True)


def _ruby_runtime(target: Path) -> None:
    for folder in ("bin", "lib"):
        shutil.copytree(BRIDGES / "ruby" / folder, target / folder)


def build_runtimes(target: Path) -> None:
    """Every runtime the wheel carries, into ``target`` (replaced)."""
    target = target.resolve()
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    _node_runtime(target / "node")
    _ruby_runtime(target / "ruby")


class BuildPyWithRuntimes(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return
        package = Path(self.build_lib) / "stephost_host"
        # An sdist's prebuilt runtimes and Workbench came as package data.
        if not (package / RUNTIMES / "node").is_dir():
            build_runtimes(package / RUNTIMES)
        _workbench(package / WORKBENCH_DIST)


class SdistWithRuntimes(sdist):
    def make_release_tree(self, base_dir: str, files: list[str]) -> None:
        super().make_release_tree(base_dir, files)
        build_runtimes(Path(base_dir) / "host" / RUNTIMES)
        _workbench(Path(base_dir) / "host" / WORKBENCH_DIST)


setup(cmdclass={"build_py": BuildPyWithRuntimes, "sdist": SdistWithRuntimes})
