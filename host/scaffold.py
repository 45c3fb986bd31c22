"""``stephost new DIR``: a project that works at once (one api step, one event step)."""

from __future__ import annotations

from pathlib import Path

from .errors import ProjectError

FILES: dict[str, str] = {
    "steps/hello_api_step.py": """\
from stephost import ApiRequest, ApiResponse, Context

config = {
    "type": "api",
    "name": "SayHello",
    "method": "POST",
    "path": "/hello",
    "bodySchema": {
        "type": "object",
        "required": ["name"],
        "properties": {"name": {"type": "string", "minLength": 1}},
    },
    "emits": ["hello.said"],
    "flows": ["hello"],
}


async def handler(req: ApiRequest, ctx: Context) -> ApiResponse:
    name = req.body["name"]
    await ctx.emit("hello.said", {"name": name})
    ctx.logger.info("said hello", name=name)
    return ApiResponse(status=202, body={"greeting": f"Hello, {name}!", "traceId": ctx.trace_id})
""",
    "steps/count_greetings_step.py": """\
from typing import Any

from stephost import Context

config = {
    "type": "event",
    "name": "CountGreetings",
    "subscribes": ["hello.said"],
    "input": {"type": "object", "required": ["name"]},
    "flows": ["hello"],
}


async def handler(data: dict[str, Any], ctx: Context) -> None:
    count = await ctx.state.get("greetings", data["name"]) or 0
    await ctx.state.set("greetings", data["name"], count + 1)
    ctx.logger.info("greeting counted", name=data["name"], count=count + 1)
""",
    "tests/test_hello.py": '''\
"""End to end: a real host runs the steps (the stephost_app fixture comes with stephost)."""


def test_hello_is_counted(stephost_app):
    response = stephost_app.post("/hello", json={"name": "Ada"})
    assert response.status_code == 202
    assert response.json()["greeting"] == "Hello, Ada!"
    stephost_app.wait_idle()
    assert stephost_app.state.get("greetings", "Ada") == 1
    assert stephost_app.captured("hello.said") == [{"name": "Ada"}]


def test_a_name_is_required(stephost_app):
    response = stephost_app.post("/hello", json={})
    assert response.status_code == 400
    assert response.json()["error"]["errors"][0]["path"] == "/name"
''',
    ".github/workflows/stephost.yml": """\
# Checks that generated types are fresh and runs the end-to-end tests.
name: stephost
on: [push, pull_request]
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"
      - uses: actions/setup-node@v4
        with:
          node-version: "20"
      - run: pip install stephost
      - run: stephost gen --check
      - run: stephost test
""",
    "stephost.toml": """\
# Settings for `stephost dev` / `stephost start`; STEPHOST_* variables override them.
port = 3111
""",
    ".gitignore": ".stephost/\n__pycache__/\n",
    "README.md": """\
# {name}

A [stephost](https://github.com/) project.

    stephost dev                                  # serve on http://127.0.0.1:3111, reload on change
    curl -X POST localhost:3111/hello -H 'content-type: application/json' -d '{"name": "Ada"}'
    stephost state list greetings                 # what the event step counted
    stephost test                                 # the end-to-end tests in tests/
""",
}


def create_project(target: Path) -> list[Path]:
    """Write the starter project into ``target`` (which must be empty or absent)."""
    if target.exists() and any(target.iterdir()):
        raise ProjectError(f"{target} exists and is not empty; choose a new folder")
    written = []
    for rel, content in FILES.items():
        path = target / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content.replace("{name}", target.name) if rel == "README.md" else content)
        written.append(path)
    return written
