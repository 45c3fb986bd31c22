"""The rogue-runtime attack on a real host: a local process that finds the gateway's
socket and sends a copy of the real runtime's Hello (plus a backdoor step) is refused
before anything registers; the catalog, the routes and the real runtime are untouched,
even after 50 such attempts."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import grpc
import orjson
import pytest

from stephost.v1 import runtime_pb2, runtime_pb2_grpc
from stephost_host.bridge.admission import KEY_METADATA
from stephost_host.bridge.wire import CONTRACT_VERSION
from stephost_host.testing import StephostApp

pytestmark = pytest.mark.integration

REFUSED = "runtime refused at the gateway"
PROJECT = Path(__file__).parents[1] / "conformance" / "python"


@pytest.fixture(scope="module")
def app() -> Iterator[StephostApp]:
    with StephostApp(PROJECT) as running:
        yield running


def copied_hello(app: StephostApp) -> runtime_pb2.RuntimeMessage:
    """What the real Python runtime announced, as an attacker would rebuild it, plus a
    backdoor route, with the real runtime's id."""
    (real,) = [r for r in app.health()["runtimes"] if r["language"] == "python"]
    steps = [
        runtime_pb2.StepDefinition(name=s["name"], file=s["file"], config=orjson.dumps(s["config"]))
        for s in app.get("/_stephost/steps").json()["steps"]
    ]
    backdoor = {"type": "api", "name": "Backdoor", "method": "GET", "path": "/backdoor"}
    steps.append(
        runtime_pb2.StepDefinition(
            name="Backdoor", file="steps/kitchen_sink_step.py", config=orjson.dumps(backdoor)
        )
    )
    return runtime_pb2.RuntimeMessage(
        hello=runtime_pb2.Hello(
            contract_version=CONTRACT_VERSION,
            language="python",
            runtime_version="CPython 3",
            pid=4242,
            runtime_id=real["id"],
            steps=steps,
        )
    )


async def attack(
    address: str, hello: runtime_pb2.RuntimeMessage, key: str | None
) -> grpc.StatusCode:
    metadata = () if key is None else ((KEY_METADATA, key),)
    async with grpc.aio.insecure_channel(address) as channel:
        call = runtime_pb2_grpc.RuntimeServiceStub(channel).Connect(metadata=metadata)  # type: ignore[no-untyped-call]
        try:
            await call.write(runtime_pb2.RuntimeFrame(messages=[hello]))
            if await call.read() is not grpc.aio.EOF:  # welcomed: the door is open
                # what the rogue of the issue did next: clear state with invocation_id=0
                clear = runtime_pb2.RuntimeMessage(
                    call={"call_id": 1, "invocation_id": 0, "state_clear": {"group": "ks"}}
                )
                await call.write(runtime_pb2.RuntimeFrame(messages=[clear]))
                return grpc.StatusCode.OK
        except (grpc.aio.AioRpcError, asyncio.InvalidStateError):
            pass  # a write that races the host's refusal fails; the call's status says why
        code: grpc.StatusCode = await call.code()
        return code


def test_a_rogue_local_process_with_a_copied_hello_is_refused_and_changes_nothing(
    app: StephostApp,
) -> None:
    (socket_path,) = (app.data_dir / "run").glob("gateway-*.sock")
    assert socket_path.stat().st_mode & 0o777 == 0o600
    address = f"unix:{socket_path}"
    before = app.get("/_stephost/steps").json()
    runtimes = [(r["id"], r["pid"]) for r in app.health()["runtimes"]]
    app.state.set("ks", "kept", {"v": 1})
    hello = copied_hello(app)

    async def rogues() -> list[grpc.StatusCode]:
        alone = [await attack(address, hello, None), await attack(address, hello, "guessed")]
        crowd = await asyncio.gather(*(attack(address, hello, None) for _ in range(50)))
        return alone + list(crowd)

    codes = asyncio.run(rogues())
    # None was welcomed: each was refused for its key (the host waits for the Hello to
    # arrive before it hangs up, so no client sees gRPC's INTERNAL instead).
    assert len(codes) == 52 and set(codes) == {grpc.StatusCode.UNAUTHENTICATED}
    assert app.get("/_stephost/steps").json() == before
    assert [(r["id"], r["pid"]) for r in app.health()["runtimes"]] == runtimes
    assert app.get("/backdoor").status_code == 404
    assert app.state.get("ks", "kept") == {"v": 1}
    echoed = app.post("/ks/1", json={"action": "echo", "value": 7})
    assert echoed.status_code == 200 and echoed.json()["value"] == 7
    refusals = app.wait_for(
        lambda: (
            len(found := [line for line in app.lines if line.get("event") == REFUSED]) >= 52
            and found
        ),
        what="the host to log the refusals",
    )
    assert len(refusals) == 52
    assert all("only runtimes the host launched may connect" in r["reason"] for r in refusals)


def test_the_runtimes_key_is_not_in_their_command_line(app: StephostApp) -> None:
    for runtime in app.health()["runtimes"]:
        cmdline = Path(f"/proc/{runtime['pid']}/cmdline").read_bytes()
        assert b"KEY" not in cmdline.upper()
        assert KEY_METADATA.encode() not in cmdline
