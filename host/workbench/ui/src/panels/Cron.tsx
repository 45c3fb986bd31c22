// Cron: each cron step's expression, next run and last run (with its result); run it
// now, pause it, resume it.
import { useState } from 'react'
import { api, ok, type CronJob } from '../api/client'
import {
  Empty,
  ErrorBanner,
  LanguageBadge,
  StatusBadge,
  TraceLink,
  formatDuration,
  formatTime,
  relative,
} from '../components/common'
import { Stack } from '../components/Stack'
import { useGate } from '../components/Session'
import { usePolling } from '../live'
import { useStore } from '../store'

export function CronPanel() {
  const project = useStore((s) => s.project)
  const [jobs, setJobs] = useState<CronJob[] | null>(null)
  const [error, setError] = useState<unknown>(null)
  const [note, setNote] = useState('')
  const operator = useGate('operator')
  const load = async () => {
    try {
      setJobs((await ok(api.GET('/_stephost/cron'))).items)
      setError(null)
    } catch (e) {
      setError(e)
    }
  }
  usePolling(load, 1000, [])
  const act = async (name: string, action: 'run' | 'pause' | 'resume') => {
    try {
      if (action === 'run') {
        const run = await ok(api.POST('/_stephost/cron/{name}/run', { params: { path: { name } } }))
        setNote(`${name} queued (trace ${run.traceId.slice(0, 12)})`)
      } else if (action === 'pause') {
        setJobs((await ok(api.POST('/_stephost/cron/{name}/pause', { params: { path: { name } } }))).items)
      } else {
        setJobs((await ok(api.POST('/_stephost/cron/{name}/resume', { params: { path: { name } } }))).items)
      }
      await load()
    } catch (e) {
      setError(e)
    }
  }
  if (jobs !== null && jobs.length === 0) {
    return (
      <Empty title="No cron steps">
        A cron step runs on a schedule: <code>{`{type: 'cron', cron: '*/5 * * * *'}`}</code> (5 fields, or 6 with seconds first).
      </Empty>
    )
  }
  return (
    <div className="panel">
      <ErrorBanner error={error} />
      {note && <div className="muted">{note}</div>}
      <table className="table" data-testid="cron">
        <thead>
          <tr>
            <th>step</th>
            <th>expression</th>
            <th>next run</th>
            <th>last run</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {(jobs ?? []).map((job) => (
            <tr key={job.step} data-testid="cron-row" data-step={job.step}>
              <td>
                <strong>{job.step}</strong> <LanguageBadge language={job.language} />
              </td>
              <td className="mono">{job.cron}</td>
              <td data-testid="cron-next">{job.paused ? <span className="badge status status-paused">paused</span> : job.nextRunMs ? `${formatTime(job.nextRunMs)} (${relative(job.nextRunMs)})` : '—'}</td>
              <td data-testid="cron-last">
                {job.lastRun ? (
                  <div>
                    <StatusBadge status={job.lastRun.status} /> {formatTime(job.lastRun.startUnixMs)} · {formatDuration(job.lastRun.durationMs)} ·{' '}
                    <TraceLink traceId={job.lastRun.traceId} />
                    {job.lastRun.error && <Stack error={job.lastRun.error} project={project} />}
                  </div>
                ) : job.lastTickMs ? (
                  <span className="muted">ticked at {formatTime(job.lastTickMs)}</span>
                ) : (
                  <span className="muted">not run yet</span>
                )}
              </td>
              <td className="actions">
                <button className="primary" onClick={() => void act(job.step, 'run')} {...operator} data-testid="cron-run">
                  Run now
                </button>
                {job.paused ? (
                  <button onClick={() => void act(job.step, 'resume')} {...operator} data-testid="cron-resume">
                    Resume
                  </button>
                ) : (
                  <button onClick={() => void act(job.step, 'pause')} {...operator} data-testid="cron-pause">
                    Pause
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
