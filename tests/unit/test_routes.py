from __future__ import annotations

from stephost_host.catalog import parse_step
from stephost_host.http.routes import RouteTable


def api(name: str, method: str, path: str) -> object:
    return parse_step(
        {"type": "api", "name": name, "method": method, "path": path},
        language="python",
        file=f"steps/{name}_step.py",
    )


TABLE = RouteTable(
    [
        api("List", "GET", "/orders"),  # type: ignore[list-item]
        api("Get", "GET", "/orders/:id"),  # type: ignore[list-item]
        api("New", "GET", "/orders/new"),  # type: ignore[list-item]
        api("Item", "GET", "/orders/{id}/items/{item}"),  # type: ignore[list-item]
        api("Create", "POST", "/orders"),  # type: ignore[list-item]
        api("Root", "GET", "/"),  # type: ignore[list-item]
    ]
)


def name(method: str, path: str) -> str | None:
    match = TABLE.match(method, path)
    return None if match is None else match.step.name


def test_static_and_parameter_routes() -> None:
    assert name("GET", "/orders") == "List"
    assert name("GET", "/orders/") == "List"
    assert name("POST", "/orders") == "Create"
    assert name("GET", "/") == "Root"
    match = TABLE.match("GET", "/orders/o%2F1/items/x")
    assert match is not None
    assert match.params == {"id": "o/1", "item": "x"}


def test_literal_segment_beats_parameter() -> None:
    assert name("GET", "/orders/new") == "New"
    assert name("GET", "/orders/42") == "Get"


def test_unknown_paths_and_methods() -> None:
    assert name("GET", "/nothing") is None
    assert name("DELETE", "/orders") is None
    assert TABLE.allowed_methods("/orders") == ["GET", "POST"]
    assert TABLE.allowed_methods("/nothing") == []
