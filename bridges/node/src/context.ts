/**
 * The `ctx` every handler gets: emit, state, streams, logger, trace, deadline, abort signal.
 *
 * Every call travels to the host through the bridge's link (see bridge/connection.ts), tagged
 * with the invocation's id so that the host knows the step (for its allowed emits) and
 * the trace. The parts a handler does not touch are never built.
 */
import type { HostLink, Invocation } from './invocation.ts'
import { emitArgs, withStreamHandles } from './motia.ts'
import type {
  Context,
  EmitEvent,
  EmitOptions,
  LogFields,
  Logger,
  State,
  StateItem,
  StreamItem,
  Streams,
} from './sdk.ts'
import type { TypedCodec } from './typed.ts'

/** A message's priority (the host checks the same bounds): higher is taken first. */
const MIN_PRIORITY = 0
const MAX_PRIORITY = 9

class HostState implements State {
  constructor(
    private readonly link: HostLink,
    private readonly id: number,
  ) {}

  async get<Value = unknown>(group: string, key: string): Promise<Value | null> {
    return (await this.link.stateGet(this.id, group, key)) as Value | null
  }

  async set<Value>(group: string, key: string, value: Value): Promise<Value> {
    await this.link.stateSet(this.id, group, key, value)
    return value
  }

  delete(group: string, key: string): Promise<boolean> {
    return this.link.stateDelete(this.id, group, key)
  }

  async list<Value = unknown>(group: string): Promise<Array<StateItem<Value>>> {
    return (await this.link.stateList(this.id, group)) as Array<StateItem<Value>>
  }

  clear(group: string): Promise<number> {
    return this.link.stateClear(this.id, group)
  }

  async getGroup<Value = unknown>(group: string): Promise<Value[]> {
    return (await this.list<Value>(group)).map((item) => item.value)
  }
}

/** The native stream calls, as closures (motia.ts hands them out from a Proxy). */
function hostStreams(link: HostLink, invocationId: number): Streams {
  return {
    set: (stream, group, id, value) => link.streamSet(invocationId, stream, group, id, value),
    delete: (stream, group, id) => link.streamDelete(invocationId, stream, group, id),
    send: (stream, group, event, options) => link.streamSend(invocationId, stream, group, event, options?.id ?? ''),
    get: async <Value>(stream: string, group: string, id: string) =>
      (await link.streamGet(invocationId, stream, group, id)) as Value | null,
    list: async <Value>(stream: string, group: string) =>
      (await link.streamList(invocationId, stream, group)) as Array<StreamItem<Value>>,
  }
}

class HostLogger implements Logger {
  constructor(
    private readonly link: HostLink,
    private readonly id: number,
  ) {}

  debug(message: string, fields?: LogFields): void {
    this.#log('debug', message, fields)
  }

  info(message: string, fields?: LogFields): void {
    this.#log('info', message, fields)
  }

  warn(message: string, fields?: LogFields): void {
    this.#log('warn', message, fields)
  }

  error(message: string, fields?: LogFields): void {
    this.#log('error', message, fields)
  }

  #log(level: string, message: string, fields: LogFields | undefined): void {
    this.link.log(this.id, level, message, fields)
  }
}

/** The context of one invocation. */
export class InvocationContext implements Context {
  readonly attempt: number
  readonly step: string
  readonly traceId: string
  readonly traceState: string
  readonly deadline: Date | undefined
  readonly auth: unknown
  #link: HostLink
  #id: number
  #state: State | undefined
  #streams: Streams | undefined
  #logger: Logger | undefined
  #abort: AbortController | undefined
  #cancelled: Error | undefined
  #codec: TypedCodec | undefined

  constructor(link: HostLink, invocation: Invocation, codec?: TypedCodec) {
    this.#link = link
    this.#codec = codec
    this.#id = invocation.id
    this.step = invocation.step
    this.traceId = invocation.traceId
    this.traceState = invocation.tracestate
    this.deadline = invocation.deadlineUnixMs ? new Date(invocation.deadlineUnixMs) : undefined
    this.attempt = invocation.attempt
    this.auth = invocation.auth
  }

  get state(): State {
    return (this.#state ??= new HostState(this.#link, this.#id))
  }

  get streams(): Streams {
    return (this.#streams ??= withStreamHandles(hostStreams(this.#link, this.#id)))
  }

  get logger(): Logger {
    return (this.#logger ??= new HostLogger(this.#link, this.#id))
  }

  get signal(): AbortSignal {
    if (this.#abort === undefined) {
      this.#abort = new AbortController()
      // Asked for only after the host stopped waiting: it is aborted already.
      if (this.#cancelled !== undefined) this.#abort.abort(this.#cancelled)
    }
    return this.#abort.signal
  }

  /** A property, not a method: Motia steps destructure `{ emit }` from the context. */
  readonly emit: Context['emit'] = (topic: string | EmitEvent, data?: unknown, options?: EmitOptions) =>
    typeof topic === 'object' && topic !== null
      ? this.#emit(emitArgs(topic))
      : this.#emit({ topic, data, options })

  #emit({ topic, data, options }: { topic: string; data: unknown; options: EmitOptions | undefined }): Promise<string> {
    const priority = options?.priority
    if (priority != null && !(Number.isInteger(priority) && priority >= MIN_PRIORITY && priority <= MAX_PRIORITY)) {
      return Promise.reject(new TypeError(
        `emit: \`priority\` must be an integer from ${MIN_PRIORITY} to ${MAX_PRIORITY} (higher runs first), got ${JSON.stringify(priority)}`,
      ))
    }
    return this.#link.emit(
      this.#id,
      topic,
      this.#codec === undefined ? (data ?? null) : this.#codec.encode(topic, data),
      {
        groupId: options?.groupId ?? '',
        idempotencyKey: options?.idempotencyKey ?? '',
        delayMs: options?.delayMs ?? 0,
        ...(priority == null ? {} : { priority }),
      },
    )
  }

  /** The host stopped waiting: abort the signal (now, or when it is first asked for). */
  abort(reason: string): void {
    this.#cancelled ??= new Error(`the host stopped waiting: ${reason}`)
    this.#abort?.abort(this.#cancelled)
  }
}
