/**
 * stephost: what a TypeScript or JavaScript step imports.
 *
 * A step is a file named `*.step.ts` (or `.js`, `.mts`, `.mjs`, `.cts`, `.cjs`) under
 * `steps/` that exports a `config` and a `handler`:
 *
 * ```ts
 * import type { ApiConfig, ApiHandler } from 'stephost'
 *
 * export const config = {
 *   type: 'api', name: 'Hello', method: 'GET', path: '/hello/:name', emits: ['greeted'],
 * } satisfies ApiConfig
 *
 * export const handler: ApiHandler = async (req, ctx) => {
 *   await ctx.emit('greeted', { name: req.pathParams.name })
 *   return { status: 200, body: { hello: req.pathParams.name } }
 * }
 * ```
 *
 * The Node runtime resolves the specifier 'stephost' to this file whatever the project
 * has installed, so the values here (StepError) are the runtime's own. This file stands
 * alone (it imports nothing) so that a project's `tsc --strict` can check it too.
 */

/** A value that survives JSON: what payloads, state values and stream items are. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue }

/** An HTTP request routed to an api step. Header names are lower case. */
export interface ApiRequest<Body = unknown> {
  body: Body
  pathParams: Record<string, string>
  /** A repeated query parameter arrives as a list. */
  queryParams: Record<string, string | string[]>
  headers: Record<string, string>
  method: string
  path: string
}

/** What an api handler returns. */
export interface ApiResponse<Body = unknown> {
  status: number
  body?: Body
  headers?: Record<string, string>
}

/** Options of `ctx.emit`. */
export interface EmitOptions {
  /** Messages with the same group id are delivered in order, one at a time per step. */
  groupId?: string
  /** A repeat of this key on the same topic within the dedup window is dropped. */
  idempotencyKey?: string
  /** Deliver no sooner than this many milliseconds from now. */
  delayMs?: number
  /**
   * 0 to 9: a subscriber takes its ready messages of a higher priority first (FIFO within
   * one). Unset: each subscriber's config `priority` (default 0).
   */
  priority?: number
}

/** One entry of `ctx.state.list(group)`. */
export interface StateItem<Value = unknown> {
  key: string
  value: Value
}

/** One entry of `ctx.streams.list(stream, group)`. */
export interface StreamItem<Value = unknown> {
  id: string
  value: Value
}

/** Motia's form of `ctx.emit`'s arguments; `messageGroupId` is the group id. */
export interface EmitEvent {
  topic: string
  data?: unknown
  messageGroupId?: string
}

/** Key/value groups of JSON values, kept by the host. */
export interface State {
  /** The value, or null when the key does not exist. */
  get<Value = unknown>(group: string, key: string): Promise<Value | null>
  /** Stores the value; resolves to it. */
  set<Value>(group: string, key: string, value: Value): Promise<Value>
  /** Whether the key existed. */
  delete(group: string, key: string): Promise<boolean>
  /** Every `{key, value}` of the group, ordered by key. */
  list<Value = unknown>(group: string): Promise<Array<StateItem<Value>>>
  /** How many keys were deleted. */
  clear(group: string): Promise<number>
  /** The group's values, ordered by key. */
  getGroup<Value = unknown>(group: string): Promise<Value[]>
}

/**
 * Live data pushed to clients subscribed over WebSocket. Any other property is one
 * stream with Motia's methods: `ctx.streams.todo.set(groupId, id, data)`.
 */
export interface Streams {
  set(stream: string, group: string, id: string, value: unknown): Promise<void>
  /** Whether the item existed. */
  delete(stream: string, group: string, id: string): Promise<boolean>
  /** An ephemeral event, conventionally `{type, data}`; not stored. `id`: the item it is about. */
  send(stream: string, group: string, event: unknown, options?: { id?: string }): Promise<void>
  /** The item's value, or null. */
  get<Value = unknown>(stream: string, group: string, id: string): Promise<Value | null>
  /** Every `{id, value}` of the group, ordered by id. */
  list<Value = unknown>(stream: string, group: string): Promise<Array<StreamItem<Value>>>
}

/** Extra fields of a log line. */
export type LogFields = Record<string, unknown>

/** Structured logs; the host adds the trace id, the step and the language. */
export interface Logger {
  debug(message: string, fields?: LogFields): void
  info(message: string, fields?: LogFields): void
  warn(message: string, fields?: LogFields): void
  error(message: string, fields?: LogFields): void
}

/** What every handler gets as `ctx`. */
export interface Context {
  /**
   * Publish `data` on `topic` (which must be in the step's `emits`); resolves once the
   * message is durable, with its id. Motia's `emit({ topic, data, messageGroupId })` works
   * too. `emit` may be destructured from the context.
   */
  emit(topic: string, data?: unknown, options?: EmitOptions): Promise<string>
  emit(event: EmitEvent): Promise<string>
  readonly state: State
  readonly streams: Streams
  readonly logger: Logger
  /** The W3C trace id this invocation belongs to. */
  readonly traceId: string
  /** Which attempt this is, starting at 1. */
  readonly attempt: number
  /** The step's name. */
  readonly step: string
  /** The W3C `tracestate` that came with the trace; empty for none. */
  readonly traceState: string
  /** When the host stops waiting for this invocation; undefined for never. */
  readonly deadline: Date | undefined
  /** Aborted when the host stops waiting (the timeout passed, or the HTTP client went away). */
  readonly signal: AbortSignal
  /**
   * Who called, as the api step's `auth` accepted them: `{type: 'apiKey', name}`,
   * `{type: 'jwt', subject, claims}`, or what its auth step returned; null without auth.
   */
  readonly auth: unknown
}

/** An api step's handler. */
export type ApiHandler<Body = unknown, ResponseBody = unknown> = (
  req: ApiRequest<Body>,
  ctx: Context,
) => ApiResponse<ResponseBody> | Promise<ApiResponse<ResponseBody>>

/** An event step's handler; throw (or reject) to fail the delivery, which is retried. */
export type EventHandler<Data = unknown> = (data: Data, ctx: Context) => void | Promise<void>

/** A cron step's handler. */
export type CronHandler = (ctx: Context) => void | Promise<void>

/**
 * An auth step's handler: it gets an api request (without its body) and returns the
 * principal (what the api handler reads as `ctx.auth`), or null to refuse it (401).
 * Throw `new StepError(message, { code: 'FORBIDDEN' })` to refuse it with 403.
 */
export type AuthHandler<Principal = unknown> = (
  req: ApiRequest<null>,
  ctx: Context,
) => Principal | null | Promise<Principal | null>

/** A JSON Schema object, or a zod schema (turned into JSON Schema when the step loads). */
export type Schema = object

/**
 * An entry of `emits`: a topic, or a topic with its payload's type: `type`, the full name
 * of a message of the project's `contracts/*.proto`, or `schema`, a JSON Schema.
 */
export type Emit = string | { topic: string; type?: string; schema?: Schema; label?: string }

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS'

interface BaseConfig {
  /** Unique in the project. */
  name: string
  description?: string
  flows?: string[]
  emits?: Emit[]
  timeoutMs?: number
  concurrency?: number
  /** Run in a runtime process of its own (restarted alone), not in the shared one. */
  isolated?: boolean
  /** What that process may use (needs `isolated: true`); past it, it is restarted. */
  limits?: Limits
}

/** An isolated step's limits: `memoryMb` (RLIMIT_DATA, at least 64), `cpuSeconds`
 * (RLIMIT_CPU: CPU time over the process's life). */
export interface Limits {
  memoryMb?: number
  cpuSeconds?: number
}

/** An api step's `auth`: who may call it. */
export type AuthSpec =
  | { type: 'apiKey'; in?: 'header' | 'query'; name?: string; keys?: string[] }
  | {
      type: 'jwt'
      algorithms: Array<'HS256' | 'RS256' | 'ES256'>
      secretEnv?: string
      keyFile?: string
      jwksUrl?: string
      audience?: string | string[]
      issuer?: string
      leeway?: number
      scopes?: string[]
    }
  | { type: 'step'; step: string }

export interface ApiConfig extends BaseConfig {
  type: 'api'
  /** Who may call it; the handler reads the principal as `ctx.auth`. */
  auth?: AuthSpec
  method: HttpMethod
  /** `/orders/:id` or `/orders/{id}`. */
  path: string
  /** A schema, or the full name of a message of contracts/ (`'shop.v1.CreateOrder'`). */
  bodySchema?: Schema | string
  /** `req.body` arrives as a typed object of its message type (see `stephost gen`). */
  typed?: boolean
  /** A schema, or schemas by status code. */
  responseSchema?: Schema | Record<string, Schema>
}

export interface EventConfig extends BaseConfig {
  type: 'event'
  subscribes: string[]
  /** A schema, or the full name of a message of contracts/ (`'shop.v1.OrderCreated'`). */
  input?: Schema | string
  /** `data` arrives as a typed object of its message type (see `stephost gen`). */
  typed?: boolean
  maxAttempts?: number
  backoffMs?: number
  /** At most `limit` runs per `periodMs`; with `key` (a field of the data), per value of it. */
  rateLimit?: { limit: number; periodMs: number; key?: string }
  /** 0 to 9 (higher first): the priority of messages whose emit gives none (default 0). */
  priority?: number
}

export interface CronConfig extends BaseConfig {
  type: 'cron'
  /** Five fields (minute first) or six (second first). */
  cron: string
  maxAttempts?: number
  backoffMs?: number
}

export interface NoopConfig extends BaseConfig {
  type: 'noop'
  subscribes?: string[]
}

/** A custom auth step, named by api steps' `auth: {type: 'step', step}` (see AuthHandler). */
export interface AuthConfig extends BaseConfig {
  type: 'auth'
}

export type StepConfig = ApiConfig | EventConfig | CronConfig | NoopConfig | AuthConfig

/** Options of `new StepError(message, options)`. */
export interface StepErrorOptions {
  /** Machine-readable, upper snake case; HANDLER_ERROR by default. */
  code?: string
  /** False sends an event straight to the dead-letter queue. True by default. */
  retryable?: boolean
  /** A JSON object with more about the failure. */
  details?: Record<string, unknown>
  cause?: unknown
}

const STEP_ERROR = Symbol.for('stephost.StepError')

/**
 * The one error a step author throws or catches. Throw it to fail with a chosen code,
 * or to say a failure is not worth retrying. Failed calls into the host (an emit to a
 * topic the step does not declare, for example) reject with it, with the host's code.
 */
export class StepError extends Error {
  readonly code: string
  readonly retryable: boolean
  readonly details: Record<string, unknown> | undefined
  /** For an error the host sent: its type and language ("host"); else "node". */
  readonly type: string
  readonly language: string

  constructor(message: string, options: StepErrorOptions & { type?: string; language?: string } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'StepError'
    this.code = options.code ?? 'HANDLER_ERROR'
    this.retryable = options.retryable ?? true
    this.details = options.details
    this.type = options.type ?? 'StepError'
    this.language = options.language ?? 'node'
  }

  /**
   * `error instanceof StepError` holds for a StepError made by any copy of this module
   * (a CommonJS step's `require('stephost')` gets its own copy); subclasses check as usual.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (this !== StepError) return Function.prototype[Symbol.hasInstance].call(this, value)
    return isStepError(value)
  }
}
Object.defineProperty(StepError.prototype, STEP_ERROR, { value: true })

/**
 * Whether `value` is a StepError. Unlike `instanceof` it also holds for a StepError made
 * by another copy of this module (a CommonJS step's `require('stephost')`, for one).
 */
export function isStepError(value: unknown): value is StepError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[STEP_ERROR] === true
}
