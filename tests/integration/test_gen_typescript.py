"""`stephost gen` for TypeScript (tsc --strict on typed handlers, --check, typed objects),
and `stephost test` running node:test files written with stephost/testing."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from stephost_host.testing import StephostApp
from tests.conftest import ROOT, write_project
from tests.toolchains import missing_toolchain

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(
        missing_toolchain("node") is not None, reason=str(missing_toolchain("node"))
    ),
]

Start = Callable[..., StephostApp]
NODE_BRIDGE = ROOT / "bridges" / "node"
TSC = NODE_BRIDGE / "node_modules" / "typescript" / "bin" / "tsc"

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
  int64 total_cents = 9;
  map<int64, string> notes_by_line = 10;
  repeated bytes attachments = 11;
}

message OrderScored {
  string id = 1;
  double score = 2;
  int64 rank = 3;
}
"""

STEPS = {
    "contracts/shop/v1/orders.proto": PROTO,
    # 'stephost' is the Node runtime's SDK; @types/node comes from its node_modules.
    "tsconfig.json": f"""{{
  "extends": "{NODE_BRIDGE / "tsconfig.steps.json"}",
  "include": ["steps/**/*.ts", "check_me.ts"]
}}
""",
    "steps/create-order.step.ts": """
import type { ApiConfig } from 'stephost'
import type { CreateOrderHandler } from '../generated/ts/handlers.js'

export const config = {
  type: 'api', name: 'CreateOrder', method: 'POST', path: '/orders',
  bodySchema: 'shop.v1.OrderCreated',
  emits: [{ topic: 'order.created', type: 'shop.v1.OrderCreated' }],
} satisfies ApiConfig

export const handler: CreateOrderHandler = async (req, ctx) => {
  await ctx.emit('order.created', req.body)
  return { status: 201, body: { id: req.body.id } }
}
""",
    "steps/score-order.step.ts": """
import type { EventConfig } from 'stephost'
import type { ScoreOrderHandler } from '../generated/ts/handlers.js'

export const config = {
  type: 'event', name: 'ScoreOrder', subscribes: ['order.created'],
  input: 'shop.v1.OrderCreated', typed: true,
  emits: [
    { topic: 'order.scored', type: 'shop.v1.OrderScored' },
    {
      topic: 'audit',
      schema: {
        type: 'object', required: ['who'],
        properties: {
          who: { type: 'string' }, placed: { type: 'string' }, cents: { type: 'string' },
        },
      },
    },
  ],
} satisfies EventConfig

export const handler: ScoreOrderHandler = async (data, ctx) => {
  if (!(data.placedAt instanceof Date)) throw new TypeError(`placedAt is ${data.placedAt}`)
  const quantity = data.lines.reduce((sum, line) => sum + line.quantity, 0)
  const rank = data.priority === 'PRIORITY_HIGH' ? 1n : 0n
  await ctx.emit('order.scored', { id: data.id, score: quantity / 10, rank })
  const cents = (data.totalCents + 1n).toString()
  const placed = data.placedAt.toISOString()
  await ctx.emit('audit', { who: data.labels['channel'] ?? '', placed, cents })
}
""",
    "steps/quote.step.ts": """
import type { ApiConfig } from 'stephost'
import type { QuoteHandler } from '../generated/ts/handlers.js'

export const config = {
  type: 'api', name: 'Quote', method: 'POST', path: '/quotes',
  bodySchema: 'shop.v1.OrderCreated', typed: true,
} satisfies ApiConfig

export const handler: QuoteHandler = async (req) => ({
  status: 200,
  body: {
    lines: req.body.lines.length,
    priority: req.body.priority,
    placed: req.body.placedAt?.toISOString() ?? null,
    cents: typeof req.body.totalCents,
  },
})
""",
    "steps/tag.step.ts": """
export const config = {
  type: 'api', name: 'Tag', method: 'POST', path: '/tags',
  bodySchema: {
    type: 'object', required: ['name'],
    properties: { name: { type: 'string' }, color: { enum: ['red', 'green'] } },
  },
}
export const handler = async () => ({ status: 204 })
""",
    "steps/audit_step.py": """
config = {"type": "event", "name": "Audit", "subscribes": ["audit", "order.scored"]}

async def handler(data, ctx):
    pass
""",
}

TYPED_HANDLERS = """
import type { CreateOrderHandler, ScoreOrderHandler } from './generated/ts/handlers.js'
import type { ShopV1OrderCreated, TagHandler } from './generated/ts/handlers.js'

const order: ShopV1OrderCreated = {
  id: 'o1',
  lines: [{ sku: 'a', quantity: 2 }],
  labels: { channel: 'web' },
  priority: 'PRIORITY_HIGH',
  placedAt: '2026-11-26T10:00:00Z',
  extra: { anything: [1, { nested: true }] },
  card: '4242',
  totalCents: '12345678901234567',
  notesByLine: { '1': 'fragile' },
  attachments: ['aGVsbG8='],
}

export const create: CreateOrderHandler = async (req, ctx) => {
  await ctx.emit('order.created', { ...order, totalCents: 12 })
  await ctx.emit('order.created', { id: req.body.id ?? 'none' }, { groupId: 'g' })
  return { status: 201, body: order }
}

export const score: ScoreOrderHandler = async (data, ctx) => {
  const when: Date | undefined = data.placedAt
  const cents: bigint = data.totalCents
  await ctx.emit('order.scored', { id: data.id, score: data.lines.length, rank: cents })
  await ctx.emit('audit', { who: when?.toISOString() ?? 'nobody' })
}

export const tag: TagHandler = async (req) => {
  const color: 'red' | 'green' | undefined = req.body.color
  return { status: 200, body: { name: req.body.name.toUpperCase(), color } }
}
"""

# Each line after the import is one mistake tsc must report, on that line.
WRONG_EMITS = """
import type { CreateOrderHandler, ScoreOrderHandler } from './generated/ts/handlers.js'

export const score: ScoreOrderHandler = async (data, ctx) => {
  await ctx.emit('order.scored', { id: data.id, score: 'high' })
  await ctx.emit('order.shipped', { id: data.id })
  await ctx.emit('audit', { who: 7 })
}

export const create: CreateOrderHandler = async (req, ctx) => {
  await ctx.emit('order.created', { id: req.body.id, priority: 'HIGH' })
  await ctx.emit('order.created', { id: req.body.id, placedAt: new Date() })
  return { status: 201 }
}
"""

ORDER = {
    "id": "o1",
    "lines": [{"sku": "a", "quantity": 3}, {"sku": "b", "quantity": 2}],
    "labels": {"channel": "web"},
    "priority": "PRIORITY_HIGH",
    "placedAt": "2026-11-26T10:00:00Z",
    "extra": {"gift": True},
    "card": "4242",
    "totalCents": "12345678901234567",
    "notesByLine": {"1": "fragile"},
    "attachments": ["aGVsbG8="],
}


def cli(*args: str, cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "stephost_host.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
    )


def tsc(project: Path, source: str) -> subprocess.CompletedProcess[str]:
    (project / "check_me.ts").write_text(source)
    return subprocess.run(
        ["node", str(TSC), "--noEmit", "--strict", "-p", str(project / "tsconfig.json")],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def tsc_errors(output: str) -> list[tuple[str, int, str]]:
    """(file, line, code) of each error tsc printed."""
    found = re.findall(r"^(\S+)\((\d+),\d+\): error (TS\d+):", output, re.MULTILINE)
    return [(file, int(line), code) for file, line, code in found]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = write_project(tmp_path / "shop", STEPS)
    result = cli("gen", cwd=root)
    assert result.returncode == 0, result.stderr
    return root


def test_gen_writes_typescript_types(project: Path) -> None:
    ts = project / "generated" / "ts"
    assert (project / "generated" / "python" / "stephost_types.py").exists()  # both languages
    assert (ts / "package.json").read_text() == '{\n  "type": "module"\n}\n'
    # The JSON mapping (what handlers get by default), from ts-proto
    json_types = (ts / "json" / "shop" / "v1" / "orders.ts").read_text()
    for line in [
        "export interface OrderCreated {",
        "  lines?: OrderCreated_Line[] | undefined;",  # repeated, nested
        "  labels?: { [key: string]: string } | undefined;",  # map
        "  priority?: Priority | undefined;",
        "  placedAt?: string | undefined;",  # Timestamp, json_name
        "  extra?: { [key: string]: any } | undefined;",  # Struct
        "  card?: string | undefined;",  # oneof
        "  totalCents?: string | number | undefined;",  # int64, as the JSON may hold it
        "  notesByLine?: { [key: string]: string } | undefined;",  # JSON maps are objects
        "  attachments?: string[] | undefined;",  # bytes, base64
        "export interface OrderCreated_Line {",
        "  quantity?: number | undefined;",
    ]:
        assert line in json_types, line
    assert 'PRIORITY_HIGH: "PRIORITY_HIGH"' in json_types
    assert "export type Priority = typeof Priority[keyof typeof Priority];" in json_types
    # Typed objects, with their JSON converters
    objects = (ts / "objects" / "shop" / "v1" / "orders.ts").read_text()
    assert "  placedAt: Date | undefined;" in objects
    assert "  totalCents: bigint;" in objects
    assert "export const OrderCreated: MessageFns<OrderCreated> = {" in objects
    registry = (ts / "registry.ts").read_text()
    assert '  "shop.v1.OrderCreated.Line": objects_shop_v1_orders.OrderCreated_Line,' in registry
    # Step types
    handlers = (ts / "handlers.ts").read_text()
    for line in [
        "export type ShopV1OrderCreated = json_shop_v1_orders.OrderCreated",
        "export type ShopV1Priority = json_shop_v1_orders.Priority",
        "export type CreateOrderBody = json_shop_v1_orders.OrderCreated",
        '  "order.created": json_shop_v1_orders.OrderCreated',
        "export type ScoreOrderData = objects_shop_v1_orders.OrderCreated",
        '  "order.scored": objects_shop_v1_orders.DeepPartial<objects_shop_v1_orders.OrderScored>',
        '  "audit": ScoreOrderEmitAudit',
        "export interface ScoreOrderEmitAudit {\n  who: string\n  placed?: string\n",
        "export type AuditEmits = Record<never, never>",
        'export interface TagBody {\n  name: string\n  color?: "red" | "green"\n}',
        "export type TagRequest = ApiRequest<TagBody>",
        "  ScoreOrder: ScoreOrderHandler",
    ]:
        assert line in handlers, line


def test_tsc_accepts_typed_handlers_and_rejects_wrong_emits(project: Path) -> None:
    good = tsc(project, TYPED_HANDLERS)
    assert good.returncode == 0, good.stdout + good.stderr
    bad = tsc(project, WRONG_EMITS)
    assert bad.returncode != 0
    assert tsc_errors(bad.stdout) == [
        ("check_me.ts", 5, "TS2322"),  # score: a string where the message has a double
        ("check_me.ts", 6, "TS2345"),  # a topic the step does not declare
        ("check_me.ts", 7, "TS2322"),  # the JSON Schema's string given a number
        ("check_me.ts", 11, "TS2322"),  # not a value of the enum
        ("check_me.ts", 12, "TS2322"),  # the JSON has the Timestamp as a string
    ], bad.stdout
    assert 'not assignable to parameter of type \'"audit" | "order.scored"\'' in bad.stdout
    assert "Type '\"HIGH\"' is not assignable to type 'Priority | undefined'" in bad.stdout


@pytest.mark.timeout(360)  # seven `stephost gen` runs compiling TypeScript: slow under load
def test_check_reports_stale_typescript_output(project: Path) -> None:
    fresh = cli("gen", "--check", cwd=project)
    assert fresh.returncode == 0, fresh.stderr
    proto = project / "contracts" / "shop" / "v1" / "orders.proto"
    proto.write_text(PROTO.replace("int64 rank = 3;", "int64 rank = 3;\n  string note = 4;"))
    stale = cli("gen", "--check", cwd=project)
    assert stale.returncode == 1
    assert "ts/json/shop/v1/orders.ts" in stale.stderr
    assert "ts/objects/shop/v1/orders.ts" in stale.stderr
    assert cli("gen", cwd=project).returncode == 0
    step = project / "steps" / "quote.step.ts"
    step.write_text(step.read_text().replace("typed: true,", "typed: true, emits: ['quoted'],"))
    stale = cli("gen", "--check", cwd=project)
    assert stale.returncode == 1
    assert "ts/handlers.ts" in stale.stderr
    (project / "generated" / "ts" / "extra.ts").write_text("")
    assert cli("gen", cwd=project).returncode == 0
    assert not (project / "generated" / "ts" / "extra.ts").exists()  # replaced wholesale
    assert '  "quoted": unknown' in (project / "generated" / "ts" / "handlers.ts").read_text()
    assert cli("gen", "--check", cwd=project).returncode == 0


def test_typed_steps_get_objects_and_emit_them_as_json(project: Path, make_app: Start) -> None:
    app = make_app(project, copy=False)
    assert app.post("/orders", json=ORDER).status_code == 201
    app.wait_idle()
    assert app.dlq() == []
    # toJSON leaves out defaults and writes int64 as a string, as proto3 JSON does
    assert app.captured("order.scored") == [{"id": "o1", "score": 0.5, "rank": "1"}]
    assert app.captured("audit") == [
        {"who": "web", "placed": "2026-11-26T10:00:00.000Z", "cents": "12345678901234568"}
    ]
    # an api body: defaults filled in, a Timestamp a Date, an int64 a bigint
    quote = app.post("/quotes", json={"id": "q", "placedAt": "2026-01-02T03:04:05Z"})
    assert quote.status_code == 200, quote.text
    assert quote.json() == {
        "lines": 0,
        "priority": "PRIORITY_UNSPECIFIED",
        "placed": "2026-01-02T03:04:05.000Z",
        "cents": "bigint",
    }
    assert app.post("/quotes", json={"id": "q", "nope": 1}).status_code == 400


def test_typed_step_without_generated_types_does_not_load(project: Path, make_app: Start) -> None:
    shutil.rmtree(project / "generated")
    app = make_app(project, copy=False)
    problems = {p["file"]: p["error"]["message"] for p in app.health()["problems"]}
    assert set(problems) == {"steps/quote.step.ts", "steps/score-order.step.ts"}
    assert (
        "typed step ScoreOrder cannot load its message types"
        in (problems["steps/score-order.step.ts"])
    )
    assert "run `stephost gen`" in problems["steps/score-order.step.ts"]
    assert app.post("/orders", json=ORDER).status_code == 201  # the other steps serve


def test_dev_regenerates_typescript_types(project: Path, make_app: Start) -> None:
    app = make_app(project, copy=False, command="dev")
    handlers = project / "generated" / "ts" / "handlers.ts"
    step = project / "steps" / "quote.step.ts"
    step.write_text(step.read_text().replace("name: 'Quote'", "name: 'QuoteOrder'"))
    app.wait_for(lambda: "QuoteOrderHandler" in handlers.read_text(), what="the renamed step")
    proto = project / "contracts" / "shop" / "v1" / "orders.proto"
    proto.write_text(PROTO.replace("int64 rank = 3;", "int64 rank = 3;\n  string note = 4;"))
    json_types = project / "generated" / "ts" / "json" / "shop" / "v1" / "orders.ts"
    app.wait_for(lambda: "  note?: string" in json_types.read_text(), what="the new field")
    # Only an explicit `stephost gen` makes the changed contracts the new baseline.
    check = cli("gen", "--check", cwd=project)
    assert check.returncode == 1 and "changed since the baseline" in check.stderr
    assert cli("gen", cwd=project).returncode == 0
    assert cli("gen", "--check", cwd=project).returncode == 0


# -- stephost test: node:test files with stephost/testing ------------------------------

NODE_PROJECT = ROOT / "tests" / "harness" / "node_project"


def test_stephost_test_runs_node_tests_against_a_real_host(tmp_path: Path) -> None:
    project = tmp_path / "notes"
    shutil.copytree(NODE_PROJECT, project)
    passed = cli("test", cwd=project, timeout=180)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "# pass 4" in passed.stdout
    assert "# fail 0" in passed.stdout
    (project / "tests" / "broken.test.mjs").write_text(
        "import assert from 'node:assert/strict'\n"
        "import { test } from 'node:test'\n"
        "import { startApp } from 'stephost/testing'\n\n"
        "test('a note count that is wrong', async () => {\n"
        "  const app = await startApp()\n"
        "  try {\n"
        "    assert.deepEqual(await app.captured('note.indexed'), ['not there'])\n"
        "  } finally {\n"
        "    await app.close()\n"
        "  }\n"
        "})\n"
    )
    failed = cli("test", cwd=project, timeout=180)
    assert failed.returncode == 1
    assert "# pass 4" in failed.stdout
    assert "# fail 1" in failed.stdout
    assert "not ok 1 - a note count that is wrong" in failed.stdout
