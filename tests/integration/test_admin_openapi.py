"""The admin API answers what its OpenAPI description says (the Workbench's TypeScript
types are generated from that description, so this keeps the front end honest)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from stephost_host.testing import StephostApp
from stephost_host.workbench.openapi import admin_openapi
from tests.conftest import ROOT
from tests.toolchains import missing_toolchain

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StephostApp]:
    for language in ("node", "ruby"):
        reason = missing_toolchain(language)
        if reason:
            pytest.skip(reason)
    project = tmp_path_factory.mktemp("openapi") / "shop"
    shutil.copytree(ROOT / "examples" / "shop", project, ignore=shutil.ignore_patterns(".stephost"))
    with StephostApp(project) as app:
        yield app


def _check(document: dict[str, Any], method: str, path: str, status: int, body: Any) -> None:
    operation = document["paths"][path][method]
    responses = operation["responses"]
    declared = responses.get(str(status)) or responses.get(f"{str(status)[0]}XX")
    assert declared is not None, f"{method.upper()} {path} answered {status}, not described"
    schema = declared.get("content", {}).get("application/json", {}).get("schema")
    if schema is None:
        return
    validator = Draft202012Validator({**schema, "components": document["components"]})
    problems = [f"{'/'.join(map(str, e.path))}: {e.message}" for e in validator.iter_errors(body)]
    assert problems == [], f"{method.upper()} {path}: {problems}"


def test_every_response_matches_the_admin_openapi_description(shop: StephostApp) -> None:
    document = shop.get("/_stephost/openapi.json").json()
    assert document == admin_openapi()
    order = shop.post("/orders", json={"item": "map", "quantity": 2})
    trace_id = order.headers["x-trace-id"]
    order_id = order.json()["id"]
    shop.state.set("orders", "no-quantity", {"id": "no-quantity", "item": "x"})
    shop.emit("order.scored", {"id": "no-quantity", "score": 0.5})
    shop.wait_for(lambda: shop.dlq("RewardOrder"), 30, "a dead letter")
    shop.wait_idle()
    letter = shop.dlq("RewardOrder")[0]["id"]

    calls: list[tuple[str, str, str, dict[str, Any]]] = [
        ("get", "/_stephost/health", "/_stephost/health", {}),
        ("get", "/_stephost/steps", "/_stephost/steps", {}),
        ("get", "/_stephost/state", "/_stephost/state", {}),
        ("get", "/_stephost/state/{group}", "/_stephost/state/orders", {}),
        ("get", "/_stephost/state/{group}", "/_stephost/state/orders?limit=1", {}),
        ("get", "/_stephost/state/{group}/{key}", f"/_stephost/state/orders/{order_id}", {}),
        ("get", "/_stephost/state/{group}/{key}", "/_stephost/state/orders/nothing", {}),
        ("get", "/_stephost/dlq", "/_stephost/dlq", {}),
        ("get", "/_stephost/dlq/{delivery_id}", f"/_stephost/dlq/{letter}", {}),
        ("get", "/_stephost/stats", "/_stephost/stats", {}),
        ("get", "/_stephost/idle", "/_stephost/idle", {}),
        ("get", "/_stephost/messages", "/_stephost/messages?topic=order.created", {}),
        ("get", "/_stephost/traces/{trace_id}", f"/_stephost/traces/{trace_id}", {}),
        ("get", "/_stephost/streams/{stream}/{group}", "/_stephost/streams/s/g", {}),
        ("get", "/_stephost/traces", "/_stephost/traces", {}),
        (
            "get",
            "/_stephost/steps/{name}/invocations",
            "/_stephost/steps/AuditOrder/invocations",
            {},
        ),
        ("get", "/_stephost/contracts/{name}", "/_stephost/contracts/shop.v1.OrderCreated", {}),
        ("get", "/_stephost/contracts/{name}", "/_stephost/contracts/shop.v1.Nothing", {}),
        ("get", "/_stephost/counters", "/_stephost/counters", {}),
        ("get", "/_stephost/cron", "/_stephost/cron", {}),
        ("get", "/_stephost/runtimes", "/_stephost/runtimes", {}),
        ("get", "/_stephost/streams", "/_stephost/streams", {}),
        ("get", "/_stephost/layout", "/_stephost/layout", {}),
        ("get", "/_stephost/state-search", "/_stephost/state-search?q=map", {}),
        ("get", "/_stephost/telemetry", "/_stephost/telemetry", {}),
        ("put", "/_stephost/layout", "/_stephost/layout", {"json": {"flows": {}}}),
        ("put", "/_stephost/layout", "/_stephost/layout", {"json": {"flows": 3}}),
        ("post", "/_stephost/emit", "/_stephost/emit", {"json": {"topic": "nope"}}),
        ("post", "/_stephost/cron/{name}/pause", "/_stephost/cron/OrderReport/pause", {}),
        ("post", "/_stephost/cron/{name}/resume", "/_stephost/cron/OrderReport/resume", {}),
        ("post", "/_stephost/cron/{name}/run", "/_stephost/cron/OrderReport/run", {}),
        ("post", "/_stephost/cron/{name}/run", "/_stephost/cron/CreateOrder/run", {}),
        ("post", "/_stephost/cron/{name}/run", "/_stephost/cron/Nope/run", {}),
        ("get", "/_stephost/logs", f"/_stephost/logs?trace={trace_id}&limit=5", {}),
        ("get", "/_stephost/logs", "/_stephost/logs?after=1000000000", {}),
        (
            "post",
            "/_stephost/send",
            "/_stephost/send",
            {"json": {"method": "GET", "path": f"/orders/{order_id}"}},
        ),
        (
            "post",
            "/_stephost/dlq/{delivery_id}/replay-edited",
            f"/_stephost/dlq/{letter}/replay-edited",
            {"json": {"data": {"id": 5}}},
        ),
        ("post", "/_stephost/dlq/replay", "/_stephost/dlq/replay", {"json": {"ids": ["x"]}}),
    ]
    for method, template, url, kwargs in calls:
        response = shop.request(method.upper(), url, **kwargs)
        body = response.json() if response.content else None
        _check(document, method, template, response.status_code, body)


def test_every_admin_route_is_described() -> None:
    from types import SimpleNamespace
    from typing import cast

    from fastapi.routing import APIRoute

    from stephost_host.http.admin import build_admin

    app = build_admin(cast(Any, SimpleNamespace()))
    described = {
        (method.lower(), path)
        for path, operations in admin_openapi()["paths"].items()
        for method in operations
    }
    routes: list[Any] = []
    for route in app.routes:  # FastAPI keeps an included router as one entry
        routes += getattr(route, "original_router", SimpleNamespace(routes=[route])).routes
    served = {
        (method.lower(), route.path)
        for route in routes
        if isinstance(route, APIRoute) and route.path.startswith("/_stephost/")
        for method in route.methods
        if not route.path.startswith(("/_stephost/ui", "/_stephost/openapi.json"))
    }
    assert served - described == set()
    assert described - served == set()


def test_the_front_end_types_are_generated_from_this_description() -> None:
    checked_in = ROOT / "host" / "workbench" / "ui" / "src" / "api" / "openapi.json"
    from stephost_host.workbench.openapi import render

    assert checked_in.read_text() == render(), "stale: run `make workbench-api`"
    assert Path(checked_in.parent / "schema.d.ts").is_file()
