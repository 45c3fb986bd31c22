"""`make bench --against`: every part's processes run the other revision.

bench/run.py runs as ``__main__``; the parts in other files imported ``process`` from
``bench.run``, a second copy of the module whose ``EXTRA_ENV`` (the other revision's
PYTHONPATH) ``--against`` never set: their "other revision" columns measured this tree.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from bench import flow, processes, run, scale, soak


def test_a_process_the_bench_starts_gets_the_extra_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(processes.EXTRA_ENV, "STEPHOST_BENCH_PROBE", "the other revision")
    log = tmp_path / "child.log"
    probe = "import os; print(os.environ['STEPHOST_BENCH_PROBE'])"
    with processes.process([sys.executable, "-c", probe], tmp_path, {}, log) as pid:
        assert pid > 0
        for _ in range(200):
            if log.read_text():
                break
            time.sleep(0.05)
    assert log.read_text().strip() == "the other revision"


def test_every_part_starts_its_processes_with_the_one_extra_environment() -> None:
    for part in (run, flow, soak, scale):
        assert part.process is processes.process, part.__name__
