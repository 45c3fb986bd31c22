"""`stephost test`: the project's own tests, in every language that has some.

Arguments go to pytest. Paths among them (files or folders) choose the tests: pytest
gets the Python ones, node:test the JavaScript and TypeScript ones; without any path,
all of ``tests/`` runs.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import typer

from .runtimes.languages import runtime_files

NODE_TEST_PATTERNS = ("*.test.ts", "*.test.mts", "*.test.js", "*.test.mjs", "*.test.cjs")
PYTHON_TEST_PATTERNS = ("test_*.py", "*_test.py")
# pytest options whose value is the next argument (so that value is not a path).
_TAKES_VALUE = frozenset(
    {"-k", "-m", "-p", "-c", "-o", "-W", "-r", "--maxfail", "--deselect", "--ignore",
     "--ignore-glob", "--rootdir", "--junitxml", "--log-level", "--tb", "--durations",
     "--timeout", "--basetemp", "--confcutdir", "--import-mode"}
)  # fmt: skip


def _matching(folder_or_file: Path, patterns: tuple[str, ...]) -> list[Path]:
    if folder_or_file.is_file():
        return [folder_or_file] if any(folder_or_file.match(p) for p in patterns) else []
    return sorted(
        p
        for pattern in patterns
        for p in folder_or_file.rglob(pattern)
        if "node_modules" not in p.parts
    )


def split_paths(project: Path, args: list[str]) -> tuple[list[Path], list[str]]:
    """The arguments that name existing files or folders, and the others (in order)."""
    paths: list[Path] = []
    rest: list[str] = []
    value_next = False
    for arg in args:
        if value_next:
            rest.append(arg)
            value_next = False
        elif arg.startswith("-"):
            rest.append(arg)
            value_next = arg in _TAKES_VALUE
        elif (project / arg.split("::")[0]).exists():
            paths.append(project / arg)
        else:
            rest.append(arg)
    return paths, rest


def run_tests(project: Path, pytest_args: list[str]) -> int:
    tests = project / "tests"
    paths, options = split_paths(project, pytest_args)
    if not paths:
        if not tests.is_dir():
            typer.echo(f"error: no tests/ folder in {project}", err=True)
            return 1
        paths = [tests]
    python_paths = [p for p in paths if "::" in p.name or _matching(p, PYTHON_TEST_PATTERNS)]
    node_files = [f for p in paths if "::" not in p.name for f in _matching(p, NODE_TEST_PATTERNS)]
    code = 0
    if python_paths and importlib.util.find_spec("pytest") is None:
        typer.echo(
            f"error: the Python tests need pytest, which is not installed for {sys.executable}:"
            " pip install pytest (a project from `stephost new` lists it in requirements.txt)",
            err=True,
        )
        return 1
    if python_paths:
        code |= subprocess.run(
            [sys.executable, "-m", "pytest", *map(str, python_paths), *options],
            cwd=project,
            check=False,
        ).returncode
    if node_files:
        register = runtime_files().node_test
        command = ["node", "--import", str(register), "--test", *map(str, node_files)]
        # startApp (stephost/testing) starts the host with this Python, stephost's own.
        env = {**os.environ, "STEPHOST_PYTHON": sys.executable}
        code |= subprocess.run(command, cwd=project, env=env, check=False).returncode
    if not python_paths and not node_files:
        where = ", ".join(str(p) for p in paths)
        typer.echo(f"error: no tests in {where} (test_*.py, *.test.ts, *.test.js)", err=True)
        return 1
    return 1 if code else 0
