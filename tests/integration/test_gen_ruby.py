"""`stephost gen` for Ruby: classes that load on Debian's google-protobuf (a real ruby
process), --check, typed objects in a real host, and the load error of a missing type."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from stephost_host.testing import StephostApp
from tests.conftest import write_project
from tests.toolchains import missing_toolchain

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(
        missing_toolchain("ruby") is not None, reason=str(missing_toolchain("ruby"))
    ),
]

Start = Callable[..., StephostApp]

ORDERS_PROTO = """
syntax = "proto3";
package shop.v1;
import "google/protobuf/timestamp.proto";
import "google/protobuf/struct.proto";
import "shop/common/money.proto";

enum Priority { PRIORITY_UNSPECIFIED = 0; PRIORITY_HIGH = 1; }

message OrderCreated {
  message Line {
    enum Kind { KIND_UNSPECIFIED = 0; KIND_GIFT = 1; }
    string sku = 1;
    int32 quantity = 2;
    Kind kind = 3;
  }
  string id = 1;
  repeated Line lines = 2;
  map<string, string> labels = 3;
  Priority priority = 4;
  google.protobuf.Timestamp placed_at = 5;
  google.protobuf.Struct extra = 6;
  oneof payment { string card = 7; string voucher = 8; }
  shop.common.Money total = 9;
  map<string, Line> by_sku = 10;
  repeated string tags = 11;
}

message OrderScored {
  string id = 1;
  double score = 2;
}
"""

# Another file and another package: a require across files, and `my_shop` -> `MyShop`.
MONEY_PROTO = """
syntax = "proto3";
package shop.common;
message Money { string currency = 1; int64 cents = 2; }
"""

STEPS = {
    "contracts/shop/v1/orders.proto": ORDERS_PROTO,
    "contracts/shop/common/money.proto": MONEY_PROTO,
    "steps/create_order_step.rb": """
# The body arrives as a Shop::V1::OrderCreated (typed: true) and is emitted as it is.
def config
  { type: 'api', name: 'CreateOrder', method: 'POST', path: '/orders',
    bodySchema: 'shop.v1.OrderCreated', typed: true,
    emits: [{ topic: 'order.created', type: 'shop.v1.OrderCreated' }] }
end

def handler(req, ctx)
  raise "body is a #{req.body.class}" unless req.body.is_a?(Shop::V1::OrderCreated)

  ctx.emit('order.created', req.body)
  { status: 201, body: { id: req.body.id, bodyClass: req.body.class.name } }
end
""",
    "steps/score_order_step.rb": """
require 'shop/v1/orders_pb' # the runtime loads it anyway; steps may require it themselves

def config
  { type: 'event', name: 'ScoreOrder', subscribes: ['order.created'],
    input: 'shop.v1.OrderCreated', typed: true,
    emits: [{ topic: 'order.scored', type: 'shop.v1.OrderScored' },
            { topic: 'audit', schema: { type: 'object', required: ['who'] } }] }
end

def handler(data, ctx)
  raise "data is a #{data.class}" unless data.is_a?(Shop::V1::OrderCreated)

  quantity = data.lines.sum(&:quantity)
  ctx.emit('order.scored', Shop::V1::OrderScored.new(id: data.id, score: quantity / 10.0))
  ctx.emit('audit', { who: data.labels['channel'], payment: data.payment, card: data.card,
                      priority: data.priority, placedAt: data.placed_at.seconds,
                      cents: data.total.cents, gift: data.by_sku['b'].kind,
                      extra: data.extra.fields['note'].string_value })
end
""",
    "steps/misfire_step.rb": """
# Emits a message of the wrong type on a typed topic: it fails in the handler.
def config
  { type: 'event', name: 'Misfire', subscribes: ['misfire'], maxAttempts: 1,
    emits: [{ topic: 'order.scored', type: 'shop.v1.OrderScored' }] }
end

def handler(_data, ctx)
  ctx.emit('order.scored', Shop::V1::OrderCreated.new(id: 'x'))
end
""",
    "steps/audit_step.py": """
config = {"type": "event", "name": "Audit", "subscribes": ["audit", "order.scored"]}

async def handler(data, ctx):
    pass
""",
}

ORDER: dict[str, Any] = {
    "id": "o1",
    "lines": [
        {"sku": "a", "quantity": 3},
        {"sku": "b", "quantity": 2, "kind": "KIND_GIFT"},
    ],
    "labels": {"channel": "web"},
    "priority": "PRIORITY_HIGH",
    "placedAt": "2026-11-26T10:00:00Z",
    "extra": {"note": "ring twice", "n": [1, None, {"deep": True}]},
    "card": "4242",
    "total": {"currency": "EUR", "cents": "1250"},
    "bySku": {"b": {"sku": "b", "quantity": 2, "kind": "KIND_GIFT"}},
    "tags": ["x", "y"],
}

# Decodes ORDER with the generated classes, checks field values, and prints the
# class's JSON of it; `ruby -w`, so a warning in generated code shows on stderr.
ROUND_TRIP = """
require 'json'
require 'stephost_types'
expect = lambda do |what, got, want|
  raise "#{what}: got #{got.inspect}, want #{want.inspect}" unless got == want
end
klass = StephostTypes.input('CreateOrder')
expect.call('class', klass, Shop::V1::OrderCreated)
expect.call('emits', StephostTypes.emits('ScoreOrder'),
            { 'audit' => nil, 'order.scored' => Shop::V1::OrderScored })
order = klass.decode_json($stdin.read)
expect.call('id', order.id, 'o1')
expect.call('lines', order.lines.map { |l| [l.class, l.sku, l.quantity, l.kind] },
            [[Shop::V1::OrderCreated::Line, 'a', 3, :KIND_UNSPECIFIED],
             [Shop::V1::OrderCreated::Line, 'b', 2, :KIND_GIFT]])
expect.call('labels', order.labels.to_h, { 'channel' => 'web' })
expect.call('priority', order.priority, :PRIORITY_HIGH)
expect.call('enum module', Shop::V1::Priority::PRIORITY_HIGH, 1)
expect.call('nested enum module', Shop::V1::OrderCreated::Line::Kind::KIND_GIFT, 1)
expect.call('placed_at', [order.placed_at.class, order.placed_at.seconds],
            [Google::Protobuf::Timestamp, 1_795_687_200])
expect.call('extra', order.extra.fields['note'].string_value, 'ring twice')
expect.call('extra list', order.extra.fields['n'].list_value.values.size, 3)
expect.call('oneof', [order.payment, order.card, order.voucher], [:card, '4242', ''])
expect.call('other file', [order.total.class, order.total.currency, order.total.cents],
            [Shop::Common::Money, 'EUR', 1250])
expect.call('map of messages', order.by_sku['b'].kind, :KIND_GIFT)
expect.call('repeated', order.tags.to_a, %w[x y])
puts JSON.generate('version' => Gem.loaded_specs['google-protobuf'].version.to_s,
                   'json' => JSON.parse(klass.encode_json(order)))
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


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = write_project(tmp_path / "shop", STEPS)
    result = cli("gen", cwd=root)
    assert result.returncode == 0, result.stderr
    return root


def test_gen_writes_ruby_classes_and_step_types(project: Path) -> None:
    ruby = project / "generated" / "ruby"
    assert sorted(p.relative_to(ruby).as_posix() for p in ruby.rglob("*") if p.is_file()) == [
        "shop/common/money_pb.rb",
        "shop/v1/orders_pb.rb",
        "stephost_types.rb",
    ]
    orders = (ruby / "shop" / "v1" / "orders_pb.rb").read_text()
    assert "require 'google/protobuf/timestamp_pb'\n" in orders
    assert "require 'google/protobuf/struct_pb'\n" in orders
    assert "require_relative '../common/money_pb'\n" in orders
    assert "add_serialized_file(" in orders
    lookup = "::Google::Protobuf::DescriptorPool.generated_pool.lookup"
    for line in [
        f'Priority = {lookup}("shop.v1.Priority").enummodule',
        f'OrderCreated = {lookup}("shop.v1.OrderCreated").msgclass',
        f'OrderCreated::Line = {lookup}("shop.v1.OrderCreated.Line").msgclass',
        f'OrderCreated::Line::Kind = {lookup}("shop.v1.OrderCreated.Line.Kind").enummodule',
        "#   by_sku: {String => Shop::V1::OrderCreated::Line}",
        "#   card: String (oneof payment)",
        "#   placed_at: Google::Protobuf::Timestamp",
    ]:
        assert f"    {line}\n" in orders, line
    assert "LabelsEntry" not in orders.split("add_serialized_file(")[1].split(")\n")[1]
    types = (ruby / "stephost_types.rb").read_text()
    assert "require_relative 'shop/v1/orders_pb'\n" in types
    assert "    'CreateOrder' => {\n      input: ::Shop::V1::OrderCreated,\n" in types
    assert "        'audit' => nil,\n        'order.scored' => ::Shop::V1::OrderScored,\n" in types
    for path in ruby.rglob("*.rb"):
        lint = subprocess.run(["ruby", "-wc", str(path)], capture_output=True, text=True)
        assert (lint.returncode, lint.stderr) == (0, ""), path


def test_classes_load_on_debians_google_protobuf_and_round_trip_json(project: Path) -> None:
    result = subprocess.run(
        ["ruby", "-w", "-I", str(project / "generated" / "ruby"), "-e", ROUND_TRIP],
        input=json.dumps(ORDER),
        capture_output=True,
        text=True,
        check=False,
        cwd="/",  # nothing but the load path finds the generated files
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    out = json.loads(result.stdout)
    assert out["version"].startswith("3.21."), out["version"]  # Debian 12's ruby-google-protobuf
    expected = {**ORDER, "lines": [{"sku": "a", "quantity": 3}, ORDER["lines"][1]]}
    assert out["json"] == expected


def test_check_reports_stale_ruby_output(project: Path) -> None:
    fresh = cli("gen", "--check", cwd=project)
    assert fresh.returncode == 0, fresh.stderr
    proto = project / "contracts" / "shop" / "v1" / "orders.proto"
    proto.write_text(ORDERS_PROTO.replace("double score = 2;", "double score = 2; string n = 3;"))
    stale = cli("gen", "--check", cwd=project)
    assert stale.returncode == 1
    assert "ruby/shop/v1/orders_pb.rb" in stale.stderr
    assert "ruby/shop/common/money_pb.rb" not in stale.stderr
    step = project / "steps" / "misfire_step.rb"
    step.write_text(step.read_text().replace("'Misfire'", "'Backfire'"))
    assert "ruby/stephost_types.rb" in cli("gen", "--check", cwd=project).stderr
    extra = project / "generated" / "ruby" / "old_pb.rb"
    extra.write_text("")
    assert cli("gen", cwd=project).returncode == 0
    assert not extra.exists()  # overwritten wholesale
    assert "'Backfire' => {" in (project / "generated" / "ruby" / "stephost_types.rb").read_text()
    assert cli("gen", "--check", cwd=project).returncode == 0


def test_typed_ruby_steps_get_and_emit_message_objects(project: Path, make_app: Start) -> None:
    app = make_app(project, copy=False)
    response = app.post("/orders", json=ORDER)
    assert response.status_code == 201, response.text
    assert response.json() == {"id": "o1", "bodyClass": "Shop::V1::OrderCreated"}
    app.wait_idle()
    assert app.dlq() == []
    # The api step emitted the message object it got: its proto3 JSON, as posted
    # (less the zero values proto3 JSON leaves out).
    (created,) = app.captured("order.created")
    assert created == {**ORDER, "lines": [{"sku": "a", "quantity": 3}, ORDER["lines"][1]]}
    assert app.captured("order.scored") == [{"id": "o1", "score": 0.5}]
    assert app.captured("audit") == [
        {
            "who": "web",
            "payment": "card",
            "card": "4242",
            "priority": "PRIORITY_HIGH",
            "placedAt": 1_795_687_200,
            "cents": 1250,
            "gift": "KIND_GIFT",
            "extra": "ring twice",
        }
    ]


def test_a_message_of_the_wrong_type_fails_the_emitting_handler(
    project: Path, make_app: Start
) -> None:
    app = make_app(project, copy=False)
    app.emit("misfire", {})
    app.wait_idle()
    (letter,) = app.dlq()
    assert letter["step"] == "Misfire"
    assert letter["error"]["code"] == "VALIDATION_FAILED"
    assert letter["error"]["message"] == (
        'the data Misfire emitted on "order.scored" is a shop.v1.OrderCreated, but the '
        "topic's declared type is shop.v1.OrderScored"
    )
    assert app.captured("order.scored") == []


def test_typed_step_without_generated_classes_is_a_load_error(
    project: Path, make_app: Start
) -> None:
    shutil.rmtree(project / "generated" / "ruby")
    score = project / "steps" / "score_order_step.rb"
    score.write_text(score.read_text().replace("require 'shop/v1/orders_pb'", ""))
    app = make_app(project, copy=False)
    problems = {p["file"]: p["error"] for p in app.get("/_stephost/steps").json()["problems"]}
    assert set(problems) == {"steps/create_order_step.rb", "steps/score_order_step.rb"}
    error = problems["steps/score_order_step.rb"]
    assert error["code"] == "BAD_CONFIG"
    assert error["message"] == (
        "steps/score_order_step.rb: typed step ScoreOrder uses shop.v1.OrderCreated, which is "
        "not in generated/ruby; run `stephost gen`"
    )
    # The untyped Ruby step still serves.
    assert "Misfire" in {s["name"] for s in app.get("/_stephost/steps").json()["steps"]}


def test_dev_regenerates_and_typed_ruby_steps_get_the_new_classes(
    project: Path, make_app: Start
) -> None:
    app = make_app(project, copy=False, command="dev")
    (before,) = app.runtime_pids("ruby")
    proto = project / "contracts" / "shop" / "v1" / "orders.proto"
    proto.write_text(ORDERS_PROTO.replace("repeated string tags = 11;", "string coupon = 12;"))
    orders = project / "generated" / "ruby" / "shop" / "v1" / "orders_pb.rb"
    app.wait_for(lambda: "#   coupon: String" in orders.read_text(), what="the new field's class")
    # The old Ruby runtime had the old classes loaded: wait until it is replaced.
    app.wait_for(
        lambda: (pids := app.runtime_pids("ruby")) and before not in pids, what="a fresh runtime"
    )
    order = {key: value for key, value in ORDER.items() if key != "tags"}
    response = app.post("/orders", json={**order, "coupon": "C1"})
    assert response.status_code == 201, response.text
    app.wait_idle()
    assert app.dlq() == []
    assert app.captured("order.created")[0]["coupon"] == "C1"
    # Only an explicit `stephost gen` makes the changed contracts the new baseline.
    check = cli("gen", "--check", cwd=project)
    assert check.returncode == 1 and "changed since the baseline" in check.stderr
    assert cli("gen", cwd=project).returncode == 0
    assert cli("gen", "--check", cwd=project).returncode == 0
