/**
 * Motia 0.x compatibility in the Node runtime: the forms a Motia step uses, mapped onto
 * the native context. Nothing here has a path of its own in the host.
 *
 * - `emit({ topic, data, messageGroupId })` (`emitArgs`);
 * - `ctx.streams.<name>.get / set / delete / getGroup / send` (`withStreamHandles`);
 * - an api config's `middleware`, run in order around the handler (`splitMiddleware`,
 *   `withMiddleware`).
 *
 * The types a Motia step imports are in motia-sdk.ts ('motia').
 */
import type { EmitOptions, StreamItem, Streams } from './sdk.ts'

/** Motia's api middleware: `(req, ctx, next) => response`. */
export type Middleware = (req: unknown, ctx: unknown, next: () => Promise<unknown>) => unknown

const EMIT_KEYS = new Set(['topic', 'data', 'messageGroupId'])

/** The native arguments of Motia's `emit({ topic, data, messageGroupId })`. */
export function emitArgs(event: object): { topic: string; data: unknown; options: EmitOptions } {
  const fields = event as Record<string, unknown>
  const unknown = Object.keys(fields).filter((key) => !EMIT_KEYS.has(key))
  if (unknown.length > 0) {
    throw new TypeError(`emit: unknown keys ${unknown.sort().join(', ')} in the event; it takes topic, data and messageGroupId`)
  }
  const { topic, data, messageGroupId } = fields
  if (typeof topic !== 'string' || topic === '') {
    throw new TypeError(`emit: the event's topic must be a non-empty string, got ${JSON.stringify(topic)}`)
  }
  if (messageGroupId !== undefined && typeof messageGroupId !== 'string') {
    throw new TypeError(`emit: messageGroupId must be a string, got ${JSON.stringify(messageGroupId)}`)
  }
  return { topic, data, options: messageGroupId === undefined ? {} : { groupId: messageGroupId } }
}

/** Run `middleware` in order around `handler`; each gets `(req, ctx, next)`. */
export async function withMiddleware(
  middleware: readonly Middleware[],
  req: unknown,
  ctx: unknown,
  handler: () => Promise<unknown>,
): Promise<unknown> {
  const call = async (index: number): Promise<unknown> =>
    index === middleware.length ? handler() : middleware[index]!(req, ctx, () => call(index + 1))
  return call(0)
}

/**
 * An api config's `middleware`: the functions (the runtime keeps them) and their names
 * (what the host is told), or an error message; undefined when there is none.
 */
export function splitMiddleware(
  config: Record<string, unknown>,
): { functions: Middleware[]; names: string[] } | { problem: string } | undefined {
  const value = config.middleware
  if (value === undefined) return undefined
  if (!Array.isArray(value) || !value.every((entry) => typeof entry === 'function')) {
    return { problem: '`middleware` must be an array of functions (req, ctx, next)' }
  }
  if (config.type !== 'api') return { problem: '`middleware` runs around api handlers only' }
  const functions = value as Middleware[]
  return { functions, names: functions.map((fn, i) => fn.name || `middleware ${i + 1}`) }
}

/** A stream item as Motia returns it: its data with its `id`. */
function item(id: string, value: unknown): unknown {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? { ...value, id } : value
}

/** `ctx.streams.<name>`: one stream, with Motia's methods. */
class StreamHandle {
  readonly #streams: Streams
  readonly #name: string

  constructor(streams: Streams, name: string) {
    this.#streams = streams
    this.#name = name
  }

  async get(groupId: string, id: string): Promise<unknown> {
    const value = await this.#streams.get(this.#name, groupId, id)
    return value === null ? null : item(id, value)
  }

  async set(groupId: string, id: string, data: unknown): Promise<unknown> {
    await this.#streams.set(this.#name, groupId, id, data)
    return item(id, data)
  }

  async delete(groupId: string, id: string): Promise<unknown> {
    const value = await this.#streams.get(this.#name, groupId, id)
    if (value === null || !(await this.#streams.delete(this.#name, groupId, id))) return null
    return item(id, value)
  }

  async getGroup(groupId: string): Promise<unknown[]> {
    const items: StreamItem[] = await this.#streams.list(this.#name, groupId)
    return items.map((entry) => item(entry.id, entry.value))
  }

  async send(channel: { groupId?: unknown; id?: unknown }, event: unknown): Promise<void> {
    if (typeof channel !== 'object' || channel === null || typeof channel.groupId !== 'string') {
      throw new TypeError(`send: the channel must be { groupId, id? }, got ${JSON.stringify(channel)}`)
    }
    const id = typeof channel.id === 'string' ? channel.id : undefined
    await this.#streams.send(this.#name, channel.groupId, event, id === undefined ? undefined : { id })
  }
}

/**
 * The native `ctx.streams` (`set`, `delete`, `send`, `get`, `list`), where any other
 * name is Motia's handle of that stream: `ctx.streams.todo.set(groupId, id, data)`.
 * `native` must not rely on `this` (its functions are handed out as they are).
 */
export function withStreamHandles(native: Streams): Streams {
  const handles = new Map<string, StreamHandle>()
  return new Proxy(native, {
    get(target, property, receiver) {
      if (typeof property !== 'string' || property in target) return Reflect.get(target, property, receiver)
      let handle = handles.get(property)
      if (handle === undefined) {
        handle = new StreamHandle(target, property)
        handles.set(property, handle)
      }
      return handle
    },
  })
}
