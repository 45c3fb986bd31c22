/**
 * motia: what a Motia 0.x step imports, so that it runs on stephost unchanged.
 *
 * The Node runtime resolves the specifier 'motia' to this file (no package installed),
 * as it resolves 'stephost' to sdk.ts. It has the types Motia steps use, with Motia's
 * names and type parameters (so a types.d.ts that Motia's `generate-types` wrote still
 * checks), and `defineConfig`. At run time a Motia step gets stephost's context, which
 * takes Motia's forms too: `emit({ topic, data, messageGroupId })`, a destructured
 * `{ emit, logger, state, streams, traceId }`, `state.getGroup`, `streams.<name>`.
 *
 * Where stephost differs, the types say so (they describe what really arrives):
 * `state.delete` resolves to whether the key existed and `state.clear` to how many keys
 * went; a request has no `rawBody`. Like sdk.ts this file imports nothing.
 */

/** A JSON Schema object, or a zod schema (turned into JSON Schema when the step loads). */
export type StepSchemaInput = object
export type JsonSchema = Record<string, unknown>

/** An entry of `emits`: a topic, or a topic with a label for the flow drawing. */
export type Emit = string | { topic: string; label?: string; conditional?: boolean }

/** What `emit` takes: the topic, the data, and for ordered delivery a group id. */
export type EmitData = { topic: string; data: unknown; messageGroupId?: string }

/** `emit(event)`: resolves once the message is durable (with its id, in stephost). */
export type Emitter<TData> = (event: TData) => Promise<void>

/** Key/value groups of JSON values, kept by the host. */
export interface InternalStateManager {
  /** The value, or null when the key does not exist. */
  get<T>(groupId: string, key: string): Promise<T | null>
  /** Stores the value; resolves to it. */
  set<T>(groupId: string, key: string, value: T): Promise<T>
  /** Whether the key existed (Motia resolved to the deleted value). */
  delete(groupId: string, key: string): Promise<boolean>
  /** The group's values, ordered by key. */
  getGroup<T>(groupId: string): Promise<T[]>
  /** How many keys were deleted. */
  clear(groupId: string): Promise<number>
}

/** Structured logs; the host adds the trace id, the step and the language. */
export interface Logger {
  debug(message: string, args?: Record<string, unknown>): void
  info(message: string, args?: Record<string, unknown>): void
  warn(message: string, args?: Record<string, unknown>): void
  error(message: string, args?: Record<string, unknown>): void
}

/** A stream item: its data and its id. */
export type BaseStreamItem<TData = unknown> = TData & { id: string }
export type StateStreamEventChannel = { groupId: string; id?: string }
export type StateStreamEvent<TData> = { type: string; data: TData }

/** `ctx.streams.<name>`: one stream declared by a `*.stream.ts` (or `*_stream.py`) file. */
export interface MotiaStream<TData> {
  get(groupId: string, id: string): Promise<BaseStreamItem<TData> | null>
  set(groupId: string, id: string, data: TData): Promise<BaseStreamItem<TData>>
  delete(groupId: string, id: string): Promise<BaseStreamItem<TData> | null>
  getGroup(groupId: string): Promise<Array<BaseStreamItem<TData>>>
  send<T>(channel: StateStreamEventChannel, event: StateStreamEvent<T>): Promise<void>
}

/** The project's streams by name; `stephost gen` (or Motia's types.d.ts) fills it in. */
export interface FlowContextStateStreams {}

/** What every handler gets as its context. */
export interface FlowContext<TEmitData = never> {
  emit: Emitter<TEmitData>
  traceId: string
  state: InternalStateManager
  logger: Logger
  streams: FlowContextStateStreams
}

export type ApiRouteMethod = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH' | 'OPTIONS' | 'HEAD'

/** An HTTP request routed to an api step. Header names are lower case. */
export interface ApiRequest<TBody = unknown> {
  pathParams: Record<string, string>
  queryParams: Record<string, string | string[]>
  body: TBody
  headers: Record<string, string | string[]>
}

export type ApiResponse<TStatus extends number = number, TBody = string | Record<string, unknown>> = {
  status: TStatus
  headers?: Record<string, string>
  body: TBody
}

/** Runs around an api handler, in the order the config lists them; `next()` runs the rest. */
export type ApiMiddleware<TBody = unknown, TEmitData = never, TResult = unknown> = (
  req: ApiRequest<TBody>,
  ctx: FlowContext<TEmitData>,
  next: () => Promise<ApiResponse<number, TResult>>,
) => Promise<ApiResponse<number, TResult>>

export type ApiRouteHandler<
  TRequestBody = unknown,
  TResponseBody extends ApiResponse<number, unknown> = ApiResponse<number, unknown>,
  TEmitData = never,
> = (req: ApiRequest<TRequestBody>, ctx: FlowContext<TEmitData>) => Promise<TResponseBody>

export type EventHandler<TInput, TEmitData> = (input: TInput, ctx: FlowContext<TEmitData>) => Promise<void>

export type CronHandler<TEmitData = never> = (ctx: FlowContext<TEmitData>) => Promise<void>

/** Per-step handler types by step name; `stephost gen` writes them into types.d.ts. */
export interface Handlers {}

export interface QueryParam {
  name: string
  description: string
}

export type HandlerConfig = { ram: number; cpu?: number; timeout: number }

export type QueueConfig =
  | { type: 'fifo'; maxRetries: number; visibilityTimeout: number; delaySeconds: number }
  | { type: 'standard'; maxRetries: number; visibilityTimeout: number; delaySeconds: number; concurrency?: number }

/** Maps onto stephost's settings where there is a match; see `stephost doctor`. */
export type InfrastructureConfig = { handler?: Partial<HandlerConfig>; queue?: Partial<QueueConfig> }

export interface ApiRouteConfig {
  type: 'api'
  name: string
  description?: string
  path: string
  method: ApiRouteMethod
  emits: Emit[]
  virtualEmits?: Emit[]
  virtualSubscribes?: string[]
  flows?: string[]
  middleware?: Array<ApiMiddleware<any, any, any>>
  bodySchema?: StepSchemaInput
  responseSchema?: Record<number, StepSchemaInput>
  queryParams?: QueryParam[]
  includeFiles?: string[]
}

export interface EventConfig {
  type: 'event'
  name: string
  description?: string
  subscribes: string[]
  emits: Emit[]
  virtualEmits?: Emit[]
  virtualSubscribes?: string[]
  input?: StepSchemaInput
  flows?: string[]
  includeFiles?: string[]
  infrastructure?: Partial<InfrastructureConfig>
}

export interface CronConfig {
  type: 'cron'
  name: string
  description?: string
  cron: string
  virtualEmits?: Emit[]
  virtualSubscribes?: string[]
  emits: Emit[]
  flows?: string[]
  includeFiles?: string[]
}

export interface NoopConfig {
  type: 'noop'
  name: string
  description?: string
  virtualEmits: Emit[]
  virtualSubscribes: string[]
  flows?: string[]
}

export type StepConfig = EventConfig | NoopConfig | ApiRouteConfig | CronConfig

/** A `*.stream.ts` file's config. `canAccess` and custom storage are not supported. */
export interface StreamConfig {
  name: string
  schema: StepSchemaInput
  baseConfig: { storageType: 'default' } | { storageType: 'custom'; factory: () => MotiaStream<unknown> }
  canAccess?: (subscription: { groupId: string; id?: string }, authContext: unknown) => boolean | Promise<boolean>
}

/** @deprecated Motia's older handler type; use `Handlers['<step name>']`. */
export type StepHandler<T> = T extends EventConfig
  ? EventHandler<unknown, EmitData>
  : T extends ApiRouteConfig
    ? ApiRouteHandler<any, ApiResponse<number, any>, EmitData>
    : T extends CronConfig
      ? CronHandler<EmitData>
      : never

/** motia.config.ts's helper; stephost reads no motia.config.ts, so it only returns its input. */
export function defineConfig<T>(config: T): T {
  return config
}
