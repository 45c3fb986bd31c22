// Small pieces every panel uses: badges, empty states, errors, JSON, times.
import type { ReactNode } from 'react'
import { JsonView, collapseAllNested, defaultStyles } from 'react-json-view-lite'
import { Link } from 'wouter'

const LANGUAGE_NAMES: Record<string, string> = {
  python: 'Python',
  node: 'TypeScript',
  ruby: 'Ruby',
  host: 'host',
}

export function languageName(language: string): string {
  return LANGUAGE_NAMES[language] ?? language
}

export function LanguageBadge({ language }: { language: string }) {
  return (
    <span className={`badge lang lang-${language}`} data-testid="language" data-language={language}>
      {languageName(language)}
    </span>
  )
}

export function TypeBadge({ type }: { type: string }) {
  return <span className={`badge type type-${type}`}>{type}</span>
}

export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge status status-${status}`}>{status}</span>
}

/** What to do when there is nothing to show. */
export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty" data-testid="empty">
      <strong>{title}</strong>
      {children && <div>{children}</div>}
    </div>
  )
}

export function ErrorBanner({ error }: { error: unknown }) {
  if (!error) return null
  const message = error instanceof Error ? error.message : String(error)
  return (
    <div className="error-banner" role="alert">
      {message}
    </div>
  )
}

export function Json({ value, expanded = true }: { value: unknown; expanded?: boolean }) {
  if (value === null || typeof value !== 'object') {
    return <pre className="json-scalar">{JSON.stringify(value)}</pre>
  }
  return (
    <div className="json" data-testid="json">
      <JsonView
        data={value as object}
        shouldExpandNode={expanded ? () => true : collapseAllNested}
        style={defaultStyles}
      />
    </div>
  )
}

export function TraceLink({ traceId, label }: { traceId: string; label?: string }) {
  if (!traceId) return null
  return (
    <Link href={`/traces/${traceId}`} className="mono trace-link" data-testid="trace-link">
      {label ?? traceId.slice(0, 12)}
    </Link>
  )
}

export function formatTime(ms: number): string {
  const date = new Date(ms)
  return date.toLocaleTimeString(undefined, { hour12: false }) + '.' + String(date.getMilliseconds()).padStart(3, '0')
}

export function formatDuration(ms: number): string {
  if (ms < 1) return `${(ms * 1000).toFixed(0)} µs`
  if (ms < 1000) return `${ms.toFixed(ms < 10 ? 2 : 1)} ms`
  return `${(ms / 1000).toFixed(2)} s`
}

export function relative(ms: number, now = Date.now()): string {
  const seconds = Math.round((ms - now) / 1000)
  const size = Math.abs(seconds)
  const text = size < 60 ? `${size}s` : size < 3600 ? `${Math.round(size / 60)}m` : `${Math.round(size / 3600)}h`
  return seconds >= 0 ? `in ${text}` : `${text} ago`
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e)
}

/** `text` parsed as JSON, or undefined after telling `onError` why it is not JSON. */
export function parseJson(text: string, onError: (message: string) => void): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) as unknown }
  } catch (e) {
    onError(`not valid JSON: ${errorMessage(e)}`)
    return undefined
  }
}
