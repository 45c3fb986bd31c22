// The Workbench's one state store: who is signed in, the catalog, the live counters and
// the log tail.
// Panels keep only local form state; everything shared lives here.
import { create } from 'zustand'
import {
  ApiError,
  api,
  ok,
  storeToken,
  storedToken,
  whenTokenRefused,
  whoami,
  type Caller,
  type LiveLogFilter,
  type LogLine,
  type Schemas,
  type Step,
  type StepCounters,
} from './api/client'

export const MAX_LOG_LINES = 300

export type Connection = 'connecting' | 'open' | 'closed'
/** A line of the live tail, numbered so that views keep rows as the window slides. */
export type TailLine = { seq: number; line: LogLine }

let tailSeq = 0

/** Whether the host let us in: `checking` until the first answer; `signed-out` when it
 * needs a token we do not have (or that it refused); `unknown` when it did not answer. */
export type SessionStatus = 'checking' | 'signed-in' | 'signed-out' | 'unknown'

type State = {
  session: SessionStatus
  caller: Caller | null
  signInError: string
  checkSession: () => Promise<void>
  signIn: (token: string) => Promise<void>
  signOut: () => void
  steps: Step[]
  problems: Schemas['LoadProblem'][]
  warnings: string[]
  /** Steps whose runtime group has no runtime now (it is restarting). */
  unavailable: string[]
  project: string
  catalogError: string
  counters: Record<string, StepCounters>
  countersConnection: Connection
  logs: TailLine[]
  logsSkipped: number
  logsConnection: Connection
  logFilter: LiveLogFilter
  loadCatalog: () => Promise<void>
  setCounters: (counters: Record<string, StepCounters>) => void
  setCountersConnection: (state: Connection) => void
  addLogs: (lines: LogLine[], skipped: number, reset: boolean) => void
  setLogsConnection: (state: Connection) => void
  setLogFilter: (filter: Partial<LiveLogFilter>) => void
}

export const useStore = create<State>((set, get) => ({
  session: 'checking',
  caller: null,
  signInError: '',
  // Asks the host who the stored token is (it may have been revoked, or the host
  // restarted with tokens required); the page keeps showing what it shows meanwhile.
  checkSession: async () => {
    try {
      set({ session: 'signed-in', caller: await whoami(storedToken()) })
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) signedOut(e.message)
      else set({ session: get().session === 'signed-in' ? 'signed-in' : 'unknown' })
    }
  },
  signIn: async (token) => {
    const tried = token.trim()
    if (!tried) {
      set({ signInError: 'paste a token first' })
      return
    }
    try {
      const caller = await whoami(tried)
      storeToken(tried)
      set({ session: 'signed-in', caller, signInError: '', catalogError: '' })
    } catch (e) {
      set({ signInError: e instanceof Error ? e.message : String(e) })
    }
  },
  signOut: () => {
    storeToken('')
    set({ session: 'signed-out', caller: null, signInError: '' })
  },
  steps: [],
  problems: [],
  warnings: [],
  unavailable: [],
  project: '',
  catalogError: '',
  counters: {},
  countersConnection: 'connecting',
  logs: [],
  logsSkipped: 0,
  logsConnection: 'connecting',
  logFilter: { level: 'debug', step: '', trace: '', text: '' },
  loadCatalog: async () => {
    try {
      const [catalog, health] = await Promise.all([
        ok(api.GET('/_stephost/steps')),
        ok(api.GET('/_stephost/health')),
      ])
      // Keep the same arrays while nothing changed, so views depending on them stay put.
      const same = JSON.stringify(catalog.steps) === JSON.stringify(get().steps)
      set({
        steps: same ? get().steps : catalog.steps,
        problems: catalog.problems,
        warnings: catalog.warnings,
        unavailable: JSON.stringify(catalog.unavailable) === JSON.stringify(get().unavailable) ? get().unavailable : catalog.unavailable,
        project: health.project,
        catalogError: '',
      })
    } catch (e) {
      set({ catalogError: e instanceof Error ? e.message : String(e) })
    }
  },
  setCounters: (counters) => set({ counters }),
  setCountersConnection: (countersConnection) => set({ countersConnection }),
  addLogs: (lines, skipped, reset) => {
    const numbered = lines.map((line) => ({ seq: ++tailSeq, line }))
    const kept = reset ? numbered : [...get().logs, ...numbered]
    set({
      logs: kept.length > MAX_LOG_LINES ? kept.slice(kept.length - MAX_LOG_LINES) : kept,
      logsSkipped: (reset ? 0 : get().logsSkipped) + skipped,
    })
  },
  setLogsConnection: (logsConnection) => set({ logsConnection }),
  // A new filter empties the tail at once; the host answers with the matching recent lines.
  setLogFilter: (filter) => set({ logFilter: { ...get().logFilter, ...filter }, logs: [], logsSkipped: 0 }),
}))

/** Back to the sign-in screen; a stored token the host refused is dropped, and the
 * screen says why (the other calls refused with it, answered later, change nothing). */
function signedOut(message: string): void {
  if (storedToken() === '') {
    useStore.setState({ session: 'signed-out', caller: null })
    return
  }
  storeToken('')
  useStore.setState({ session: 'signed-out', caller: null, signInError: message })
}

// Any admin call answered 401 (a revoked token, a host restarted with tokens required)
// brings the sign-in screen back.
whenTokenRefused(signedOut)
