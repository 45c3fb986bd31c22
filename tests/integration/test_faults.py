"""Storage faults in a real host (real runtimes, real HTTP server, real SQLite), run in
this process so that the fault can be injected at the storage layer: SQLite's
``max_page_count`` makes a database "full" (SQLITE_FULL, as a full disk does), and
``query_only`` makes it refuse every write (SQLITE_READONLY), each on the host's own
connection, and each undone to let the disk "recover"."""

from __future__ import annotations

import asyncio
import io
import os
import sqlite3
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from stephost_host.bus import bus, settling
from stephost_host.http.listen import bind_http
from stephost_host.server import Host
from stephost_host.settings import load_settings
from stephost_host.telemetry import configure_logging, get_logger
from tests.conftest import ROOT

pytestmark = pytest.mark.integration

SHOP = ROOT / "examples" / "shop"
_streams: list[io.TextIOWrapper] = []


@pytest.fixture
def out(monkeypatch: pytest.MonkeyPatch) -> io.BytesIO:
    """The bus's log lines, as JSON (its loggers made anew: structlog caches a logger's
    configuration on first use, maybe by an earlier test)."""
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw)
    _streams.append(stream)  # loggers cached meanwhile may write here after the test
    configure_logging("info", "json", stream)
    for module in (bus, settling):
        monkeypatch.setattr(module, "log", get_logger(component="bus"))
    return raw


@asynccontextmanager
async def serving(data_dir: Path) -> AsyncIterator[tuple[Host, httpx.AsyncClient]]:
    host = Host(SHOP, load_settings(SHOP, data_dir=data_dir))
    try:
        await host.start()
        sock = bind_http("127.0.0.1", 0)
        port = sock.getsockname()[1]
        served = asyncio.create_task(host.serve(sock))
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=20) as client:
            async with asyncio.timeout(10):
                while host._server is None or not host._server.started:  # noqa: ASYNC110
                    await asyncio.sleep(0.01)
            yield host, client
        host.shutdown()
        await served
    finally:
        await host.stop()


def queue_db(host: Host) -> sqlite3.Connection:
    db: sqlite3.Connection = host.queue._writer.db  # type: ignore[attr-defined]
    return db


def fill(db: sqlite3.Connection) -> None:
    """No page more: the next write that needs one fails as on a full disk."""
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    db.execute(f"PRAGMA max_page_count = {pages}")


def free(db: sqlite3.Connection) -> None:
    db.execute("PRAGMA max_page_count = 1073741823")


def logged(out: io.BytesIO, event: str) -> list[dict[str, Any]]:
    lines = [orjson.loads(line) for line in out.getvalue().splitlines() if line.startswith(b"{")]
    return [line for line in lines if line.get("event") == event]


async def until(condition: Any, what: str, timeout_s: float = 15) -> None:
    try:
        async with asyncio.timeout(timeout_s):
            while not await condition():  # noqa: ASYNC110
                await asyncio.sleep(0.05)
    except TimeoutError:
        raise AssertionError(f"not within {timeout_s}s: {what}") from None


def test_an_emit_on_a_full_disk_is_a_503_and_a_log_line_with_the_cause(
    tmp_path: Path, out: io.BytesIO
) -> None:
    async def go() -> None:
        async with serving(tmp_path) as (host, client):
            order = {"item": "x" * 20_000, "quantity": 1}  # a message that needs new pages
            fill(queue_db(host))
            response = await client.post("/orders", json=order)
            assert response.status_code == 503, response.text
            assert response.headers["retry-after"] == "1"
            error = response.json()["error"]
            assert error["code"] == "STORAGE_UNAVAILABLE"
            assert error["traceId"] == response.headers["x-trace-id"]
            assert await host.state.list("orders") == []  # the example took its order back
            (line,) = logged(out, "emit not stored")
            assert "database or disk is full" in line["error"]
            assert line["trace_id"] == error["traceId"]
            free(queue_db(host))
            assert (await client.post("/orders", json=order)).status_code == 201

    asyncio.run(go())


def test_a_read_only_queue_leaves_no_lease_behind_and_work_resumes_by_itself(
    tmp_path: Path, out: io.BytesIO
) -> None:
    """While the queue refuses writes, handled deliveries cannot be acknowledged and new
    ones cannot be leased; once it takes writes again, every ack is written and the
    waiting deliveries run, with no new emit to wake anything."""

    async def go() -> None:
        never_retrieved: list[dict[str, Any]] = []
        loop = asyncio.get_running_loop()
        loop.set_exception_handler(lambda _loop, context: never_retrieved.append(context))
        async with serving(tmp_path) as (host, client):
            db = queue_db(host)
            scoring = host.bus.workers["ScoreOrder"]

            async def read_only_mid_run() -> None:
                # Catch deliveries mid-run, so that their acks fail.
                while scoring.in_flight == 0:  # noqa: ASYNC110
                    await asyncio.sleep(0)
                db.execute("PRAGMA query_only = ON")  # and so do leases, retries, emits

            switch = asyncio.create_task(read_only_mid_run())
            order = {"item": "pen", "quantity": 1}
            responses = await asyncio.gather(
                *(client.post("/orders", json=order) for _ in range(5))
            )
            await asyncio.wait_for(switch, 10)
            ids = [r.json()["id"] for r in responses if r.status_code == 201]
            assert ids
            assert {r.status_code for r in responses} <= {201, 503}
            await until(lambda: _both_refused(out), "a settling write and a lease refused")
            await asyncio.sleep(1)  # a while read-only: the bus keeps trying meanwhile
            db.execute("PRAGMA query_only = OFF")  # the disk "recovers"; nothing else happens

            async def all_done() -> bool:
                stats = await host.bus.stats()
                orders = [await host.state.get("orders", i) for i in ids]
                return bool(stats["idle"]) and all(
                    orjson.loads(o or b"{}").get("status") == "scored" for o in orders
                )

            await until(all_done, "every order scored and every delivery acknowledged")
            counts = await host.queue.counts()
            assert all(c["leased"] == 0 and c["ready"] == 0 for c in counts.values()), counts
        assert [c for c in never_retrieved if "exception" in c] == []

    asyncio.run(go())


def test_a_handler_whose_state_write_is_refused_is_retried_not_buried(
    tmp_path: Path, out: io.BytesIO
) -> None:
    """A STORAGE_UNAVAILABLE from a host call reaches the handler as retryable, so the
    delivery waits for the disk rather than going to the dead-letter queue."""

    async def go() -> None:
        async with serving(tmp_path) as (host, client):
            state_db: sqlite3.Connection = host.state._writer.db  # type: ignore[attr-defined]
            scoring = host.bus.workers["ScoreOrder"]

            async def read_only_once_scoring() -> None:
                while scoring.in_flight == 0:  # noqa: ASYNC110
                    await asyncio.sleep(0)
                state_db.execute("PRAGMA query_only = ON")  # its state.set is refused

            switch = asyncio.create_task(read_only_once_scoring())
            response = await client.post("/orders", json={"item": "pen", "quantity": 1})
            assert response.status_code == 201, response.text
            await asyncio.wait_for(switch, 10)

            async def retrying() -> bool:
                return bool(logged(out, "event failed; retrying"))

            await until(retrying, "the refused delivery to be retried")
            (line,) = logged(out, "event failed; retrying")[:1]
            assert line["error"]["code"] == "STORAGE_UNAVAILABLE"
            assert line["error"]["retryable"] is True
            state_db.execute("PRAGMA query_only = OFF")

            async def scored() -> bool:
                order = await host.state.get("orders", response.json()["id"])
                return orjson.loads(order or b"{}").get("status") == "scored"

            await until(scored, "the order scored once the state takes writes", timeout_s=30)
            assert logged(out, "event moved to the dead-letter queue") == []
            assert await host.queue.dead_letters() == []

    asyncio.run(go())


async def _both_refused(out: io.BytesIO) -> bool:
    return bool(
        logged(out, "the queue refused a write; trying again until it takes it")
        and logged(out, "lease failed; trying again until it works")
    )


@pytest.mark.parametrize("kind", ["not a folder", "read-only"])
def test_a_data_folder_the_host_cannot_write_is_a_one_line_error(tmp_path: Path, kind: str) -> None:
    if kind == "read-only":
        if os.geteuid() == 0:
            pytest.skip("root writes into read-only folders")
        data_dir = tmp_path / "data"
        data_dir.mkdir()
        data_dir.chmod(0o555)
        reason = "Permission denied"
    else:
        (tmp_path / "file").write_text("")
        data_dir = tmp_path / "file" / "data"
        reason = "Not a directory"
    result = subprocess.run(
        [sys.executable, "-m", "stephost_host.cli", "start", "--port", "0"],
        cwd=SHOP,
        env={**os.environ, "STEPHOST_DATA_DIR": str(data_dir), "STEPHOST_LOG_FORMAT": "json"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    (line,) = [x for x in result.stderr.splitlines() if "data folder" in x]
    assert f"cannot use the data folder {data_dir}: {reason}" in line
