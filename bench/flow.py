"""`make bench` (f, g): the issue's flow and a 40-hop chain.

(f) bench/projects/flow: a Python api step writes state and emits, a TypeScript event
    step reads and writes state and emits, then a Ruby and a Python event step write
    state. wrk drives it at 16 connections; flows/s counts from the first request until
    the queue is drained, and every stage's state group must hold one record per order
    (nothing lost between stages; only the requests wrk cuts off at the end may stop
    after the first stage, without an answer). CPU per flow is the CPU time (/proc, user + system)
    each process spent during that window divided by the flows. RSS (host + runtimes)
    is taken idle and at its peak under 64 connections.
(g) a generated project of 40 Python event steps in a chain, each doing 10 ms of
    async work: seconds from the api step's emit to the last step's end. The same
    project (41 steps) is the "40-step project" of the cold-start measurements.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from bench.processes import process
from bench.run import _ms, admin, free_port, wait_http, wait_idle

ROOT = Path(__file__).resolve().parent.parent
FLOW = ROOT / "bench" / "projects" / "flow"
ORDER = '{"item":"book","quantity":2}'
STAGES = ("flow_orders", "flow_checked", "flow_rewards", "flow_notified")
CHAIN_HOPS = 40
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_s(pid: int) -> float:
    """User + system CPU seconds of a process (all its threads) so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def wrk_requests(url: str, connections: int, seconds: int, script: Path, timeout_s: int = 2) -> int:
    return wrk_run(url, connections, seconds, script, timeout_s)[0]


def wrk_run(
    url: str, connections: int, seconds: int, script: Path, timeout_s: int = 2
) -> tuple[int, float]:
    """(requests answered, the slowest answer in ms); any error or timeout raises."""
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            f"--timeout={timeout_s}s",
            "-s",
            str(script),
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    errors = [line for line in out.splitlines() if "Non-2xx" in line or "Socket errors" in line]
    if errors:
        raise RuntimeError(f"requests failed during the flow run: {errors}\n{out}")
    latency = out.split("Latency", 1)[1].split()[2]
    return int(out.split(" requests in")[0].split()[-1]), _ms(latency)


def processes(url: str, host_pid: int) -> dict[str, int]:
    runtimes = httpx.get(f"{admin(url)}/_stephost/health").json()["runtimes"]
    by_name = {f"{runtime['language']} runtime": runtime["pid"] for runtime in runtimes}
    return {"host": host_pid, **dict(sorted(by_name.items()))}


def clear_stages(client: httpx.Client) -> dict[str, int]:
    """Empty every stage's state group; how many items each held (the DELETE's answer).
    Counted this way, not by listing the groups: listing the soak's ~50,000 items a group
    each minute left the host ~20 MB larger, which the soak then measured as the flow's."""
    counts = {}
    for group in STAGES:
        response = client.delete(f"/_stephost/state/{group}")
        response.raise_for_status()
        counts[group] = int(response.json()["deleted"])
    return counts


def peak_rss_during(pids: dict[str, int], work: Any) -> float:
    """The highest sum of the processes' RSS (MB) sampled while ``work()`` runs."""
    peak = 0.0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, sum(rss_mb(pid) for pid in pids.values()))
            done.wait(0.1)

    sampler = threading.Thread(target=sample)
    sampler.start()
    try:
        work()
    finally:
        done.set()
        sampler.join()
    return peak


def flow_bench(tmp: Path, seconds: int, log_level: str = "info") -> dict[str, Any]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    script = tmp / "flow.lua"
    script.write_text(
        'wrk.method = "POST"\n'
        f"wrk.body = '{ORDER}'\n"
        'wrk.headers["Content-Type"] = "application/json"\n'
    )
    env = {
        "STEPHOST_DATA_DIR": str(tmp / "data-flow"),
        "STEPHOST_LOG_FORMAT": "json",
        "STEPHOST_LOG_LEVEL": log_level,
    }
    command = [sys.executable, "-m", "stephost_host.cli", "start", "--port", str(port)]
    with (
        process(command, FLOW, env, tmp / "flow.log") as host_pid,
        httpx.Client(base_url=admin(url), timeout=60) as client,
    ):
        wait_http(f"{admin(url)}/_stephost/health")
        pids = processes(url, host_pid)
        wrk_requests(f"{url}/flow", 16, 2, script)  # warm up
        wait_idle(url)
        clear_stages(client)
        time.sleep(1)
        rss_idle = {name: rss_mb(pid) for name, pid in pids.items()}
        before = {name: cpu_s(pid) for name, pid in pids.items()}
        started = time.perf_counter()
        answered = wrk_requests(f"{url}/flow", 16, seconds, script)
        wait_idle(url)
        elapsed = time.perf_counter() - started
        after = {name: cpu_s(pid) for name, pid in pids.items()}
        counts = clear_stages(client)
        # wrk cuts off up to 16 requests at the end: their handler may have stored the
        # order and not emitted yet. Every emitted order must reach every later stage.
        flows = counts["flow_checked"]
        later = {g: n for g, n in counts.items() if g != "flow_orders"}
        if (
            set(later.values()) != {flows}
            or not answered <= flows <= counts["flow_orders"] <= answered + 16
        ):
            raise RuntimeError(f"flow lost messages: wrk answered {answered}, stages {counts}")
        peak = peak_rss_during(
            pids, lambda: wrk_requests(f"{url}/flow", 64, max(3, seconds // 2), script)
        )
        wait_idle(url)
    return {
        "flows": flows,
        "answered": answered,
        "stages": counts,
        "flows_per_s": flows / elapsed,
        "cpu_ms_per_flow": {n: 1000 * (after[n] - before[n]) / flows for n in pids},
        "rss_idle_mb": rss_idle,
        "rss_idle_total_mb": sum(rss_idle.values()),
        "rss_c64_total_mb": peak,
    }


def write_chain_project(root: Path) -> Path:
    """An api step (POST /chain) and 40 Python event steps, each sleeping 10 ms."""
    steps = root / "steps"
    steps.mkdir(parents=True, exist_ok=True)
    (steps / "chain_start_step.py").write_text(
        "import time\n"
        "config = {'type': 'api', 'name': 'ChainStart', 'method': 'POST', 'path': '/chain',\n"
        "          'emits': ['chain.0']}\n\n"
        "async def handler(req, ctx):\n"
        "    run = (req.body or {}).get('run', 'cold')\n"
        "    await ctx.emit('chain.0', {'run': run, 'started': time.time()})\n"
        "    return {'status': 200, 'body': {'run': run}}\n"
    )
    for hop in range(CHAIN_HOPS):
        last = hop == CHAIN_HOPS - 1
        finish = (
            "    await ctx.state.set('chain', data['run'], "
            "{'elapsed': time.time() - data['started']})\n"
            if last
            else f"    await ctx.emit('chain.{hop + 1}', data)\n"
        )
        emits = [] if last else [f"chain.{hop + 1}"]
        (steps / f"chain_{hop:02d}_step.py").write_text(
            "import asyncio\nimport time\n"
            f"config = {{'type': 'event', 'name': 'Chain{hop:02d}', "
            f"'subscribes': ['chain.{hop}'], 'emits': {emits!r}}}\n\n"
            "async def handler(data, ctx):\n"
            "    await asyncio.sleep(0.01)\n" + finish
        )
    return root


def chain_bench(tmp: Path, project: Path, runs: int) -> list[float]:
    """Seconds from the first emit to the end of the 40th hop, one run at a time."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {"STEPHOST_DATA_DIR": str(tmp / "data-chain"), "STEPHOST_LOG_FORMAT": "json"}
    command = [sys.executable, "-m", "stephost_host.cli", "start", "--port", str(port)]
    times = []
    with (
        process(command, project, env, tmp / "chain.log"),
        httpx.Client(base_url=admin(url), timeout=30) as client,
    ):
        wait_http(f"{admin(url)}/_stephost/health")
        for run in range(runs + 1):  # the first run warms up
            httpx.post(f"{url}/chain", json={"run": f"r{run}"}).raise_for_status()
            wait_idle(url)
            found = client.get(f"/_stephost/state/chain/r{run}")
            found.raise_for_status()
            if run:
                times.append(found.json()["value"]["elapsed"])
    return times


def median(values: list[float]) -> float:
    return statistics.median(values)
