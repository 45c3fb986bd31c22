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
        ({"colour": "red"}, "/colour", "unknown field of shop.v1.Order"),
        ({"lines": [{"quantity": "many"}]}, "/lines/0/quantity", "expected an integer from"),
        ({"priority": "PRIORITY_LOW"}, "/priority", "PRIORITY_UNSPECIFIED, PRIORITY_HIGH, got"),
        ({"placedAt": "yesterday"}, "/placedAt", "not a valid google.protobuf.Timestamp"),
        ({"card": "1", "voucher": "2"}, "/voucher", "payment can hold one field; 'card'"),
        ([1, 2], "/", "expected an object (shop.v1.Order), got a list"),
        ({"totalCents": "12.5"}, "/totalCents", "expected an integer from"),
        ({"labels": {"a": 1}}, "/labels/a", "expected a string, got 1 (a number)"),
        ({"id": "a", "lines": None, "total_cents": 3, "totalCents": 4}, "/totalCents", "twice"),
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


REQUIRED_PROTO = """
syntax = "proto3";
package shop.v1;
import "google/api/field_behavior.proto";

message CreateOrder {
  string item = 1 [(google.api.field_behavior) = REQUIRED];
  int32 quantity = 2 [(google.api.field_behavior) = REQUIRED];
  string note = 3;
  repeated Line lines = 4 [(google.api.field_behavior) = REQUIRED];
  message Line { string sku = 1 [(google.api.field_behavior) = REQUIRED]; }
}
"""


@pytest.fixture(scope="module")
def required(tmp_path_factory: pytest.TempPathFactory) -> Contracts:
    project = tmp_path_factory.mktemp("required")
    (project / "contracts").mkdir()
    (project / "contracts" / "create.proto").write_text(REQUIRED_PROTO)
    return Contracts.load(project)


def test_required_fields_must_be_present(required: Contracts) -> None:
    check = required.check("shop.v1.CreateOrder")
    assert check.errors({"item": "book", "quantity": 0, "lines": [{"sku": "b1"}]}) == []
    assert check.errors({"id": "nope"}) == [
        {"path": "/id", "message": "unknown field of shop.v1.CreateOrder"},
        {"path": "/item", "message": "is required"},
        {"path": "/quantity", "message": "is required"},
        {"path": "/lines", "message": "is required"},
    ]
    assert check.errors({"item": None, "quantity": 1, "lines": []}) == [
        {"path": "/item", "message": "is required"},
        {"path": "/lines", "message": "is required"},  # empty counts as absent
    ]
    assert check.errors({"item": "b", "quantity": 1, "lines": [{}]}) == [
        {"path": "/lines/0/sku", "message": "is required"},
    ]
    assert check.schema["required"] == ["item", "quantity", "lines"]


def test_every_failing_field_is_reported_in_our_words(required: Contracts) -> None:
    errors = required.check("shop.v1.CreateOrder").errors(
        {"item": 5, "quantity": "many", "note": ["x"], "lines": [{"skuu": "a"}]}
    )
    assert errors == [
        {"path": "/item", "message": "expected a string, got 5 (a number)"},
        {
            "path": "/quantity",
            "message": "expected an integer from -2147483648 to 2147483647, got 'many' (a string)",
        },
        {"path": "/note", "message": "expected a string, got a list"},
        {"path": "/lines/0/skuu", "message": "unknown field of shop.v1.CreateOrder.Line; "
                                              "did you mean 'sku'?"},
        {"path": "/lines/0/sku", "message": "is required"},
    ]  # fmt: skip


def test_what_the_checks_pass_protobuf_parses(contracts: Contracts) -> None:
    """The checks follow protobuf's own parser: what they let through, it reads."""
    check = contracts.check("shop.v1.Order")
    for payload in (
        GOOD,
        {"total_cents": 12, "placed_at": "2026-01-01T00:00:00.5Z"},
        {"lines": [{"quantity": "7"}, {"quantity": 3.0}], "priority": 1, "labels": {}},
        {"id": None, "lines": None, "extra": None},
    ):
        assert check.errors(payload) == []
        check.parse(payload)
