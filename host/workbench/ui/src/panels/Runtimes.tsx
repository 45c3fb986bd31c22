// Runtimes: every connected runtime process: pid, where it runs (this machine, or a
// remote one's name and address), language, version, uptime, work in flight, memory,
// restarts.
import { useState } from 'react'
import { api, ok, type Schemas } from '../api/client'
import { Empty, ErrorBanner, LanguageBadge } from '../components/common'
import { usePolling } from '../live'

function uptime(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(0)}s`
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ${Math.floor(seconds % 60)}s`
  return `${Math.floor(seconds / 3600)}h ${Math.floor((seconds % 3600) / 60)}m`
}

export function RuntimesPanel() {
  const [found, setFound] = useState<Schemas['Runtimes'] | null>(null)
  const [error, setError] = useState<unknown>(null)
  usePolling(
    async () => {
      try {
        setFound(await ok(api.GET('/_stephost/runtimes')))
        setError(null)
      } catch (e) {
        setError(e)
      }
    },
    2000,
    [],
  )
  if (found !== null && found.items.length === 0) {
    return <Empty title="No runtime is connected">The host starts one per language that has step files; if one exited, its restart shows here. Remote ones (`stephost runtime --connect`) show here once they connect.</Empty>
  }
  return (
    <div className="panel">
      <ErrorBanner error={error} />
      <table className="table" data-testid="runtimes">
        <thead>
          <tr>
            <th>language</th>
            <th>pid</th>
            <th>where</th>
            <th>version</th>
            <th>uptime</th>
            <th>in flight</th>
            <th>RSS</th>
            <th>restarts</th>
            <th>steps</th>
          </tr>
        </thead>
        <tbody>
          {(found?.items ?? []).map((r) => (
            <tr key={r.id} data-testid="runtime-row" data-language={r.language}>
              <td>
                <LanguageBadge language={r.language} /> {r.draining && <span className="muted">draining</span>}
              </td>
              <td className="mono">{r.pid}</td>
              <td data-testid="runtime-where">{r.where}</td>
              <td>{r.version}</td>
              <td>{uptime(r.uptimeS)}</td>
              <td>
                {r.inFlight}
                {r.capacity ? ` / ${r.capacity}` : ''}
              </td>
              <td>{r.rssBytes === null ? '—' : `${(r.rssBytes / 1048576).toFixed(1)} MB`}</td>
              <td>{r.restarts}</td>
              <td className="muted">{r.steps.join(', ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
