"""Message types from a project's .proto files, checked with the proto3 JSON mapping."""

from __future__ import annotations

from pathlib import Path

import pytest

from stephost_host.catalog import ConfigError, parse_step
from stephost_host.contracts import Contracts
from stephost_host.errors import ProjectError

PROTO = """
syntax = "proto3";
package shop.v1;
import "google/protobuf/timestamp.proto";
import "google/protobuf/struct.proto";

enum Priority { PRIORITY_UNSPECIFIED = 0; PRIORITY_HIGH = 1; }

message Order {
  message Line { string sku = 1; int32 quantity = 2; }
  string id = 1;
  repeated Line lines = 2;
  map<string, string> labels = 3;
  Priority priority = 4;
  google.protobuf.Timestamp placed_at = 5;
  google.protobuf.Struct extra = 6;
  oneof payment { string card = 7; string voucher = 8; }
  int64 total_cents = 9;
}
"""


@pytest.fixture(scope="module")
def contracts(tmp_path_factory: pytest.TempPathFactory) -> Contracts:
    project = tmp_path_factory.mktemp("project")
    (project / "contracts" / "shop" / "v1").mkdir(parents=True)
    (project / "contracts" / "shop" / "v1" / "order.proto").write_text(PROTO)
    return Contracts.load(project)


GOOD = {
    "id": "o1",
    "lines": [{"sku": "a", "quantity": 2}],
    "labels": {"channel": "web"},
    "priority": "PRIORITY_HIGH",
    "placedAt": "2026-11-26T10:00:00Z",
    "extra": {"anything": [1, "x"]},
    "card": "4242",
    "totalCents": "1200",
}


def test_a_valid_payload_passes(contracts: Contracts) -> None:
    assert contracts.check("shop.v1.Order").errors(GOOD) == []


@pytest.mark.parametrize(
    ("payload", "path", "fragment"),
    [
        ({"colour": "red"}, "/colour", 'no field named "colour"'),
        ({"lines": [{"quantity": "many"}]}, "/lines/quantity", "quantity"),
        ({"priority": "PRIORITY_LOW"}, "/priority", "PRIORITY_LOW"),
        ({"placedAt": "yesterday"}, "/placedAt", "timestamp"),
        ({"card": "1", "voucher": "2"}, "/", "oneof"),
        ([1, 2], "/", "JSON object"),
    ],
)
def test_violations_name_the_field(
    contracts: Contracts, payload: object, path: str, fragment: str
) -> None:
    (error,) = contracts.check("shop.v1.Order").errors(payload)
    assert error["path"] == path
    assert fragment in error["message"]


def test_json_schema_for_openapi(contracts: Contracts) -> None:
    schema = contracts.check("shop.v1.Order").schema
    assert schema["properties"]["lines"]["items"]["properties"]["quantity"] == {"type": "integer"}
    assert schema["properties"]["priority"]["enum"] == ["PRIORITY_UNSPECIFIED", "PRIORITY_HIGH"]
    assert schema["properties"]["placedAt"]["format"] == "date-time"
    assert schema["properties"]["labels"]["additionalProperties"] == {"type": "string"}


def test_steps_may_name_message_types(contracts: Contracts) -> None:
    step = parse_step(
        {
            "type": "event",
            "name": "E",
            "subscribes": ["t"],
            "input": "shop.v1.Order",
            "emits": [{"topic": "out", "type": "shop.v1.Order"}, "plain"],
        },
        language="python",
        file="f",
        contracts=contracts,
    )
    assert step.input_schema is not None
    assert step.input_schema.errors({"id": 3}) != []
    assert set(step.emit_checks) == {"out"}
    assert step.emits == frozenset({"out", "plain"})


def test_unknown_message_type_is_a_config_error(contracts: Contracts) -> None:
    with pytest.raises(ConfigError, match=r"no \.proto file under contracts/ declares"):
        parse_step(
            {"type": "api", "name": "A", "method": "POST", "path": "/", "bodySchema": "shop.v1.X"},
            language="python",
            file="f",
            contracts=contracts,
        )


def test_a_project_without_contracts_has_none(tmp_path: Path) -> None:
    assert Contracts.load(tmp_path).find("shop.v1.Order") is None


def test_a_broken_proto_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "contracts").mkdir()
    (tmp_path / "contracts" / "bad.proto").write_text('syntax = "proto3";\nmessage { }\n')
    with pytest.raises(ProjectError, match=r"bad\.proto:2"):
        Contracts.load(tmp_path)


TYPED_PROJECT = {
    "contracts/shop/v1/order.proto": PROTO,
    "steps/take_step.py": """
config = {
    "type": "api", "name": "Take", "method": "POST", "path": "/orders",
    "bodySchema": "shop.v1.Order",
    "emits": [{"topic": "order.taken", "type": "shop.v1.Order"}],
}

async def handler(req, ctx):
    data = dict(req.body)
    if req.query_params.get("break") == "emit":
        data["lines"] = "not a list"
    try:
        await ctx.emit("order.taken", data)
    except Exception as exc:
        return {"status": 422, "body": {"code": exc.code, "message": exc.message}}
    return {"status": 201, "body": {"id": data["id"]}}
""",
    "steps/keep_step.py": """
config = {"type": "event", "name": "Keep", "subscribes": ["order.taken"], "input": "shop.v1.Order"}

async def handler(data, ctx):
    await ctx.state.set("kept", data["id"], data)
""",
}


@pytest.mark.integration
def test_message_types_are_checked_at_every_boundary(make_app: object, tmp_path: Path) -> None:
    from tests.conftest import write_project

    app = make_app(write_project(tmp_path / "p", TYPED_PROJECT), copy=False)  # type: ignore[operator]
    ok = app.post("/orders", json={"id": "o1", "lines": [{"sku": "a", "quantity": 1}]})
    assert ok.status_code == 201
    bad_body = app.post("/orders", json={"id": "o2", "colour": "red"})
    assert bad_body.status_code == 400
    assert bad_body.json()["error"]["errors"][0]["path"] == "/colour"
    bad_emit = app.post("/orders?break=emit", json={"id": "o3"})
    assert bad_emit.status_code == 422
    assert bad_emit.json()["code"] == "VALIDATION_FAILED"
    assert "order.taken" in bad_emit.json()["message"]
    assert "lines" in bad_emit.json()["message"]
    app.emit("order.taken", {"id": "o4", "lines": [{"quantity": "lots"}]})
    app.wait_idle()
    assert app.state.get("kept", "o1")["lines"] == [{"sku": "a", "quantity": 1}]
    (letter,) = app.dlq()
    assert letter["error"]["code"] == "VALIDATION_FAILED"
    assert "quantity" in letter["error"]["message"]
    spec = app.get("/openapi.json").json()
    body = spec["paths"]["/orders"]["post"]["requestBody"]["content"]["application/json"]
    assert body["schema"]["title"] == "shop.v1.Order"
