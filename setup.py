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

``python -m build`` makes the sdist first, with the runtimes built into it, then the
wheel from the sdist, which ships them as package data. A wheel built straight from a
checkout builds them itself. An editable install builds nothing: it runs the checkout's
``bridges/``.
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


def _run(command: list[str], cwd: Path) -> None:
    print(f"stephost build: {' '.join(command)} (in {cwd})")
    subprocess.run(command, cwd=cwd, check=True)


def _node_runtime(target: Path) -> None:
    node_dir = BRIDGES / "node"
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        raise SystemExit(
            "building stephost needs Node.js 20+ and npm on PATH: the Node runtime is bundled "
            "into the wheel at build time"
        )
    if not (node_dir / "node_modules").is_dir():
        _run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], node_dir)
    _run([node, "scripts/bundle.mjs", str(target)], node_dir)


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
        target = Path(self.build_lib) / "stephost_host" / RUNTIMES
        if not (target / "node").is_dir():  # an sdist's prebuilt runtimes came as package data
            build_runtimes(target)


class SdistWithRuntimes(sdist):
    def make_release_tree(self, base_dir: str, files: list[str]) -> None:
        super().make_release_tree(base_dir, files)
        build_runtimes(Path(base_dir) / "host" / RUNTIMES)


setup(cmdclass={"build_py": BuildPyWithRuntimes, "sdist": SdistWithRuntimes})
