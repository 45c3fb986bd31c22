"""`make bench` (e): what an open Workbench costs the flow it watches.

examples/shop's order flow (a Python api step, then Python, TypeScript and Ruby event
steps, state at every hop) is driven by wrk at 16 connections, counted until the queue
is drained, with the Workbench closed and then open in headless chromium on the live
log tail and on the flow graph (live counters), alternately, in one run. The issue's
target: open loses at most 10% of the throughput.

    python bench/workbench.py [--seconds 10] [--rounds 2]
"""

from __future__ import annotations

import argparse
import contextlib
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.processes import process  # noqa: E402
from bench.run import admin, free_port, wait_http, wait_idle  # noqa: E402
from tests.browser.conftest import CHROMIUM_ARGS, chromium_path  # noqa: E402

ORDER = '{"item":"book","quantity":2}'
CONNECTIONS = 16


def flows_per_s(url: str, seconds: int, script: Path) -> float:
    """Orders per second from the first request until every hop of every order ran."""
    started = time.perf_counter()
    out = subprocess.run(
        ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "-s", str(script), f"{url}/orders"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    requests = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise RuntimeError(f"{errors.group(1)} orders failed during the run:\n{out}")
    wait_idle(url)
    return requests / (time.perf_counter() - started)


@contextlib.contextmanager
def workbench_open(url: str) -> Iterator[None]:
    """Headless chromium with the Workbench on the live log tail and the flow graph."""
    from playwright.sync_api import expect, sync_playwright

    executable = chromium_path()
    if executable is None:
        raise RuntimeError("chromium is not installed (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        logs = browser.new_page(viewport={"width": 1440, "height": 900})
        logs.goto(f"{admin(url)}/_stephost/ui/logs")
        expect(logs.locator("[data-testid=log-connection]")).to_have_text("live")
        flows = browser.new_page(viewport={"width": 1440, "height": 900})
        flows.goto(f"{admin(url)}/_stephost/ui/")
        expect(flows.locator("[data-testid=step-node]").first).to_be_visible()
        try:
            yield
        finally:
            browser.close()


def workbench_overhead(tmp: Path, seconds: int = 10, rounds: int = 2) -> dict[str, Any]:
    """Flows/s with the Workbench closed and open, alternately, on one host."""
    project = tmp / "workbench-shop"
    shutil.copytree(ROOT / "examples" / "shop", project, ignore=shutil.ignore_patterns(".stephost"))
    script = tmp / "order.lua"
    script.write_text(
        f"wrk.method = \"POST\"\nwrk.body = '{ORDER}'\n"
        'wrk.headers["Content-Type"] = "application/json"\n'
    )
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        "STEPHOST_DATA_DIR": str(tmp / "workbench-data"),
        "STEPHOST_LOG_FORMAT": "json",
        "STEPHOST_LOG_LEVEL": "info",
    }
    command = [sys.executable, "-m", "stephost_host.cli", "start", "--port", str(port)]
    closed: list[float] = []
    opened: list[float] = []
    with process(command, project, env, tmp / "workbench-host.log"):
        wait_http(f"{admin(url)}/_stephost/health")
        httpx.post(f"{admin(url)}/_stephost/cron/OrderReport/pause").raise_for_status()
        flows_per_s(url, 2, script)  # warm up
        for _ in range(rounds):
            closed.append(flows_per_s(url, seconds, script))
            with workbench_open(url):
                opened.append(flows_per_s(url, seconds, script))
    return {"closed": closed, "open": opened, "seconds": seconds, "connections": CONNECTIONS}


def report_workbench(result: dict[str, Any]) -> list[str]:
    closed, opened = statistics.median(result["closed"]), statistics.median(result["open"])
    runs = lambda values: ", ".join(f"{v:.0f}" for v in values)  # noqa: E731
    return [
        "",
        "## (e) the order flow of examples/shop with the Workbench open",
        "",
        f"wrk c={result['connections']} for {result['seconds']} s per run, POST /orders "
        "counted until drained; closed and open alternate on one host. Open: headless "
        "chromium on the live log tail and on the flow graph (live counters).",
        "",
        "| Workbench | flows/s (median) | runs | vs closed |",
        "|---|---|---|---|",
        f"| closed | {closed:.0f} | {runs(result['closed'])} | 100% |",
        f"| open: log tail + flow graph | {opened:.0f} | {runs(result['open'])} "
        f"| {opened / closed:.0%} |",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("bench needs wrk: apt-get install wrk")
    with tempfile.TemporaryDirectory(prefix="stephost-bench-") as tmp:
        result = workbench_overhead(Path(tmp), args.seconds, args.rounds)
    print("\n".join(report_workbench(result)))


if __name__ == "__main__":
    main()
