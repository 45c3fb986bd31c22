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

export type Caller = Schemas['Caller']
export type Role = Caller['role']

// The admin token is kept in sessionStorage, not localStorage: it is a credential, and
// sessionStorage belongs to this tab alone and ends with it (closing the tab signs out),
// while localStorage would keep an operator's token on disk, shared with every tab of the
// origin, until someone thinks of removing it. Either is readable by scripts on the page;
// the Workbench loads none but its own.
const TOKEN_KEY = 'stephost.admin-token'

export function storedToken(): string {
  try {
    return sessionStorage.getItem(TOKEN_KEY) ?? ''
  } catch {
    return '' // storage disabled: the user signs in again on each load
  }
}

export function storeToken(token: string): void {
  try {
    if (token) sessionStorage.setItem(TOKEN_KEY, token)
    else sessionStorage.removeItem(TOKEN_KEY)
  } catch {
    // storage disabled: nothing kept
  }
}

/** The Authorization header for `token` (the stored one by default), if there is one. */
export function authHeaders(token = storedToken()): Record<string, string> {
  return token ? { Authorization: `Bearer ${token}` } : {}
}

export const api = createClient<paths>({ baseUrl: '' })

/** Called with the host's message when an admin call is answered 401 (signed out). */
let onRefused: (message: string) => void = () => {}
export function whenTokenRefused(handler: (message: string) => void): void {
  onRefused = handler
}

api.use({
  onRequest({ request }) {
    const token = storedToken()
    if (token && !request.headers.has('Authorization')) request.headers.set('Authorization', `Bearer ${token}`)
    return request
  },
  async onResponse({ response }) {
    if (response.status === 401) onRefused(await errorOf(response.clone()))
    return response
  },
})

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

/** Who `token` is to the host (a 401 or 403 is an ApiError with the host's message).
 * Called outside `api`, so that a token being tried does not sign out the one in use. */
export async function whoami(token: string): Promise<Caller> {
  let response: Response
  try {
    response = await fetch('/_stephost/whoami', { headers: authHeaders(token) })
  } catch (e) {
    throw new ApiError(0, 'UNREACHABLE', `the host does not answer (${String(e)})`)
  }
  if (!response.ok) throw new ApiError(response.status, `HTTP_${response.status}`, await errorOf(response))
  return (await response.json()) as Caller
}

/** The message of an error answer in the host's shape (or its status line). */
export async function errorOf(response: Response): Promise<string> {
  try {
    const body = (await response.json()) as { error?: { message?: string } }
    if (body.error?.message) return body.error.message
  } catch {
    // not JSON
  }
  return `${response.status} ${response.statusText}`
}

/** The subprotocols a live feed offers: a browser cannot set an Authorization header on
 * a WebSocket, so the token travels as `bearer.<token>` (never in the URL, which ends up
 * in logs); the host answers with `stephost.admin.v1`. */
export function socketProtocols(token = storedToken()): string[] {
  return token ? ['stephost.admin.v1', `bearer.${token}`] : ['stephost.admin.v1']
}

/** A WebSocket URL on the host that served the page. */
export function socketUrl(path: string): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:'
  return `${scheme}//${location.host}${path}`
}
