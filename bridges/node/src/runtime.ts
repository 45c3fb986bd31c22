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

import type { HostConnection } from './bridge/connection.ts'
import { InvocationContext } from './context.ts'
import type { Invocation } from './invocation.ts'
import type { LoadedStep } from './loader.ts'
import { withMiddleware } from './motia.ts'
import { StepError } from './sdk.ts'
import type { ApiResponse } from './sdk.ts'

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
    const step = this.#steps.get(invocation.step)
    if (step === undefined) {
      const message = `this Node runtime has no step named ${JSON.stringify(invocation.step)}`
      this.#conn.sendFailure(invocation.id, new StepError(message, { code: 'UNKNOWN_STEP' }), invocation.step)
      return
    }
    const ctx = new InvocationContext(this.#conn, invocation, step.codec)
    const task: Task = { id: invocation.id, step, ctx, done: false }
    this.#tasks.set(task.id, task)
    this.#scope.run(task, this.#run, task, invocation)
  }

  #run = async (task: Task, invocation: Invocation): Promise<void> => {
    let send: () => void
    try {
      const input = task.step.codec?.input
      const request = invocation.request
      if (request !== undefined && invocation.trigger === 'auth') {
        const principal = await task.step.handler(request, task.ctx)
        send = () => this.#conn.sendOutput(task.id, principal ?? null)
      } else if (request !== undefined) {
        if (input !== undefined) request.body = input.fromJSON(request.body)
        const { handler, middleware } = task.step
        const response = apiResponse(
          await (middleware === undefined
            ? handler(request, task.ctx)
            : withMiddleware(middleware, request, task.ctx, async () => handler(request, task.ctx))),
        )
        send = () => this.#conn.sendResponse(task.id, response)
      } else if (invocation.trigger === 'event') {
        const payload = invocation.payload.length ? parseJson(invocation.payload) : null
        const value = await task.step.handler(input === undefined ? payload : input.fromJSON(payload), task.ctx)
        send = () => this.#conn.sendOutput(task.id, value)
      } else {
        const value = await task.step.handler(task.ctx)
        send = () => this.#conn.sendOutput(task.id, value)
      }
    } catch (error) {
      this.#fail(task, error)
      return
    }
    this.#finish(task, send)
  }

  /** Fail a running invocation with `error`; false when it had finished already. */
  #fail(task: Task, error: unknown): boolean {
    return this.#finish(task, () => this.#conn.sendFailure(task.id, error, task.step.name))
  }

  /** Send the result (none when cancelled), once; the last one out of a drain says Drained. */
  #finish(task: Task, sendResult?: () => void): boolean {
    if (task.done) return false
    task.done = true
    this.#tasks.delete(task.id)
    try {
      sendResult?.()
    } catch (error) {
      // What the handler returned does not encode (a BigInt, a cycle): that fails it.
      this.#conn.sendFailure(task.id, error, task.step.name)
    }
    if (this.#draining && this.#tasks.size === 0) this.#drained()
    return true
  }

  /** The host stopped waiting: no result will be read, so none is sent. */
  cancel(invocationId: number, reason: string): void {
    const task = this.#tasks.get(invocationId)
    if (task === undefined) return
    this.#finish(task)
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
    const fields = { origin, traceId: task.ctx.traceId, invocationStep: task.step.name }
    this.#conn.logFailure(task.id, `${origin} after ${task.step.name} finished`, error, task.step.name, fields)
    return true
  }
}

function parseJson(bytes: Uint8Array): unknown {
  return JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'))
}

/** What an api handler returned, with string headers; BAD_RESPONSE (not retryable)
 * says what is wrong with anything else. */
export function apiResponse(output: unknown): ApiResponse {
  if (typeof output !== 'object' || output === null || Array.isArray(output) || !('status' in output)) {
    const what = typeof output === 'object' && output !== null && !Array.isArray(output) ? 'an object without `status`' : describe(output)
    throw badResponse(`an api handler must return {status, body, headers}; it returned ${what}`)
  }
  const response = output as { status: unknown; body?: unknown; headers?: unknown }
  const status = response.status
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599) {
    throw badResponse(`status must be an integer from 100 to 599, got ${JSON.stringify(status) ?? String(status)}`)
  }
  const given = response.headers ?? {}
  if (typeof given !== 'object' || Array.isArray(given)) {
    throw badResponse(`headers must be an object, got ${describe(given)}`)
  }
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(given as Record<string, unknown>)) {
    if (typeof value !== 'string' && typeof value !== 'number') {
      throw badResponse(`header ${JSON.stringify(name)} must be a string, got ${describe(value)}`)
    }
    headers[name] = String(value)
  }
  return { status, body: response.body ?? null, headers }
}

function badResponse(message: string): StepError {
  return new StepError(message, { code: 'BAD_RESPONSE', retryable: false })
}

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'object') return 'an object'
  return `a ${typeof value}`
}
