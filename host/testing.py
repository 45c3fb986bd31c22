"""Drive a real host from tests: ``StephostApp`` starts ``stephost start`` on free
ports (the api listener's, ``url``, and the admin listener's, ``admin_url``) with a
fresh data folder, and offers the verbs a test needs; ``/_stephost/`` requests go to
the admin listener.

    with StephostApp(Path("my-project")) as app:
        response = app.post("/orders", json={"item": "book"})
        app.wait_idle()
        assert app.state.get("orders", response.json()["id"])["status"] == "scored"

Everything goes through real processes and the host's HTTP API; nothing is mocked.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import select
import signal
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import orjson

from .console import problem_text


class HarnessError(AssertionError):
    """The host did not start, or did not reach the awaited condition in time."""


def describe_problems(problems: list[dict[str, Any]]) -> str:
    """Load problems as a test failure shows them: each file, its error, and its stack."""
    parts = [f"{len(problems)} step file(s) could not be loaded:"]
    for problem in problems:
        error = problem["error"]
        parts.append(f"\n({problem['language']}) {problem_text(problem)}")
        if error.get("stack"):
            parts.append(error["stack"].rstrip())
    return "\n".join(parts)


class _State:
    def __init__(self, app: StephostApp) -> None:
        self._app = app

    def get(self, group: str, key: str) -> Any:
        response = self._app.get(f"/_stephost/state/{group}/{key}")
        if response.status_code == 404:
            return None
        response.raise_for_status()
        return response.json()["value"]

    def set(self, group: str, key: str, value: Any) -> None:
        self._app.request(
            "PUT",
            f"/_stephost/state/{group}/{key}",
            content=orjson.dumps(value),
            headers={"content-type": "application/json"},
        ).raise_for_status()

    def list(self, group: str) -> list[dict[str, Any]]:
        response = self._app.get(f"/_stephost/state/{group}")
        response.raise_for_status()
        items: list[dict[str, Any]] = response.json()["items"]
        return items


class StephostApp:
    def __init__(
        self,
        project: Path,
        *,
        env: dict[str, str] | None = None,
        data_dir: Path | None = None,
        start_timeout_s: float = 60.0,
        args: tuple[str, ...] = (),
        command: str = "start",
        token: str = "",
    ) -> None:
        """``token``: a bearer token the admin requests carry (when the admin listener
        needs one: off loopback, or ``admin_auth = "token"``)."""
        self.project = Path(project).resolve()
        self._env = env or {}
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        if data_dir is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="stephost-test-")
            data_dir = Path(self._tmp.name)
        self.data_dir = data_dir
        self._start_timeout_s = start_timeout_s
        self._args = args
        self._command = command
        self.token = token
        self.process: subprocess.Popen[bytes] | None = None
        self.lines: list[dict[str, Any]] = []
        self.raw_output: list[str] = []
        self._ready = threading.Event()
        self._reader: threading.Thread | None = None
        self._output_lock = threading.Lock()  # held while the reader takes a chunk
        self.url = ""  # the api listener
        self.admin_url = ""  # the admin listener ("" when the host has none)
        self.http: httpx.Client | None = None
        self.admin_http: httpx.Client | None = None
        self.state = _State(self)

    # -- lifecycle -------------------------------------------------------------

    def start(self) -> StephostApp:
        env = {
            **os.environ,
            "STEPHOST_DATA_DIR": str(self.data_dir),
            "STEPHOST_LOG_FORMAT": "json",
            "STEPHOST_LOG_LEVEL": "debug",
            **self._env,
        }
        self.process = subprocess.Popen(
            [sys.executable, "-m", "stephost_host.cli", self._command, "--port", "0", *self._args],
            cwd=self.project,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self._reader = threading.Thread(target=self._read_output, daemon=True)
        self._reader.start()
        deadline = time.monotonic() + self._start_timeout_s
        while not self._ready.wait(0.05):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self._reader.join(2)
                output = "\n".join(self.raw_output[-40:])
                self.stop()
                raise HarnessError(f"the host did not start; its output:\n{output}")
        self.http = httpx.Client(base_url=self.url, timeout=30)
        if self.admin_url:
            headers = {"authorization": f"Bearer {self.token}"} if self.token else {}
            self.admin_http = httpx.Client(base_url=self.admin_url, timeout=30, headers=headers)
        return self

    def _read_output(self) -> None:
        assert self.process is not None and self.process.stdout is not None
        fd = self.process.stdout.fileno()
        pending = b""
        while True:
            select.select([fd], [], [])
            # A chunk is read and split into lines under the lock, so that while the lock
            # is free no byte the host wrote is half taken: _drain_output relies on it.
            with self._output_lock:
                chunk = os.read(fd, 1 << 16)
                if not chunk:
                    if pending:
                        self._take_line(pending)
                    return
                *complete, pending = (pending + chunk).split(b"\n")
                for raw in complete:
                    self._take_line(raw)

    def _drain_output(self, timeout_s: float = 10.0) -> None:
        """Until the reader has taken every line the host has written so far."""
        assert self.process is not None and self.process.stdout is not None
        fd = self.process.stdout.fileno()
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            with self._output_lock:
                if self._reader is None or not self._reader.is_alive():
                    return
                unread = fcntl.ioctl(fd, termios.FIONREAD, b"\0\0\0\0")
                if struct.unpack("i", unread)[0] == 0:
                    return
            time.sleep(0.005)

    def _take_line(self, raw: bytes) -> None:
        text = raw.decode("utf-8", "replace").rstrip()
        self.raw_output.append(text)
        try:
            line = orjson.loads(text)
        except orjson.JSONDecodeError:
            return
        if not isinstance(line, dict):
            return
        self.lines.append(line)
        if line.get("event") == "stephost is serving":
            self.url = self.url or line["url"]
            # With workers, only the first one says where the admin listener is.
            if "admin_url" in line:
                self.admin_url = "" if line["admin_url"] == "off" else line["admin_url"]
                self._ready.set()

    def stop(self, sig: int = signal.SIGTERM, timeout_s: float = 20.0) -> int | None:
        for client in (self.http, self.admin_http):
            if client is not None:
                client.close()
        self.http = self.admin_http = None
        code = None
        if self.process is not None:
            if self.process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, sig)
                try:
                    code = self.process.wait(timeout_s)
                except subprocess.TimeoutExpired:
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(self.process.pid, signal.SIGKILL)
                    code = self.process.wait()
            else:
                code = self.process.returncode
            if self._reader is not None:
                self._reader.join(5)
        return code

    def close(self) -> None:
        self.stop()
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self) -> StephostApp:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # -- HTTP ------------------------------------------------------------------

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """A request to the api listener, or to the admin listener for ``/_stephost/``
        paths (``api_request`` sends those to the api listener too)."""
        if path.startswith("/_stephost/") and self.admin_http is not None:
            return self.admin_http.request(method, path, **kwargs)
        return self.api_request(method, path, **kwargs)

    def api_request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """A request to the api listener, whatever the path."""
        if self.http is None:
            raise HarnessError("the host is not running")
        return self.http.request(method, path, **kwargs)

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("PUT", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("DELETE", path, **kwargs)

    # -- the host's verbs ----------------------------------------------------

    def emit(self, topic: str, data: Any = None, **options: Any) -> dict[str, Any]:
        response = self.post("/_stephost/emit", json={"topic": topic, "data": data, **options})
        if response.status_code != 202:
            raise HarnessError(f"emit {topic} failed: {response.status_code} {response.text}")
        result: dict[str, Any] = response.json()
        return result

    def stats(self) -> dict[str, Any]:
        response = self.get("/_stephost/stats")
        response.raise_for_status()
        result: dict[str, Any] = response.json()
        return result

    def wait_idle(self, timeout_s: float = 30.0) -> None:
        """Until no delivery is queued, delayed, leased or running (dead letters aside), and
        the log lines written until then have been read."""
        self.wait_for(
            lambda: self.get("/_stephost/idle").json()["idle"], timeout_s, "the host to be idle"
        )
        # The lines of the work just finished are in the pipe by now (the host writes
        # them before it answers); read them, so logs() right after sees them.
        self._drain_output()

    def wait_for(
        self, condition: Callable[[], Any], timeout_s: float = 30.0, what: str = "condition"
    ) -> Any:
        deadline = time.monotonic() + timeout_s
        while True:
            result = condition()
            if result:
                return result
            if time.monotonic() > deadline:
                raise HarnessError(f"timed out after {timeout_s:g}s waiting for {what}")
            time.sleep(0.02)

    def captured(self, topic: str) -> list[Any]:
        """The data of the messages emitted on ``topic``, oldest first."""
        response = self.get("/_stephost/messages", params={"topic": topic, "limit": 100_000})
        response.raise_for_status()
        return [m["data"] for m in response.json()["items"]]

    def dlq(self, step: str | None = None) -> list[dict[str, Any]]:
        params = {"step": step} if step else {}
        response = self.get("/_stephost/dlq", params=params)
        response.raise_for_status()
        items: list[dict[str, Any]] = response.json()["items"]
        return items

    def logs(self, trace_id: str | None = None) -> list[dict[str, Any]]:
        """The host's log lines (every hop's, runtimes' included), optionally one trace's."""
        if trace_id is None:
            return list(self.lines)
        return [line for line in self.lines if line.get("trace_id") == trace_id]

    def health(self) -> dict[str, Any]:
        response = self.get("/_stephost/health")
        response.raise_for_status()
        result: dict[str, Any] = response.json()
        return result

    def problems(self) -> list[dict[str, Any]]:
        """The step files (or configs) that could not be loaded, each with its error."""
        problems: list[dict[str, Any]] = self.health()["problems"]
        return problems

    def run_cron(self, name: str) -> dict[str, Any]:
        """Run the cron step ``name`` now, once: ``{step, messageId, traceId}``. Its run is
        queued like a tick's; ``wait_idle()`` waits for it to finish."""
        response = self.post(f"/_stephost/cron/{name}/run")
        if response.status_code != 202:
            raise HarnessError(f"cron run {name} failed: {response.status_code} {response.text}")
        result: dict[str, Any] = response.json()
        return result

    def create_api_key(self, name: str) -> str:
        """A new API key in this host's data folder (for api steps with `auth` of type
        apiKey); the running host accepts it from the next request on."""
        from .auth.keys import ApiKeyStore

        return ApiKeyStore(self.data_dir).create(name)

    def runtime_pids(self, language: str) -> list[int]:
        return [r["pid"] for r in self.health()["runtimes"] if r["language"] == language]

    def iter_lines(self, start: int = 0) -> Iterator[dict[str, Any]]:
        yield from self.lines[start:]
