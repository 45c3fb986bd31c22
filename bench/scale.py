"""`make bench` (f): the host on Redis, against SQLite, and with more workers.

    (1) durable events/s through one hop (bench/projects/python's no-op step) on SQLite
        and on Redis, in the same run;
    (2) examples/shop's order flow (a Python api step, then Python, TypeScript and Ruby
        event steps, state at every hop) on Redis with 1 and 2 workers, driven by wrk
        and counted until drained; with the Redis commands and Redis CPU per flow, which
        say where Redis becomes the bottleneck.

Redis is a private redis-server with `appendonly yes`, `appendfsync always` (what the
README recommends). Every number shares the machine with whatever else runs on it.

    python bench/scale.py [--seconds 10] [--events 20000]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import redis

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.processes import process  # noqa: E402
from bench.run import PROJECTS, admin, events_per_s, free_port, wait_http  # noqa: E402
from bench.workbench import ORDER, flows_per_s  # noqa: E402
from tests.redis_server import RedisServer, missing_redis  # noqa: E402
from tests.toolchains import missing_toolchain  # noqa: E402

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


class RedisMeter:
    """Commands and CPU seconds a redis-server spent between two readings."""

    def __init__(self, server: RedisServer, pid: int) -> None:
        self._client = redis.Redis(port=server.port)
        self._pid = pid

    def reading(self) -> tuple[int, float]:
        """Commands run (those inside scripts included) and CPU seconds, so far."""
        commands = int(self._client.info("stats")["total_commands_processed"])
        fields = Path(f"/proc/{self._pid}/stat").read_text().rsplit(")", 1)[1].split()
        return commands, (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def _host(
    project: Path, tmp: Path, name: str, env: dict[str, str], workers: int = 1
) -> tuple[list[str], dict[str, str], str]:
    port = free_port()
    command = [sys.executable, "-m", "stephost_host.cli", "start", "--port", str(port)]
    if workers > 1:
        command += ["--workers", str(workers)]
    env = {
        "STEPHOST_DATA_DIR": str(tmp / f"data-{name}"),
        "STEPHOST_LOG_FORMAT": "json",
        "STEPHOST_LOG_LEVEL": "info",
        **env,
    }
    return command, env, f"http://127.0.0.1:{port}"


def durable_events(tmp: Path, server: RedisServer, events: int) -> dict[str, float]:
    out = {}
    for name, env in (("sqlite", {}), ("redis", {"STEPHOST_BACKEND_URL": server.url})):
        server.flush()
        command, env, url = _host(PROJECTS / "python", tmp, f"events-{name}", env)
        with process(command, PROJECTS / "python", env, tmp / f"events-{name}.log"):
            wait_http(f"{admin(url)}/_stephost/health")
            events_per_s(url, "bench.noop", 2000)  # warm up
            out[name] = events_per_s(url, "bench.noop", events)
    return out


def order_flow(
    tmp: Path, server: RedisServer, meter: RedisMeter, seconds: int, workers: int, backend: str
) -> dict[str, float]:
    server.flush()
    project = tmp / f"shop-{backend}-{workers}"
    shutil.copytree(ROOT / "examples" / "shop", project, ignore=shutil.ignore_patterns(".stephost"))
    script = tmp / "order.lua"
    script.write_text(
        f"wrk.method = \"POST\"\nwrk.body = '{ORDER}'\n"
        'wrk.headers["Content-Type"] = "application/json"\n'
    )
    env = {"STEPHOST_BACKEND_URL": server.url} if backend == "redis" else {}
    command, env, url = _host(project, tmp, project.name, env, workers)
    with process(command, project, env, tmp / f"{project.name}.log"):
        wait_http(f"{admin(url)}/_stephost/health")
        time.sleep(3 * workers)  # every worker's runtimes up (they log; no single probe)
        flows_per_s(url, 2, script)  # warm up
        before = meter.reading()
        started = time.perf_counter()
        rate = flows_per_s(url, seconds, script)
        flows = rate * (time.perf_counter() - started)
        after = meter.reading()
    return {
        "flows_per_s": rate,
        "commands_per_flow": (after[0] - before[0]) / flows,
        "redis_cpu_us_per_flow": (after[1] - before[1]) / flows * 1e6,
    }


def report(
    events: dict[str, float], sqlite: dict[str, float], flows: dict[int, dict[str, float]]
) -> list[str]:
    lines = [
        "",
        "## (f) on Redis (appendfsync always), against SQLite, with more workers",
        "",
        f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores",
        "",
        "| durable events/s, one hop (python) | SQLite | Redis |",
        "|---|---|---|",
        f"| | {events['sqlite']:.0f} | {events['redis']:.0f} |",
        "",
        "| examples/shop order flow | flows/s | vs 1 worker | Redis commands / flow "
        "| Redis CPU µs / flow | Redis ceiling, flows/s |",
        "|---|---|---|---|---|---|",
        f"| SQLite, 1 worker | {sqlite['flows_per_s']:.0f} | | | | |",
    ]
    one = flows[1]["flows_per_s"]
    for workers, result in sorted(flows.items()):
        ceiling = 1e6 / result["redis_cpu_us_per_flow"] if result["redis_cpu_us_per_flow"] else 0
        lines.append(
            f"| Redis, {workers} worker{'s' if workers > 1 else ''} "
            f"| {result['flows_per_s']:.0f} | {result['flows_per_s'] / one:.2f}x "
            f"| {result['commands_per_flow']:.0f} | {result['redis_cpu_us_per_flow']:.0f} "
            f"| {ceiling:.0f} |"
        )
    return lines


def scale_out(tmp: Path, seconds: int, events: int) -> dict[str, Any]:
    server = RedisServer(tmp / "redis", persistent=True).start()
    try:
        meter = RedisMeter(server, server.pid)
        result: dict[str, Any] = {"events_1hop": durable_events(tmp, server, events)}
        result["order_flow_sqlite"] = order_flow(tmp, server, meter, seconds, 1, "sqlite")
        result["order_flow"] = {
            n: order_flow(tmp, server, meter, seconds, n, "redis") for n in (1, 2)
        }
    finally:
        server.stop()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--events", type=int, default=20_000)
    args = parser.parse_args()
    for reason in (missing_redis(), missing_toolchain("node"), missing_toolchain("ruby")):
        if reason:
            sys.exit(f"bench/scale.py: {reason}")
    if shutil.which("wrk") is None:
        sys.exit("bench needs wrk: apt-get install wrk")
    with tempfile.TemporaryDirectory(prefix="stephost-bench-") as tmp:
        result = scale_out(Path(tmp), args.seconds, args.events)
    table = report(result["events_1hop"], result["order_flow_sqlite"], result["order_flow"])
    print("\n".join(table))


if __name__ == "__main__":
    main()
