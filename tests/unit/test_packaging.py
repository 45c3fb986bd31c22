"""The distribution's layout: the host installs under a name of ours, every package ships."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _declared() -> tuple[set[str], dict[str, str]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    return set(config["packages"]), config["package-dir"]


def test_every_package_folder_is_in_the_distribution() -> None:
    packages, folders = _declared()
    found = set()
    for name, folder in folders.items():
        for init in (ROOT / folder).rglob("__init__.py"):
            relative = init.parent.relative_to(ROOT / folder)
            found.add(".".join((name, *relative.parts)))
    assert found == packages, (
        f"pyproject.toml [tool.setuptools] packages should list exactly the package folders: "
        f"missing {sorted(found - packages)}, stale {sorted(packages - found)}"
    )


def test_nothing_named_plainly_host_is_importable(tmp_path: Path) -> None:
    probe = (
        "import importlib.util as u, stephost_host, stephost;"
        "print(u.find_spec('host') is None, stephost_host.__name__)"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["True", "stephost_host"]
