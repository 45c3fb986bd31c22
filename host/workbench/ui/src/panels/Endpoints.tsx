// Endpoints: every api step from the project's OpenAPI description, with a form for
// path parameters, query, headers and body (pre-filled from the schema). Sending shows
// status, time, headers and body, and links to the request's trace.
import { useEffect, useMemo, useState } from 'react'
import { useSearch } from 'wouter'
import { api, authHeaders, ok, type Schemas } from '../api/client'
import { Empty, ErrorBanner, LanguageBadge, TraceLink, errorMessage, formatDuration } from '../components/common'
import { useGate } from '../components/Session'
import { sample } from './sample'

type Operation = {
  operationId: string
  summary?: string
  parameters?: { name: string; in: string; required?: boolean }[]
  requestBody?: { content?: Record<string, { schema?: unknown }> }
  'x-stephost-language'?: string
}
type Endpoint = { method: string; path: string; op: Operation }
type Row = { name: string; value: string }

async function loadEndpoints(): Promise<Endpoint[]> {
  const response = await fetch('/openapi.json', { headers: authHeaders() })
  if (!response.ok) throw new Error(`/openapi.json answered ${response.status}`)
  const document = (await response.json()) as { paths?: Record<string, Record<string, Operation>> }
  return Object.entries(document.paths ?? {}).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ method: method.toUpperCase(), path, op })),
  )
}

function Rows({ rows, onChange, label }: { rows: Row[]; onChange: (rows: Row[]) => void; label: string }) {
  return (
    <div className="rows">
      {rows.map((row, i) => (
        <div className="row" key={i}>
          <input placeholder="name" value={row.name} onChange={(e) => onChange(rows.map((r, j) => (j === i ? { ...r, name: e.target.value } : r)))} />
          <input placeholder="value" value={row.value} onChange={(e) => onChange(rows.map((r, j) => (j === i ? { ...r, value: e.target.value } : r)))} />
          <button onClick={() => onChange(rows.filter((_, j) => j !== i))} aria-label="remove">
            ✕
          </button>
        </div>
      ))}
      <button onClick={() => onChange([...rows, { name: '', value: '' }])}>+ {label}</button>
    </div>
  )
}

function Tester({ endpoint }: { endpoint: Endpoint }) {
  const pathParams = (endpoint.op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name)
  const bodySchema = endpoint.op.requestBody?.content?.['application/json']?.schema
  const hasBody = !['GET', 'HEAD', 'DELETE'].includes(endpoint.method)
  // The parent remounts this form for each endpoint, so these start fresh.
  const [params, setParams] = useState<Record<string, string>>({})
  const [query, setQuery] = useState<Row[]>([])
  const [headers, setHeaders] = useState<Row[]>(() => (hasBody ? [{ name: 'content-type', value: 'application/json' }] : []))
  const [body, setBody] = useState(() => (hasBody ? JSON.stringify(bodySchema ? sample(bodySchema) : {}, null, 2) : ''))
  const [result, setResult] = useState<Schemas['SendResult'] | null>(null)
  const [error, setError] = useState('')
  const [sending, setSending] = useState(false)
  const gate = useGate('operator')
  const path = endpoint.path.replace(/\{(\w+)\}/g, (_m, name: string) => encodeURIComponent(params[name] ?? ''))
  const send = async () => {
    const missing = pathParams.filter((name) => !params[name])
    if (missing.length) {
      setError(`fill in the path parameter${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`)
      return
    }
    setSending(true)
    try {
      const sent = await ok(
        api.POST('/_stephost/send', {
          body: {
            method: endpoint.method,
            path,
            query: Object.fromEntries(query.filter((r) => r.name).map((r) => [r.name, r.value])),
            headers: Object.fromEntries(headers.filter((r) => r.name).map((r) => [r.name, r.value])),
            body: hasBody ? body : null,
          },
        }),
      )
      setResult(sent)
      setError('')
    } catch (e) {
      setError(errorMessage(e))
    } finally {
      setSending(false)
    }
  }
  let shownBody = result?.body ?? ''
  try {
    shownBody = JSON.stringify(JSON.parse(shownBody), null, 2)
  } catch {
    // not JSON: shown as it came
  }
  return (
    <div className="tester" data-testid="tester">
      <h2>
        <span className={`method method-${endpoint.method}`}>{endpoint.method}</span> <span className="mono">{endpoint.path}</span>
      </h2>
      {endpoint.op.summary && <p className="muted">{endpoint.op.summary}</p>}
      {pathParams.length > 0 && (
        <section>
          <h4>Path parameters</h4>
          {pathParams.map((name) => (
            <label key={name} className="row">
              <span className="mono">{name}</span>
              <input value={params[name] ?? ''} onChange={(e) => setParams({ ...params, [name]: e.target.value })} data-testid={`param-${name}`} />
            </label>
          ))}
        </section>
      )}
      <section>
        <h4>Query</h4>
        <Rows rows={query} onChange={setQuery} label="query parameter" />
      </section>
      <section>
        <h4>Headers</h4>
        <Rows rows={headers} onChange={setHeaders} label="header" />
      </section>
      {hasBody && (
        <section>
          <h4>Body</h4>
          <textarea className="json-editor" rows={10} value={body} onChange={(e) => setBody(e.target.value)} spellCheck={false} data-testid="tester-body" />
        </section>
      )}
      <div className="row">
        <button className="primary" onClick={send} {...gate} disabled={sending || gate.disabled} data-testid="tester-send">
          {sending ? 'Sending…' : 'Send'}
        </button>
        <span className="mono muted">
          {endpoint.method} {path}
        </span>
      </div>
      {error && <div className="error-banner">{error}</div>}
      {result && (
        <section className="response" data-testid="tester-response">
          <div className="row">
            <span className={`badge http http-${String(result.status)[0]}xx`} data-testid="tester-status">
              {result.status}
            </span>
            <span data-testid="tester-time">{formatDuration(result.durationMs)}</span>
            {result.traceId && <TraceLink traceId={result.traceId} label="open its trace →" />}
          </div>
          <details>
            <summary>Headers ({Object.keys(result.headers).length})</summary>
            <pre className="mono">
              {Object.entries(result.headers)
                .map(([k, v]) => `${k}: ${v}`)
                .join('\n')}
            </pre>
          </details>
          <pre className="response-body" data-testid="tester-body-out">
            {shownBody || '(no body)'}
          </pre>
        </section>
      )}
    </div>
  )
}

export function EndpointsPanel() {
  const search = useSearch()
  const [endpoints, setEndpoints] = useState<Endpoint[] | null>(null)
  const [chosen, setChosen] = useState(() => new URLSearchParams(search).get('step') ?? '')
  const [error, setError] = useState<unknown>(null)
  useEffect(() => {
    loadEndpoints().then(setEndpoints, setError)
  }, [])
  useEffect(() => {
    const step = new URLSearchParams(search).get('step')
    if (step) setChosen(step)
  }, [search])
  const endpoint = useMemo(() => endpoints?.find((e) => e.op.operationId === chosen) ?? endpoints?.[0], [endpoints, chosen])
  if (endpoints !== null && endpoints.length === 0) {
    return (
      <Empty title="No api steps">
        An api step answers HTTP: a step whose config has <code>type: 'api'</code>, a <code>method</code> and a <code>path</code>.
      </Empty>
    )
  }
  return (
    <div className="panel columns">
      <ul className="list endpoints" data-testid="endpoints">
        {(endpoints ?? []).map((e) => (
          <li key={e.op.operationId}>
            <button className={e === endpoint ? 'selected' : ''} onClick={() => setChosen(e.op.operationId)} data-testid="endpoint" data-step={e.op.operationId}>
              <span className={`method method-${e.method}`}>{e.method}</span> <span className="mono">{e.path}</span>
              <span className="muted"> {e.op.operationId}</span> {e.op['x-stephost-language'] && <LanguageBadge language={e.op['x-stephost-language']} />}
            </button>
          </li>
        ))}
      </ul>
      <div className="grow">
        <ErrorBanner error={error} />
        {endpoint && <Tester key={`${endpoint.method} ${endpoint.path}`} endpoint={endpoint} />}
      </div>
    </div>
  )
}
