/**
 * JavaScript errors to the wire's StepError, and back: the one converter.
 *
 * Anything can be thrown in JavaScript. An Error keeps its class name, message, full
 * stack and `cause` chain; a StepError also its code, retryable flag and details; any
 * other value (a string, a plain object, undefined) becomes a message, with the value
 * itself in `details.thrown` when it is JSON, and a stack that says why there is none.
 */
import { isStepError, StepError } from '../sdk.ts'
import type { WireError } from './wire.ts'

const LANGUAGE = 'node'
const MAX_CAUSES = 8
const SKIP_PROPS = new Set(['message', 'stack', 'cause', 'name'])

export function toWire(thrown: unknown, step: string, code = 'HANDLER_ERROR'): WireError {
  return convert(thrown, step, code, 0)
}

function convert(thrown: unknown, step: string, code: string, depth: number): WireError {
  const wire: WireError = { code, language: LANGUAGE, step, retryable: true }
  if (thrown instanceof Error || looksLikeError(thrown)) {
    const error = thrown as Error
    wire.type = typeName(error)
    wire.message = String(error.message ?? '') || wire.type
    wire.stack = typeof error.stack === 'string' ? error.stack : `${wire.type}: ${wire.message}`
    if (isStepError(error)) {
      wire.code = error.code
      wire.retryable = error.retryable
      if (error.details !== undefined) wire.details = jsonBytes(error.details)
    } else {
      const extra = ownProps(error)
      if (extra !== undefined) wire.details = jsonBytes(extra)
    }
    if (error.cause !== undefined && depth < MAX_CAUSES) {
      wire.cause = convert(error.cause, step, code, depth + 1)
    }
    return wire
  }
  wire.type = thrown === null ? 'null' : typeof thrown === 'object' ? typeName(thrown) : typeof thrown
  wire.message = describe(thrown)
  wire.stack =
    `${wire.type}: ${wire.message}\n` +
    `    (a ${wire.type} was thrown, not an Error, so JavaScript kept no stack; ` +
    `throw new Error(...) to get one)`
  const json = thrown === undefined ? undefined : jsonBytes({ thrown })
  if (json !== undefined) wire.details = json
  return wire
}

function looksLikeError(value: unknown): boolean {
  // An Error from another realm (vm contexts) fails instanceof but has these.
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Error).message === 'string' &&
    typeof (value as Error).stack === 'string'
  )
}

function typeName(value: object): string {
  const ctor = (value as { constructor?: { name?: unknown } }).constructor
  if (ctor && typeof ctor.name === 'string' && ctor.name) return ctor.name
  const name = (value as { name?: unknown }).name
  return typeof name === 'string' && name ? name : 'Object'
}

function describe(value: unknown): string {
  if (typeof value === 'string') return value
  if (value === undefined || value === null || typeof value !== 'object') return String(value)
  const message = (value as { message?: unknown }).message
  if (typeof message === 'string' && message) return message
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    return String(value)
  }
}

/** Own enumerable fields of an Error beyond message/stack (a Node error's `code`, say). */
function ownProps(error: Error): Record<string, unknown> | undefined {
  let out: Record<string, unknown> | undefined
  for (const key of Object.keys(error)) {
    if (SKIP_PROPS.has(key)) continue
    out ??= {}
    out[key] = (error as unknown as Record<string, unknown>)[key]
  }
  return out
}

function jsonBytes(value: unknown): Buffer | undefined {
  try {
    const text = JSON.stringify(value)
    return text === undefined ? undefined : Buffer.from(text)
  } catch {
    return undefined // circular or BigInt: the message and stack still tell the story
  }
}

/** A StepError the host sent (for a failed call) as the SDK's error, with its cause chain. */
export function fromWire(wire: WireError): StepError {
  let details: Record<string, unknown> | undefined
  if (wire.details && wire.details.length) {
    try {
      details = JSON.parse(Buffer.from(wire.details).toString('utf8')) as Record<string, unknown>
    } catch {
      details = undefined
    }
  }
  return new StepError(wire.message ?? '', {
    code: wire.code || 'INTERNAL',
    retryable: wire.retryable ?? false,
    details,
    type: wire.type || 'StepError',
    language: wire.language || 'host',
    ...(wire.cause ? { cause: fromWire(wire.cause) } : {}),
  })
}
