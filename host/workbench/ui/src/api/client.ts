// Typed calls to the host's admin API: `paths` is generated from its OpenAPI
// description, so a wrong path, parameter or field fails `tsc`.
import createClient from 'openapi-fetch'
import type { components, paths } from './schema'

export type Schemas = components['schemas']
export type Step = Schemas['Step']
export type Span = Schemas['SpanModel']
export type ErrorInfo = Schemas['Failure']
export type LogLine = Schemas['LogLine']
export type StepCounters = Schemas['StepCounters']
export type TraceSummary = Schemas['TraceSummary']
export type DeadLetter = Schemas['DeadLetter']
export type CronJob = Schemas['CronJob']
export type RuntimeDetail = Schemas['RuntimeDetail']
export type Layout = Schemas['Layout']
export type LiveLogFilter = Schemas['LiveLogFilter']
export type LiveLogBatch = Schemas['LiveLogBatch']
export type LiveCounters = Schemas['LiveCounters']

export const api = createClient<paths>({ baseUrl: '' })

/** An error answered by the host, with its code and message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly info?: ErrorInfo,
  ) {
    super(message)
  }
}

type Result<T> = { data?: T; error?: unknown; response: Response }

/** The response's data, or an ApiError with the host's message. */
export async function ok<T>(call: Promise<Result<T>>): Promise<T> {
  let result: Result<T>
  try {
    result = await call
  } catch (e) {
    throw new ApiError(0, 'UNREACHABLE', `the host does not answer (${String(e)})`)
  }
  const { data, error, response } = result
  if (!response.ok) {
    const info = (error as { error?: ErrorInfo } | undefined)?.error
    throw new ApiError(
      response.status,
      info?.code ?? `HTTP_${response.status}`,
      info?.message ?? `${response.status} ${response.statusText}`,
      info,
    )
  }
  return data as T
}

/** A WebSocket URL on the host that served the page. */
export function socketUrl(path: string): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:'
  return `${scheme}//${location.host}${path}`
}
