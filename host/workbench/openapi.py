"""The admin API's OpenAPI description (``GET /_stephost/openapi.json``).

It covers the endpoints of ``host.http.admin`` and ``host.http.operator`` (described
here, route by route, since those modules write their JSON by hand) and the
Workbench's own (``api``, described by their response models), plus the messages of
the live feeds as components. The front end's types are generated from it (``npm run
gen:api`` in ``ui/``), and a test checks real responses against it, so neither side can
drift unnoticed.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any, cast

from fastapi import APIRouter, Body, FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import TypeAdapter

from .. import __version__
from ..http.app import ADMIN_PREFIX
from ..http.bounds import After, Limit, Name, OptLimit, OptName, Text
from . import models
from .api import WorkbenchHost, build_router

ERRORS: dict[int | str, dict[str, Any]] = {
    "4XX": {"model": models.ErrorBody, "description": "The request was refused"},
    "5XX": {"model": models.ErrorBody, "description": "The host failed"},
}


def _admin_routes() -> APIRouter:
    """The endpoints ``host.http.admin`` serves, as descriptions (never called)."""
    r = APIRouter(prefix=ADMIN_PREFIX, responses=ERRORS)

    @r.get("/health", response_model=models.Health)
    def health() -> None: ...

    @r.get("/steps", response_model=models.Steps)
    def steps() -> None: ...

    @r.get("/state", response_model=models.StateGroups)
    def state_groups() -> None: ...

    @r.get("/state/{group}", response_model=models.StateList)
    def state_list(group: Name, limit: OptLimit = None, after: Text = "") -> None:
        """The group's items in key order: every one, or with `limit` a page of them,
        the first past `after`."""

    @r.delete("/state/{group}", response_model=models.StateCleared)
    def state_clear(group: Name) -> None: ...

    @r.get("/state/{group}/{key}", response_model=models.StateItem)
    def state_get(group: Name, key: Name) -> None: ...

    @r.put("/state/{group}/{key}", response_model=models.StateItem)
    def state_set(group: Name, key: Name, value: Annotated[Any, Body()]) -> None: ...

    @r.delete("/state/{group}/{key}", status_code=204)
    def state_delete(group: Name, key: Name) -> None: ...

    @r.post("/emit", response_model=models.EmitResult, status_code=202)
    def emit(body: models.EmitRequest) -> None: ...

    @r.post("/cron/{name}/run", response_model=models.CronRun, status_code=202)
    def cron_run(name: Name) -> None: ...

    @r.get("/logs", response_model=models.Logs)
    def logs(
        trace: OptName = None, step: OptName = None, after: After = 0, limit: Limit = 1000
    ) -> None: ...

    @r.get("/dlq", response_model=models.DeadLetters)
    def dlq_list(step: OptName = None, limit: Limit = 100) -> None: ...

    @r.get("/dlq/{delivery_id}", response_model=models.DeadLetter)
    def dlq_get(delivery_id: Name) -> None: ...

    @r.post("/dlq/{delivery_id}/replay", response_model=models.Replayed)
    def dlq_replay(delivery_id: Name) -> None: ...

    @r.delete("/dlq/{delivery_id}", status_code=204)
    def dlq_delete(delivery_id: Name) -> None: ...

    @r.get("/stats", response_model=models.Stats)
    def stats() -> None: ...

    @r.get("/idle", response_model=models.Idle)
    def idle() -> None: ...

    @r.get("/messages", response_model=models.Messages)
    def messages(topic: OptName = None, limit: Limit = 1000) -> None: ...

    @r.get("/traces/{trace_id}", response_model=models.Trace)
    def trace(trace_id: Name) -> None: ...

    @r.get("/streams/{stream}/{group}", response_model=models.StreamItems)
    def stream_items(stream: Name, group: Name) -> None: ...

    return r


def admin_openapi() -> dict[str, Any]:
    """The whole description; needs no running host."""
    app = FastAPI()
    app.include_router(_admin_routes())
    # Only the routes' shapes are read: the host is never touched.
    app.include_router(build_router(cast(WorkbenchHost, None)), responses=ERRORS)
    document = get_openapi(
        title="stephost admin API",
        version=__version__,
        description="The host's own JSON API under /_stephost/ (the CLI and the Workbench "
        "read it). Live feeds are WebSockets at /_stephost/live/logs and "
        "/_stephost/live/counters; their messages are the Live* schemas. Where the admin "
        "listener needs tokens, a request carries one in `Authorization: Bearer <token>`, "
        "and a WebSocket offers the subprotocols `stephost.admin.v1` and `bearer.<token>` (the "
        "listener answers with `stephost.admin.v1`).",
        routes=app.routes,
    )
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for model in models.FEED_MESSAGES:
        schema = TypeAdapter(model).json_schema(ref_template="#/components/schemas/{model}")
        for name, definition in schema.pop("$defs", {}).items():
            schemas.setdefault(name, definition)
        schemas[model.__name__] = schema
    return document


def render() -> str:
    """The description as the front end keeps it (stable key order, one trailing newline)."""
    return json.dumps(admin_openapi(), indent=2, sort_keys=True) + "\n"


def main(argv: list[str] | None = None) -> int:
    """``python -m stephost_host.workbench.openapi [--check] FILE``: write the
    description to FILE, or with --check exit 1 when FILE differs from it."""
    args = sys.argv[1:] if argv is None else argv
    check = "--check" in args
    paths = [a for a in args if a != "--check"]
    if len(paths) != 1:
        print("usage: python -m stephost_host.workbench.openapi [--check] FILE", file=sys.stderr)
        return 2
    target = Path(paths[0])
    text = render()
    if check:
        if not target.is_file() or target.read_text() != text:
            print(f"{target} is stale: run `make workbench-api`", file=sys.stderr)
            return 1
        return 0
    target.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
