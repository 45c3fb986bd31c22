/**
 * The contract's generated messages (see scripts/gen-proto), and their conversion to the
 * runtime's plain values and back. Only the bridge folder imports this module.
 */
import './protobuf-setup.ts'
import { stephost } from '../gen/stephost.js'
import type { Invocation, Trigger } from '../invocation.ts'
import type { FileFailure, LoadedStep, LoadedStream } from '../loader.ts'
import type { ApiRequest, ApiResponse } from '../sdk.ts'

export const v1 = stephost.v1
export type HostMessage = stephost.v1.HostMessage.$Properties
export type RuntimeMessage = stephost.v1.RuntimeMessage.$Properties
export type HostCall = stephost.v1.HostCall.$Properties
export type HostCallReply = stephost.v1.HostCallReply.$Properties
export type WireError = stephost.v1.StepError.$Properties
export type Hello = stephost.v1.Hello.$Properties
export type Welcome = stephost.v1.Welcome.$Properties
type WireInvocation = stephost.v1.Invocation.$Properties
type WireApiRequest = stephost.v1.ApiRequest.$Properties

export const CONTRACT_VERSION: number = stephost.v1.ContractVersion.CONTRACT_VERSION_CURRENT
export const LANGUAGE = 'node'
const TRIGGERS = new Map<number, Trigger>([
  [stephost.v1.Trigger.TRIGGER_API, 'api'],
  [stephost.v1.Trigger.TRIGGER_EVENT, 'event'],
  [stephost.v1.Trigger.TRIGGER_CRON, 'cron'],
  [stephost.v1.Trigger.TRIGGER_AUTH, 'auth'],
])
const EMPTY: Uint8Array = new Uint8Array(0)

/** A 64-bit field as a number (protobuf-setup.ts makes them numbers already). */
export function num(value: number | { toNumber(): number } | null | undefined): number {
  if (value == null) return 0
  return typeof value === 'number' ? value : value.toNumber()
}

/** JSON bytes of a value; undefined (which JSON lacks) is sent as null. */
export function jsonBytes(value: unknown): Buffer {
  const text = JSON.stringify(value)
  return Buffer.from(text === undefined ? 'null' : text)
}

/** A JSON `bytes` field as a value; null when empty. */
export function parseJson(bytes: Uint8Array | null | undefined): unknown {
  if (!bytes || bytes.length === 0) return null
  return JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'))
}

/** The trace id of a W3C `00-<trace id>-<parent span id>-<flags>` traceparent. */
export function traceIdOf(traceparent: string): string {
  const parts = traceparent.split('-')
  return parts.length === 4 ? parts[1]! : ''
}

export function invocation(message: WireInvocation): Invocation {
  const traceparent = message.trace?.traceparent ?? ''
  return {
    id: num(message.id),
    step: message.step ?? '',
    trigger: TRIGGERS.get(message.trigger ?? 0) ?? 'cron',
    payload: message.payload ?? EMPTY,
    request: message.request ? apiRequest(message.request) : undefined,
    auth: parseJson(message.request?.auth),
    attempt: message.attempt ?? 1,
    traceId: traceIdOf(traceparent),
    traceparent,
    tracestate: message.trace?.tracestate ?? '',
    deadlineUnixMs: num(message.deadlineUnixMs),
    topic: message.topic ?? '',
    messageId: message.messageId ?? '',
  }
}

function apiRequest(wire: WireApiRequest): ApiRequest {
  const queryParams: Record<string, string | string[]> = {}
  for (const [name, query] of Object.entries(wire.queryParams ?? {})) {
    const values = query.values ?? []
    queryParams[name] = values.length === 1 ? values[0]! : values
  }
  return {
    body: parseJson(wire.body),
    pathParams: wire.pathParams ?? {},
    queryParams,
    headers: wire.headers ?? {},
    method: wire.method ?? '',
    path: wire.path ?? '',
  }
}

/** An api handler's response, already checked (its headers are strings). */
export function apiResponse(response: ApiResponse): stephost.v1.ApiResponse.$Properties {
  return { status: response.status, headers: response.headers ?? {}, body: jsonBytes(response.body ?? null) }
}

export function hello(steps: LoadedStep[], failures: FileFailure[], streams: LoadedStream[] = []): Hello {
  return {
    contractVersion: CONTRACT_VERSION,
    language: LANGUAGE,
    runtimeVersion: `node ${process.version}`,
    pid: process.pid,
    runtimeId: process.env.STEPHOST_RUNTIME_ID ?? '',
    capacity: 0,
    steps: steps.map((step) => ({ name: step.name, file: step.file, config: step.config })),
    streams: streams.map((stream) => ({ name: stream.name, file: stream.file, config: stream.config })),
    loadErrors: failures.map((failure) => ({
      file: failure.file,
      error: {
        code: failure.code,
        message: failure.message,
        stack: failure.stack,
        language: LANGUAGE,
        type: 'LoadError',
      },
    })),
  }
}

/** Errors in log fields keep their name, message and stack (JSON.stringify drops them). */
function logValue(_key: string, value: unknown): unknown {
  return value instanceof Error ? { ...value, name: value.name, message: value.message, stack: value.stack } : value
}

export function logRecord(level: string, message: string, fields: Record<string, unknown> | undefined) {
  let bytes: Uint8Array = EMPTY
  if (fields !== undefined && fields !== null) {
    try {
      bytes = Buffer.from(JSON.stringify(fields, logValue) ?? 'null')
    } catch (error) {
      bytes = jsonBytes({ fieldsError: `log fields are not JSON: ${String(error)}` })
    }
  }
  return { level, message: String(message), fields: bytes, timeUnixMs: Date.now() }
}
