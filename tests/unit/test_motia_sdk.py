"""The Python SDK's Motia compatibility (stephost.motia) and the loader's Motia layouts."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from stephost import ApiRequest, motia
from stephost.loader import describe_failure, load_steps, load_streams
from tests.unit.test_sdk import write


def test_motia_entry_surface_is_pinned() -> None:
    assert sorted(motia.__all__) == [
        "Middleware",
        "RequestMapping",
        "StreamHandle",
        "SyncStreamHandle",
        "emit_args",
        "log_fields",
        "with_middleware",
    ]


def request() -> ApiRequest:
    return ApiRequest(
        body={"a": 1},
        path_params={"id": "7"},
        query_params={"q": "x"},
        headers={"x-h": "v"},
        method="POST",
        path="/things/7",
    )


def test_request_reads_as_a_dict_with_the_wire_keys() -> None:
    req = request()
    assert req["pathParams"] == {"id": "7"}
    assert req["queryParams"] == {"q": "x"}
    assert req["headers"] == {"x-h": "v"}
    assert req.get("body") == {"a": 1}
    assert req.get("rawBody", "none") == "none"
    assert "pathParams" in req and "path_params" not in req
    assert dict(req.items())["method"] == "POST"
    assert list(req) == ["body", "pathParams", "queryParams", "headers", "method", "path"]
    with pytest.raises(KeyError):
        req["rawBody"]
    assert req.path_params == {"id": "7"}  # the native attributes are unchanged


def test_emit_args_of_the_object_form() -> None:
    assert motia.emit_args({"topic": "t", "data": {"x": 1}}) == ("t", {"x": 1}, None)
    assert motia.emit_args({"topic": "t", "data": 1, "messageGroupId": "g"}) == ("t", 1, "g")


@pytest.mark.parametrize(
    ("event", "message"),
    [
        ({"topic": "t", "dat": 1}, "unknown keys dat"),
        ({"data": 1}, "topic must be a non-empty string"),
        ({"topic": "t", "messageGroupId": 3}, "messageGroupId must be a string"),
    ],
)
def test_emit_args_name_what_is_wrong(event: dict[str, Any], message: str) -> None:
    with pytest.raises(TypeError, match=message):
        motia.emit_args(event)


def test_log_fields_take_a_dict_keywords_or_both() -> None:
    assert motia.log_fields(None, {"a": 1}) == {"a": 1}
    assert motia.log_fields({"a": 1}, {"b": 2}) == {"a": 1, "b": 2}
    assert motia.log_fields("text", {}) == {"data": "text"}


def test_middleware_runs_in_order_and_may_answer_alone() -> None:
    calls: list[str] = []

    def mark(name: str) -> motia.Middleware:
        async def middleware(req: Any, ctx: Any, next_: Any) -> Any:
            calls.append(f"{name}>")
            response = await next_()
            calls.append(f"<{name}")
            return response

        return middleware

    async def handler() -> Any:
        calls.append("handler")
        return {"status": 200}

    async def refuse(req: Any, ctx: Any, next_: Any) -> Any:
        return {"status": 401}

    result = asyncio.run(motia.with_middleware([mark("a"), mark("b")], None, None, handler))
    assert result == {"status": 200}
    assert calls == ["a>", "b>", "handler", "<b", "<a"]
    calls.clear()
    assert asyncio.run(motia.with_middleware([refuse, mark("a")], None, None, handler)) == {
        "status": 401
    }
    assert calls == []


class FakeStreams:
    """The native ctx.streams calls, on a dict (a StreamHandle needs nothing else)."""

    def __init__(self) -> None:
        self.items: dict[tuple[str, str, str], Any] = {}
        self.sent: list[tuple[str, str, Any, str | None]] = []

    async def get(self, stream: str, group: str, item_id: str) -> Any:
        return self.items.get((stream, group, item_id))

    async def set(self, stream: str, group: str, item_id: str, value: Any) -> None:
        self.items[(stream, group, item_id)] = value

    async def delete(self, stream: str, group: str, item_id: str) -> bool:
        return self.items.pop((stream, group, item_id), None) is not None

    async def list(self, stream: str, group: str) -> list[dict[str, Any]]:
        return [
            {"id": key[2], "value": value}
            for key, value in sorted(self.items.items())
            if key[:2] == (stream, group)
        ]

    async def send(
        self, stream: str, group: str, event: Any, *, item_id: str | None = None
    ) -> None:
        self.sent.append((stream, group, event, item_id))


def test_stream_handle_has_motias_methods_and_shapes() -> None:
    native = FakeStreams()
    todo = motia.StreamHandle(native, "todo")

    async def go() -> dict[str, Any]:
        return {
            "set": await todo.set("g", "a", {"text": "x"}),
            "get": await todo.get("g", "a"),
            "missing": await todo.get("g", "z"),
            "group": await todo.getGroup("g"),
            "deleted": await todo.delete("g", "a"),
            "again": await todo.delete("g", "a"),
            "sent": await todo.send({"groupId": "g", "id": "a"}, {"type": "t"}),
        }

    assert asyncio.run(go()) == {
        "set": {"text": "x", "id": "a"},
        "get": {"text": "x", "id": "a"},
        "missing": None,
        "group": [{"text": "x", "id": "a"}],
        "deleted": {"text": "x", "id": "a"},
        "again": None,
        "sent": None,
    }
    assert native.sent == [("todo", "g", {"type": "t"}, "a")]
    with pytest.raises(TypeError, match="channel must be"):
        asyncio.run(todo.send("g", {}))  # type: ignore[arg-type]


def test_sync_stream_handle_blocks_on_the_same_calls() -> None:
    native = FakeStreams()
    todo = motia.SyncStreamHandle(motia.StreamHandle(native, "todo"), asyncio.run)
    assert todo.set("g", "a", {"text": "x"}) == {"text": "x", "id": "a"}
    assert todo.get("g", "a") == {"text": "x", "id": "a"}
    assert todo.getGroup("g") == todo.get_group("g") == [{"text": "x", "id": "a"}]
    todo.send({"groupId": "g"}, {"type": "t"})
    assert native.sent == [("todo", "g", {"type": "t"}, None)]
    assert todo.delete("g", "a") == {"text": "x", "id": "a"}


@pytest.fixture
def forget_src() -> Iterator[None]:
    """The test imports a project package named ``src``; later tests must not see it."""
    yield
    for name in [n for n in sys.modules if n == "src" or n.startswith("src.")]:
        del sys.modules[name]


@pytest.mark.usefixtures("forget_src")
def test_steps_are_found_under_src_and_installed_packages_are_not(tmp_path: Path) -> None:
    write(tmp_path, "src/__init__.py", "")
    write(tmp_path, "src/services/__init__.py", "")
    write(tmp_path, "src/services/names.py", "NAME = 'FromSrc'\n")
    write(
        tmp_path,
        "src/flows/uses_service_step.py",
        "from src.services.names import NAME\n"  # the project root is on the path
        "config = {'type': 'event', 'name': NAME, 'subscribes': ['a']}\n"
        "async def handler(data, ctx):\n    pass\n",
    )
    write(
        tmp_path,
        "steps/plain_step.py",
        "config = {'type': 'event', 'name': 'Plain', 'subscribes': ['a']}\n"
        "async def handler(data, ctx):\n    pass\n",
    )
    write(tmp_path, "src/python_modules/lib/site_step.py", "raise SystemExit('not a step')\n")
    write(tmp_path, "src/node_modules/x/y_step.py", "raise SystemExit('not a step')\n")
    steps, failures = load_steps(tmp_path)
    assert failures == []
    assert sorted((s.name, s.file) for s in steps) == [
        ("FromSrc", "src/flows/uses_service_step.py"),
        ("Plain", "steps/plain_step.py"),
    ]


def test_int_response_statuses_and_middleware_become_json(tmp_path: Path) -> None:
    write(
        tmp_path,
        "steps/api_step.py",
        "from pydantic import BaseModel\n"
        "class Out(BaseModel):\n    ok: bool\n"
        "async def check(req, ctx, next):\n    return await next()\n"
        "config = {'type': 'api', 'name': 'A', 'method': 'GET', 'path': '/a',\n"
        "          'responseSchema': {200: Out, 404: {'type': 'object'}},\n"
        "          'middleware': [check]}\n"
        "async def handler(req, ctx):\n    return {'status': 200}\n",
    )
    (step,), failures = load_steps(tmp_path)
    assert failures == []
    assert step.config["responseSchema"]["200"]["required"] == ["ok"]
    assert step.config["responseSchema"]["404"] == {"type": "object"}
    assert step.config["middleware"] == ["check"]
    assert [m.__name__ for m in step.middleware] == ["check"]


def test_bad_middleware_is_a_bad_config(tmp_path: Path) -> None:
    write(
        tmp_path,
        "steps/e_step.py",
        "async def m(req, ctx, next):\n    return await next()\n"
        "config = {'type': 'event', 'name': 'E', 'subscribes': ['a'], 'middleware': [m]}\n"
        "async def handler(data, ctx):\n    pass\n",
    )
    write(
        tmp_path,
        "steps/n_step.py",
        "config = {'type': 'api', 'name': 'N', 'method': 'GET', 'path': '/n',"
        " 'middleware': ['not a function']}\n"
        "async def handler(req, ctx):\n    pass\n",
    )
    steps, failures = load_steps(tmp_path)
    assert steps == []
    messages = {f.file: describe_failure(f)[0] for f in failures}
    assert messages == {
        "steps/e_step.py": "steps/e_step.py: `middleware` runs around api handlers only",
        "steps/n_step.py": "steps/n_step.py: `middleware` must be a list of functions "
        "(req, ctx, next)",
    }


def test_stream_files_declare_streams(tmp_path: Path) -> None:
    write(
        tmp_path,
        "src/todo_stream.py",
        "from pydantic import BaseModel\n"
        "class Todo(BaseModel):\n    text: str\n"
        "def can_access(subscription, auth):\n    return True\n"
        "config = {'name': 'todo', 'schema': Todo, 'canAccess': can_access,\n"
        "          'baseConfig': {'storageType': 'default'}}\n",
    )
    write(tmp_path, "src/bad_stream.py", "config = {'schema': {}}\n")
    streams, failures = load_streams(tmp_path)
    assert [(s.name, s.file) for s in streams] == [("todo", "src/todo_stream.py")]
    assert streams[0].config["schema"]["required"] == ["text"]
    assert streams[0].config["canAccess"] == "can_access"
    assert [(f.file, describe_failure(f)[0]) for f in failures] == [
        (
            "src/bad_stream.py",
            "src/bad_stream.py: the stream config needs a non-empty string `name`",
        )
    ]
