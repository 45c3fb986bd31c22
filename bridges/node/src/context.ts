/**
 * The `ctx` every handler gets: emit, state, streams, logger, trace id, abort signal.
 *
 * Every call travels to the host on the runtime's stream (see connection.ts), tagged
 * with the invocation's id so that the host knows the step (for its allowed emits) and
 * the trace. The parts a handler does not touch are never built.
 */
import type { HostConnection } from './connection.ts'
import { emitArgs, withStreamHandles } from './motia.ts'
import type { Context, EmitEvent, EmitOptions, LogFields, Logger, State, StateItem, StreamItem, Streams } from './sdk.ts'
import type { TypedCodec } from './typed.ts'
import { num } from './wire.ts'

const EMPTY: Buffer = Buffer.alloc(0)

/** JSON bytes of a value; undefined (which JSON lacks) is sent as null. */
export function jsonBytes(value: unknown): Buffer {
  const text = JSON.stringify(value)
  return Buffer.from(text === undefined ? 'null' : text)
}

function parse(bytes: Uint8Array | null | undefined): unknown {
  if (!bytes || bytes.length === 0) return null
  return JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'))
}

class HostState implements State {
  constructor(
    private readonly link: HostConnection,
    private readonly id: number,
  ) {}

  async get<Value = unknown>(group: string, key: string): Promise<Value | null> {
    const reply = await this.link.request({ invocationId: this.id, stateGet: { group, key } })
    return reply.stateGet?.found ? (parse(reply.stateGet.value) as Value) : null
  }

  async set<Value>(group: string, key: string, value: Value): Promise<Value> {
    await this.link.request({ invocationId: this.id, stateSet: { group, key, value: jsonBytes(value) } })
    return value
  }

  async delete(group: string, key: string): Promise<boolean> {
    const reply = await this.link.request({ invocationId: this.id, stateDelete: { group, key } })
    return reply.stateDelete?.deleted === true
  }

  async list<Value = unknown>(group: string): Promise<Array<StateItem<Value>>> {
    const reply = await this.link.request({ invocationId: this.id, stateList: { group } })
    return (reply.stateList?.items ?? []).map((item) => ({ key: item.key ?? '', value: parse(item.value) as Value }))
  }

  async clear(group: string): Promise<number> {
    const reply = await this.link.request({ invocationId: this.id, stateClear: { group } })
    return num(reply.stateClear?.deleted)
  }

  async getGroup<Value = unknown>(group: string): Promise<Value[]> {
    return (await this.list<Value>(group)).map((item) => item.value)
  }
}

/** The native stream calls, as closures (motia.ts hands them out from a Proxy). */
function hostStreams(link: HostConnection, invocationId: number): Streams {
  return {
    set: async (stream, group, id, value) => {
      await link.request({ invocationId, streamSet: { stream, group, id, value: jsonBytes(value) } })
    },
    delete: async (stream, group, id) => {
      const reply = await link.request({ invocationId, streamDelete: { stream, group, id } })
      return reply.streamDelete?.deleted === true
    },
    send: async (stream, group, event, options) => {
      await link.request({ invocationId, streamSend: { stream, group, event: jsonBytes(event), id: options?.id ?? '' } })
    },
    get: async <Value>(stream: string, group: string, id: string) => {
      const reply = await link.request({ invocationId, streamGet: { stream, group, id } })
      return reply.streamGet?.found ? (parse(reply.streamGet.value) as Value) : null
    },
    list: async <Value>(stream: string, group: string) => {
      const reply = await link.request({ invocationId, streamList: { stream, group } })
      return (reply.streamList?.items ?? []).map(
        (item): StreamItem<Value> => ({ id: item.id ?? '', value: parse(item.value) as Value }),
      )
    },
  }
}

class HostLogger implements Logger {
  constructor(
    private readonly link: HostConnection,
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
    this.link.send({ call: { invocationId: this.id, log: logRecord(level, message, fields) } })
  }
}

/** Errors in log fields keep their name, message and stack (JSON.stringify drops them). */
function logValue(_key: string, value: unknown): unknown {
  return value instanceof Error ? { ...value, name: value.name, message: value.message, stack: value.stack } : value
}

export function logRecord(level: string, message: string, fields: LogFields | undefined) {
  let bytes: Buffer = EMPTY
  if (fields !== undefined && fields !== null) {
    try {
      bytes = Buffer.from(JSON.stringify(fields, logValue) ?? 'null')
    } catch (error) {
      bytes = jsonBytes({ fieldsError: `log fields are not JSON: ${String(error)}` })
    }
  }
  return { level, message: String(message), fields: bytes, timeUnixMs: Date.now() }
}

/** The context of one invocation. */
export class InvocationContext implements Context {
  readonly attempt: number
  readonly step: string
  #link: HostConnection
  #id: number
  #traceparent: string
  #state: State | undefined
  #streams: Streams | undefined
  #logger: Logger | undefined
  #abort: AbortController | undefined
  #codec: TypedCodec | undefined

  constructor(
    link: HostConnection,
    invocationId: number,
    step: string,
    traceparent: string,
    attempt: number,
    codec?: TypedCodec,
  ) {
    this.#link = link
    this.#codec = codec
    this.#id = invocationId
    this.step = step
    this.#traceparent = traceparent
    this.attempt = attempt
  }

  /** The trace id of a `00-<trace id>-<parent span id>-<flags>` traceparent. */
  get traceId(): string {
    const parts = this.#traceparent.split('-')
    return parts.length === 4 ? parts[1]! : ''
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
    return (this.#abort ??= new AbortController()).signal
  }

  /** A property, not a method: Motia steps destructure `{ emit }` from the context. */
  readonly emit: Context['emit'] = (topic: string | EmitEvent, data?: unknown, options?: EmitOptions) =>
    typeof topic === 'object' && topic !== null
      ? this.#emit(emitArgs(topic))
      : this.#emit({ topic, data, options })

  async #emit({ topic, data, options }: { topic: string; data: unknown; options: EmitOptions | undefined }): Promise<string> {
    const reply = await this.#link.request({
      invocationId: this.#id,
      emit: {
        topic,
        data: jsonBytes(this.#codec === undefined ? (data ?? null) : this.#codec.encode(topic, data)),
        groupId: options?.groupId ?? '',
        idempotencyKey: options?.idempotencyKey ?? '',
        delayMs: options?.delayMs ?? 0,
      },
    })
    return reply.emit?.messageId ?? ''
  }

  /** The host stopped waiting: abort the signal, if anyone asked for it. */
  abort(reason: string): void {
    this.#abort?.abort(new Error(`the host stopped waiting: ${reason}`))
  }
}
