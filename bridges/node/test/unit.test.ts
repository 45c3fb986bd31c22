// In-process tests: the error converter, the loader, the SDK's surface.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'

import { z } from 'zod'
import * as z3 from 'zod/v3'

import { fromWire, toWire } from '../src/bridge/errors.ts'
import { InvocationContext } from '../src/context.ts'
import type { HostLink, Invocation } from '../src/invocation.ts'
import { BadStepError, findStepFiles, stepFromModule } from '../src/loader.ts'
import { apiResponse } from '../src/runtime.ts'
import * as sdk from '../src/sdk.ts'
import { isStepError, StepError } from '../src/sdk.ts'
import { toJsonSchema } from '../src/schema.ts'

const FIXTURE = fileURLToPath(new URL('./fixtures/project', import.meta.url))

describe('toWire', () => {
  test('an Error keeps its class, message, whole stack and cause chain', () => {
    const wire = toWire(new TypeError('outer', { cause: new RangeError('inner') }), 'S')
    assert.equal(wire.code, 'HANDLER_ERROR')
    assert.equal(wire.type, 'TypeError')
    assert.equal(wire.message, 'outer')
    assert.equal(wire.language, 'node')
    assert.equal(wire.step, 'S')
    assert.equal(wire.retryable, true)
    assert.match(wire.stack ?? '', /^TypeError: outer\n\s+at .*unit\.test\.ts/)
    assert.equal(wire.cause?.type, 'RangeError')
    assert.equal(wire.cause?.message, 'inner')
  })

  test('a StepError brings its code, retryable flag and details', () => {
    const wire = toWire(new StepError('no', { code: 'MY_CODE', retryable: false, details: { a: 1 } }), 'S')
    assert.equal(wire.code, 'MY_CODE')
    assert.equal(wire.retryable, false)
    assert.equal(wire.type, 'StepError')
    assert.deepEqual(JSON.parse(Buffer.from(wire.details!).toString()), { a: 1 })
  })

  test("an Error's own fields (a Node error's code) go to details", () => {
    const error = Object.assign(new Error('gone'), { code: 'ENOENT', path: '/x' })
    assert.deepEqual(JSON.parse(Buffer.from(toWire(error, 'S').details!).toString()), { code: 'ENOENT', path: '/x' })
    assert.equal(toWire(error, 'S').code, 'HANDLER_ERROR')
  })

  test('a thrown string or object becomes the message, the value goes to details', () => {
    const fromString = toWire('just a string', 'S')
    assert.equal(fromString.type, 'string')
    assert.equal(fromString.message, 'just a string')
    assert.match(fromString.stack ?? '', /not an Error, so JavaScript kept no stack/)
    const fromObject = toWire({ code: 'E_OBJ', message: 'an object' }, 'S')
    assert.equal(fromObject.type, 'Object')
    assert.equal(fromObject.code, 'HANDLER_ERROR')
    assert.equal(fromObject.message, 'an object')
    assert.deepEqual(JSON.parse(Buffer.from(fromObject.details!).toString()), {
      thrown: { code: 'E_OBJ', message: 'an object' },
    })
    assert.equal(toWire(undefined, 'S').message, 'undefined')
    assert.equal(toWire(null, 'S').type, 'null')
  })

  test('a circular cause chain stops', () => {
    const a = new Error('a')
    const b = new Error('b', { cause: a })
    ;(a as { cause?: unknown }).cause = b
    let depth = 0
    for (let wire = toWire(a, 'S'); wire.cause; wire = wire.cause) depth++
    assert.equal(depth, 8)
  })

  test('fromWire makes the SDK error, which instanceof and isStepError recognise', () => {
    const error = fromWire({ code: 'EMIT_NOT_ALLOWED', message: 'nope', type: 'CallError', retryable: false })
    assert.ok(error instanceof StepError)
    assert.ok(isStepError(error))
    assert.equal(error.code, 'EMIT_NOT_ALLOWED')
    assert.equal(error.language, 'host')
    assert.equal(error.type, 'CallError')
    assert.ok(!(new Error('x') instanceof StepError))
    class Mine extends StepError {}
    assert.ok(new Mine('m') instanceof Mine)
    assert.ok(!(new StepError('s') instanceof Mine))
  })

  test('fromWire keeps the cause chain', () => {
    const error = fromWire({ code: 'OUTER', message: 'outer', cause: { code: 'INNER', message: 'inner' } })
    assert.ok(isStepError(error.cause))
    assert.equal((error.cause as StepError).code, 'INNER')
  })
})

describe('the context of an invocation', () => {
  const invocation: Invocation = {
    id: 1,
    step: 'S',
    trigger: 'event',
    payload: new Uint8Array(0),
    request: undefined,
    attempt: 2,
    traceId: 'abc',
    traceparent: '',
    tracestate: 'vendor=1',
    deadlineUnixMs: 1_700_000_000_123,
    topic: 't',
    messageId: 'm',
    auth: null,
  }
  const link = {} as HostLink // nothing here calls the host

  test('carries the deadline as a Date and the tracestate', () => {
    const ctx = new InvocationContext(link, invocation)
    assert.ok(ctx.deadline instanceof Date)
    assert.equal(ctx.deadline.getTime(), 1_700_000_000_123)
    assert.equal(ctx.traceState, 'vendor=1')
    assert.equal(new InvocationContext(link, { ...invocation, deadlineUnixMs: 0 }).deadline, undefined)
  })

  test('its signal aborts on cancel, even when first asked for afterwards', () => {
    const early = new InvocationContext(link, invocation)
    const signal = early.signal
    early.abort('timeout')
    assert.ok(signal.aborted)
    const late = new InvocationContext(link, invocation)
    late.abort('client disconnected')
    assert.ok(late.signal.aborted)
    assert.match(String((late.signal.reason as Error).message), /client disconnected/)
  })
})

describe('apiResponse', () => {
  test('fills body and headers', () => {
    assert.deepEqual(apiResponse({ status: 204 }), { status: 204, body: null, headers: {} })
  })

  test('headers become strings', () => {
    assert.deepEqual(apiResponse({ status: 200, headers: { 'x-n': 2 } }), { status: 200, body: null, headers: { 'x-n': '2' } })
  })

  test('anything without a status is BAD_RESPONSE, not retryable', () => {
    const broken = [{ status: '200' }, { status: 99 }, { status: 200.5 }, { status: 200, headers: [] }, { status: 200, headers: { x: null } }]
    for (const output of ['nope', null, undefined, [1], { body: 1 }, ...broken]) {
      assert.throws(
        () => apiResponse(output),
        (error: unknown) => isStepError(error) && error.code === 'BAD_RESPONSE' && !error.retryable,
      )
    }
  })
})

describe('loader', () => {
  test('finds step files at any depth, sorted, skipping node_modules and dot-folders', () => {
    const project = mkdtempSync(join(tmpdir(), 'stephost-find-'))
    for (const rel of [
      'steps/b.step.ts',
      'steps/a.step.cjs',
      'steps/x/y/z.step.mts',
      'steps/node_modules/pkg/skip.step.ts',
      'steps/.hidden/skip.step.ts',
      'steps/helper.ts',
      'steps/not.step.tsx',
    ]) {
      mkdirSync(join(project, rel, '..'), { recursive: true })
      writeFileSync(join(project, rel), '')
    }
    const found = findStepFiles(project).map((p) => p.slice(project.length + 1))
    assert.deepEqual(found, ['steps/a.step.cjs', 'steps/b.step.ts', 'steps/x/y/z.step.mts'])
  })

  test('a module needs a config with a name, and a handler unless noop', () => {
    const bad = (module: Record<string, unknown>, pattern: RegExp) =>
      assert.throws(() => stepFromModule(module, 'steps/x.step.ts'), (e: unknown) => e instanceof BadStepError && pattern.test(e.message))
    bad({ handler: () => 1 }, /steps\/x\.step\.ts exports no `config`/)
    bad({ config: [], handler: () => 1 }, /`config` must be an object, not an array/)
    bad({ config: { type: 'api' }, handler: () => 1 }, /non-empty string `name`/)
    bad({ config: { type: 'event', name: 'E' } }, /exports no `handler` function/)
    bad({ config: { type: 'event', name: 'E', n: 1n }, handler: () => 1 }, /config is not JSON/)
    const noop = stepFromModule({ config: { type: 'noop', name: 'N' } }, 'steps/n.step.ts')
    assert.equal(noop.name, 'N')
  })

  test('a CommonJS module.exports or an export default works', () => {
    const handler = () => 1
    const step = stepFromModule({ default: { config: { type: 'cron', name: 'C', cron: '* * * * *' }, handler } }, 'f')
    assert.equal(step.handler, handler)
    assert.deepEqual(JSON.parse(step.config.toString()), { type: 'cron', name: 'C', cron: '* * * * *' })
  })

  test('zod schemas (4 and 3) become JSON Schema; JSON Schema is kept', () => {
    const step = stepFromModule(
      {
        config: {
          type: 'api',
          name: 'Z',
          method: 'POST',
          path: '/z',
          bodySchema: z.object({ item: z.string(), n: z.number().optional() }),
          responseSchema: { 200: z3.z.object({ ok: z3.z.boolean() }) },
        },
        handler: () => 1,
      },
      'f',
    )
    const config = JSON.parse(step.config.toString())
    assert.equal(config.bodySchema.type, 'object')
    assert.deepEqual(config.bodySchema.required, ['item'])
    assert.deepEqual(config.responseSchema['200'].properties, { ok: { type: 'boolean' } })
    const plain = { type: 'object', required: ['a'] }
    assert.equal(toJsonSchema(plain), plain)
  })

  test('the fixture project has files of every kind', () => {
    const names = findStepFiles(FIXTURE).map((p) => p.slice(FIXTURE.length + 1))
    assert.ok(names.includes('steps/nested/deep.step.mts'))
    assert.ok(names.includes('steps/common.step.cjs'))
  })
})

describe('projectImporter (bin/loaders.mjs)', () => {
  const IMPORTER = fileURLToPath(new URL('./fixtures/importer/', import.meta.url))
  /** Each file imported in one process, in order: its step, and whether the hooks were up after. */
  function importInOrder(...files: string[]): Array<{ file: string; step: string; hooks: boolean }> {
    const path = (f: string): string => (f.startsWith('generated:') ? `generated:${join(IMPORTER, f.slice('generated:'.length))}` : join(IMPORTER, f))
    const run = spawnSync(process.execPath, [join(IMPORTER, 'check.mjs'), ...files.map(path)], { encoding: 'utf8' })
    assert.equal(run.status, 0, run.stderr)
    return run.stdout.trim().split('\n').map((line) => JSON.parse(line) as { file: string; step: string; hooks: boolean })
  }

  test('CommonJS files load in this thread: the ES module hooks never start', () => {
    assert.deepEqual(importInOrder('commonjs/plain.step.ts', 'commonjs/required.step.cts', 'commonjs/script.step.js'), [
      { file: 'plain.step.ts', step: 'PlainTs', hooks: false },
      { file: 'required.step.cts', step: 'Cts', hooks: false },
      { file: 'script.step.js', step: 'Js', hooks: false },
    ])
  })

  test("the registry of typed steps, an ES module that `stephost gen` wrote, loads without them", () => {
    // Its package says "type": "module"; as an ordinary project file it would start them.
    assert.deepEqual(importInOrder('generated:generated/registry.ts', 'commonjs/plain.step.ts'), [
      { file: 'registry.ts', step: 'shop.v1.Thing', hooks: false },
      { file: 'plain.step.ts', step: 'PlainTs', hooks: false },
    ])
    assert.deepEqual(importInOrder('generated/registry.ts'), [{ file: 'registry.ts', step: 'shop.v1.Thing', hooks: true }])
  })

  test('an ES module (by its extension, package or syntax), or a CommonJS file that calls import(), starts them first', () => {
    assert.deepEqual(importInOrder('module/esm.step.ts'), [{ file: 'esm.step.ts', step: 'EsmTs', hooks: true }])
    assert.deepEqual(importInOrder('esm.step.mts'), [{ file: 'esm.step.mts', step: 'Mts', hooks: true }])
    assert.deepEqual(importInOrder('commonjs/dynamic.step.ts'), [{ file: 'dynamic.step.ts', step: 'Dynamic', hooks: true }])
    assert.deepEqual(importInOrder('commonjs/dynamic-js.step.js'), [{ file: 'dynamic-js.step.js', step: 'DynamicJs', hooks: true }])
    // A .js file written as an ES module, its package.json naming no type: require would
    // load it without the hooks, and its import of 'stephost' would not resolve.
    assert.deepEqual(importInOrder('untyped/module-syntax.step.js'), [{ file: 'module-syntax.step.js', step: 'ModuleSyntaxJs', hooks: true }])
  })
})

test('the public surface of the SDK', () => {
  // Types are erased; these are the values a step can import from 'stephost'.
  assert.deepEqual(Object.keys(sdk).sort(), ['StepError', 'isStepError'])
})

// The types a step can import from 'stephost': removing or renaming one fails `npm run lint`.
export type PublicTypes = [
  sdk.ApiConfig,
  sdk.ApiHandler,
  sdk.ApiRequest,
  sdk.ApiResponse,
  sdk.AuthConfig,
  sdk.AuthHandler,
  sdk.AuthSpec,
  sdk.Context,
  sdk.CronConfig,
  sdk.CronHandler,
  sdk.Emit,
  sdk.EmitOptions,
  sdk.EventConfig,
  sdk.EventHandler,
  sdk.HttpMethod,
  sdk.JsonValue,
  sdk.LogFields,
  sdk.Logger,
  sdk.NoopConfig,
  sdk.Schema,
  sdk.State,
  sdk.StateItem,
  sdk.StepConfig,
  sdk.StepErrorOptions,
  sdk.Streams,
]
