"""Motia's own starter templates, fetched from the npm registry at test time.

The `motia` package (0.17.x) ships the templates of `motia create` under
``dist/create/templates``. ``templates_dir()`` fetches it once with ``npm pack`` into a
cache outside the repository (``~/.cache/stephost-tests/motia/<version>``; it is not our
code and is never committed) and skips the test with the reason when the registry
cannot be reached. ``create_project`` lays a template out the way `motia create` does,
without installing anything: the point is that stephost serves it as it is.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

import pytest

# The latest 0.17.x of `motia` on the registry (0.17 was only published as betas).
MOTIA_VERSION = os.environ.get("STEPHOST_MOTIA_VERSION", "0.17.6-beta.187")
TEMPLATES = ("hello", "hello_js", "hello_python", "hello_multilang", "nodejs", "python")
# The compiler options of the tsconfig.json that `motia create` writes.
COMPILER_OPTIONS = {
    "target": "ES2020",
    "module": "ESNext",
    "moduleResolution": "bundler",
    "allowImportingTsExtensions": True,
    "noEmit": True,
    "esModuleInterop": True,
    "strict": True,
    "skipLibCheck": True,
    "resolveJsonModule": True,
    "allowJs": True,
    "baseUrl": ".",
}
_NETWORK_ERRORS = re.compile(
    r"ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH|"
    r"network|socket hang up|request to .* failed",
    re.IGNORECASE,
)


def cache_dir() -> Path:
    base = os.environ.get("STEPHOST_TEST_CACHE") or os.environ.get("XDG_CACHE_HOME")
    root = Path(base) if base else Path.home() / ".cache"
    return root / "stephost-tests" / "motia" / MOTIA_VERSION


def templates_dir() -> Path:
    """The unpacked package's templates folder; fetched on first use."""
    folder = cache_dir()
    templates = folder / "package" / "dist" / "create" / "templates"
    if templates.is_dir():
        return templates
    if shutil.which("npm") is None:
        pytest.skip("npm is not on PATH, so Motia's templates cannot be fetched")
    folder.mkdir(parents=True, exist_ok=True)
    # Unpacked beside the cache, then moved in whole: a run that stops halfway (or another
    # test process fetching at the same time) never leaves a partial package behind.
    with tempfile.TemporaryDirectory(dir=folder) as tmp:
        command = ["npm", "pack", f"motia@{MOTIA_VERSION}", "--pack-destination", tmp, "--json"]
        try:
            result = subprocess.run(
                command, capture_output=True, text=True, timeout=300, check=False
            )
        except subprocess.TimeoutExpired:
            pytest.skip("the npm registry cannot be reached: `npm pack` took over 300 s")
        if result.returncode != 0:
            lines = [line for line in result.stderr.splitlines() if _NETWORK_ERRORS.search(line)]
            if lines:
                pytest.skip(f"the npm registry cannot be reached: {lines[0].strip()}")
            raise AssertionError(f"npm pack motia@{MOTIA_VERSION} failed:\n{result.stderr}")
        tarball = Path(tmp) / json.loads(result.stdout)[0]["filename"]
        with tarfile.open(tarball) as archive:
            archive.extractall(tmp, filter="data")
        with contextlib.suppress(OSError):  # another process moved its copy in first
            os.rename(Path(tmp) / "package", folder / "package")
    assert templates.is_dir(), f"motia@{MOTIA_VERSION} has no dist/create/templates"
    return templates


def create_project(template: str, target: Path) -> Path:
    """``target`` laid out as `motia create -t <template>` makes it, minus the installs:
    package.json (an ES module project), tsconfig.json, .gitignore, and the template's
    files with their ``.txt`` suffix dropped (``requirements.txt`` kept)."""
    source = templates_dir() / template
    assert source.is_dir(), f"motia@{MOTIA_VERSION} has no template {template!r}"
    target.mkdir(parents=True, exist_ok=True)
    (target / "package.json").write_text(
        json.dumps({"name": target.name, "type": "module", "keywords": ["motia"]}, indent=2)
    )
    (target / "tsconfig.json").write_text(
        json.dumps(
            {
                "compilerOptions": COMPILER_OPTIONS,
                "include": ["**/*.ts", "motia.config.ts", "types.d.ts"],
                "exclude": ["node_modules", "dist", "tests"],
            },
            indent=2,
        )
    )
    (target / ".gitignore").write_text("node_modules\npython_modules\n.motia\n.stephost\n")
    for path in sorted(source.rglob("*")):
        if not path.is_file():
            continue
        rel = path.relative_to(source).as_posix()
        if path.name != "requirements.txt":
            rel = rel.removesuffix(".txt")
        out = target / rel
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(path.read_text().replace("{{PROJECT_NAME}}", target.name))
    return target
