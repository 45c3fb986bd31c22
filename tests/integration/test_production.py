"""The README's production example runs as written: the Procfile in docs/deploy, run by
a Procfile runner (honcho), serves the shop example on Redis with two workers and stops
cleanly on SIGTERM."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from tests.ports import free_port

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "docs" / "deploy"


def _wait_for_order(url: str, process: subprocess.Popen[str], timeout_s: float) -> httpx.Response:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"honcho exited with {process.returncode}: {process.stdout.read()}")  # type: ignore[union-attr]
        try:
            return httpx.post(f"{url}/orders", json={"item": "book", "quantity": 2}, timeout=5)
        except httpx.TransportError:
            time.sleep(0.2)
    pytest.fail(f"nothing answered on {url} within {timeout_s:g}s")


def test_the_procfile_serves_the_example_on_redis_with_two_workers(
    redis_url: str, tmp_path: Path
) -> None:
    project = tmp_path / "shop"
    shutil.copytree(ROOT / "examples" / "shop", project, ignore=shutil.ignore_patterns(".stephost"))
    port = free_port()
    env = {
        **os.environ,
        # what the Procfile's comment tells the operator to set
        "STEPHOST_BACKEND_URL": redis_url,
        "STEPHOST_WORKERS": "2",
        "STEPHOST_HOST": "127.0.0.1",
        "STEPHOST_ADMIN_PORT": str(free_port()),
        "STEPHOST_LOG_FORMAT": "json",
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
    }
    honcho = [sys.executable, "-m", "honcho", "-f", str(DEPLOY / "Procfile")]
    process = subprocess.Popen(
        [*honcho, "start", "-p", str(port)],
        cwd=project,  # as the Procfile says: run from the project folder
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    assert process.stdout is not None
    reader = threading.Thread(target=lambda: lines.extend(process.stdout or ()), daemon=True)
    reader.start()
    try:
        response = _wait_for_order(f"http://127.0.0.1:{port}", process, timeout_s=60)
        assert response.status_code == 201, response.text
        order = response.json()
        deadline = time.monotonic() + 30
        state = None
        while time.monotonic() < deadline:  # the flow runs through all three languages
            state = httpx.get(f"http://127.0.0.1:{port}/orders/{order['id']}").json()
            if state.get("status") == "scored":
                break
            time.sleep(0.2)
        assert state is not None and state.get("status") == "scored", state
        # One worker can answer while the other still starts: both serve before the stop.
        while sum("stephost is serving" in line for line in list(lines)) < 2:
            assert time.monotonic() < deadline, "".join(lines)[-3000:]
            time.sleep(0.1)
    finally:
        process.terminate()  # honcho passes SIGTERM on to stephost, as `honcho stop` would
        process.wait(timeout=60)
        reader.join(timeout=10)
    output = "".join(lines)
    assert '"workers":2' in output  # the "starting workers" line
    assert output.count("stephost stopped") == 2, output[-3000:]  # both workers drained
