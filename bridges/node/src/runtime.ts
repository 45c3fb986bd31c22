/**
 * Runs invocations of the loaded steps; many at once on the event loop.
 *
 * Each invocation runs inside an AsyncLocalStorage scope holding its task, so an error
 * that escapes the handler (a throw in a timer callback, a promise nobody awaited) is
 * attributed to the invocation that scheduled it: while the invocation is running it
 * fails with that error; once it has finished the error is logged with its step. An
 * error outside every invocation is the runtime's own: it exits non-zero, and the host
 * restarts it and redelivers the events that were in flight.
 */
import { AsyncLocalStorage } from 'node:async_hooks'

import type { HostConnection } from './connection.ts'
import { InvocationContext, jsonBytes, logRecord } from './context.ts'
import { toWire } from './errors.ts'
import type { LoadedStep } from './loader.ts'
import { withMiddleware } from './motia.ts'
import { StepError } from './sdk.ts'
import { num, TRIGGER_API, TRIGGER_EVENT } from './wire.ts'
import type { Invocation, InvocationResult, WireError } from './wire.ts'

export const LANGUAGE = 'node'
const NULL_JSON: Buffer = Buffer.from('null')

/** One invocation in flight. */
interface Task {
  readonly id: number
  readonly step: LoadedStep
  readonly ctx: InvocationContext
  done: boolean
}

export class NodeRuntime {
  readonly #conn: HostConnection
  readonly #steps: Map<string, LoadedStep>
  readonly #tasks = new Map<number, Task>()
  readonly #scope = new AsyncLocalStorage<Task>()
  #draining = false
  #onDrained: (() => void) | undefined

  constructor(conn: HostConnection, steps: LoadedStep[]) {
    this.#conn = conn
    this.#steps = new Map(steps.map((step) => [step.name, step]))
  }

  invoke(invocation: Invocation): void {
    const id = num(invocation.id)
    const step = this.#steps.get(invocation.step ?? '')
    if (step === undefined) {
      this.#sendError(id, {
        code: 'UNKNOWN_STEP',
        message: `this Node runtime has no step named ${JSON.stringify(invocation.step ?? '')}`,
        type: 'StepError',
        language: LANGUAGE,
        step: invocation.step ?? '',
        retryable: true,
      })
      return
    }
    const traceparent = invocation.trace?.traceparent ?? ''
    const ctx = new InvocationContext(this.#conn, id, step.name, traceparent, invocation.attempt ?? 1, step.codec)
    const task: Task = { id, step, ctx, done: false }
    this.#tasks.set(id, task)
    this.#scope.run(task, this.#run, task, invocation)
  }

  #run = async (task: Task, invocation: Invocation): Promise<void> => {
    let output: Buffer
    try {
      const payload = invocation.payload && invocation.payload.length ? parseJson(invocation.payload) : null
      const trigger = invocation.trigger
      const input = task.step.codec?.input
      let value: unknown
      if (trigger === TRIGGER_API) {
        const request = apiRequest(payload)
        if (input !== undefined) request.body = input.fromJSON(request.body)
        const { handler, middleware } = task.step
        value = apiResponse(
          await (middleware === undefined
            ? handler(request, task.ctx)
            : withMiddleware(middleware, request, task.ctx, async () => handler(request, task.ctx))),
        )
      } else if (trigger === TRIGGER_EVENT) {
        value = await task.step.handler(input === undefined ? payload : input.fromJSON(payload), task.ctx)
      } else {
        value = await task.step.handler(task.ctx)
      }
      output = value === undefined || value === null ? NULL_JSON : jsonBytes(value)
    } catch (error) {
      this.#fail(task, error)
      return
    }
    this.#finish(task, { invocationId: task.id, output })
  }

  /** Fail a running invocation with `error`; false when it had finished already. */
  #fail(task: Task, error: unknown): boolean {
    if (task.done) return false
    return this.#finish(task, { invocationId: task.id, error: toWire(error, task.step.name) })
  }

  /** Send the result (none when cancelled), once; the last one out of a drain says Drained. */
  #finish(task: Task, result: InvocationResult | undefined): boolean {
    if (task.done) return false
    task.done = true
    this.#tasks.delete(task.id)
    if (result !== undefined) this.#conn.send({ result })
    if (this.#draining && this.#tasks.size === 0) this.#drained()
    return true
  }

  #sendError(id: number, error: WireError): void {
    this.#conn.send({ result: { invocationId: id, error } })
  }

  /** The host stopped waiting: no result will be read, so none is sent. */
  cancel(invocationId: number, reason: string): void {
    const task = this.#tasks.get(invocationId)
    if (task === undefined) return
    this.#finish(task, undefined)
    task.ctx.abort(reason || 'cancelled')
  }

  /** Stop taking work; `onDrained` runs once nothing is in flight. */
  drain(onDrained: () => void): void {
    this.#draining = true
    this.#onDrained = onDrained
    if (this.#tasks.size === 0) this.#drained()
  }

  #drained(): void {
    const callback = this.#onDrained
    this.#onDrained = undefined
    callback?.()
  }

  /**
   * An error no handler caught ('uncaughtException' / 'unhandledRejection'). Returns
   * false when it belongs to no invocation, which means the runtime itself is broken.
   */
  escaped(error: unknown, origin: string): boolean {
    const task = this.#scope.getStore()
    if (task === undefined) return false
    if (this.#fail(task, error)) return true
    // The invocation had finished: its result is sent, so the error can only be logged.
    const wire = toWire(error, task.step.name)
    const fields = {
      origin,
      error: { code: wire.code, type: wire.type, message: wire.message, stack: wire.stack, step: task.step.name },
      traceId: task.ctx.traceId,
      invocationStep: task.step.name,
    }
    this.#conn.send({
      call: { invocationId: task.id, log: logRecord('error', `${origin} after ${task.step.name} finished`, fields) },
    })
    return true
  }
}

function parseJson(bytes: Uint8Array): unknown {
  return JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'))
}

type RequestPayload = {
  body?: unknown
  pathParams?: Record<string, string>
  queryParams?: Record<string, string | string[]>
  headers?: Record<string, string>
  method?: string
  path?: string
}

function apiRequest(payload: unknown): Required<RequestPayload> {
  const p = (payload ?? {}) as RequestPayload
  return {
    body: p.body ?? null,
    pathParams: p.pathParams ?? {},
    queryParams: p.queryParams ?? {},
    headers: p.headers ?? {},
    method: p.method ?? 'GET',
    path: p.path ?? '/',
  }
}

/** `{status, body, headers}` from what an api handler returned, or BAD_RESPONSE. */
export function apiResponse(output: unknown): { status: unknown; body: unknown; headers: unknown } {
  if (typeof output === 'object' && output !== null && !Array.isArray(output) && 'status' in output) {
    const response = output as { status: unknown; body?: unknown; headers?: unknown }
    return { status: response.status, body: response.body ?? null, headers: response.headers ?? {} }
  }
  throw new StepError(
    `an api handler must return {status, body, headers}; it returned ${describe(output)}`,
    { code: 'BAD_RESPONSE', retryable: false },
  )
}

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'object') return 'an object without `status`'
  return `a ${typeof value}`
}
