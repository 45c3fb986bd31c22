"""What makes the host start quickly keeps its promises: the admin API, built after
the api steps serve, answers every request that came before it; the garbage
collector, off during start-up, is on again once the host serves or the command is
not a host."""

from __future__ import annotations

import asyncio
import gc
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from stephost._bridge.grpc_io import OLDER_IO
from stephost_host.cli import app
from stephost_host.http.access import BUILD_SWITCH_INTERVAL_S, DeferredApp
from stephost_host.lifecycle import settle_gc

Message = dict[str, Any]


async def _nothing() -> Message:
    return {"type": "http.request", "body": b"", "more_body": False}


async def _built_app(scope: Any, _receive: Any, send: Any) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": scope["path"].encode()})


def test_requests_before_the_admin_api_is_built_wait_for_it() -> None:
    async def scenario() -> None:
        deferred = DeferredApp()
        release = threading.Event()
        intervals: list[float] = []

        def make() -> Any:
            intervals.append(sys.getswitchinterval())
            assert release.wait(5)
            return _built_app

        before = sys.getswitchinterval()
        building = asyncio.create_task(deferred.build(make))
        answers: list[list[Message]] = [[], []]
        requests = [
            asyncio.create_task(
                deferred({"type": "http", "path": f"/r{i}"}, _nothing, _collect(answers[i]))
            )
            for i in range(2)
        ]
        await asyncio.sleep(0.1)
        assert answers == [[], []]  # waiting, not refused
        assert not any(r.done() for r in requests)
        release.set()
        await building
        await asyncio.gather(*requests)
        assert [a[1]["body"] for a in answers] == [b"/r0", b"/r1"]
        assert intervals == [pytest.approx(BUILD_SWITCH_INTERVAL_S)]  # the loop gets the GIL soon
        assert sys.getswitchinterval() == before  # and back once built
        later: list[Message] = []
        await deferred({"type": "http", "path": "/later"}, _nothing, _collect(later))
        assert later[1]["body"] == b"/later"

    asyncio.run(scenario())


def test_a_failed_build_fails_its_waiting_requests_with_its_error() -> None:
    async def scenario() -> None:
        deferred = DeferredApp()

        def make() -> Any:
            raise RuntimeError("no admin here")

        request = asyncio.create_task(deferred({"type": "http", "path": "/"}, _nothing, _ignore))
        with pytest.raises(RuntimeError, match="no admin here"):
            await deferred.build(make)
        with pytest.raises(RuntimeError, match="no admin here"):
            await request

    asyncio.run(scenario())


def _collect(into: list[Message]) -> Any:
    async def send(message: Message) -> None:
        into.append(message)

    return send


async def _ignore(_message: Message) -> None:
    return None


@pytest.fixture
def collector_restored() -> Iterator[None]:
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)
    gc.enable()


@pytest.mark.usefixtures("collector_restored")
def test_a_command_that_is_not_a_host_turns_the_collector_back_on(tmp_path: Path) -> None:
    gc.disable()  # as main() does
    result = CliRunner().invoke(app, ["token", "list", "-C", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert gc.isenabled()


@pytest.mark.usefixtures("collector_restored")
def test_a_serving_host_has_the_collector_on_and_start_up_frozen() -> None:
    gc.disable()
    settle_gc()
    assert gc.isenabled()
    assert gc.get_freeze_count() > 0
    assert gc.get_threshold()[0] == 10_000


def _import_in_a_fresh_python(module: str, env: dict[str, str]) -> dict[str, Any]:
    """What GRPC_EXPERIMENTS held when grpc was imported, and after."""
    code = (
        "import json, os, sys\n"
        "seen = []\n"
        "class Spy:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'grpc':\n"
        "            seen.append(os.environ.get('GRPC_EXPERIMENTS'))\n"
        "sys.meta_path.insert(0, Spy())\n"
        f"import {module}\n"
        "print(json.dumps({'at_import': seen, 'after': os.environ.get('GRPC_EXPERIMENTS')}))\n"
    )
    clean = {k: v for k, v in os.environ.items() if k != "GRPC_EXPERIMENTS"}
    done = subprocess.run(
        [sys.executable, "-c", code], env={**clean, **env}, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "Unknown experiment" not in done.stderr  # a grpc that no longer knows them
    result: dict[str, Any] = json.loads(done.stdout)
    return result


@pytest.mark.parametrize("module", ["stephost_host.bridge.gateway", "stephost.runtime"])
def test_grpc_is_imported_with_its_older_io_and_children_never_see_the_choice(
    module: str,
) -> None:
    # Set while grpc is imported (it reads it then), gone after: a Ruby runtime the host
    # starts (an older gRPC, which logs "Unknown experiment") inherits nothing.
    seen = _import_in_a_fresh_python(module, {})
    assert seen == {"at_import": [OLDER_IO], "after": None}


def test_the_users_grpc_experiments_are_left_alone() -> None:
    chosen = {"GRPC_EXPERIMENTS": "-event_engine_callback_cq"}
    seen = _import_in_a_fresh_python("stephost_host.bridge.gateway", chosen)
    assert seen == {
        "at_import": ["-event_engine_callback_cq"],
        "after": "-event_engine_callback_cq",
    }


def test_the_websocket_protocol_is_imported_at_the_first_upgrade_only() -> None:
    # Only the Workbench's feeds need websockets: a host nobody watches never loads it.
    code = (
        "import sys\n"
        "from stephost_host.http.limits import HttpLimits\n"
        "from stephost_host.http.serving import LazyWebSocketProtocol, make_server\n"
        "async def app(scope, receive, send): pass\n"
        "config = make_server(app, 1.0, HttpLimits(), 5.0).config\n"
        "config.load()\n"
        "assert config.ws_protocol_class is LazyWebSocketProtocol\n"
        "assert 'websockets' not in sys.modules, 'imported as the server loaded'\n"
        "from uvicorn.server import ServerState\n"
        "protocol = config.ws_protocol_class(\n"
        "    config=config, server_state=ServerState(), app_state={}\n"
        ")\n"
        "print(type(protocol).__module__)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "uvicorn.protocols.websockets.websockets_sansio_impl"
