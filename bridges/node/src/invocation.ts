/**
 * One invocation as the runtime runs it: a plain value the bridge decodes from the wire.
 */
import type { ApiRequest } from './sdk.ts'

export type Trigger = 'api' | 'event' | 'cron' | 'auth'

export interface Invocation {
  readonly id: number
  readonly step: string
  readonly trigger: Trigger
  /** JSON: the event's data, or null for cron. Empty for an api request. */
  readonly payload: Uint8Array
  /** The HTTP request, for an api step (and for an auth step, which checks it). */
  readonly request: ApiRequest | undefined
  /** The principal the api step's `auth` accepted; null when it has no auth. */
  readonly auth: unknown
  readonly attempt: number
  readonly traceId: string
  readonly traceparent: string
  readonly tracestate: string
  /** When the host stops waiting, Unix milliseconds; 0 for never. */
  readonly deadlineUnixMs: number
  readonly topic: string
  readonly messageId: string
}

/** Options of an emit, as the bridge sends them. */
export interface EmitRequest {
  groupId: string
  idempotencyKey: string
  delayMs: number
  /** Unset: each subscriber's config `priority`. */
  priority?: number
}

/** The calls a context makes into the host; the bridge's connection implements them. */
export interface HostLink {
  emit(invocationId: number, topic: string, data: unknown, options: EmitRequest): Promise<string>
  stateGet(invocationId: number, group: string, key: string): Promise<unknown>
  stateSet(invocationId: number, group: string, key: string, value: unknown): Promise<void>
  stateDelete(invocationId: number, group: string, key: string): Promise<boolean>
  stateList(invocationId: number, group: string): Promise<Array<{ key: string; value: unknown }>>
  stateClear(invocationId: number, group: string): Promise<number>
  streamSet(invocationId: number, stream: string, group: string, id: string, value: unknown): Promise<void>
  streamDelete(invocationId: number, stream: string, group: string, id: string): Promise<boolean>
  /** `id`: the item the event is about; empty for the whole group. */
  streamSend(invocationId: number, stream: string, group: string, event: unknown, id: string): Promise<void>
  streamGet(invocationId: number, stream: string, group: string, id: string): Promise<unknown>
  streamList(invocationId: number, stream: string, group: string): Promise<Array<{ id: string; value: unknown }>>
  log(invocationId: number, level: string, message: string, fields: Record<string, unknown> | undefined): void
}
