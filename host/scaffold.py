"""``stephost new DIR``: a project that works, type-checks and tests at once.

It has one api step and one event step (Python), an end-to-end test, the settings of
the type checkers (``mypy.ini``, ``tsconfig.json``, ``package.json`` with zod,
typescript and the stephost types), ``requirements.txt`` and a CI workflow that installs
the way its README says. ``requirements.txt`` installs the stephost that made the project,
found from how it was installed (PEP 610's ``direct_url.json``): a wheel file is copied
into ``vendor/`` (stephost is not on a package index yet), a VCS or web URL is named as it
is, an index install by its version.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from urllib.parse import unquote, urlparse

from .errors import ProjectError

# The Node packages of a project: its type checker, zod (for schemas), Node's types, and
# stephost's types as `stephost gen` writes them (the runtime itself needs none of them).
PACKAGE_JSON = {
    "name": "{name}",
    "private": True,
    "type": "module",
    "scripts": {"typecheck": "tsc --noEmit"},
    "dependencies": {"zod": "^4.6.7"},
    "devDependencies": {
        "@types/node": "^20.19.43",
        "stephost": "file:generated/ts/stephost",
        "typescript": "^7.0.2",
    },
}

FILES: dict[str, str] = {
    "steps/hello_api_step.py": """\
from __future__ import annotations

from typing import TYPE_CHECKING

from stephost import ApiResponse

if TYPE_CHECKING:  # types that `stephost gen` writes into generated/python
    from stephost_types import SayHelloContext, SayHelloRequest

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


async def handler(req: SayHelloRequest, ctx: SayHelloContext) -> ApiResponse:
    name = req.body["name"]
    await ctx.emit("hello.said", {"name": name})
    ctx.logger.info("said hello", name=name)
    return ApiResponse(status=202, body={"greeting": f"Hello, {name}!", "traceId": ctx.trace_id})
""",
    "steps/count_greetings_step.py": """\
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from stephost_types import CountGreetingsContext, CountGreetingsInput

config = {
    "type": "event",
    "name": "CountGreetings",
    "subscribes": ["hello.said"],
    "input": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}},
    "flows": ["hello"],
}


async def handler(data: CountGreetingsInput, ctx: CountGreetingsContext) -> None:
    count = await ctx.state.get("greetings", data["name"]) or 0
    await ctx.state.set("greetings", data["name"], count + 1)
    ctx.logger.info("greeting counted", name=data["name"], count=count + 1)
""",
    "tests/test_hello.py": '''\
"""End to end: a real host runs the steps (the stephost_app fixture comes with stephost)."""

from stephost_host.testing import StephostApp


def test_hello_is_counted(stephost_app: StephostApp) -> None:
    response = stephost_app.post("/hello", json={"name": "Ada"})
    assert response.status_code == 202
    assert response.json()["greeting"] == "Hello, Ada!"
    stephost_app.wait_idle()
    assert stephost_app.state.get("greetings", "Ada") == 1
    assert stephost_app.captured("hello.said") == [{"name": "Ada"}]


def test_a_name_is_required(stephost_app: StephostApp) -> None:
    response = stephost_app.post("/hello", json={})
    assert response.status_code == 400
    assert response.json()["error"]["errors"][0]["path"] == "/name"
''',
    ".github/workflows/stephost.yml": """\
# Installs as README.md says, checks that generated types are fresh and that no contract
# change breaks old data, type-checks, then runs the end-to-end tests.
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
      - name: Ruby for the Ruby steps (Debian's packages)
        if: hashFiles('steps/**/*_step.rb') != ''
        run: sudo apt-get update && sudo apt-get install -y ruby ruby-grpc ruby-google-protobuf
      - name: Install stephost and the Python tools
        run: pip install -r requirements.txt
      - name: Install the Node packages
        run: npm ci
      - name: Generated types are fresh; no contract change breaks old data
        run: stephost gen --check --strict
      - name: Type-check
        run: mypy && npx tsc --noEmit
      - name: Test
        run: stephost test
""",
    "stephost.toml": """\
# Settings for `stephost dev` / `stephost start`; STEPHOST_* variables override them.
port = 3111
""",
    "mypy.ini": """\
# `mypy` (from the venv stephost is installed in) type-checks the steps and the tests.
[mypy]
strict = True
files = steps, tests
# What `stephost gen` writes: stephost_types and the classes of contracts/.
mypy_path = generated/python
explicit_package_bases = True
""",
    "tsconfig.json": """\
{
  // `npx tsc --noEmit` type-checks the TypeScript steps and tests; nothing is built (the
  // Node runtime loads .ts files as they are). 'stephost' is node_modules/stephost, the
  // types `stephost gen` writes into generated/ts/stephost.
  "compilerOptions": {
    "target": "ES2022",
    "lib": ["ES2023"],
    "module": "nodenext",
    "moduleResolution": "nodenext",
    "strict": true,
    "noEmit": true,
    "allowImportingTsExtensions": true,
    "skipLibCheck": true,
    "types": ["node"]
  },
  "include": ["steps/**/*.ts", "tests/**/*.ts", "generated/ts/**/*.ts"],
  "exclude": ["generated/ts/stephost"]
}
""",
    ".gitignore": ".stephost/\n__pycache__/\n.mypy_cache/\nnode_modules/\n.venv/\n",
    "README.md": """\
# {name}

A stephost project: APIs, events and cron jobs as steps, in Python, TypeScript or Ruby.

## Set up

    python3 -m venv .venv && . .venv/bin/activate
    pip install -r requirements.txt   # stephost (vendor/ holds its wheel, if any), pytest, mypy
    npm install                       # zod, typescript, the types; commit package-lock.json

Node 20+ runs TypeScript steps. Ruby steps need Ruby with gRPC: on Debian and Ubuntu
`sudo apt-get install ruby ruby-grpc ruby-google-protobuf`; elsewhere Ruby 3 with the
`grpc` and `google-protobuf` gems.

## Work

    stephost dev                                  # serve on http://127.0.0.1:3111, reload on change
    curl -X POST localhost:3111/hello -H 'content-type: application/json' -d '{"name": "Ada"}'
    stephost state list greetings                 # what the event step counted
    stephost test                                 # the end-to-end tests in tests/
    mypy && npx tsc --noEmit                      # type-check (after `stephost gen`)

Steps live under `steps/`: `*_step.py`, `*.step.ts` (or `.js`), `*_step.rb`.
`stephost gen` writes the types of every step into `generated/` (commit it; `stephost dev`
keeps it fresh). `.github/workflows/stephost.yml` runs the same checks in CI.
""",
}


@dataclass(frozen=True, slots=True)
class StephostSource:
    """How CI installs this stephost: requirement lines, and a wheel to copy into vendor/."""

    lines: tuple[str, ...]
    wheel: Path | None = None
    note: str = ""


def stephost_source(dist: metadata.Distribution | None = None) -> StephostSource:
    """Where the running stephost (or ``dist``) came from (PEP 610), as a requirements.txt
    entry."""
    if dist is None:
        try:
            dist = metadata.distribution("stephost")
        except metadata.PackageNotFoundError:
            return StephostSource(("stephost",), note="stephost is not installed as a package")
    pinned = f"stephost=={dist.version}"
    direct = dist.read_text("direct_url.json")
    if not direct:
        return StephostSource((pinned,))
    info = json.loads(direct)
    url: str = info.get("url", "")
    vcs = info.get("vcs_info")
    if vcs:
        return StephostSource((f"stephost @ {vcs['vcs']}+{url}@{vcs['commit_id']}",))
    if "archive_info" in info:
        if url.startswith("file:"):
            wheel = Path(unquote(urlparse(url).path))
            if wheel.suffix == ".whl" and wheel.is_file():
                return StephostSource((f"./vendor/{wheel.name}",), wheel=wheel)
            return StephostSource(
                (pinned,), note=f"stephost was installed from {wheel}, which is gone"
            )
        return StephostSource((f"stephost @ {url}",))
    return StephostSource(
        (pinned,), note=f"stephost is installed from the folder {unquote(urlparse(url).path)}"
    )


def _requirements(source: StephostSource) -> str:
    lines = ["# What CI and a new checkout install: pip install -r requirements.txt"]
    if source.wheel is not None:
        lines.append("# stephost, the wheel this project was created with (in vendor/)")
    if source.note:
        lines += [
            f"# {source.note}: point this line at the wheel or index",
            "# CI should install stephost from.",
        ]
    return "\n".join([*lines, *source.lines, "pytest>=8", "mypy>=1.10", ""])


def create_project(target: Path) -> tuple[list[Path], StephostSource]:
    """Write the starter project into ``target`` (which must be empty or absent)."""
    if target.exists() and any(target.iterdir()):
        raise ProjectError(f"{target} exists and is not empty; choose a new folder")
    source = stephost_source()
    package = json.loads(json.dumps(PACKAGE_JSON).replace("{name}", _package_name(target.name)))
    files = {
        **FILES,
        "package.json": json.dumps(package, indent=2) + "\n",
        "requirements.txt": _requirements(source),
    }
    written = []
    for rel, content in files.items():
        path = target / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content.replace("{name}", target.name) if rel == "README.md" else content)
        written.append(path)
    if source.wheel is not None:
        vendored = target / "vendor" / source.wheel.name
        vendored.parent.mkdir()
        shutil.copyfile(source.wheel, vendored)
        written.append(vendored)
    return written, source


def _package_name(folder: str) -> str:
    """An npm package name from a folder name (lower case, no spaces)."""
    name = "".join(c if c.isalnum() or c in "-._" else "-" for c in folder.lower())
    return name.strip("-._") or "stephost-project"
