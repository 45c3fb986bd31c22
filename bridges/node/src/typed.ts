/**
 * Typed objects for steps that opt in (`typed: true` beside a message type).
 *
 * `stephost gen` writes ts-proto's classes of the project's contracts/ and a registry of
 * them by full name (`<project>/generated/ts/registry.ts`; STEPHOST_GEN_DIR moves
 * `generated`). A typed step's handler gets `Message.fromJSON(payload)` (an api step's as
 * `req.body`): defaults filled in, Timestamps as `Date`, 64-bit integers as `bigint`.
 * Its `ctx.emit` to a topic declared with a message type takes such an object, whole or
 * partial, and sends `Message.toJSON(Message.fromPartial(data))`. Without the option, a
 * handler gets the JSON, as every other step does; and the registry is never loaded.
 */
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'

/** What ts-proto generates for each message (the parts used here). */
export interface MessageFns {
  fromJSON(object: unknown): unknown
  toJSON(message: unknown): unknown
  fromPartial(object: unknown): unknown
}

/** The message types a typed step's config names: its input, and per topic its emits. */
export interface TypedNames {
  input: string
  emits: Map<string, string>
}

/** A typed step's converters. */
export interface TypedCodec {
  /** Of the input (event data, api body), when it is a message type. */
  readonly input: MessageFns | undefined
  /** The JSON to send for `ctx.emit(topic, data)`. */
  encode(topic: string, data: unknown): unknown
}

/** The names of a config with `typed: true`; undefined for every other config. */
export function typedNames(config: Record<string, unknown>): TypedNames | undefined {
  if (config.typed !== true) return undefined
  const payload = config.type === 'api' ? config.bodySchema : config.input
  const emits = new Map<string, string>()
  for (const entry of Array.isArray(config.emits) ? (config.emits as unknown[]) : []) {
    if (typeof entry !== 'object' || entry === null) continue
    const { topic, type } = entry as { topic?: unknown; type?: unknown }
    if (typeof topic === 'string' && typeof type === 'string' && type !== '') emits.set(topic, type)
  }
  return { input: typeof payload === 'string' ? payload : '', emits }
}

export function registryPath(project: string): string {
  return resolve(project, process.env.STEPHOST_GEN_DIR || 'generated', 'ts', 'registry.ts')
}

/** The generated registry, by full name; throws when it cannot be loaded. */
export async function loadRegistry(path: string, importFile: (path: string, options: { generated: boolean }) => Promise<Record<string, unknown>>): Promise<Map<string, MessageFns>> {
  if (!existsSync(path)) throw new Error(`${path} does not exist; run \`stephost gen\``)
  const module = (await importFile(path, { generated: true })) as { messages?: Record<string, MessageFns> }
  return new Map(Object.entries(module.messages ?? {}))
}

/** A step's codec; throws naming the first message type the registry lacks. */
export function codecFor(names: TypedNames, registry: Map<string, MessageFns>, where: string): TypedCodec {
  // Well-known types (google.protobuf.*) are not in the registry: their JSON is what
  // handlers use anyway (a Timestamp's string, a Struct's object), so they pass as is.
  const find = (name: string): MessageFns | undefined => {
    if (name === '' || name.startsWith('google.protobuf.')) return undefined
    const fns = registry.get(name)
    if (fns === undefined) throw new Error(`${name} is not in ${where}; run \`stephost gen\``)
    return fns
  }
  const input = find(names.input)
  const emits = new Map<string, MessageFns>()
  for (const [topic, name] of names.emits) {
    const fns = find(name)
    if (fns !== undefined) emits.set(topic, fns)
  }
  return {
    input,
    encode(topic: string, data: unknown): unknown {
      const fns = emits.get(topic)
      return fns === undefined ? data : fns.toJSON(fns.fromPartial(data ?? {}))
    },
  }
}
