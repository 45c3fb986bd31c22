"""What `stephost dev` reacts to: the whole project, a Motia one's layout included, but not
what dev writes itself, tests, installed packages or dot-folders."""

from __future__ import annotations

from pathlib import Path

import pytest

from stephost_host.settings import load_settings
from stephost_host.watching import ProjectFiles


@pytest.fixture
def files(tmp_path: Path) -> ProjectFiles:
    return ProjectFiles(tmp_path, load_settings(tmp_path))


@pytest.mark.parametrize(
    "path",
    [
        "steps/a_step.py",
        "src/flows/hello.step.ts",  # a Motia project's steps
        "src/services/pets.py",
        "lib/greeting.py",
        "package.json",
        "motia.config.ts",
        "contracts/users/v1/users.proto",
        "stephost.toml",
    ],
)
def test_the_whole_project_is_watched(files: ProjectFiles, path: str) -> None:
    assert files.watched(files.project / path)


@pytest.mark.parametrize(
    "path",
    [
        ".stephost/state.db",  # the data folder
        "generated/python/stephost_types.py",  # dev writes it
        "types.d.ts",  # a Motia project's types: dev writes them too
        "tests/test_flow.py",
        "node_modules/zod/index.js",
        "src/node_modules/x/index.js",
        "python_modules/lib/python3.11/site-packages/x.py",  # Motia's virtualenv
        "venv/lib/x.py",
        "steps/__pycache__/a_step.cpython-311.pyc",
        ".git/HEAD",
        "steps/.hidden/x_step.py",
    ],
)
def test_what_dev_writes_tests_packages_and_dot_folders_are_not(
    files: ProjectFiles, path: str
) -> None:
    assert not files.watched(files.project / path)


def test_a_types_file_below_the_root_is_a_source_like_any(files: ProjectFiles) -> None:
    assert files.watched(files.project / "src" / "types.d.ts")
