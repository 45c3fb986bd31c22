"""`stephost gen`: generated Python types, --check, breaking changes, typed objects."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from stephost_host.testing import StephostApp
from tests.conftest import ROOT, write_project

pytestmark = pytest.mark.integration

Start = Callable[..., StephostApp]

PROTO = """
syntax = "proto3";
package shop.v1;
import "google/protobuf/timestamp.proto";
import "google/protobuf/struct.proto";

enum Priority { PRIORITY_UNSPECIFIED = 0; PRIORITY_HIGH = 1; }

message OrderCreated {
  message Line { string sku = 1; int32 quantity = 2; }
  string id = 1;
  repeated Line lines = 2;
  map<string, string> labels = 3;
  Priority priority = 4;
  google.protobuf.Timestamp placed_at = 5;
  google.protobuf.Struct extra = 6;
  oneof payment { string card = 7; string voucher = 8; }
}

message OrderScored {
  string id = 1;
  double score = 2;
}
"""

STEPS = {
    "contracts/shop/v1/orders.proto": PROTO,
    "steps/create_step.py": """
config = {
    "type": "api", "name": "CreateOrder", "method": "POST", "path": "/orders",
    "bodySchema": "shop.v1.OrderCreated",
    "emits": [{"topic": "order.created", "type": "shop.v1.OrderCreated"}],
}

async def handler(req, ctx):
    await ctx.emit("order.created", req.body)
    return {"status": 201, "body": {"id": req.body["id"]}}
""",
    "steps/score_step.py": """
from shop.v1.orders_pb2 import OrderCreated, OrderScored

config = {
    "type": "event", "name": "ScoreOrder", "subscribes": ["order.created"],
    "input": "shop.v1.OrderCreated", "typed": True,
    "emits": [
        {"topic": "order.scored", "type": "shop.v1.OrderScored"},
        {"topic": "audit", "schema": {"type": "object", "required": ["who"],
                                      "properties": {"who": {"type": "string"}}}},
    ],
}

async def handler(data, ctx):
    assert isinstance(data, OrderCreated), type(data)
    quantity = sum(line.quantity for line in data.lines)
    await ctx.emit("order.scored", OrderScored(id=data.id, score=quantity / 10))
    await ctx.emit("audit", {"who": data.labels["channel"]})
""",
    "steps/audit_step.py": """
config = {"type": "event", "name": "Audit", "subscribes": ["audit", "order.scored"]}

async def handler(data, ctx):
    pass
""",
}

TYPED_HANDLER = """
import asyncio

from stephost import Context, SyncContext
from stephost_types import (
    AuditContext,
    CreateOrderContext,
    ScoreOrderContext,
    ScoreOrderInput,
    ScoreOrderSyncContext,
)

async def handler(data: ScoreOrderInput, ctx: ScoreOrderContext) -> None:
    if ctx.cancelled or (ctx.deadline is not None and ctx.deadline.year < 2000):
        return
    ctx.logger.info("scoring", tracestate=ctx.trace_state)
    await ctx.emit("order.scored", {"id": "x", "score": 0.5})
    await ctx.emit("audit", {"who": "me"})
    first, second = await asyncio.gather(
        ctx.emit("audit", {"who": "a"}), ctx.emit("audit", {"who": "b"})
    )
    print(first + second)

# What the runtime passes is what the generated types describe.
def typed(ctx: Context) -> ScoreOrderContext:
    return ctx

def typed_sync(ctx: SyncContext) -> ScoreOrderSyncContext:
    return ctx

def typed_one_topic(ctx: Context) -> CreateOrderContext:
    return ctx

def typed_no_topic(ctx: Context) -> AuditContext:
    return ctx
"""

WRONG_EMITS = """
from stephost_types import ScoreOrderContext, ScoreOrderInput

async def handler(data: ScoreOrderInput, ctx: ScoreOrderContext) -> None:
    await ctx.emit("order.scored", {"id": "x", "score": "high"})
    await ctx.emit("order.shipped", {"id": "x"})
"""


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "stephost_host.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


# This repo installs stephost editable, which mypy cannot follow (setuptools' editable
# finder), hence the SDK's source folder beside the generated one.
MYPY_INI = f"""
[mypy]
strict = True
mypy_path = generated/python:{ROOT / "sdk_python"}

# protoc's stubs are not strict-clean; they are generated, so not checked.
[mypy-shop.*]
ignore_errors = True
"""


def mypy(project: Path, source: str) -> subprocess.CompletedProcess[str]:
    target = project / "check_me.py"
    target.write_text(source)
    (project / "mypy.ini").write_text(MYPY_INI)
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--no-incremental", str(target)],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = write_project(tmp_path / "shop", STEPS)
    result = cli("gen", cwd=root)
    assert result.returncode == 0, result.stderr
    return root


def test_gen_writes_python_classes_and_types(project: Path) -> None:
    generated = project / "generated"
    assert (generated / "python" / "shop" / "v1" / "orders_pb2.py").exists()
    assert (generated / "python" / "shop" / "v1" / "orders_pb2.pyi").exists()
    types = (generated / "python" / "stephost_types.py").read_text()
    assert "class ShopV1OrderCreated(TypedDict, total=False):" in types
    assert "class ShopV1OrderCreatedLine(TypedDict, total=False):" in types
    assert "ShopV1Priority = Literal['PRIORITY_UNSPECIFIED', 'PRIORITY_HIGH']" in types
    assert "    labels: dict[str, str]" in types
    assert "    placedAt: str" in types
    assert "    extra: dict[str, Any]" in types
    assert "class ScoreOrderEmitAudit(TypedDict):" in types
    assert (generated / "contracts.json").exists()


def test_mypy_accepts_typed_handlers_and_rejects_wrong_emits(project: Path) -> None:
    good = mypy(project, TYPED_HANDLER)
    assert good.returncode == 0, good.stdout
    bad = mypy(project, WRONG_EMITS)
    assert bad.returncode == 1
    errors = [line for line in bad.stdout.splitlines() if ": error: " in line]
    # line 5: a payload of the wrong shape; line 6: a topic the step does not declare
    assert [line.split(":")[1] for line in errors] == ["5", "6"]
    assert all('No overload variant of "emit" of "ScoreOrderContext"' in e for e in errors)


def test_check_reports_stale_output(project: Path) -> None:
    fresh = cli("gen", "--check", cwd=project)
    assert fresh.returncode == 0, fresh.stderr
    proto = project / "contracts" / "shop" / "v1" / "orders.proto"
    proto.write_text(PROTO.replace("double score = 2;", "double score = 2;\n  string note = 3;"))
    stale = cli("gen", "--check", cwd=project)
    assert stale.returncode == 1
    assert "python/stephost_types.py" in stale.stderr
    assert "python/shop/v1/orders_pb2.py" in stale.stderr
    (project / "generated" / "python" / "extra.py").write_text("")
    assert cli("gen", cwd=project).returncode == 0
    assert not (project / "generated" / "python" / "extra.py").exists()  # overwritten wholesale
    assert cli("gen", "--check", cwd=project).returncode == 0


def test_breaking_change_is_a_warning_or_with_strict_an_error(project: Path) -> None:
    proto = project / "contracts" / "shop" / "v1" / "orders.proto"
    proto.write_text(PROTO.replace("double score = 2;", "string score = 2;"))
    strict = cli("gen", "--strict", cwd=project)
    assert strict.returncode == 2
    message = "breaking change: shop.v1.OrderScored: field 2 (score) changed from optional double"
    assert f"error: {message}" in strict.stderr
    warned = cli("gen", cwd=project)
    assert warned.returncode == 0
    assert f"warning: {message}" in warned.stderr
    assert cli("gen", "--strict", cwd=project).returncode == 0  # the new state is the baseline


def test_typed_step_gets_message_objects(project: Path, make_app: Start) -> None:
    app = make_app(project, copy=False)
    order = {
        "id": "o1",
        "lines": [{"sku": "a", "quantity": 3}, {"sku": "b", "quantity": 2}],
        "labels": {"channel": "web"},
        "priority": "PRIORITY_HIGH",
        "placedAt": "2026-11-26T10:00:00Z",
        "card": "4242",
    }
    assert app.post("/orders", json=order).status_code == 201
    app.wait_idle()
    assert app.dlq() == []
    assert app.captured("order.scored") == [{"id": "o1", "score": 0.5}]
    assert app.captured("audit") == [{"who": "web"}]


def test_dev_regenerates_when_a_proto_or_a_step_changes(project: Path, make_app: Start) -> None:
    app = make_app(project, copy=False, command="dev")
    types = project / "generated" / "python" / "stephost_types.py"
    proto = project / "contracts" / "shop" / "v1" / "orders.proto"
    proto.write_text(PROTO.replace("double score = 2;", "double score = 2;\n  string note = 3;"))
    app.wait_for(lambda: "    note: str" in types.read_text(), what="the new field's type")
    step = project / "steps" / "audit_step.py"
    step.write_text(step.read_text().replace('"Audit"', '"AuditAll"'))
    app.wait_for(lambda: "AuditAllContext" in types.read_text(), what="the renamed step's types")
    # The baseline of breaking changes moves only on an explicit `stephost gen`.
    check = cli("gen", "--check", cwd=project)
    assert check.returncode == 1 and "changed since the baseline" in check.stderr
    assert cli("gen", cwd=project).returncode == 0
    assert cli("gen", "--check", cwd=project).returncode == 0


def test_dev_never_moves_the_baseline_past_a_breaking_change(
    project: Path, make_app: Start
) -> None:
    baseline = (project / "generated" / "contracts.json").read_text()
    app = make_app(project, copy=False, command="dev")
    types = project / "generated" / "python" / "stephost_types.py"
    proto = project / "contracts" / "shop" / "v1" / "orders.proto"
    proto.write_text(PROTO.replace("double score = 2;", "string score = 2;"))
    app.wait_for(lambda: "    score: str" in types.read_text(), what="the changed field's type")
    warned = app.wait_for(
        lambda: [line for line in app.logs() if line["event"].startswith("breaking contract")],
        what="the warning",
    )
    assert "field 2 (score) changed" in warned[0]["change"]
    assert (project / "generated" / "contracts.json").read_text() == baseline
    strict = cli("gen", "--check", "--strict", cwd=project)
    assert strict.returncode == 2 and "error: breaking change: shop.v1.OrderScored" in strict.stderr
