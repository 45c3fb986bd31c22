"""The example project stays what its README promises: typed, generated, fresh."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.integration

SHOP = ROOT / "examples" / "shop"


def test_generated_types_are_fresh() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "stephost_host.cli", "gen", "--check"],
        cwd=SHOP,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_python_steps_type_check_against_the_generated_types() -> None:
    config = (
        "[mypy]\nstrict = True\n"
        f"mypy_path = {SHOP / 'generated' / 'python'}:{ROOT / 'sdk_python'}\n"
        "[mypy-shop.*]\nignore_errors = True\n"
    )
    ini = ROOT / ".pytest_cache" / "mypy-example.ini"
    ini.parent.mkdir(exist_ok=True)
    ini.write_text(config)
    steps = sorted(str(p) for p in (SHOP / "steps").glob("*.py"))
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(ini), "--no-incremental", *steps],
        cwd=SHOP,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout
