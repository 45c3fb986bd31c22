"""`make bench`: the host against a baseline measured in the same run.

    (a) api round trip through the host and a runtime vs a plain FastAPI endpoint
        doing the same JSON work in-process: p50/p99 latency and req/s at
        concurrency 1 and 32 (load from wrk);
    (b) durable events/s through one hop and through a 2-hop chain to a no-op step;
    (c) cold start of `stephost start` on the example until its first 2xx;
    (d) peak RSS of the host and each runtime;
    (e) the example's order flow with the Workbench open vs closed (bench/workbench.py);
    (f) the issue's flow through three languages, CPU per flow, RSS (bench/flow.py);
    (g) a 40-hop chain with 10 ms of async work per hop (bench/flow.py).

Every language with a project under bench/projects/ (and a toolchain here) is run.
``--only flow,chain`` runs some parts (api, cold, workbench, flow, chain); ``--only soak``
runs the ten-minute soak of the flow (bench/soak.py), which no default run includes
(this tree only, never against REF). ``--against REF``
runs the parts behind the targets table a second time, in the same run, with the host and
the runtimes of the git revision REF, so that the table shows both side by side.
Results are printed as tables and written to bench/results/latest.{json,md}.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import os
import platform
import re
import shutil
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

from bench.processes import EXTRA_ENV, process  # noqa: E402
from tests.toolchains import missing_toolchain  # noqa: E402

PARTS = ("api", "cold", "workbench", "flow", "chain")
OPT_IN = ("soak",)  # only when named in --only


def free_port() -> int:
    """A free port whose next one (the admin listener's) is free too."""
    while True:
        with socket.socket() as sock, socket.socket() as admin_sock:
            sock.bind(("127.0.0.1", 0))
            port = int(sock.getsockname()[1])
            try:
                admin_sock.bind(("127.0.0.1", port + 1))
            except (OSError, OverflowError):
                continue
            return port


def admin(url: str) -> str:
    """The admin listener (`/_stephost/`) of the host serving ``url``: the api port + 1."""
    base, port = url.rsplit(":", 1)
    return f"{base}:{int(port) + 1}"


def wait_http(url: str, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.05)
    raise RuntimeError(f"{url} did not answer within {timeout_s}s")


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
    with httpx.Client(base_url=admin(url)) as client:
        while time.monotonic() < deadline:
            try:
                if client.get("/_stephost/idle").json()["idle"]:
                    return
            except httpx.TimeoutException:  # a stalled host: ask again, up to the deadline
                continue
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
        wait_http(f"{admin(url)}/_stephost/health")
        result: dict[str, Any] = {"api": load(f"{url}/echo", args.seconds, script)}
        events_per_s(url, "bench.noop", 2000)  # warm up
        # A Python step emits the burst for every language (the same producer), then
        # the language's own step emits it (its emit throughput shows there).
        result["events_1hop"] = events_per_s(url, "bench.noop", args.events)
        result["events_2hop"] = events_per_s(url, "bench.hop", args.events // 2)
        result["events_native"] = events_per_s(url, "bench.noop", args.events, "/burst")
        runtimes = httpx.get(f"{admin(url)}/_stephost/health").json()["runtimes"]
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


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    load = os.getloadavg()[0]
    return f"{platform.node()}, {os.cpu_count()} x {cpu}, load {load:.1f} at start; {now}"


def measure(args: argparse.Namespace, part: str, languages: list[str], tmp: Path) -> dict[str, Any]:
    """One part, against the code the processes import (see EXTRA_ENV)."""
    from bench.flow import chain_bench, flow_bench, write_chain_project

    tmp.mkdir(parents=True, exist_ok=True)
    out: dict[str, Any] = {}
    script = tmp / "post.lua"
    script.write_text(
        'wrk.method = "POST"\n'
        f"wrk.body = '{BODY}'\n"
        'wrk.headers["Content-Type"] = "application/json"\n'
    )
    chain_project = write_chain_project(tmp / "chain-project")
    if part == "api":
        port = free_port()
        baseline_cmd = [sys.executable, str(ROOT / "bench" / "baseline.py"), str(port)]
        with process(baseline_cmd, ROOT, {}, tmp / "baseline.log") as pid:
            wait_http(f"http://127.0.0.1:{port}/docs")
            baseline: dict[str, Any] = load(f"http://127.0.0.1:{port}/echo", args.seconds, script)
            baseline["rss_mb"] = peak_rss_mb(pid)
        out["baseline"] = baseline
        out["results"] = {lang: bench_language(lang, args, script, tmp) for lang in languages}
    elif part == "cold":
        out["cold_start_s"] = {
            "examples/shop (python, node, ruby)": cold_start(
                tmp, args.cold_runs, EXAMPLE, "/orders", {"item": "x", "quantity": 1}
            ),
            "bench/projects/python (python only)": cold_start(
                tmp, args.cold_runs, PROJECTS / "python", "/echo", {"hello": 1}
            ),
            "a 41-step project (python)": cold_start(
                tmp, args.cold_runs, chain_project, "/chain", {}
            ),
        }
    elif part == "flow":
        out["flow"] = flow_bench(tmp, args.flow_seconds, args.log_level)
    elif part == "chain":
        out["chain_s"] = chain_bench(tmp, chain_project, args.chain_runs)
    return out


def targets(r: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(what, measured, target) for every issue target the run measured."""
    rows: list[tuple[str, str, str]] = []
    if "flow" in r:
        f = r["flow"]
        cpu = f["cpu_ms_per_flow"]
        rows.append(
            (
                "flow, wrk c=16, flows/s until drained",
                f"{f['flows_per_s']:.0f} ({f['flows']} flows, none lost)",
                "≥ 750, none lost",
            )
        )
        rows.append(
            (
                "CPU ms per flow: " + " / ".join(cpu),
                " / ".join(f"{v:.2f}" for v in cpu.values()),
                "host ≤ 1.2",
            )
        )
        rows.append(
            (
                "RSS MB, host + runtimes, idle / at c=64",
                f"{f['rss_idle_total_mb']:.0f} / {f['rss_c64_total_mb']:.0f}",
                "≤ 200 / ≤ 300",
            )
        )
    if "chain_s" in r:
        rows.append(
            (
                "40-hop chain, 10 ms async work per hop, s (median)",
                f"{statistics.median(r['chain_s']):.3f}",
                "≤ 0.45",
            )
        )
    cold = r.get("cold_start_s", {})
    for name, target in (
        ("bench/projects/python (python only)", "≤ 0.5"),
        ("examples/shop (python, node, ruby)", "≤ 0.8"),
        ("a 41-step project (python)", "≤ 1.0"),
    ):
        if name in cold:
            rows.append(
                (
                    f"cold start to first 2xx, {name}, s (median)",
                    f"{statistics.median(cold[name]):.3f}",
                    target,
                )
            )
    if "results" in r and "python" in r["results"]:
        py, base = r["results"]["python"], r["baseline"]
        added = py["api"]["c1"]["p50_ms"] - base["c1"]["p50_ms"]
        rows.append(
            (
                "api hop (python): p50 added at c=1; req/s at c=32 vs plain FastAPI",
                f"{added:+.3f} ms; {ratio(py['api']['c32']['rps'], base['c32']['rps'])}",
                "≤ +0.3 ms; ≥ 90%",
            )
        )
        rows.append(
            (
                "durable events/s, one hop, a handler emitting 20,000",
                f"{py['events_1hop']:.0f}",
                "≥ 10,000",
            )
        )
    return rows


def report_targets(ours: dict[str, Any], against: dict[str, Any] | None, ref: str) -> str:
    lines = [f"## Targets (issue 9): {machine()}", ""]
    theirs = dict(((w, m) for w, m, _ in targets(against))) if against is not None else {}
    header = "| what | this tree |" + (f" {ref} (same run) |" if against is not None else "")
    lines += [header + " target |", "|---|---|" + ("---|" if against is not None else "") + "---|"]
    for what, measured, target in targets(ours):
        other = f" {theirs.get(what, '-')} |" if against is not None else ""
        lines.append(f"| {what} | {measured} |{other} {target} |")
    return "\n".join(lines)


@contextlib.contextmanager
def revision(ref: str, tmp: Path) -> Iterator[Path]:
    """A checkout of ``ref``; with the PYTHONPATH it yields, processes import its host
    and SDK (and run its runtimes)."""
    tree = tmp / "against"
    subprocess.run(
        ["git", "worktree", "add", "--detach", str(tree), ref],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    try:
        modules = ROOT / "bridges" / "node" / "node_modules"
        (tree / "bridges" / "node" / "node_modules").symlink_to(modules)
        shim = tmp / "against-path"
        shim.mkdir()
        (shim / "stephost_host").symlink_to(tree / "host")
        (shim / "stephost").symlink_to(tree / "sdk_python" / "stephost")
        yield shim
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT, check=False)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--languages", default="", help="comma-separated (default: every project)")
    parser.add_argument(
        "--only", default="", help=f"comma-separated parts of {', '.join(PARTS + OPT_IN)}"
    )
    parser.add_argument("--against", default="", help="a git revision to measure beside this tree")
    parser.add_argument("--seconds", type=int, default=5, help="seconds per wrk run")
    parser.add_argument("--flow-seconds", type=int, default=10, help="seconds of the flow run")
    parser.add_argument("--events", type=int, default=20_000, help="events per burst")
    parser.add_argument("--cold-runs", type=int, default=5)
    parser.add_argument("--chain-runs", type=int, default=5)
    parser.add_argument("--log-level", default="info", help="the host's log level during the run")
    parser.add_argument("--soak-minutes", type=int, default=10, help="minutes of the soak")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("bench needs wrk: apt-get install wrk")
    parts = {p for p in args.only.split(",") if p} or set(PARTS)
    known = set(PARTS + OPT_IN)
    if parts - known:
        sys.exit(f"unknown parts {sorted(parts - known)}; the parts are {', '.join(sorted(known))}")
    wanted = [lang for lang in args.languages.split(",") if lang] or sorted(
        p.name for p in PROJECTS.iterdir() if (p / "steps").is_dir() and p.name != "flow"
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
        ours: dict[str, Any] = {}
        against: dict[str, Any] | None = None
        with contextlib.ExitStack() as stack:
            shim = stack.enter_context(revision(args.against, tmp)) if args.against else None
            if shim is not None:
                against = {}
            # Part by part, this tree then the other revision, so both meet the same load.
            for part in [p for p in PARTS if p in parts and p != "workbench"]:
                ours.update(measure(args, part, languages, tmp / "ours"))
                if shim is not None and against is not None:
                    EXTRA_ENV["PYTHONPATH"] = str(shim)
                    try:
                        against.update(measure(args, part, ["python"], tmp / "against-run"))
                    finally:
                        EXTRA_ENV.pop("PYTHONPATH")
        workbench = None
        if "workbench" in parts:
            from bench.workbench import report_workbench, workbench_overhead

            workbench = workbench_overhead(tmp, seconds=2 * args.seconds)
        soak, soak_machine = None, ""
        if "soak" in parts:
            from bench.soak import soak_bench

            (tmp / "soak").mkdir()
            soak_machine = machine()
            soak = soak_bench(tmp / "soak", args.soak_minutes, args.log_level)
    sections = [report_targets(ours, against, args.against)] if ours else []
    if "api" in parts:
        sections.append(report(ours["baseline"], ours["results"], ours.get("cold_start_s", {})))
    if workbench is not None:
        sections.append("\n".join(report_workbench(workbench)))
    if soak is not None:
        from bench.soak import report_soak

        sections.append("\n".join(report_soak(soak, soak_machine)))
    table = "\n\n".join(sections)
    print(table)
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "latest.json").write_text(
        json.dumps(
            {
                "machine": machine(),
                "ours": ours,
                "against": against,
                "workbench": workbench,
                "soak": soak,
            },
            indent=2,
        )
    )
    (out / "latest.md").write_text(table + "\n")


if __name__ == "__main__":
    main()
