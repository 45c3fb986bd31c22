"""Motia's own starter templates, served by stephost unchanged.

Each template of `motia create` (from the `motia` package on the npm registry, see
motia_package.py) is laid out as `motia create` lays it out, served by `stephost start`,
and driven through the flow its README (or its tutorial) describes: the responses, the
state the steps wrote, and the log lines of every step of the flow are asserted.
"""

from __future__ import annotations

import importlib.metadata
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from packaging.requirements import Requirement

from stephost_host.testing import StephostApp
from tests.toolchains import missing_toolchain

from .motia_package import COMPILER_OPTIONS, TEMPLATES, create_project, templates_dir
from .petstore import PetStore, redirect_env, serve_petstore

pytestmark = pytest.mark.integration

# What each template needs of this machine: the languages of its steps.
LANGUAGES = {
    "hello": ("node",),
    "hello_js": ("node",),
    "hello_python": ("python",),
    "hello_multilang": ("node", "python"),
    "nodejs": ("node",),
    "python": ("python",),
}
APP_NAME = "Moved From Motia"


def test_the_package_ships_every_template_the_tests_drive() -> None:
    shipped = {p.name for p in templates_dir().iterdir() if p.is_dir()}
    assert set(TEMPLATES) <= shipped


def install_requirements(project: Path) -> None:
    """What the template's requirements.txt asks for, in the Python that runs the steps.

    Motia installs them into the project's python_modules; stephost runs Python steps
    with its own interpreter, so they go there (from PyPI, only when missing).
    """
    path = project / "requirements.txt"
    if not path.exists():
        return
    missing = []
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        requirement = Requirement(line)
        try:
            installed = importlib.metadata.version(requirement.name)
        except importlib.metadata.PackageNotFoundError:
            missing.append(line)
            continue
        if not requirement.specifier.contains(installed, prereleases=True):
            missing.append(line)
    if missing:
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", *missing], check=True)


@pytest.fixture
def template_app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StephostApp]:
    template: str = request.param
    for language in LANGUAGES[template]:
        reason = missing_toolchain(language)
        if reason:
            pytest.skip(reason)
    project = create_project(template, tmp_path / template)
    install_requirements(project)
    with serve_petstore() as (store, url):
        env = {**redirect_env(url), "APP_NAME": APP_NAME}
        with StephostApp(project, env=env) as app:
            app.petstore = store  # type: ignore[attr-defined]
            yield app


def lines_of(app: StephostApp, trace_id: str, events: list[str]) -> dict[str, dict[str, Any]]:
    """The first log line of each of ``events`` in the trace (waits until all arrived)."""

    def found() -> dict[str, dict[str, Any]] | None:
        lines: dict[str, dict[str, Any]] = {}
        for line in app.logs(trace_id):
            lines.setdefault(line.get("event", ""), line)
        return lines if all(event in lines for event in events) else None

    result: dict[str, dict[str, Any]] = app.wait_for(found, what=f"the log lines {events}")
    return result


def no_failures(app: StephostApp) -> None:
    assert app.dlq() == []
    assert [line for line in app.logs() if line.get("level") == "error"] == []
    assert app.get("/_stephost/steps").json()["problems"] == []


def field(line: dict[str, Any], camel: str, snake: str) -> Any:
    """A logged field: TypeScript steps log camelCase keys, Python ones snake_case."""
    return line.get(camel, line.get(snake))


@pytest.mark.parametrize("template_app", ["hello", "hello_js", "hello_python"], indirect=True)
def test_hello_starter(template_app: StephostApp) -> None:
    """README: `curl /hello`; the api step answers and ProcessGreeting stores the greeting."""
    app = template_app
    response = app.get("/hello")
    assert response.status_code == 200
    assert response.json() == {
        "message": "Hello request received! Check logs for processing.",
        "status": "processing",
        "appName": APP_NAME,
    }
    app.wait_idle()
    (greeting,) = app.state.list("greetings")
    assert greeting["value"]["greeting"] == f"Hello {APP_NAME}!"
    assert greeting["value"]["processedAt"] and greeting["value"]["originalTimestamp"]
    trace_id = response.headers["x-trace-id"]
    lines = lines_of(
        app,
        trace_id,
        ["Hello API endpoint called", "Processing greeting", "Greeting processed successfully"],
    )
    assert lines["Hello API endpoint called"]["step"] == "HelloAPI"
    assert field(lines["Hello API endpoint called"], "appName", "app_name") == APP_NAME
    processed = lines["Greeting processed successfully"]
    assert processed["step"] == "ProcessGreeting"
    assert field(processed, "requestId", "request_id") == greeting["key"]
    no_failures(app)


@pytest.mark.parametrize("template_app", ["hello_multilang"], indirect=True)
def test_multilang_starter(template_app: StephostApp) -> None:
    """README: TypeScript api -> Python event (state, emit) -> JavaScript event (reads state)."""
    app = template_app
    response = app.get("/hello")
    assert response.status_code == 200
    assert response.json() == {
        "message": "Hello request received! Processing in Python...",
        "status": "processing",
        "appName": APP_NAME,
    }
    app.wait_idle()
    (greeting,) = app.state.list("greetings")
    stored = greeting["value"]
    assert stored["processedBy"] == "python"
    assert stored["greeting"] == f"Hello {APP_NAME}!"
    lines = lines_of(
        app,
        response.headers["x-trace-id"],
        [
            "Hello API endpoint called (TypeScript)",
            "Processing greeting (Python)",
            "Greeting processed successfully (Python)",
            "Logging greeting (JavaScript)",
            "Greeting workflow complete (JavaScript)",
        ],
    )
    assert lines["Processing greeting (Python)"]["language"] == "python"
    complete = lines["Greeting workflow complete (JavaScript)"]
    assert complete["language"] == "node"
    assert complete["requestId"] == greeting["key"]
    # The JavaScript step read what the Python step stored.
    assert complete["storedAt"] == stored["processedAt"]
    assert complete["workflowComplete"] is True
    assert app.captured("greeting-processed") == [
        {"requestId": greeting["key"], "greeting": f"Hello {APP_NAME}!", "processedBy": "python"}
    ]
    no_failures(app)


# The tutorial's request (its "API Endpoint Test" step, and the curl it shows).
TUTORIAL_BODY = {
    "pet": {"name": "Jack", "photoUrl": "https://images.dog.ceo/breeds/pug/n02110958_13560.jpg"},
    "foodOrder": {"quantity": 1},
}


@pytest.mark.parametrize(
    ("template_app", "orders", "keys"),
    [
        ("nodejs", "orders", {"template": "templateId", "data": "templateData"}),
        ("python", "orders_python", {"template": "template_id", "data": "template_data"}),
    ],
    indirect=["template_app"],
)
def test_tutorial(template_app: StephostApp, orders: str, keys: dict[str, str]) -> None:
    """The tutorial: POST /basic-tutorial creates a pet, an order (stored in state) and a
    notification; the state-audit cron finds the order late and notifies again."""
    app = template_app
    store: PetStore = app.petstore  # type: ignore[attr-defined]

    bad = app.post("/basic-tutorial", json={"foodOrder": {"quantity": 1}})
    assert bad.status_code == 400  # bodySchema (zod / pydantic) is enforced
    assert bad.json()["error"]["code"] == "VALIDATION_FAILED"
    assert store.requests == []

    response = app.post("/basic-tutorial", json=TUTORIAL_BODY)
    assert response.status_code == 200
    pet = response.json()
    trace_id = response.headers["x-trace-id"]
    assert pet["id"] == "pet-1"
    assert pet["name"] == "Jack"
    assert pet["traceId"] == trace_id
    app.wait_idle()

    (order_item,) = app.state.list(orders)
    order = order_item["value"]
    assert order_item["key"] == order["id"]
    assert (order["petId"], order["quantity"], order["status"]) == ("pet-1", 1, "placed")
    assert [path for path, _ in store.requests] == ["/pet", "/store/order"]
    assert store.requests[0][1]["name"] == "Jack"

    (notification,) = app.captured("notification")
    assert notification["email"] == "test@test.com"
    assert notification[keys["template"]] == "new-order"
    assert notification[keys["data"]]["id"] == order["id"]
    lines = lines_of(
        app,
        trace_id,
        [
            "Step 01 - Processing API Step",
            "Step 02 - Process food order",
            "Order created",
            "Processing Notification",
            "New notification sent",
        ],
    )
    assert lines["Step 01 - Processing API Step"]["step"] == "ApiTrigger"
    assert lines["Step 02 - Process food order"]["step"] == "ProcessFoodOrder"
    sent = lines["New notification sent"]
    assert sent["step"] == "Notification"
    assert sent["email"] == "te**@test.com"  # redacted by the step

    # The cron runs on Mondays at midnight; an operator runs it now.
    audit_trace = app.run_cron("StateAuditJob")["traceId"]
    app.wait_idle()
    lines = lines_of(
        app,
        audit_trace,
        ["Order is not complete and ship date is past", "New notification sent"],
    )
    late = lines["Order is not complete and ship date is past"]
    assert late["step"] == "StateAuditJob"
    assert late["level"] == "warning"
    assert lines["New notification sent"]["step"] == "Notification"
    audit = app.captured("notification")[1]
    assert audit[keys["template"]] == "order-audit-warning"
    no_failures(app)


TSC = Path(__file__).resolve().parents[2] / "bridges" / "node" / "node_modules" / ".bin" / "tsc"


@pytest.mark.parametrize("template", ["hello", "hello_multilang", "nodejs"])
def test_gen_types_check_the_typescript_steps(template: str, tmp_path: Path) -> None:
    """`stephost gen` writes types.d.ts where Motia's generate-types did: the steps'
    `Handlers['<step>']` types check under `tsc --strict` against 'motia' = stephost's
    compatibility entry, and a wrong emit does not."""
    reason = missing_toolchain("node")
    if reason:
        pytest.skip(reason)
    project = create_project(template, tmp_path / template)
    gen = [sys.executable, "-m", "stephost_host.cli", "gen"]
    done = subprocess.run(gen, cwd=project, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    types = (project / "types.d.ts").read_text()
    assert "declare module 'motia'" in types
    assert not (project / "generated" / "ts").exists()  # Motia steps type through types.d.ts
    node = TSC.parents[1]
    # The project's own options (less baseUrl, which TypeScript 7 dropped), with 'motia'
    # and 'zod' where the Node runtime has them.
    options = {key: value for key, value in COMPILER_OPTIONS.items() if key != "baseUrl"}
    options |= {
        "lib": ["ES2022", "DOM"],
        "types": ["node"],
        "typeRoots": [str(node / "@types")],
        "paths": {"motia": [str(node.parent / "src" / "motia-sdk.ts")], "zod": [str(node / "zod")]},
    }
    config = {"compilerOptions": options, "include": ["src/**/*.ts", "types.d.ts"]}
    (project / "tsconfig.check.json").write_text(json.dumps(config))
    check = [str(TSC), "-p", "tsconfig.check.json"]
    result = subprocess.run(check, cwd=project, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    fresh = subprocess.run([*gen, "--check"], cwd=project, capture_output=True, check=False)
    assert fresh.returncode == 0

    step = next(project.glob("src/**/hello-api.step.ts"), None) or next(
        project.glob("src/**/api.step.ts")
    )
    text = step.read_text()
    step.write_text(text.replace("topic: 'process-", "topic: 'no-such-"))
    result = subprocess.run(check, cwd=project, capture_output=True, text=True, check=False)
    assert result.returncode != 0
    assert "no-such-" in result.stdout
