"""The checked-in stubs are exactly what proto/ generates (never edited by hand)."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def test_generated_stubs_are_fresh() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_proto.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
