"""Runtimes started before the host has loaded itself (host.runtimes.prewarm): each
loads its steps first, then learns where to connect on stdin; one the host does not
take is stopped; a restart starts a fresh process as before. And a host stopped while
it starts stops what it started."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from stephost_host.runtimes.languages import LANGUAGES as RUNTIMES
from stephost_host.runtimes.prewarm import PARAMS_ENV, Prewarmed
from stephost_host.settings import load_settings
from stephost_host.testing import StephostApp
from tests.conftest import run_cli, write_project

pytestmark = pytest.mark.integration

Start = Callable[..., StephostApp]

# Per language: a step that says what the environment held while it loaded, and now.
SEEN_STEPS = {
    "python": (
        "steps/seen_step.py",
        """
import os

AT_IMPORT = {
    "address": os.environ.get("STEPHOST_HOST_ADDRESS"),
    "key": os.environ.get("STEPHOST_RUNTIME_KEY"),
}

config = {"type": "api", "name": "Seen", "method": "GET", "path": "/seen"}

async def handler(req, ctx):
    return {"status": 200, "body": {
        "at_import": AT_IMPORT,
        "key_now": os.environ.get("STEPHOST_RUNTIME_KEY"),
        "params_now": os.environ.get("STEPHOST_RUNTIME_PARAMS"),
        "pid": os.getpid(),
    }}
""",
    ),
    "node": (
        "steps/seen.step.ts",
        """
const AT_IMPORT = {
  address: process.env.STEPHOST_HOST_ADDRESS ?? null,
  key: process.env.STEPHOST_RUNTIME_KEY ?? null,
}

export const config = { type: 'api', name: 'Seen', method: 'GET', path: '/seen' }

export const handler = async () => ({
  status: 200,
  body: {
    at_import: AT_IMPORT,
    key_now: process.env.STEPHOST_RUNTIME_KEY ?? null,
    params_now: process.env.STEPHOST_RUNTIME_PARAMS ?? null,
    pid: process.pid,
  },
})
""",
    ),
    "ruby": (
        "steps/seen_step.rb",
        """
$seen_at_import = { address: ENV['STEPHOST_HOST_ADDRESS'], key: ENV['STEPHOST_RUNTIME_KEY'] }

def config
  { type: 'api', name: 'Seen', method: 'GET', path: '/seen' }
end

def handler(_req, _ctx)
  { status: 200, body: { at_import: $seen_at_import, key_now: ENV['STEPHOST_RUNTIME_KEY'],
                         params_now: ENV['STEPHOST_RUNTIME_PARAMS'], pid: Process.pid } }
end
""",
    ),
}
LANGUAGES = sorted(SEEN_STEPS)


def _project(root: Path, language: str = "python") -> Path:
    path, source = SEEN_STEPS[language]
    return write_project(root, {path: source})


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_first_runtime_loads_its_steps_before_the_host_says_where(
    make_app: Start, tmp_path: Path, language: str
) -> None:
    app = make_app(_project(tmp_path / "p", language), copy=False)
    seen = app.get("/seen").json()
    # Loaded before the host had a gateway: no address yet, and never the key.
    assert seen["at_import"] == {"address": None, "key": None}
    assert seen["key_now"] is None
    assert seen["params_now"] is None
    # A restart (kill -9) starts a fresh process the usual way, which serves too.
    os.kill(seen["pid"], signal.SIGKILL)
    deadline = time.monotonic() + 20
    while True:
        response = app.get("/seen")
        if response.status_code == 200 and response.json()["pid"] != seen["pid"]:
            break
        assert time.monotonic() < deadline, response.text
        time.sleep(0.1)
    restarted = response.json()
    assert restarted["at_import"]["address"]  # started with it, as before
    assert restarted["at_import"]["key"] is None  # taken out of the environment at once


def test_dev_starts_its_runtimes_after_it_noted_the_files(make_app: Start, tmp_path: Path) -> None:
    # (a change made while a runtime started early loaded the files would go unseen)
    app = make_app(_project(tmp_path / "p"), copy=False, command="dev")
    assert app.get("/seen").json()["at_import"]["address"]


def _runtimes_of(project: Path) -> list[int]:
    """Processes (by /proc) started for ``project`` as one of its runtimes."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes().split(b"\0")
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        runtime = any(name in cmdline for name in (b"stephost.runtime", b"stephost-"))
        if runtime and f"STEPHOST_PROJECT_DIR={project}".encode() in environ:
            found.append(int(entry.name))
    return found


def test_a_host_that_fails_to_start_leaves_no_runtime_behind(
    make_app: Start, tmp_path: Path
) -> None:
    first = make_app(_project(tmp_path / "a"), copy=False)
    second = _project(tmp_path / "b")
    # The data folder is the first host's: the second one stops before its runtimes.
    env = {"STEPHOST_DATA_DIR": str(first.data_dir)}
    done = run_cli("start", "--port", "0", cwd=second, env=env)
    assert done.returncode != 0
    assert "another stephost host" in done.stderr, done.stderr
    deadline = time.monotonic() + 5
    while _runtimes_of(second):
        assert time.monotonic() < deadline, _runtimes_of(second)
        time.sleep(0.05)


def test_a_waiting_runtime_is_taken_only_as_it_was_started(tmp_path: Path) -> None:
    project = _project(tmp_path / "p")

    async def scenario() -> None:
        prewarmed = await Prewarmed.start(project, load_settings(project))
        try:
            assert len(_runtimes_of(project)) == 1  # started, waiting
            process = await prewarmed.take("python", [sys.executable, "-m", "other"], {}, {})
            assert process is None  # another command: not this process, which is stopped
            assert _runtimes_of(project) == []
            assert await prewarmed.take("python", [], {}, {}) is None  # nothing left
        finally:
            await prewarmed.discard()

    asyncio.run(scenario())


def _waiting_runtime(project: Path, language: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        RUNTIMES[language].command(),
        cwd=project,
        env={**os.environ, "STEPHOST_PROJECT_DIR": str(project), PARAMS_ENV: "stdin"},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    ("line", "says"),
    [
        (b'{"address": "unix:/nowhere", "key": "s3cret"}\n', "'id'"),  # what is missing
        (b'{"address": "unix:/nowhere", "id": "x", "key": "s3cret"\n', "JSON"),  # cut short
    ],
)
def test_a_waiting_runtime_says_what_is_wrong_with_its_stdin(
    tmp_path: Path, language: str, line: bytes, says: str
) -> None:
    child = _waiting_runtime(_project(tmp_path / "p", language), language)
    _out, err = child.communicate(line, timeout=30)
    assert child.returncode != 0
    assert "STEPHOST_RUNTIME_PARAMS=stdin" in err.decode()
    assert says in err.decode()
    assert b"s3cret" not in err  # never the key


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_waiting_runtime_nobody_needs_ends_quietly(tmp_path: Path, language: str) -> None:
    child = _waiting_runtime(_project(tmp_path / "p", language), language)
    out, err = child.communicate(b"", timeout=30)
    assert (child.returncode, out, err) == (0, b"", b"")


SLOW_STEP = """
import time

time.sleep(30)  # the host waits for this runtime's Hello meanwhile

config = {"type": "api", "name": "Slow", "method": "GET", "path": "/slow"}

async def handler(req, ctx):
    return {"status": 200, "body": {}}
"""


def test_sigterm_while_starting_stops_what_started(tmp_path: Path) -> None:
    project = write_project(tmp_path / "p", {"steps/slow_step.py": SLOW_STEP})
    host = subprocess.Popen(
        [sys.executable, "-m", "stephost_host.cli", "start", "--port", "0"],
        cwd=project,
        env={
            **os.environ,
            "STEPHOST_DATA_DIR": str(tmp_path / "data"),
            "STEPHOST_LOG_FORMAT": "json",
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    assert host.stdout is not None
    lines = []
    for line in host.stdout:  # until the host is in its start, its runtime loading
        lines.append(line)
        if b'"backend open"' in line:
            break
    deadline = time.monotonic() + 20
    while not _runtimes_of(project):
        assert time.monotonic() < deadline, b"".join(lines)
        time.sleep(0.05)
    host.send_signal(signal.SIGTERM)
    output = b"".join(lines) + host.communicate(timeout=30)[0]
    assert host.returncode == 0, output
    assert b'"stephost stopped"' in output  # stopped in order, not killed by the signal
    assert b"Traceback" not in output and b"Exception ignored" not in output, output
    assert _runtimes_of(project) == []
