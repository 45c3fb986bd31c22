// Traces: recent traces, filterable by step, status and text, newest first.
import { useState } from 'react'
import { Link } from 'wouter'
import { api, ok, type TraceSummary } from '../api/client'
import {
  Empty,
  ErrorBanner,
  LanguageBadge,
  StatusBadge,
  formatDuration,
  formatTime,
} from '../components/common'
import { usePolling } from '../live'
import { useStore } from '../store'

export function TracesPanel() {
  const steps = useStore((s) => s.steps)
  const [step, setStep] = useState('')
  const [status, setStatus] = useState('')
  const [text, setText] = useState('')
  const [items, setItems] = useState<TraceSummary[] | null>(null)
  const [error, setError] = useState<unknown>(null)
  usePolling(
    async () => {
      try {
        const found = await ok(api.GET('/_stephost/traces', { params: { query: { step, status, q: text, limit: 200 } } }))
        setItems(found.items)
        setError(null)
      } catch (e) {
        setError(e)
      }
    },
    2000,
    [step, status, text],
  )
  return (
    <div className="panel">
      <div className="toolbar">
        <select value={step} onChange={(e) => setStep(e.target.value)} data-testid="trace-step">
          <option value="">every step</option>
          {steps.map((s) => (
            <option key={s.name}>{s.name}</option>
          ))}
        </select>
        <select value={status} onChange={(e) => setStatus(e.target.value)} data-testid="trace-status">
          <option value="">any status</option>
          <option value="ok">ok</option>
          <option value="error">error</option>
        </select>
        <input placeholder="search: trace id, step, span, log text" value={text} onChange={(e) => setText(e.target.value)} data-testid="trace-search" />
      </div>
      <ErrorBanner error={error} />
      {items !== null && items.length === 0 ? (
        <Empty title={step || status || text ? 'No trace matches these filters' : 'No traces yet'}>
          Every request, event and cron run makes one. Send a request from <Link href="/endpoints">Endpoints</Link>, or{' '}
          <code>curl</code> an api step.
        </Empty>
      ) : (
        <table className="table" data-testid="traces">
          <thead>
            <tr>
              <th>started</th>
              <th>entry</th>
              <th>status</th>
              <th>duration</th>
              <th>languages</th>
              <th>spans</th>
              <th>trace</th>
            </tr>
          </thead>
          <tbody>
            {(items ?? []).map((t) => (
              <tr key={t.traceId} data-testid="trace-row">
                <td>{formatTime(t.startUnixMs)}</td>
                <td>
                  <Link href={`/traces/${t.traceId}`}>{t.entryName}</Link> <span className="muted">{t.entryStep}</span>
                </td>
                <td>
                  <StatusBadge status={t.status} />
                </td>
                <td>{formatDuration(t.durationMs)}</td>
                <td>
                  {t.languages.map((l) => (
                    <LanguageBadge key={l} language={l} />
                  ))}
                </td>
                <td>{t.spanCount}</td>
                <td>
                  <Link href={`/traces/${t.traceId}`} className="mono">
                    {t.traceId.slice(0, 12)}
                  </Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  )
}
