"""`stephost test`: the project's own tests, in every language that has some."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import typer

from .runtimes.languages import BRIDGES_DIR

NODE_TEST_PATTERNS = ("*.test.ts", "*.test.mts", "*.test.js", "*.test.mjs", "*.test.cjs")


def _python_tests(tests: Path) -> bool:
    return any(tests.rglob("test_*.py")) or any(tests.rglob("*_test.py"))


def _node_tests(tests: Path) -> list[Path]:
    return sorted(
        p
        for pattern in NODE_TEST_PATTERNS
        for p in tests.rglob(pattern)
        if "node_modules" not in p.parts
    )


def run_tests(project: Path, pytest_args: list[str]) -> int:
    tests = project / "tests"
    if not tests.is_dir():
        typer.echo(f"error: no tests/ folder in {project}", err=True)
        return 1
    ran = False
    code = 0
    if _python_tests(tests):
        ran = True
        code |= subprocess.run(
            [sys.executable, "-m", "pytest", str(tests), *pytest_args], cwd=project, check=False
        ).returncode
    node_files = _node_tests(tests)
    if node_files:
        ran = True
        register = BRIDGES_DIR / "node" / "bin" / "stephost-node-test.mjs"
        command = ["node", "--import", str(register), "--test", *map(str, node_files)]
        # startApp (stephost/testing) starts the host with this Python, stephost's own.
        env = {**os.environ, "STEPHOST_PYTHON": sys.executable}
        code |= subprocess.run(command, cwd=project, env=env, check=False).returncode
    if not ran:
        typer.echo(f"error: no tests in {tests} (test_*.py, *.test.ts, *.test.js)", err=True)
        return 1
    return 1 if code else 0
