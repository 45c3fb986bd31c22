"""`make bench`: the host against a baseline measured in the same run.

    (a) api round trip through the host and a runtime vs a plain FastAPI endpoint
        doing the same JSON work in-process: p50/p99 latency and req/s at
        concurrency 1 and 32 (load from wrk);
    (b) durable events/s through one hop and through a 2-hop chain to a no-op step;
    (c) cold start of `stephost start` on the example until its first 2xx;
    (d) peak RSS of the host and each runtime;
    (e) the example's order flow with the Workbench open vs closed (bench/workbench.py).

Every language with a project under bench/projects/ (and a toolchain here) is run.
Results are printed as a table and written to bench/results/latest.json.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import signal
import socket
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
PROJECTS = ROOT / "bench" / "projects"
EXAMPLE = ROOT / "examples" / "shop"
BODY = '{"item":"book","quantity":2,"tags":["a","b"],"note":"benchmark"}'
sys.path.insert(0, str(ROOT))

from tests.toolchains import missing_toolchain  # noqa: E402


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_http(url: str, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.05)
    raise RuntimeError(f"{url} did not answer within {timeout_s}s")


@contextlib.contextmanager
def process(args: list[str], cwd: Path, env: dict[str, str], log: Path) -> Iterator[int]:
    with log.open("wb") as out:
        proc = subprocess.Popen(
            args,
            cwd=cwd,
            env={**os.environ, **env},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            yield proc.pid
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s)", text)
    if not match:
        raise ValueError(text)
    value, unit = float(match.group(1)), match.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value


def wrk(url: str, connections: int, seconds: int, script: Path) -> dict[str, float]:
    threads = 1 if connections == 1 else 2
    out = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--latency",
            "-s",
            str(script),
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    percentiles = dict(re.findall(r"^\s+(50|99)%\s+(\S+)$", out, re.MULTILINE))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "p50_ms": _ms(percentiles["50"]),
        "p99_ms": _ms(percentiles["99"]),
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),  # type: ignore[union-attr]
        "errors": float(errors.group(1)) if errors else 0.0,
    }


def load(url: str, seconds: int, script: Path) -> dict[str, dict[str, float]]:
    httpx.post(url, content=BODY, headers={"content-type": "application/json"}).raise_for_status()
    wrk(url, 32, 1, script)  # warm up
    return {"c1": wrk(url, 1, seconds, script), "c32": wrk(url, 32, seconds, script)}


def peak_rss_mb(pid: int) -> float:
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def wait_idle(url: str, timeout_s: float = 600) -> None:
    deadline = time.monotonic() + timeout_s
    with httpx.Client(base_url=url) as client:
        while time.monotonic() < deadline:
            if client.get("/_stephost/idle").json()["idle"]:
                return
            time.sleep(0.02)
    raise RuntimeError("the host did not drain its queue in time")


def events_per_s(url: str, topic: str, count: int, producer: str = "/produce") -> float:
    """Messages per second from the first emit until every delivery is handled."""
    started = time.perf_counter()
    response = httpx.post(f"{url}{producer}", json={"topic": topic, "count": count}, timeout=600)
    response.raise_for_status()
    wait_idle(url)
    return count / (time.perf_counter() - started)


def bench_language(
    language: str, args: argparse.Namespace, script: Path, tmp: Path
) -> dict[str, Any]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        "STEPHOST_DATA_DIR": str(tmp / f"data-{language}"),
        "STEPHOST_LOG_FORMAT": "json",
        "STEPHOST_LOG_LEVEL": args.log_level,
    }
    command = [sys.executable, "-m", "stephost_host.cli", "start", "--port", str(port)]
    with process(command, PROJECTS / language, env, tmp / f"{language}.log") as host_pid:
        wait_http(f"{url}/_stephost/health")
        result: dict[str, Any] = {"api": load(f"{url}/echo", args.seconds, script)}
        events_per_s(url, "bench.noop", 2000)  # warm up
        # A Python step emits the burst for every language (the same producer), then
        # the language's own step emits it (its emit throughput shows there).
        result["events_1hop"] = events_per_s(url, "bench.noop", args.events)
        result["events_2hop"] = events_per_s(url, "bench.hop", args.events // 2)
        result["events_native"] = events_per_s(url, "bench.noop", args.events, "/burst")
        runtimes = httpx.get(f"{url}/_stephost/health").json()["runtimes"]
        result["rss_mb"] = {"host": peak_rss_mb(host_pid)}
        for runtime in runtimes:
            result["rss_mb"][f"{runtime['language']} runtime"] = peak_rss_mb(runtime["pid"])
    return result


def cold_start(tmp: Path, runs: int, project: Path, path: str, body: Any) -> list[float]:
    """Seconds from `stephost start` until ``POST path`` answers 2xx."""
    times = []
    for i in range(runs):
        port = free_port()
        url = f"http://127.0.0.1:{port}{path}"
        data = tmp / f"cold-{project.name}-{i}"
        env = {"STEPHOST_DATA_DIR": str(data), "STEPHOST_LOG_FORMAT": "json"}
        started = time.perf_counter()
        command = [sys.executable, "-m", "stephost_host.cli", "start", "--port", str(port)]
        with process(command, project, env, tmp / f"cold-{i}.log"), httpx.Client() as client:
            while True:
                try:
                    response = client.post(url, json=body, timeout=5)
                    if response.is_success:
                        break
                except httpx.TransportError:
                    pass
                time.sleep(0.002)
                if time.perf_counter() - started > 60:
                    raise RuntimeError("the example did not answer within 60s")
            times.append(time.perf_counter() - started)
    return times


def ratio(ours: float, base: float) -> str:
    return f"{ours / base:.0%}" if base else "-"


def report(baseline: dict[str, Any], results: dict[str, Any], cold: dict[str, list[float]]) -> str:
    lines = [
        "## (a) api round trip: POST /echo (same JSON work), load from wrk",
        "",
        "| target | c1 p50 ms | c1 p99 ms | c1 req/s | c32 p50 ms | c32 p99 ms | c32 req/s "
        "| c32 vs baseline | added p50 at c1 |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    b1, b32 = baseline["c1"], baseline["c32"]
    lines.append(
        f"| plain FastAPI (baseline) | {b1['p50_ms']:.3f} | {b1['p99_ms']:.3f} | {b1['rps']:.0f} "
        f"| {b32['p50_ms']:.3f} | {b32['p99_ms']:.3f} | {b32['rps']:.0f} | 100% | - |"
    )
    for language, result in results.items():
        a1, a32 = result["api"]["c1"], result["api"]["c32"]
        lines.append(
            f"| stephost + {language} | {a1['p50_ms']:.3f} | {a1['p99_ms']:.3f} | {a1['rps']:.0f} "
            f"| {a32['p50_ms']:.3f} | {a32['p99_ms']:.3f} | {a32['rps']:.0f} "
            f"| {ratio(a32['rps'], b32['rps'])} | {a1['p50_ms'] - b1['p50_ms']:+.3f} ms |"
        )
    lines += [
        "",
        "## (b) durable events/s to a no-op step",
        "",
        "Each burst is emitted by a Python step (the same producer for every language) into",
        "a no-op step of the language; the last column has the language's own step emit it.",
        "",
        "| runtime | 1 hop (events/s) | 2-hop chain (messages/s through both hops) "
        "| 1 hop, emitted by the language's own step |",
        "|---|---|---|---|",
    ]
    for language, result in results.items():
        lines.append(
            f"| {language} | {result['events_1hop']:.0f} | {result['events_2hop']:.0f} "
            f"| {result['events_native']:.0f} |"
        )
    lines += [
        "",
        "## (c) cold start: `stephost start` until the first 2xx from a step",
        "",
        "| project | median s | min s | max s | runs |",
        "|---|---|---|---|---|",
        *[
            f"| {name} | {statistics.median(t):.3f} | {min(t):.3f} | {max(t):.3f} | {len(t)} |"
            for name, t in cold.items()
        ],
        "",
        "## (d) peak RSS (MB)",
        "",
        "| bench project | process | peak RSS MB |",
        "|---|---|---|",
    ]
    for language, result in results.items():
        for name, mb in result["rss_mb"].items():
            lines.append(f"| {language} | {name} | {mb:.0f} |")
    lines.append(f"| baseline | plain FastAPI | {baseline['rss_mb']:.0f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--languages", default="", help="comma-separated (default: every project)")
    parser.add_argument("--seconds", type=int, default=5, help="seconds per wrk run")
    parser.add_argument("--events", type=int, default=20_000, help="events per burst")
    parser.add_argument("--cold-runs", type=int, default=5)
    parser.add_argument("--log-level", default="info", help="the host's log level during the run")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("bench needs wrk: apt-get install wrk")
    wanted = [lang for lang in args.languages.split(",") if lang] or sorted(
        p.name for p in PROJECTS.iterdir() if (p / "steps").is_dir()
    )
    languages = []
    for language in wanted:
        reason = missing_toolchain(language)
        if reason:
            print(f"skipping {language}: {reason}", file=sys.stderr)
        else:
            languages.append(language)
    with tempfile.TemporaryDirectory(prefix="stephost-bench-") as tmp_name:
        tmp = Path(tmp_name)
        script = tmp / "post.lua"
        script.write_text(
            'wrk.method = "POST"\n'
            f"wrk.body = '{BODY}'\n"
            'wrk.headers["Content-Type"] = "application/json"\n'
        )
        port = free_port()
        baseline_cmd = [sys.executable, str(ROOT / "bench" / "baseline.py"), str(port)]
        with process(baseline_cmd, ROOT, {}, tmp / "baseline.log") as pid:
            wait_http(f"http://127.0.0.1:{port}/docs")
            baseline: dict[str, Any] = load(f"http://127.0.0.1:{port}/echo", args.seconds, script)
            baseline["rss_mb"] = peak_rss_mb(pid)
        results = {lang: bench_language(lang, args, script, tmp) for lang in languages}
        cold = {
            "examples/shop (python, node, ruby)": cold_start(
                tmp, args.cold_runs, EXAMPLE, "/orders", {"item": "x", "quantity": 1}
            ),
            "bench/projects/python (python only)": cold_start(
                tmp, args.cold_runs, PROJECTS / "python", "/echo", {"hello": 1}
            ),
        }
        from bench.workbench import report_workbench, workbench_overhead

        workbench = workbench_overhead(tmp, seconds=2 * args.seconds)
    table = "\n".join([report(baseline, results, cold), *report_workbench(workbench)])
    print(table)
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "latest.json").write_text(
        json.dumps(
            {
                "baseline": baseline,
                "results": results,
                "cold_start_s": cold,
                "workbench": workbench,
            },
            indent=2,
        )
    )
    (out / "latest.md").write_text(table + "\n")


if __name__ == "__main__":
    main()
