// The real runtime process against a scripted host over real gRPC (see fakehost.ts).
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'

import { FakeHost, HostSide, json, parse, RuntimeProcess } from './fakehost.ts'
import { num, v1 } from '../src/bridge/wire.ts'
import type { RuntimeMessage, WireError } from '../src/bridge/wire.ts'

const { TRIGGER_API, TRIGGER_CRON, TRIGGER_EVENT } = v1.Trigger

const PROJECT = fileURLToPath(new URL('./fixtures/project', import.meta.url))
const CRASH = fileURLToPath(new URL('./fixtures/crash', import.meta.url))
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736'
const TRACEPARENT = `00-${TRACE}-00f067aa0ba902b7-01`

let nextId = 1

/** Send one invocation; returns its id. */
function invoke(host: HostSide, step: string, trigger: number, payload: unknown, attempt = 1): number {
  const id = nextId++
  host.send({ invocation: { id, step, trigger, payload: json(payload), attempt, trace: { traceparent: TRACEPARENT } } })
  return id
}

type Request = {
  body: unknown
  pathParams: Record<string, string>
  queryParams: Record<string, string[]>
  headers: Record<string, string>
  method: string
  path: string
}

/** Send one api invocation (its request as the host sends it); returns its id. */
function invokeApi(host: HostSide, step: string, request: Partial<Request>, attempt = 1): number {
  const id = nextId++
  const queryParams = Object.fromEntries(Object.entries(request.queryParams ?? {}).map(([k, v]) => [k, { values: v }]))
  const wire = { ...request, queryParams, body: request.body === undefined ? undefined : json(request.body) }
  host.send({ invocation: { id, step, trigger: TRIGGER_API, request: wire, attempt, trace: { traceparent: TRACEPARENT } } })
  return id
}

async function result(
  host: HostSide,
  id: number,
): Promise<{ output?: unknown; error?: WireError; response?: { status: number; body: unknown; headers: unknown } }> {
  const message = await host.next('result')
  assert.equal(num(message.result!.invocationId), id)
  const wire = message.result!
  if (wire.error) return { error: wire.error }
  if (wire.response) {
    const { status, body, headers } = wire.response
    return { response: { status: status ?? 0, body: parse(body), headers: { ...headers } } }
  }
  return { output: parse(wire.output) }
}

async function failure(host: HostSide, kind: string): Promise<WireError> {
  const id = invoke(host, 'Errors', TRIGGER_EVENT, { kind })
  const { error } = await result(host, id)
  assert.ok(error, `kind ${kind} should fail`)
  return error
}

describe('the runtime on the fixture project', () => {
  const fake = new FakeHost()
  let runtime: RuntimeProcess
  let host: HostSide

  before(async () => {
    await fake.start()
    runtime = new RuntimeProcess(fake.address, PROJECT)
    host = await fake.accept()
  })

  after(() => {
    runtime.kill()
    fake.stop()
  })

  test('Hello announces the runtime, every step and every file that failed', () => {
    const hello = host.hello
    assert.equal(hello.contractVersion, v1.ContractVersion.CONTRACT_VERSION_CURRENT)
    assert.equal(hello.language, 'node')
    assert.equal(hello.runtimeVersion, `node ${process.version}`)
    assert.equal(hello.pid, runtime.child.pid)
    assert.equal(hello.runtimeId, 'node-test-1')
    assert.equal(hello.capacity ?? 0, 0)
    const steps = Object.fromEntries((hello.steps ?? []).map((s) => [s.name, s.file]))
    assert.deepEqual(steps, {
      Api: 'steps/api.step.ts',
      Calls: 'steps/calls.step.ts',
      CommonJs: 'steps/common.step.cjs',
      Deep: 'steps/nested/deep.step.mts',
      Errors: 'steps/errors.step.ts',
      EsModule: 'steps/module.step.mjs',
      PlainJs: 'steps/plain.step.js',
      Wait: 'steps/wait.step.ts',
      ZodBody: 'steps/zod-body.step.ts',
    })
    const zod = JSON.parse(Buffer.from(hello.steps!.find((s) => s.name === 'ZodBody')!.config!).toString())
    assert.deepEqual(zod.bodySchema.required, ['item', 'quantity'])
    assert.equal(zod.bodySchema.properties.quantity.type, 'integer')
    assert.equal(zod.responseSchema['200'].properties.ok.type, 'boolean')

    const errors = Object.fromEntries((hello.loadErrors ?? []).map((e) => [e.file, e.error!]))
    assert.deepEqual(Object.keys(errors).sort(), [
      'steps/broken-syntax.step.ts',
      'steps/no-handler.step.ts',
      'steps/throws-at-load.step.js',
    ])
    const syntax = errors['steps/broken-syntax.step.ts']!
    assert.equal(syntax.code, 'LOAD_FAILED')
    assert.equal(syntax.language, 'node')
    assert.match(syntax.message ?? '', /^SyntaxError: .* \(steps\/broken-syntax\.step\.ts:4:3\)$/)
    assert.equal(errors['steps/no-handler.step.ts']!.code, 'BAD_CONFIG')
    assert.match(errors['steps/no-handler.step.ts']!.message ?? '', /exports no `handler` function/)
    assert.equal(errors['steps/throws-at-load.step.js']!.message, 'RangeError: the file threw while loading')
    assert.match(errors['steps/throws-at-load.step.js']!.stack ?? '', /throws-at-load\.step\.js:1/)
  })

  test('an api invocation gets the request and returns status, body and headers', async () => {
    const request = {
      body: { a: 1 },
      pathParams: { id: 'x' },
      queryParams: { q: ['1', '2'], one: ['1'] },
      headers: { 'x-test': 'yes' },
      method: 'POST',
      path: '/api/x',
    }
    const id = invokeApi(host, 'Api', request, 2)
    const seen = { ...request, queryParams: { q: ['1', '2'], one: '1' } }
    assert.deepEqual(await result(host, id), {
      response: {
        status: 201,
        body: { request: seen, traceId: TRACE, attempt: 2, step: 'Api' },
        headers: { 'x-from': 'node' },
      },
    })
  })

  test('an api handler that returns no response fails with BAD_RESPONSE, not retryable', async () => {
    const id = invokeApi(host, 'Api', { body: { respond: 'nope' } })
    const { error } = await result(host, id)
    assert.equal(error?.code, 'BAD_RESPONSE')
    assert.equal(error?.retryable, false)
    assert.equal(error?.step, 'Api')
  })

  test('CommonJS, ES module and nested .mts steps run; cron handlers get only ctx', async () => {
    let id = invoke(host, 'CommonJs', TRIGGER_EVENT, {})
    assert.deepEqual((await result(host, id)).output, { format: 'cjs', stepError: 'function' })
    id = invoke(host, 'EsModule', TRIGGER_CRON, null, 3)
    assert.deepEqual((await result(host, id)).output, { format: 'esm', attempt: 3 })
    id = invoke(host, 'Deep', TRIGGER_EVENT, {})
    assert.deepEqual((await result(host, id)).output, { answer: 42 })
  })

  test('an unknown step is UNKNOWN_STEP', async () => {
    const id = invoke(host, 'Nope', TRIGGER_EVENT, {})
    assert.equal((await result(host, id)).error?.code, 'UNKNOWN_STEP')
  })

  test('a thrown Error keeps its type, message, stack, step and cause', async () => {
    const error = await failure(host, 'type')
    assert.equal(error.code, 'HANDLER_ERROR')
    assert.equal(error.type, 'TypeError')
    assert.equal(error.message, 'outer')
    assert.equal(error.language, 'node')
    assert.equal(error.step, 'Errors')
    assert.equal(error.retryable, true)
    assert.match(error.stack ?? '', /^TypeError: outer\n\s+at .*errors\.step\.ts:\d+/)
    assert.equal(error.cause?.type, 'RangeError')
    assert.equal(error.cause?.message, 'inner')
    const custom = await failure(host, 'custom')
    assert.equal(custom.type, 'OrderError')
    assert.deepEqual(parse(custom.details), { code: 'E_ORDER' })
  })

  test('a thrown string, object or undefined, and a rejected promise, all fail the invocation', async () => {
    const text = await failure(host, 'string')
    assert.deepEqual([text.type, text.message, text.step], ['string', 'just a string', 'Errors'])
    const object = await failure(host, 'object')
    assert.deepEqual([object.type, object.message, object.code], ['Object', 'an object', 'HANDLER_ERROR'])
    assert.deepEqual(parse(object.details), { thrown: { code: 'E_OBJ', message: 'an object', n: 1 } })
    assert.equal((await failure(host, 'undefined')).message, 'undefined')
    const rejected = await failure(host, 'reject')
    assert.deepEqual([rejected.type, rejected.message], ['RangeError', 'rejected promise'])
    assert.match(rejected.stack ?? '', /errors\.step\.ts/)
  })

  test('a StepError chooses its code and says it is not worth retrying', async () => {
    const error = await failure(host, 'step-error')
    assert.deepEqual([error.code, error.retryable, error.type], ['MY_CODE', false, 'StepError'])
    assert.deepEqual(parse(error.details), { a: 1 })
  })

  test('an error thrown in a callback while the handler is pending fails that invocation', async () => {
    const error = await failure(host, 'callback')
    assert.deepEqual([error.type, error.message, error.step], ['TypeError', 'thrown in a timer callback', 'Errors'])
    assert.match(error.stack ?? '', /errors\.step\.ts/)
  })

  test('a rejection nobody awaited fails the invocation that made it', async () => {
    const error = await failure(host, 'floating')
    assert.deepEqual([error.type, error.message], ['SyntaxError', 'nobody awaited me'])
  })

  test('an error thrown after the handler finished is logged with its step; the runtime lives on', async () => {
    const id = invoke(host, 'Errors', TRIGGER_EVENT, { kind: 'after' })
    assert.deepEqual(await result(host, id), { output: null })
    const log = (await host.next('call')).call!
    assert.equal(num(log.invocationId), id)
    assert.equal(log.log?.level, 'error')
    assert.equal(log.log?.message, 'uncaught exception after Errors finished')
    const fields = parse(log.log?.fields) as { error: { step: string; stack: string; type: string }; traceId: string }
    assert.equal(fields.error.step, 'Errors')
    assert.equal(fields.error.type, 'Error')
    assert.match(fields.error.stack, /thrown after the handler finished\n\s+at .*errors\.step\.ts/)
    assert.equal(fields.traceId, TRACE)
    const again = invoke(host, 'Errors', TRIGGER_EVENT, { kind: 'none' })
    assert.deepEqual(await result(host, again), { output: null })
    assert.equal(runtime.child.exitCode, null)
  })

  test('every ctx call reaches the host with its invocation id, and gets its answer', async () => {
    const id = invoke(host, 'Calls', TRIGGER_EVENT, {})
    const answer = async (check: (call: NonNullable<RuntimeMessage['call']>) => object) => {
      const call = (await host.next('call')).call!
      assert.equal(num(call.invocationId), id)
      host.send({ reply: { callId: call.callId, ...check(call) } })
    }
    await answer((call) => {
      assert.equal(call.emit?.topic, 'out')
      assert.deepEqual(parse(call.emit?.data), { n: 1 })
      assert.deepEqual([call.emit?.groupId, call.emit?.idempotencyKey, num(call.emit?.delayMs)], ['g1', 'k1', 50])
      return { emit: { messageId: 'm-1' } }
    })
    await answer((call) => {
      assert.deepEqual({ ...call.stateGet }, { group: 'g', key: 'a' })
      return { stateGet: { found: true, value: json({ n: 1 }) } }
    })
    await answer(() => ({ stateGet: { found: false } }))
    await answer((call) => {
      assert.deepEqual([call.stateSet?.group, call.stateSet?.key, parse(call.stateSet?.value)], ['g', 'b', [1, 2]])
      return { stateSet: {} }
    })
    await answer(() => ({ stateList: { items: [{ key: 'a', value: json(1) }, { key: 'b', value: json([1, 2]) }] } }))
    await answer(() => ({ stateDelete: { deleted: true } }))
    await answer(() => ({ stateClear: { deleted: 2 } }))
    await answer((call) => {
      assert.deepEqual([call.streamSet?.stream, call.streamSet?.id, parse(call.streamSet?.value)], ['s', 'id1', { p: 50 }])
      return { streamSet: {} }
    })
    await answer(() => ({ streamDelete: { deleted: true } }))
    await answer((call) => {
      assert.deepEqual(parse(call.streamSend?.event), { type: 'ping' })
      return { streamSend: {} }
    })
    const log = (await host.next('call')).call!
    assert.deepEqual([log.log?.level, log.log?.message, parse(log.log?.fields)], ['warn', 'calls done', { marker: 'm1' }])
    await answer(() => ({ error: { code: 'EMIT_NOT_ALLOWED', message: 'not in emits', retryable: false } }))
    const { output } = await result(host, id)
    const body = output as Record<string, unknown> & { refused: { code: string; message: string; stack: string } }
    assert.deepEqual(
      { ...body, refused: { code: body.refused.code, message: body.refused.message } },
      {
        messageId: 'm-1',
        got: { n: 1 },
        missing: null,
        list: [
          { key: 'a', value: 1 },
          { key: 'b', value: [1, 2] },
        ],
        deleted: true,
        cleared: 2,
        streamDeleted: true,
        refused: { code: 'EMIT_NOT_ALLOWED', message: 'not in emits' },
      },
    )
    // The refusal is raised where the handler awaited it.
    assert.match(body.refused.stack, /calls\.step\.ts/)
  })

  test('results of invocations that finish in the same turn travel in one frame', async () => {
    const before = host.frames.length
    const ids = Array.from({ length: 50 }, () => nextId++)
    host.send(...ids.map((id) => ({ invocation: { id, step: 'Errors', trigger: TRIGGER_EVENT, payload: json({ kind: 'none' }) } })))
    for (const id of ids) assert.equal(num((await host.next('result')).result!.invocationId), id)
    assert.equal(host.frames.length - before, 1)
  })

  test('a heartbeat is answered', async () => {
    host.send({ heartbeat: { sentUnixMs: Date.now() } })
    assert.ok(num((await host.next('heartbeat')).heartbeat!.sentUnixMs) > 0)
  })

  test('a cancelled invocation sends no result and aborts ctx.signal', async () => {
    const id = invoke(host, 'Wait', TRIGGER_EVENT, { on: 'abort' })
    host.send({ cancel: { invocationId: id, reason: 'timeout' } })
    const log = (await host.next('call')).call!
    assert.equal(log.log?.message, 'aborted')
    assert.match(String((parse(log.log?.fields) as { reason: string }).reason), /the host stopped waiting: timeout/)
    const probe = invoke(host, 'Errors', TRIGGER_EVENT, { kind: 'none' })
    assert.equal(num((await host.next('result')).result!.invocationId), probe) // no result for the cancelled one
  })

  test('drain: finishes what is in flight, says Drained, ends the stream and exits 0', async () => {
    const id = invoke(host, 'Wait', TRIGGER_EVENT, { on: 'state' })
    const call = (await host.next('call')).call!
    host.send({ drain: { graceMs: 5000 } })
    host.send({ reply: { callId: call.callId, stateGet: { found: false } } })
    assert.equal(num((await host.next('result')).result!.invocationId), id)
    await host.next('drained')
    await host.ended()
    host.close()
    assert.equal(await runtime.exited, 0)
  })
})

describe('the runtime process', () => {
  test('exits when the host closes the stream', async () => {
    const fake = new FakeHost()
    await fake.start()
    const runtime = new RuntimeProcess(fake.address, PROJECT)
    try {
      const host = await fake.accept()
      host.close()
      assert.equal(await runtime.exited, 0)
    } finally {
      runtime.kill()
      fake.stop()
    }
  })

  test('exits non-zero on an error that belongs to no invocation', async () => {
    const fake = new FakeHost()
    await fake.start()
    const runtime = new RuntimeProcess(fake.address, CRASH)
    try {
      const host = await fake.accept()
      invoke(host, 'Crash', TRIGGER_EVENT, {})
      assert.equal(await runtime.exited, 1)
      assert.match(runtime.stderr, /uncaught exception outside any invocation/)
      assert.match(runtime.stderr, /the runtime broke outside any invocation/)
    } finally {
      runtime.kill()
      fake.stop()
    }
  })

  test('says why and exits 2 when the host refuses it', async () => {
    const fake = new FakeHost()
    fake.refuse = 'contract version mismatch: the host speaks v2'
    await fake.start()
    const runtime = new RuntimeProcess(fake.address, PROJECT)
    try {
      assert.equal(await runtime.exited, 2)
      assert.match(runtime.stderr, /FAILED_PRECONDITION.*contract version mismatch: the host speaks v2/)
    } finally {
      runtime.kill()
      fake.stop()
    }
  })

  test('needs STEPHOST_HOST_ADDRESS', async () => {
    const runtime = new RuntimeProcess('', PROJECT)
    assert.equal(await runtime.exited, 2)
    assert.match(runtime.stderr, /STEPHOST_HOST_ADDRESS is not set/)
  })
})
