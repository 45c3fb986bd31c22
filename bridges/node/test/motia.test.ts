// Motia compatibility in-process: the 'motia' entry, Motia's emit form, middleware,
// per-stream handles, and where the loader finds Motia's files.
import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, test } from 'node:test'

import { z } from 'zod'

import { BadStepError, findStepFiles, STREAM_FILE, stepFromModule } from '../src/loader.ts'
import { emitArgs, withMiddleware, withStreamHandles } from '../src/motia.ts'
import type { Middleware } from '../src/motia.ts'
import * as motiaSdk from '../src/motia-sdk.ts'
import type { StreamItem, Streams } from '../src/sdk.ts'

test('the public surface of the motia entry', () => {
  // Types are erased; these are the values a step can import from 'motia'.
  assert.deepEqual(Object.keys(motiaSdk).sort(), ['defineConfig'])
  const config = { plugins: [] }
  assert.equal(motiaSdk.defineConfig(config), config)
})

// The types a step can import from 'motia': removing or renaming one fails `npm run lint`.
export type MotiaTypes = [
  motiaSdk.ApiMiddleware,
  motiaSdk.ApiRequest,
  motiaSdk.ApiResponse,
  motiaSdk.ApiRouteConfig,
  motiaSdk.ApiRouteHandler,
  motiaSdk.ApiRouteMethod,
  motiaSdk.BaseStreamItem,
  motiaSdk.CronConfig,
  motiaSdk.CronHandler,
  motiaSdk.Emit,
  motiaSdk.EmitData,
  motiaSdk.Emitter<motiaSdk.EmitData>,
  motiaSdk.EventConfig,
  motiaSdk.EventHandler<unknown, never>,
  motiaSdk.FlowContext,
  motiaSdk.FlowContextStateStreams,
  motiaSdk.HandlerConfig,
  motiaSdk.Handlers,
  motiaSdk.InfrastructureConfig,
  motiaSdk.InternalStateManager,
  motiaSdk.JsonSchema,
  motiaSdk.Logger,
  motiaSdk.MotiaStream<unknown>,
  motiaSdk.NoopConfig,
  motiaSdk.QueryParam,
  motiaSdk.QueueConfig,
  motiaSdk.StateStreamEvent<unknown>,
  motiaSdk.StateStreamEventChannel,
  motiaSdk.StepConfig,
  motiaSdk.StepHandler<motiaSdk.EventConfig>,
  motiaSdk.StepSchemaInput,
  motiaSdk.StreamConfig,
]

describe('emitArgs', () => {
  test("Motia's object form maps onto topic, data and groupId", () => {
    assert.deepEqual(emitArgs({ topic: 't', data: { a: 1 } }), { topic: 't', data: { a: 1 }, options: {} })
    assert.deepEqual(emitArgs({ topic: 't', data: 1, messageGroupId: 'g' }), {
      topic: 't',
      data: 1,
      options: { groupId: 'g' },
    })
  })

  test('a bad event says what is wrong', () => {
    assert.throws(() => emitArgs({ topic: 't', dta: 1 }), /unknown keys dta in the event/)
    assert.throws(() => emitArgs({ data: 1 }), /topic must be a non-empty string, got undefined/)
    assert.throws(() => emitArgs({ topic: 't', messageGroupId: 3 }), /messageGroupId must be a string, got 3/)
  })
})

test('middleware runs in order around the handler, and may answer alone', async () => {
  const calls: string[] = []
  const mark =
    (name: string): Middleware =>
    async (_req, _ctx, next) => {
      calls.push(`${name}>`)
      const response = await next()
      calls.push(`<${name}`)
      return response
    }
  const handler = async () => {
    calls.push('handler')
    return { status: 200 }
  }
  assert.deepEqual(await withMiddleware([mark('a'), mark('b')], {}, {}, handler), { status: 200 })
  assert.deepEqual(calls, ['a>', 'b>', 'handler', '<b', '<a'])
  calls.length = 0
  const refuse: Middleware = async () => ({ status: 401 })
  assert.deepEqual(await withMiddleware([refuse, mark('a')], {}, {}, handler), { status: 401 })
  assert.deepEqual(calls, [])
})

test("ctx.streams keeps the native calls and adds Motia's per-stream handles", async () => {
  const items = new Map<string, unknown>()
  const sent: unknown[] = []
  const key = (stream: string, group: string, id: string) => `${stream}/${group}/${id}`
  const native: Streams = {
    set: async (stream, group, id, value) => void items.set(key(stream, group, id), value),
    delete: async (stream, group, id) => items.delete(key(stream, group, id)),
    send: async (stream, group, event, options) => void sent.push([stream, group, event, options]),
    get: async <Value>(stream: string, group: string, id: string) =>
      (items.get(key(stream, group, id)) ?? null) as Value | null,
    list: async <Value>(stream: string, group: string) =>
      [...items.entries()]
        .filter(([k]) => k.startsWith(`${stream}/${group}/`))
        .map(([k, value]): StreamItem<Value> => ({ id: k.split('/')[2]!, value: value as Value })),
  }
  const streams = withStreamHandles(native) as Streams & Record<string, motiaSdk.MotiaStream<{ text: string }>>
  assert.equal(streams.set, native.set)
  const { todo } = streams
  assert.ok(todo !== undefined)
  assert.equal(streams.todo, todo) // one handle per name
  assert.deepEqual(await todo.set('g', 'a', { text: 'x' }), { text: 'x', id: 'a' })
  assert.deepEqual(await todo.get('g', 'a'), { text: 'x', id: 'a' })
  assert.equal(await todo.get('g', 'zz'), null)
  assert.deepEqual(await todo.getGroup('g'), [{ text: 'x', id: 'a' }])
  await todo.send({ groupId: 'g', id: 'a' }, { type: 'done', data: null })
  assert.deepEqual(sent, [['todo', 'g', { type: 'done', data: null }, { id: 'a' }]])
  assert.deepEqual(await todo.delete('g', 'a'), { text: 'x', id: 'a' })
  assert.equal(await todo.delete('g', 'a'), null)
  await assert.rejects(
    todo.send('g' as unknown as motiaSdk.StateStreamEventChannel, { type: 't', data: 1 }),
    /the channel must be \{ groupId, id\? \}/,
  )
})

describe('loader', () => {
  test("finds Motia's file names under steps/ and src/, skipping installed packages", () => {
    const project = mkdtempSync(join(tmpdir(), 'stephost-motia-'))
    for (const rel of [
      'src/a/api.step.ts',
      'src/a/legacy_step.ts',
      'src/a/helper.ts',
      'src/a/todo.stream.ts',
      'src/a/other_stream.js',
      'steps/b.step.js',
      'python_modules/lib/x.step.ts',
      'src/python_modules/y.step.ts',
      'src/node_modules/pkg/z.step.ts',
      'types.d.ts',
      'motia.config.ts',
    ]) {
      mkdirSync(join(project, rel, '..'), { recursive: true })
      writeFileSync(join(project, rel), '')
    }
    const relative = (paths: string[]) => paths.map((p) => p.slice(project.length + 1))
    assert.deepEqual(relative(findStepFiles(project)), ['src/a/api.step.ts', 'src/a/legacy_step.ts', 'steps/b.step.js'])
    assert.deepEqual(relative(findStepFiles(project, STREAM_FILE)), ['src/a/other_stream.js', 'src/a/todo.stream.ts'])
  })

  test('middleware stays in the runtime; the host gets its names', () => {
    const check: Middleware = async (_req, _ctx, next) => next()
    const step = stepFromModule(
      {
        config: { type: 'api', name: 'A', method: 'GET', path: '/a', emits: [], middleware: [check, async () => 1] },
        handler: () => 1,
      },
      'src/a.step.ts',
    )
    assert.deepEqual(JSON.parse(step.config.toString()).middleware, ['check', 'middleware 2'])
    assert.equal(step.middleware?.[0], check)
    const bad = (config: Record<string, unknown>, pattern: RegExp) =>
      assert.throws(
        () => stepFromModule({ config, handler: () => 1 }, 'f'),
        (e: unknown) => e instanceof BadStepError && pattern.test(e.message),
      )
    bad({ type: 'api', name: 'A', method: 'GET', path: '/a', middleware: ['x'] }, /must be an array of functions/)
    bad({ type: 'event', name: 'E', subscribes: ['a'], middleware: [check] }, /runs around api handlers only/)
  })

  test('zod schemas of responses by status become JSON Schema', () => {
    const step = stepFromModule(
      {
        config: {
          type: 'api',
          name: 'A',
          method: 'POST',
          path: '/a',
          emits: [],
          responseSchema: { 200: z.object({ id: z.string() }), 400: { type: 'object' } },
        },
        handler: () => 1,
      },
      'f',
    )
    const responses = JSON.parse(step.config.toString()).responseSchema
    assert.deepEqual(responses['200'].required, ['id'])
    assert.deepEqual(responses['400'], { type: 'object' })
  })
})
