"""The Python SDK: its public surface, error conversion, step loading."""

from __future__ import annotations

from pathlib import Path

import stephost
from stephost._bridge.errors import from_wire, to_wire
from stephost.loader import describe_failure, load_steps


def test_public_surface_is_pinned() -> None:
    assert sorted(stephost.__all__) == [
        "ApiConfig",
        "ApiRequest",
        "ApiResponse",
        "AuthConfig",
        "Context",
        "CronConfig",
        "EmitSpec",
        "EventConfig",
        "Logger",
        "NoopConfig",
        "State",
        "StateItem",
        "StepConfig",
        "StepError",
        "StreamItem",
        "Streams",
        "SyncContext",
        "SyncState",
        "SyncStreams",
        "__version__",
    ]


def _raise_chain() -> None:
    try:
        {}["missing"]
    except KeyError as exc:
        raise ValueError("outer problem") from exc


def test_exception_becomes_step_error_with_stack_and_cause() -> None:
    try:
        _raise_chain()
    except ValueError as exc:
        wire = to_wire(exc, "MyStep")
    assert wire.code == "HANDLER_ERROR"
    assert wire.message == "outer problem"
    assert wire.type == "ValueError"
    assert wire.language == "python"
    assert wire.step == "MyStep"
    assert wire.retryable is True
    assert "_raise_chain" in wire.stack
    assert wire.cause.type == "KeyError"


def test_step_error_keeps_code_retryable_and_details() -> None:
    wire = to_wire(
        stephost.StepError("nope", code="OUT_OF_STOCK", retryable=False, details={"sku": "x"}),
        "S",
    )
    assert (wire.code, wire.retryable, wire.type) == ("OUT_OF_STOCK", False, "StepError")
    back = from_wire(wire)
    assert back.details == {"sku": "x"}
    assert back.code == "OUT_OF_STOCK"


def test_module_qualified_type_for_non_builtin_errors() -> None:
    class CustomError(Exception):
        pass

    assert to_wire(CustomError("x"), "S").type.endswith("CustomError")
    assert "." in to_wire(CustomError("x"), "S").type


def write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_loader_reports_each_bad_file_and_keeps_the_good(tmp_path: Path) -> None:
    write(tmp_path, "steps/helpers.py", "GREETING = 'hi'\n")
    write(
        tmp_path,
        "steps/deep/ok_step.py",
        "from helpers import GREETING\n"
        "config = {'type': 'event', 'name': 'Ok', 'subscribes': ['a']}\n"
        "async def handler(data, ctx):\n    return GREETING\n",
    )
    write(tmp_path, "steps/syntax_step.py", "config = {\ndef handler(:\n")
    write(tmp_path, "steps/boom_step.py", "raise RuntimeError('exploded at import')\n")
    write(tmp_path, "steps/nohandler_step.py", "config = {'type': 'api', 'name': 'X'}\n")
    write(tmp_path, "steps/notdict_step.py", "config = 3\ndef handler(): pass\n")
    steps, failures = load_steps(tmp_path)
    assert [(s.name, s.file, s.is_async) for s in steps] == [("Ok", "steps/deep/ok_step.py", True)]
    by_file = {f.file: (f.code, describe_failure(f)[0]) for f in failures}
    assert by_file["steps/syntax_step.py"][0] == "LOAD_FAILED"
    assert by_file["steps/syntax_step.py"][1].startswith("SyntaxError")
    assert "line" in by_file["steps/syntax_step.py"][1]
    assert by_file["steps/boom_step.py"] == ("LOAD_FAILED", "RuntimeError: exploded at import")
    assert by_file["steps/nohandler_step.py"] == (
        "BAD_CONFIG",
        "steps/nohandler_step.py defines no `handler` function",
    )
    assert by_file["steps/notdict_step.py"][0] == "BAD_CONFIG"


def test_pydantic_model_becomes_json_schema(tmp_path: Path) -> None:
    write(
        tmp_path,
        "steps/typed_step.py",
        "from pydantic import BaseModel\n"
        "class Body(BaseModel):\n    item: str\n    quantity: int\n"
        "config = {'type': 'api', 'name': 'T', 'method': 'POST', 'path': '/t',"
        " 'bodySchema': Body}\n"
        "async def handler(req, ctx):\n    return {'status': 200}\n",
    )
    (step,), failures = load_steps(tmp_path)
    assert failures == []
    schema = step.config["bodySchema"]
    assert schema["required"] == ["item", "quantity"]
    assert schema["properties"]["quantity"]["type"] == "integer"


def test_api_response_is_checked_and_its_headers_become_strings() -> None:
    from stephost.runtime import api_response

    response = api_response({"status": 201, "body": {"a": 1}, "headers": {"x-n": 2}})
    assert (response.status, response.body, response.headers) == (201, {"a": 1}, {"x-n": "2"})
    assert api_response(stephost.ApiResponse(status=204)).headers == {}
    for output in [
        "nope",
        None,
        {"body": 1},
        {"status": "200"},
        {"status": 99},
        {"status": True},
        {"status": 200, "headers": []},
        {"status": 200, "headers": {"x": None}},
    ]:
        try:
            api_response(output)
        except stephost.StepError as exc:
            assert (exc.code, exc.retryable) == ("BAD_RESPONSE", False)
        else:
            raise AssertionError(f"{output!r} was accepted")


def test_a_step_error_from_the_host_keeps_its_cause_chain() -> None:
    from stephost.v1 import error_pb2

    wire = error_pb2.StepError(
        code="OUTER", message="outer", cause=error_pb2.StepError(code="INNER", message="inner")
    )
    error = from_wire(wire)
    assert isinstance(error.__cause__, stephost.StepError)
    assert (error.code, error.__cause__.code) == ("OUTER", "INNER")
