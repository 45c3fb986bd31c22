"""stephost installed from its wheel, far from this checkout, used as the README says.

`python -m build` makes the sdist and the wheel (once per session); the wheel goes into
a new venv in a temporary folder; `stephost new app` there; a TypeScript and a Ruby step
(and a TypeScript test) are added; `stephost dev` serves them over HTTP; `stephost
test` passes; and the scaffolded CI workflow's steps pass when run by hand. Nothing of
the checkout is on any path: the runtimes and the Workbench come from the installed
package.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.e2e.workflow import run_workflow
from tests.ports import free_port
from tests.toolchains import missing_toolchain

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.timeout(900),
    pytest.mark.skipif(
        bool(missing_toolchain("node") or missing_toolchain("ruby")),
        reason=str(missing_toolchain("node") or missing_toolchain("ruby")),
    ),
]

SHOUT_STEP = """\
import { z } from 'zod'
import type { ApiConfig } from 'stephost'
import type { ShoutHandler } from '../generated/ts/handlers.js'

export const config = {
  type: 'api', name: 'Shout', method: 'POST', path: '/shout', emits: ['shouted'],
  bodySchema: z.object({ text: z.string().min(1) }),
} satisfies ApiConfig

export const handler: ShoutHandler = async (req, ctx) => {
  const text: string = (req.body as { text: string }).text.toUpperCase()
  await ctx.emit('shouted', { text })
  return { status: 200, body: { text } }
}
"""
RECORD_STEP = """\
def config
  { type: 'event', name: 'RecordShout', subscribes: ['shouted'], emits: [] }
end

def handler(data, ctx)
  ctx.state.set('shouts', data['text'], true)
  ctx.logger.info('recorded', text: data['text'])
end
"""
SHOUT_TEST = """\
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { startApp, type StephostApp } from 'stephost/testing'

let app: StephostApp
before(async () => { app = await startApp() })
after(() => app.close())

test('a shout is recorded by the Ruby step', async () => {
  const response = await app.post('/shout', { json: { text: 'hey' } })
  assert.equal(response.status, 200)
  await app.waitIdle()
  assert.equal(await app.state.get('shouts', 'HEY'), true)
  assert.equal((await app.post('/shout', { json: { text: '' } })).status, 400)
})
"""


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel `python -m build` makes from this checkout (sdist first, wheel from it)."""
    out = tmp_path_factory.mktemp("dist")
    built = subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    (found,) = out.glob("stephost-*.whl")
    return found


@pytest.fixture(scope="session")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new venv, outside the checkout, with the wheel installed (and nothing else of ours)."""
    folder = tmp_path_factory.mktemp("user") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True)
    installed = subprocess.run(
        [str(folder / "bin" / "pip"), "install", "-q", "-c", str(ROOT / "constraints.txt"),
         str(wheel)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )  # fmt: skip
    assert installed.returncode == 0, installed.stdout + installed.stderr
    return folder


def user_env(venv: Path) -> dict[str, str]:
    """A shell with the venv activated, and nothing of this checkout or its venv around."""
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("STEPHOST_", "PYTEST_"))}
    keep.pop("PYTHONPATH", None)
    keep.pop("VIRTUAL_ENV", None)
    path = [p for p in keep.get("PATH", "").split(os.pathsep) if not p.startswith(str(ROOT))]
    return {**keep, "VIRTUAL_ENV": str(venv), "PATH": os.pathsep.join([str(venv / "bin"), *path])}


def sh(
    *command: str, cwd: Path, env: dict[str, str], timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


def test_the_wheel_is_pure_python_and_carries_both_runtimes(wheel: Path) -> None:
    assert wheel.name.endswith("-py3-none-any.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for needed in (
        "stephost_host/_runtimes/node/stephost-node.mjs",
        "stephost_host/_runtimes/node/stephost-node-test.mjs",
        "stephost_host/_runtimes/node/sdk.cjs",
        "stephost_host/_runtimes/node/motia-sdk.mjs",  # 'motia' and '@motiadev/core'
        "stephost_host/_runtimes/node/motia-sdk.cjs",
        "stephost_host/_runtimes/node/lent/zod.mjs",  # lent to projects without zod
        "stephost_host/_runtimes/node/lent/zod.cjs",
        "stephost_host/_runtimes/node/lent/packages.cjs",
        "stephost_host/_runtimes/node/protoc-gen-ts_proto.cjs",
        "stephost_host/_runtimes/node/types/sdk.ts",
        "stephost_host/_runtimes/node/types/motia-sdk.ts",
        "stephost_host/_runtimes/ruby/bin/stephost-ruby",
        "stephost_host/_runtimes/ruby/lib/stephost/runtime.rb",
        "stephost-0.1.0.dist-info/licenses/LICENSE",
        "stephost_host/workbench/dist/index.html",  # the Workbench, built
    ):
        assert needed in names, needed
    assert not [n for n in names if n.endswith(".node") or "node_modules" in n]
    assert not [n for n in names if n.split("/")[0] in ("host", "bridges")]


@pytest.fixture(scope="session")
def project(venv: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`stephost new app` run as a user would, plus a TypeScript and a Ruby step."""
    home = tmp_path_factory.mktemp("work")
    env = user_env(venv)
    created = sh("stephost", "new", "app", cwd=home, env=env)
    assert created.returncode == 0, created.stdout + created.stderr
    assert created.stdout.rstrip().endswith("next: cd app && stephost dev")
    app = home / "app"
    # As its README says: pytest and mypy come from requirements.txt (npm install ran).
    tools = sh("pip", "install", "-q", "-r", "requirements.txt", cwd=app, env=env, timeout=600)
    assert tools.returncode == 0, tools.stdout + tools.stderr
    (app / "steps" / "shout.step.ts").write_text(SHOUT_STEP)
    (app / "steps" / "record_step.rb").write_text(RECORD_STEP)
    (app / "tests" / "shout.test.ts").write_text(SHOUT_TEST)
    generated = sh("stephost", "gen", cwd=app, env=env)
    assert generated.returncode == 0, generated.stdout + generated.stderr
    return app


@dataclass(frozen=True)
class DevServer:
    api: str  # the api steps
    admin: str  # the admin listener: health, state, the Workbench


@pytest.fixture
def dev_server(project: Path, venv: Path) -> Iterator[DevServer]:
    port, admin_port = free_port(), free_port()
    process = subprocess.Popen(
        ["stephost", "dev", "--port", str(port), "--admin-port", str(admin_port)],
        cwd=project,
        env=user_env(venv),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    server = DevServer(f"http://127.0.0.1:{port}", f"http://127.0.0.1:{admin_port}")
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, process.stdout.read().decode() if process.stdout else ""
            try:
                if httpx.get(f"{server.admin}/_stephost/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "stephost dev did not answer within 60 s"
            time.sleep(0.1)
        yield server
    finally:
        os.killpg(process.pid, signal.SIGINT)
        assert process.wait(30) == 0


def test_stephost_dev_serves_python_typescript_and_ruby_steps(dev_server: DevServer) -> None:
    health = httpx.get(f"{dev_server.admin}/_stephost/health").json()
    assert sorted(r["language"] for r in health["runtimes"]) == ["node", "python", "ruby"]
    assert health["problems"] == []
    hello = httpx.post(f"{dev_server.api}/hello", json={"name": "Ada"})
    assert hello.status_code == 202 and hello.json()["greeting"] == "Hello, Ada!"
    shout = httpx.post(f"{dev_server.api}/shout", json={"text": "hi"})
    assert shout.status_code == 200 and shout.json() == {"text": "HI"}
    assert httpx.post(f"{dev_server.api}/shout", json={"text": ""}).status_code == 400  # zod
    # The admin surfaces answer on the admin listener only, not on the api port.
    assert httpx.get(f"{dev_server.api}/_stephost/health").status_code == 404
    workbench = httpx.get(f"{dev_server.admin}/_stephost/ui/")
    assert workbench.status_code == 200 and "/_stephost/ui/assets/" in workbench.text

    def recorded() -> bool:
        response = httpx.get(f"{dev_server.admin}/_stephost/state/shouts/HI")
        return response.status_code == 200 and response.json()["value"] is True

    deadline = time.monotonic() + 30
    while not recorded():
        assert time.monotonic() < deadline, "the Ruby step did not record the shout"
        time.sleep(0.05)


def test_stephost_test_runs_the_pytest_and_node_tests(project: Path, venv: Path) -> None:
    tested = sh("stephost", "test", cwd=project, env=user_env(venv))
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert "2 passed" in tested.stdout  # tests/test_hello.py
    assert "# pass 1" in tested.stdout and "# fail 0" in tested.stdout  # tests/shout.test.ts


def test_the_scaffolded_ci_passes_when_run_by_hand(project: Path, venv: Path) -> None:
    results = run_workflow(
        project / ".github" / "workflows" / "stephost.yml", project, user_env(venv)
    )
    ran = {r.name: r for r in results}
    assert ran["Ruby for the Ruby steps (Debian's packages)"].how == "checked"
    assert ran["Install stephost and the Python tools"].how == "ran"
    fresh = ran["Generated types are fresh; no contract change breaks old data"]
    assert "is up to date" in fresh.output
    assert "Success: no issues found" in ran["Type-check"].output
    assert "2 passed" in ran["Test"].output
    assert [r.how for r in results] == ["checked"] * 4 + ["ran"] * 5  # nothing skipped
