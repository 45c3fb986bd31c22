"""Shared fixtures: real hosts over real processes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from stephost_host.testing import StephostApp
from tests.redis_server import RedisServer, missing_redis

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    """One private redis-server for the session (skipped when none can be installed)."""
    reason = missing_redis()
    if reason:
        pytest.skip(reason)
    server = RedisServer(tmp_path_factory.mktemp("redis")).start()
    yield server
    server.stop()


@pytest.fixture
def redis_url(redis_server: RedisServer) -> str:
    """The session's redis-server, emptied for this test."""
    redis_server.flush()
    return redis_server.url


BACKENDS = ["sqlite", "redis"]


def backend_env(request: pytest.FixtureRequest, backend: str) -> dict[str, str]:
    """The environment that puts a host on ``backend``: SQLite (the default) or the
    session's redis-server, emptied first."""
    if backend == "sqlite":
        return {}
    server: RedisServer = request.getfixturevalue("redis_server")
    server.flush()
    return {"STEPHOST_BACKEND_URL": server.url}


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> dict[str, str]:
    """A test that takes this runs once per backend; pass it as the host's ``env``."""
    return backend_env(request, request.param)


@pytest.fixture
def make_app(tmp_path: Path) -> Iterator[Callable[..., StephostApp]]:
    """Start hosts on copies of projects (so tests may edit files); all stopped at the end."""
    apps: list[StephostApp] = []

    def start(project: Path, *, copy: bool = True, **kwargs: object) -> StephostApp:
        if copy:
            target = tmp_path / f"project{len(apps)}"
            shutil.copytree(project, target, ignore=shutil.ignore_patterns(".stephost"))
            project = target
        app = StephostApp(project, **kwargs)  # type: ignore[arg-type]
        apps.append(app)
        return app.start()

    yield start
    for app in apps:
        app.close()


def run_cli(
    *args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """The `stephost` command, as this checkout's Python runs it."""
    return subprocess.run(
        [sys.executable, "-m", "stephost_host.cli", *args],
        cwd=cwd,
        env={**os.environ, "STEPHOST_LOG_FORMAT": "json", **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def write_project(root: Path, files: dict[str, str]) -> Path:
    """A project folder made of ``files`` (relative path -> content)."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)
    (root / "steps").mkdir(exist_ok=True)
    return root


def assert_dev_reloads(app: StephostApp, step: Path, source: str, language: str) -> None:
    """Rewrite ``step`` (served at GET /version, answering {"version": 1}) to answer 2,
    and wait until `stephost dev` serves the new version from a new runtime process."""
    import httpx

    assert app.get("/version").json() == {"version": 1}
    (old_pid,) = app.runtime_pids(language)
    step.write_text(source)

    def answers_two() -> bool:
        try:
            return bool(app.get("/version").json() == {"version": 2})
        except (httpx.HTTPError, ValueError):
            return False

    app.wait_for(answers_two, what="the new version to answer")
    app.wait_for(lambda: app.runtime_pids(language) != [old_pid], what="the old runtime to go")


def assert_kill_9_loses_nothing(app: StephostApp, language: str, count: int = 500) -> None:
    """POST /burst emits ``count`` events whose step records ``seen/<i:04d>`` = its pid;
    kill -9 the language's runtime mid-burst: every event is still handled, the rest by
    the restarted runtime, and none is parked."""
    import os
    import signal

    (pid,) = app.runtime_pids(language)
    assert app.post("/burst", json={"count": count}).json() == {"emitted": count}
    app.wait_for(lambda: len(app.state.list("seen")) >= 64, what="the burst under way")
    os.kill(pid, signal.SIGKILL)
    assert len(app.state.list("seen")) < count  # killed mid-burst
    new_pid = app.wait_for(
        lambda: [p for p in app.runtime_pids(language) if p != pid], what="a new runtime"
    )[0]
    app.wait_idle(timeout_s=90)
    seen = {item["key"]: item["value"] for item in app.state.list("seen")}
    assert sorted(seen) == [f"{i:04d}" for i in range(count)]
    assert new_pid in seen.values()  # the restarted runtime handled the rest
    assert app.dlq() == []
