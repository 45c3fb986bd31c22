"""A private ``redis-server`` for tests: a free port, a temporary folder, no snapshots.

Never the machine's shared server on 6379: each test session starts its own, and
stops it at the end.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import redis

from tests.ports import free_port

START_TIMEOUT_S = 10.0


def missing_redis() -> str | None:
    """None when a redis-server can be started here, else why not."""
    if shutil.which("redis-server") is None:
        return "redis-server is not installed (make install, or apt-get install redis-server)"
    return None


class RedisServer:
    """One redis-server process. ``persistent`` turns on the append-only file
    (fsync always), for tests that restart the server and expect their data back."""

    def __init__(self, folder: Path, *, persistent: bool = False) -> None:
        self.folder = folder
        self.persistent = persistent
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> RedisServer:
        self.folder.mkdir(parents=True, exist_ok=True)
        args = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
        args += ["--dir", str(self.folder), "--save", ""]
        if self.persistent:
            args += ["--appendonly", "yes", "--appendfsync", "always"]
        else:
            args += ["--appendonly", "no"]
        log = (self.folder / "redis.log").open("ab")
        self._process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)
        client = redis.Redis(host="127.0.0.1", port=self.port)
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            if self._process.poll() is not None:
                raise RuntimeError(f"redis-server exited at start; see {self.folder}/redis.log")
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"redis-server did not answer on port {self.port}") from None
                time.sleep(0.02)
        client.close()
        return self

    @property
    def pid(self) -> int:
        assert self._process is not None, "the server is not running"
        return self._process.pid

    def flush(self) -> None:
        with redis.Redis(host="127.0.0.1", port=self.port) as client:
            client.flushall()

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(5)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._process = None
