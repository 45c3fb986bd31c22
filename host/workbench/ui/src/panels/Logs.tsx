// Logs: a live tail of the host's log (every runtime's lines included), filtered on the
// host by level, step, trace and text. A trace id links to its trace.
import { memo, useCallback, useEffect, useRef, useState } from 'react'
import { Link, useSearch } from 'wouter'
import { navigate } from 'wouter/use-browser-location'
import type { LiveLogBatch, LiveLogFilter, LogLine } from '../api/client'
import { Empty, LanguageBadge } from '../components/common'
import { useSocket } from '../live'
import { useStore } from '../store'

// A row never changes once shown: memoized, so a new batch renders only its own rows.
const LogRow = memo(function LogRow({ line }: { line: LogLine }) {
  const { event, level, timestamp, trace_id, span_id: _s, step, language, component: _c, ...fields } = line
  return (
    <div className={`log-line level-${level}`} data-testid="log-line" data-trace={trace_id ?? ''}>
      <span className="mono muted">{timestamp.slice(11, 23)}</span>
      <span className={`level level-${level}`}>{level}</span>
      {language && <LanguageBadge language={language} />}
      {step && <span className="step-name">{step}</span>}
      <span className="event">{event}</span>
      <span className="mono muted fields">{Object.keys(fields).length > 0 ? JSON.stringify(fields) : ''}</span>
      {trace_id && (
        <a href={`${BASE}/traces/${trace_id}`} onClick={follow} className="mono trace-link" data-testid="trace-link">
          {trace_id.slice(0, 12)}
        </a>
      )}
    </div>
  )
})

const BASE = '/_stephost/ui'
// While following the tail only the newest rows are in the page (a screenful and some);
// pausing shows every kept line, to scroll back through.
const FOLLOWING_ROWS = 60

/** A plain link (no router subscription per row), followed without a page load. */
function follow(event: React.MouseEvent<HTMLAnchorElement>) {
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return
  event.preventDefault()
  navigate(event.currentTarget.pathname)
}

export function LogsPanel() {
  const steps = useStore((s) => s.steps)
  const logs = useStore((s) => s.logs)
  const skipped = useStore((s) => s.logsSkipped)
  const connection = useStore((s) => s.logsConnection)
  const filter = useStore((s) => s.logFilter)
  const setFilter = useStore((s) => s.setLogFilter)
  const addLogs = useStore((s) => s.addLogs)
  const setConnection = useStore((s) => s.setLogsConnection)
  const search = useSearch()
  // Paused: the lines as they were when paused; else the live ones.
  const [frozen, setFrozen] = useState<typeof logs | null>(null)
  const paused = frozen !== null
  const shown = frozen ?? logs
  const bottom = useRef<HTMLDivElement>(null)

  useEffect(() => {
    const trace = new URLSearchParams(search).get('trace')
    if (trace !== null && trace !== filter.trace) setFilter({ trace })
    // only when the address changes
  }, [search])

  const onMessage = useCallback(
    (message: unknown) => {
      const batch = message as LiveLogBatch | { type: 'error'; message: string }
      if (batch.type === 'lines') addLogs(batch.lines, batch.skipped, batch.reset)
    },
    [addLogs],
  )
  const socket = useSocket('/_stephost/live/logs', onMessage, setConnection, filter)
  useEffect(() => {
    if (socket.current?.readyState === WebSocket.OPEN) socket.current.send(JSON.stringify(filter))
  }, [filter, socket])

  useEffect(() => {
    const tail = bottom.current?.parentElement
    if (!paused && tail) tail.scrollTop = tail.scrollHeight
  }, [shown, paused])

  return (
    <div className="panel logs-panel">
      <div className="toolbar">
        <select value={filter.level} onChange={(e) => setFilter({ level: e.target.value as LiveLogFilter['level'] })} data-testid="log-level">
          <option value="debug">debug and up</option>
          <option value="info">info and up</option>
          <option value="warn">warn and up</option>
          <option value="error">errors</option>
        </select>
        <select value={filter.step} onChange={(e) => setFilter({ step: e.target.value })} data-testid="log-step">
          <option value="">every step</option>
          {steps.map((s) => (
            <option key={s.name}>{s.name}</option>
          ))}
        </select>
        <input placeholder="trace id" value={filter.trace} onChange={(e) => setFilter({ trace: e.target.value.trim() })} data-testid="log-trace" />
        <input placeholder="text" value={filter.text} onChange={(e) => setFilter({ text: e.target.value })} data-testid="log-text" />
        <button onClick={() => setFrozen(paused ? null : logs)} data-testid="log-pause">
          {paused ? 'Resume' : 'Pause'}
        </button>
        <span className={`connection ${connection}`} data-testid="log-connection">
          {connection === 'open' ? 'live' : connection}
        </span>
        {skipped > 0 && <span className="muted">{skipped} lines skipped under load</span>}
      </div>
      {shown.length === 0 ? (
        <Empty title={filter.step || filter.trace || filter.text ? 'No line matches these filters yet' : 'No log lines yet'}>
          Lines appear here as they are logged. Send a request from <Link href="/endpoints">Endpoints</Link> to make some.
        </Empty>
      ) : (
        <div className="log-tail" data-testid="log-tail">
          {(paused ? shown : shown.slice(-FOLLOWING_ROWS)).map(({ seq, line }) => (
            <LogRow key={seq} line={line} />
          ))}
          <div ref={bottom} />
        </div>
      )}
    </div>
  )
}
