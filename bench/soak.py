"""`make bench ONLY=soak`: the flow of bench/projects/flow for ten minutes at c=16.

Minute by minute: wrk drives the flow for a minute, the queue drains, every stage's
state must hold every emitted order (as in bench/flow.py), counted as the stages are
cleared (so that what a minute costs does not include a growing state group). Each
minute reports its flows/s (from its first request until drained), the CPU per flow
of each process, and the RSS of the host and the runtimes once drained. The targets:
the last minute's flows/s within 10% of the first's, and the RSS grown by at most 10%
from the end of the first minute to the end of the last.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import httpx

from bench.flow import (
    FLOW,
    ORDER,
    clear_stages,
    cpu_s,
    processes,
    rss_mb,
    wrk_requests,
    wrk_run,
)
from bench.processes import process
from bench.run import admin, free_port, wait_http, wait_idle


def soak_bench(tmp: Path, minutes: int, log_level: str = "info") -> dict[str, Any]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    script = tmp / "soak.lua"
    script.write_text(
        'wrk.method = "POST"\n'
        f"wrk.body = '{ORDER}'\n"
        'wrk.headers["Content-Type"] = "application/json"\n'
    )
    env = {
        "STEPHOST_DATA_DIR": str(tmp / "data-soak"),
        "STEPHOST_LOG_FORMAT": "json",
        "STEPHOST_LOG_LEVEL": log_level,
    }
    command = [sys.executable, "-m", "stephost_host.cli", "start", "--port", str(port)]
    rows: list[dict[str, Any]] = []
    with (
        process(command, FLOW, env, tmp / "soak.log") as host_pid,
        httpx.Client(base_url=admin(url), timeout=120) as client,
    ):
        wait_http(f"{admin(url)}/_stephost/health")
        pids = processes(url, host_pid)
        wrk_requests(f"{url}/flow", 16, 2, script)  # warm up
        wait_idle(url)
        clear_stages(client)
        rss_start = {name: rss_mb(pid) for name, pid in pids.items()}
        for minute in range(1, minutes + 1):
            before = {name: cpu_s(pid) for name, pid in pids.items()}
            started = time.perf_counter()
            # A 30 s timeout: a stall shows as the minute's slowest answer, not as an error.
            answered, slowest_ms = wrk_run(f"{url}/flow", 16, 60, script, timeout_s=30)
            wait_idle(url)
            elapsed = time.perf_counter() - started
            after = {name: cpu_s(pid) for name, pid in pids.items()}
            counts = clear_stages(client)
            flows = counts["flow_checked"]
            later = {g: n for g, n in counts.items() if g != "flow_orders"}
            if (
                set(later.values()) != {flows}
                or not answered <= flows <= counts["flow_orders"] <= answered + 16
            ):
                raise RuntimeError(
                    f"minute {minute} lost messages: wrk answered {answered}, stages {counts}"
                )
            rss = {name: rss_mb(pid) for name, pid in pids.items()}
            row = {
                "minute": minute,
                "flows": flows,
                "flows_per_s": flows / elapsed,
                "slowest_ms": slowest_ms,
                "cpu_ms_per_flow": {n: 1000 * (after[n] - before[n]) / flows for n in pids},
                "rss_mb": rss,
                "rss_total_mb": sum(rss.values()),
            }
            rows.append(row)
            print(
                f"soak minute {minute}: {row['flows_per_s']:.0f} flows/s, "
                f"slowest answer {slowest_ms:.0f} ms, "
                f"RSS {row['rss_total_mb']:.0f} MB",
                file=sys.stderr,
                flush=True,
            )
    first, last = rows[0], rows[-1]
    return {
        "minutes": rows,
        "rss_start_mb": rss_start,
        "flows_last_vs_first": last["flows_per_s"] / first["flows_per_s"],
        "rss_growth": last["rss_total_mb"] / first["rss_total_mb"] - 1,
    }


def report_soak(soak: dict[str, Any], machine: str) -> list[str]:
    rows = soak["minutes"]
    names = list(rows[0]["rss_mb"])
    lines = [
        f"## Soak: the flow at c=16 for {len(rows)} minutes (bench/soak.py): {machine}",
        "",
        "| minute | flows | flows/s | slowest answer ms | CPU ms per flow: "
        + " / ".join(names)
        + " | RSS MB: "
        + " / ".join(names)
        + " | RSS MB total |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        cpu = " / ".join(f"{row['cpu_ms_per_flow'][n]:.2f}" for n in names)
        rss = " / ".join(f"{row['rss_mb'][n]:.0f}" for n in names)
        lines.append(
            f"| {row['minute']} | {row['flows']} | {row['flows_per_s']:.0f} "
            f"| {row['slowest_ms']:.0f} | {cpu} | {rss} "
            f"| {row['rss_total_mb']:.0f} |"
        )
    ratio = soak["flows_last_vs_first"]
    growth = soak["rss_growth"]
    lines += [
        "",
        f"Last minute's flows/s at {ratio:.0%} of the first's (target: within 10%: "
        f"{'met' if abs(ratio - 1) <= 0.10 else 'missed'}); RSS grown by {growth:+.1%} from "
        f"the end of the first minute to the end of the last (target ≤ +10%: "
        f"{'met' if growth <= 0.10 else 'missed'}).",
    ]
    return lines
