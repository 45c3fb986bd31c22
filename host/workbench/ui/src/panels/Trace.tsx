// One trace as a waterfall: a row per span (invocations, and the emits and state calls
// made inside them), nested under its parent, placed on a shared time axis. A span
// opens to its attributes, its failure (with the stack) and its log lines.
import { useMemo, useState } from 'react'
import { Link } from 'wouter'
import { api, ok, type LogLine, type Span } from '../api/client'
import {
  Empty,
  ErrorBanner,
  Json,
  LanguageBadge,
  StatusBadge,
  formatDuration,
  formatTime,
} from '../components/common'
import { Stack } from '../components/Stack'
import { usePolling } from '../live'
import { useStore } from '../store'

type Row = { span: Span; depth: number }

/** Spans in tree order: each parent followed by its children, by start time. */
export function waterfall(spans: Span[]): Row[] {
  const ids = new Set(spans.map((s) => s.spanId))
  const children = new Map<string, Span[]>()
  for (const span of spans) {
    const parent = span.parentId && ids.has(span.parentId) ? span.parentId : ''
    children.set(parent, [...(children.get(parent) ?? []), span])
  }
  const rows: Row[] = []
  const visit = (parent: string, depth: number) => {
    for (const span of (children.get(parent) ?? []).sort((a, b) => a.startUnixMs - b.startUnixMs)) {
      rows.push({ span, depth })
      visit(span.spanId, depth + 1)
    }
  }
  visit('', 0)
  return rows
}

function logsOf(span: Span, logs: LogLine[]): LogLine[] {
  return logs.filter((line) => line.span_id === span.spanId || (!line.span_id && span.kind !== 'state' && span.kind !== 'emit' && line.step === span.step))
}

export function TracePage({ traceId }: { traceId: string }) {
  const project = useStore((s) => s.project)
  const [trace, setTrace] = useState<{ spans: Span[]; logs: LogLine[] } | null>(null)
  const [error, setError] = useState<unknown>(null)
  const [open, setOpen] = useState<string | null>(null)
  usePolling(
    async () => {
      try {
        setTrace(await ok(api.GET('/_stephost/traces/{trace_id}', { params: { path: { trace_id: traceId } } })))
        setError(null)
      } catch (e) {
        setError(e)
      }
    },
    1500,
    [traceId],
  )
  const rows = useMemo(() => waterfall(trace?.spans ?? []), [trace])
  if (!trace) {
    return (
      <div className="panel">
        <ErrorBanner error={error} />
        {!error && <div className="muted">Loading…</div>}
        <Link href="/traces">← all traces</Link>
      </div>
    )
  }
  const start = Math.min(...trace.spans.map((s) => s.startUnixMs))
  const end = Math.max(...trace.spans.map((s) => s.startUnixMs + s.durationMs))
  const total = Math.max(end - start, 0.001)
  const languages = [...new Set(trace.spans.map((s) => s.language).filter(Boolean))]
  const failed = trace.spans.some((s) => s.status !== 'ok')
  return (
    <div className="panel">
      <div className="toolbar">
        <Link href="/traces">← all traces</Link>
        <h2 className="mono">{traceId}</h2>
        <StatusBadge status={failed ? 'error' : 'ok'} />
        <span>{formatDuration(total)}</span>
        {languages.map((l) => (
          <LanguageBadge key={l} language={l} />
        ))}
        <Link href={`/logs?trace=${traceId}`}>its log lines →</Link>
      </div>
      <ErrorBanner error={error} />
      {rows.length === 0 && <Empty title="No spans kept for this trace">Its log lines are below.</Empty>}
      <div className="waterfall" data-testid="waterfall">
        {rows.map(({ span, depth }) => (
          <div key={span.spanId} className={`span-row kind-${span.kind} ${span.status}`} data-testid="span-row" data-language={span.language} data-kind={span.kind} data-status={span.status}>
            <button className="span-label" style={{ paddingLeft: 8 + depth * 16 }} onClick={() => setOpen(open === span.spanId ? null : span.spanId)}>
              <LanguageBadge language={span.language} /> <span className="span-name">{span.name}</span> <span className="muted">{span.kind === 'state' || span.kind === 'emit' || span.kind === 'stream' ? '' : span.step}</span>
            </button>
            <div className="span-track">
              <div
                className="span-bar"
                style={{ left: `${((span.startUnixMs - start) / total) * 100}%`, width: `max(2px, ${(span.durationMs / total) * 100}%)` }}
                title={formatDuration(span.durationMs)}
              />
            </div>
            <div className="span-duration">{formatDuration(span.durationMs)}</div>
            {open === span.spanId && (
              <div className="span-detail" data-testid="span-detail">
                <div className="muted">
                  {formatTime(span.startUnixMs)} · {span.kind} · {span.step} · span {span.spanId}
                  {span.parentId && ` · parent ${span.parentId}`}
                </div>
                {span.error && <Stack error={span.error} project={project} />}
                <Json value={span.attributes} />
                <LogList lines={logsOf(span, trace.logs)} />
              </div>
            )}
          </div>
        ))}
      </div>
      <section>
        <h3>Failures</h3>
        {trace.spans.filter((s) => s.error).length === 0 ? (
          <div className="muted">None.</div>
        ) : (
          trace.spans
            .filter((s) => s.error)
            .map((s) => s.error && <Stack key={s.spanId} error={s.error} project={project} />)
        )}
      </section>
      <section>
        <h3>Log lines ({trace.logs.length})</h3>
        <LogList lines={trace.logs} />
      </section>
    </div>
  )
}

export function LogList({ lines }: { lines: LogLine[] }) {
  if (lines.length === 0) return <div className="muted">No log lines.</div>
  return (
    <div className="log-list">
      {lines.map((line, i) => {
        const { event, level, timestamp, trace_id: _t, span_id: _s, step, language, ...fields } = line
        return (
          <div key={i} className={`log-line level-${level}`}>
            <span className="mono muted">{timestamp.slice(11, 23)}</span> <span className={`level level-${level}`}>{level}</span>{' '}
            {language && <LanguageBadge language={language} />} {step && <span className="muted">{step}</span>} <span>{event}</span>{' '}
            <span className="mono muted fields">{Object.keys(fields).length > 0 ? JSON.stringify(fields) : ''}</span>
          </div>
        )
      })}
    </div>
  )
}
