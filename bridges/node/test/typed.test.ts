// typed: true in the runtime: which configs are typed, their codecs, loading without types.
// The generated registry itself is exercised end to end from Python
// (tests/integration/test_gen_typescript.py), on ts-proto's real output.
import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, test } from 'node:test'

import { loadSteps } from '../src/loader.ts'
import { codecFor, typedNames } from '../src/typed.ts'
import type { MessageFns } from '../src/typed.ts'

/** A message whose JSON is `{n: string}` and whose object is `{n: bigint}`. */
const Counted: MessageFns = {
  fromJSON: (object) => ({ n: BigInt((object as { n?: string }).n ?? 0) }),
  fromPartial: (object) => ({ n: (object as { n?: bigint }).n ?? 0n }),
  toJSON: (message) => ({ n: String((message as { n: bigint }).n) }),
}

describe('typedNames', () => {
  test('the input (body for api steps) and the emits that name a message type', () => {
    const names = typedNames({
      type: 'event',
      typed: true,
      input: 'x.Counted',
      emits: ['plain', { topic: 'json', schema: { type: 'object' } }, { topic: 'typed', type: 'x.Counted' }],
    })
    assert.deepEqual(names, { input: 'x.Counted', emits: new Map([['typed', 'x.Counted']]) })
    assert.equal(typedNames({ type: 'api', typed: true, bodySchema: { type: 'object' } })?.input, '')
    assert.equal(typedNames({ type: 'api', typed: true, bodySchema: 'x.Counted' })?.input, 'x.Counted')
    assert.equal(typedNames({ type: 'event', input: 'x.Counted' }), undefined)
  })
})

describe('codecFor', () => {
  const registry = new Map([['x.Counted', Counted]])

  test('objects to JSON on typed topics only; partial objects get defaults', () => {
    const names = { input: 'x.Counted', emits: new Map([['typed', 'x.Counted'], ['wkt', 'google.protobuf.Struct']]) }
    const codec = codecFor(names, registry, 'generated/ts/registry.ts')
    assert.deepEqual(codec.input?.fromJSON({ n: '9007199254740993' }), { n: 9007199254740993n })
    assert.deepEqual(codec.encode('typed', { n: 5n }), { n: '5' })
    assert.deepEqual(codec.encode('typed', {}), { n: '0' })
    assert.deepEqual(codec.encode('wkt', { any: 'json' }), { any: 'json' })
    assert.deepEqual(codec.encode('other', { n: 5 }), { n: 5 })
  })

  test('a type the registry lacks says to run stephost gen', () => {
    assert.throws(
      () => codecFor({ input: 'x.Gone', emits: new Map() }, registry, 'generated/ts/registry.ts'),
      /^Error: x\.Gone is not in generated\/ts\/registry\.ts; run `stephost gen`$/,
    )
  })
})

test('a typed step whose types were never generated fails to load; the others load', async () => {
  const project = mkdtempSync(join(tmpdir(), 'stephost-typed-'))
  mkdirSync(join(project, 'steps'))
  const step = (name: string, typed: boolean) =>
    `export const config = { type: 'event', name: '${name}', subscribes: ['t'], input: 'x.Counted', typed: ${typed} }\n` +
    'export const handler = async () => {}\n'
  writeFileSync(join(project, 'steps', 'typed.step.mjs'), step('Typed', true))
  writeFileSync(join(project, 'steps', 'plain.step.mjs'), step('Plain', false))
  const { steps, failures } = await loadSteps(project)
  assert.deepEqual(steps.map((s) => s.name), ['Plain'])
  assert.equal(failures.length, 1)
  assert.equal(failures[0]?.code, 'BAD_CONFIG')
  assert.match(failures[0]?.message ?? '', /^steps\/typed\.step\.mjs: typed step Typed cannot load its message types: .*registry\.ts does not exist; run `stephost gen`$/)
})

test('a typed step gets its codec from <project>/$STEPHOST_GEN_DIR/ts/registry.ts', async () => {
  const project = mkdtempSync(join(tmpdir(), 'stephost-typed-'))
  mkdirSync(join(project, 'steps'))
  mkdirSync(join(project, 'gen', 'ts'), { recursive: true })
  writeFileSync(
    join(project, 'steps', 'typed.step.ts'),
    "export const config = { type: 'api', name: 'T', method: 'POST', path: '/t', bodySchema: 'x.Counted', typed: true }\n" +
      'export const handler = async () => ({ status: 200 })\n',
  )
  writeFileSync(
    join(project, 'gen', 'ts', 'registry.ts'),
    "export const messages = { 'x.Counted': { fromJSON: (o: { n: string }) => ({ n: BigInt(o.n) }), toJSON: String, fromPartial: Object } }\n",
  )
  const before = process.env.STEPHOST_GEN_DIR
  process.env.STEPHOST_GEN_DIR = 'gen'
  try {
    const { steps, failures } = await loadSteps(project)
    assert.deepEqual(failures, [])
    assert.deepEqual(steps[0]?.codec?.input?.fromJSON({ n: '7' }), { n: 7n })
  } finally {
    if (before === undefined) delete process.env.STEPHOST_GEN_DIR
    else process.env.STEPHOST_GEN_DIR = before
  }
})
