// The Workbench's one state store: the catalog, the live counters and the log tail.
// Panels keep only local form state; everything shared lives here.
import { create } from 'zustand'
import {
  api,
  ok,
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

type State = {
  steps: Step[]
  problems: Schemas['LoadProblem'][]
  warnings: string[]
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
  steps: [],
  problems: [],
  warnings: [],
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
