"""`stephost dev` as a project changes under it: contracts that appear, change and go;
a helper outside steps/; a broken step while types are generated; a second file with a
step name already taken. None of it needs a restart."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from stephost_host.testing import StephostApp
from tests.conftest import run_cli, write_project
from tests.toolchains import missing_toolchain

pytestmark = pytest.mark.integration

Start = Callable[..., StephostApp]

STORE_USER = """
config = {"type": "api", "name": "StoreUser", "method": "POST", "path": "/users",
          "bodySchema": "users.v1.UserCreated"}

async def handler(req, ctx):
    await ctx.state.set("users", req.body["id"], req.body)
    return {"status": 201, "body": req.body}
"""
USERS_PROTO = """
syntax = "proto3";
package users.v1;
import "google/api/field_behavior.proto";

message UserCreated {
  string id = 1 [(google.api.field_behavior) = REQUIRED];
  string email = 2;
}
"""


def _status(app: StephostApp, path: str, body: object) -> int:
    try:
        return app.post(path, json=body).status_code
    except httpx.HTTPError:
        return 0


def test_contracts_appear_change_and_go_while_dev_runs(make_app: Start, tmp_path: Path) -> None:
    project = write_project(tmp_path / "p", {"steps/store_user_step.py": STORE_USER})
    app = make_app(project, copy=False, command="dev")
    (problem,) = app.problems()
    assert problem["error"]["message"].endswith(
        "names the message type 'users.v1.UserCreated', but the project has no .proto files "
        "under contracts/"
    )

    proto = project / "contracts" / "users" / "v1" / "users.proto"
    proto.parent.mkdir(parents=True)
    proto.write_text(USERS_PROTO)
    app.wait_for(lambda: app.problems() == [], what="the step to be served")
    assert _status(app, "/users", {"id": "u1", "email": "a@b.c"}) == 201
    assert _status(app, "/users", {"email": "a@b.c"}) == 400  # id is REQUIRED
    types = project / "generated" / "python" / "stephost_types.py"
    app.wait_for(lambda: types.exists() and "StoreUserContext" in types.read_text(), what="types")

    proto.write_text(
        USERS_PROTO.replace("string email = 2;", "string email = 2;\n  int32 age = 3;")
    )
    app.wait_for(lambda: _status(app, "/users", {"id": "u2", "age": 3}) == 201, what="new field")

    shutil.rmtree(project / "contracts")
    app.wait_for(lambda: app.problems() != [], what="the step to lose its type")
    assert "no .proto files under contracts/" in app.problems()[0]["error"]["message"]
    assert _status(app, "/users", {"id": "u3"}) == 404
    assert "StoreUserContext" in types.read_text()  # kept while the step does not load


STEPS_WITH_TYPES = {
    "contracts/users/v1/users.proto": USERS_PROTO,
    "steps/store_user_step.py": STORE_USER,
    "steps/audit_step.py": """
config = {"type": "event", "name": "Audit", "subscribes": ["user.stored"],
          "input": "users.v1.UserCreated"}

async def handler(data, ctx):
    pass
""",
}


def test_dev_never_overwrites_a_fuller_generation(make_app: Start, tmp_path: Path) -> None:
    project = write_project(tmp_path / "p", STEPS_WITH_TYPES)
    assert run_cli("gen", cwd=project, timeout=120).returncode == 0
    types = project / "generated" / "python" / "stephost_types.py"
    assert "StoreUserContext" in types.read_text() and "AuditContext" in types.read_text()
    app = make_app(project, copy=False, command="dev")
    audit = project / "steps" / "audit_step.py"
    audit.write_text(audit.read_text().replace("async def handler", "async def handler(:"))
    app.wait_for(
        lambda: any(line["event"].startswith("step types not regenerated") for line in app.logs()),
        what="dev to keep the step types",
    )
    assert "AuditContext" in types.read_text()  # the broken step's types stay
    assert run_cli("gen", "--check", cwd=project, timeout=120).returncode == 1  # gen would drop it
    audit.write_text(STEPS_WITH_TYPES["steps/audit_step.py"].replace('"Audit"', '"AuditUser"'))
    app.wait_for(lambda: "AuditUserContext" in types.read_text(), what="the fixed step's types")
    assert "class AuditContext" not in types.read_text()


MOTIA_STEPS = {
    "motia.config.ts": "export default {}\n",
    "src/start.step.ts": """
export const config = { type: 'api', name: 'Start', method: 'POST', path: '/start', emits: ['go'] }
export const handler = async (_req: unknown, { emit }: any) => {
  await emit({ topic: 'go', data: {} })
  return { status: 202, body: {} }
}
""",
    "src/audit.step.ts": """
export const config = { type: 'event', name: 'Audit', subscribes: ['go'], emits: [] }
export const handler = async () => {}
""",
}


def test_dev_keeps_a_motia_projects_types_while_a_step_does_not_load(
    make_app: Start, tmp_path: Path
) -> None:
    reason = missing_toolchain("node")
    if reason:
        pytest.skip(reason)
    project = write_project(tmp_path / "p", MOTIA_STEPS)
    assert run_cli("gen", cwd=project, timeout=120).returncode == 0
    types = project / "types.d.ts"
    assert '"Audit": EventHandler' in types.read_text()
    app = make_app(project, copy=False, command="dev")
    audit = project / "src" / "audit.step.ts"
    audit.write_text(audit.read_text().replace("async () => {}", "async ( => {}"))
    app.wait_for(
        lambda: any(line["event"].startswith("step types not regenerated") for line in app.logs()),
        what="dev to keep the step types",
    )
    assert '"Audit": EventHandler' in types.read_text()  # the broken step's types stay
    audit.write_text(MOTIA_STEPS["src/audit.step.ts"].replace("'Audit'", "'AuditGo'"))
    app.wait_for(lambda: '"AuditGo": EventHandler' in types.read_text(), what="fresh types")
    assert '"Audit": EventHandler' not in types.read_text()


HELLO = """
from lib.greeting import GREETING

config = {"type": "api", "name": "Hello", "method": "GET", "path": "/hello"}

async def handler(req, ctx):
    return {"status": 200, "body": {"greeting": GREETING}}
"""


def test_dev_watches_the_whole_project(make_app: Start, tmp_path: Path) -> None:
    project = write_project(
        tmp_path / "p",
        {
            "steps/hello_step.py": HELLO,
            "lib/__init__.py": "",
            "lib/greeting.py": 'GREETING = "hello"\n',
            "tests/test_nothing.py": "",
            "node_modules/x/index.js": "",
        },
    )
    app = make_app(project, copy=False, command="dev")
    assert app.get("/hello").json() == {"greeting": "hello"}
    (pid,) = app.runtime_pids("python")
    (project / "tests" / "test_nothing.py").write_text("# not a reason to reload\n")
    (project / "node_modules" / "x" / "index.js").write_text("// nor this\n")
    (project / "stephost.toml").write_text("port = 3111\n")
    app.wait_for(
        lambda: any("restart stephost dev to apply it" in line["event"] for line in app.logs()),
        what="the settings warning",
    )
    assert app.runtime_pids("python") == [pid]
    (project / "lib" / "greeting.py").write_text('GREETING = "bonjour"\n')
    app.wait_for(lambda: app.get("/hello").json() == {"greeting": "bonjour"}, what="the helper")


def _version(app: StephostApp) -> object:
    return app.get("/version").json()


VERSION = """
config = {"type": "api", "name": "Version", "method": "GET", "path": "/version"}

async def handler(req, ctx):
    return {"status": 200, "body": {"version": 1}}
"""


def test_a_new_file_with_a_taken_step_name_does_not_knock_out_the_old(
    make_app: Start, tmp_path: Path
) -> None:
    project = write_project(tmp_path / "p", {"steps/version_step.py": VERSION})
    app = make_app(project, copy=False, command="dev")
    (pid,) = app.runtime_pids("python")
    copy = project / "steps" / "version_v2_step.py"
    copy.write_text(VERSION.replace('"version": 1', '"version": 2'))
    app.wait_for(lambda: app.problems() != [], what="the duplicate to be reported")
    (problem,) = app.problems()
    assert problem["file"] == "steps/version_v2_step.py"
    assert problem["error"]["code"] == "DUPLICATE_STEP"
    assert problem["error"]["message"] == (
        "step name 'Version' is already declared by steps/version_step.py, so "
        "steps/version_v2_step.py is not served; rename one (the previous python runtime "
        "keeps serving)"
    )
    # The fresh runtime is refused (and stopped); the old one keeps serving.
    app.wait_for(lambda: app.runtime_pids("python") == [pid], what="the fresh runtime to stop")
    assert [_version(app) for _ in range(20)] == [{"version": 1}] * 20

    copy.write_text(VERSION.replace('"Version"', '"Version2"').replace("/version", "/version2"))
    app.wait_for(lambda: app.problems() == [], what="the renamed step to be accepted")
    assert _version(app) == {"version": 1}
    assert app.get("/version2").json() == {"version": 1}
    assert app.runtime_pids("python") != [pid]
