"""The processes the bench starts, and what they all get in their environment.

A module of its own because ``bench/run.py`` runs as ``__main__``: the other parts
(flow.py, soak.py, ...) that imported ``process`` from ``bench.run`` got a second copy
of that module, whose ``EXTRA_ENV`` ``--against`` never set, so their "other revision"
runs measured this tree again.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

# Merged into the environment of every process the bench starts: `--against` points
# PYTHONPATH at another revision's host and SDK.
EXTRA_ENV: dict[str, str] = {}


@contextlib.contextmanager
def process(args: list[str], cwd: Path, env: dict[str, str], log: Path) -> Iterator[int]:
    with log.open("wb") as out:
        proc = subprocess.Popen(
            args,
            cwd=cwd,
            env={**os.environ, **EXTRA_ENV, **env},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            yield proc.pid
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
