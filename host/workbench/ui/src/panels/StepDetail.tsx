// One step: its trigger, schemas (or contract types), file, config and recent invocations;
// an event step's topics can be sent a message from here.
import { useEffect, useState } from 'react'
import { Link } from 'wouter'
import { api, ok, type Schemas, type Span, type Step } from '../api/client'
import {
  ErrorBanner,
  Json,
  LanguageBadge,
  StatusBadge,
  TraceLink,
  TypeBadge,
  errorMessage,
  formatDuration,
  formatTime,
  parseJson,
} from '../components/common'
import { useGate } from '../components/Session'
import { usePolling } from '../live'
import { sample } from './sample'
import { useStore } from '../store'

const SCHEMA_KEYS = ['bodySchema', 'input', 'responseSchema'] as const

function ContractType({ name }: { name: string }) {
  const [found, setFound] = useState<Schemas['ContractType'] | null>(null)
  const [error, setError] = useState<unknown>(null)
  useEffect(() => {
    ok(api.GET('/_stephost/contracts/{name}', { params: { path: { name } } })).then(setFound, setError)
  }, [name])
  return (
    <div>
      <div>
        <span className="mono">{name}</span>
        {found && <span className="muted"> · contracts/{found.file}</span>}
      </div>
      <ErrorBanner error={error} />
      {found && <Json value={found.schema} />}
    </div>
  )
}

function Schema({ value }: { value: unknown }) {
  return typeof value === 'string' ? <ContractType name={value} /> : <Json value={value} />
}

/** A message for one of an event step's topics, pre-filled from its input schema. */
function EmitForm({ step }: { step: Step }) {
  const topics = step.subscribes ?? []
  const input = (step.config as Record<string, unknown>).input
  const gate = useGate('operator')
  const [topic, setTopic] = useState(topics[0] ?? '')
  const [text, setText] = useState(() => JSON.stringify(typeof input === 'object' && input !== null ? sample(input) : {}, null, 2))
  const [result, setResult] = useState<Schemas['EmitResult'] | null>(null)
  const [error, setError] = useState('')
  useEffect(() => {
    if (typeof input !== 'string') return // a contract type: its schema gives the sample
    ok(api.GET('/_stephost/contracts/{name}', { params: { path: { name: input } } })).then(
      (found) => setText(JSON.stringify(sample(found.schema), null, 2)),
      () => undefined, // the form keeps {}
    )
  }, [input])
  const emit = async () => {
    const parsed = parseJson(text, setError)
    if (!parsed) return
    try {
      setResult(await ok(api.POST('/_stephost/emit', { body: { topic, data: parsed.value, groupId: '', idempotencyKey: '', delayMs: 0 } })))
      setError('')
    } catch (e) {
      setResult(null)
      setError(errorMessage(e))
    }
  }
  return (
    <section data-testid="emit">
      <h3>Emit a message</h3>
      <div className="row">
        <select value={topic} onChange={(e) => setTopic(e.target.value)} data-testid="emit-topic">
          {topics.map((t) => (
            <option key={t}>{t}</option>
          ))}
        </select>
        <button className="primary" onClick={() => void emit()} {...gate} data-testid="emit-send">
          Emit
        </button>
      </div>
      <textarea className="json-editor" rows={6} value={text} onChange={(e) => setText(e.target.value)} spellCheck={false} data-testid="emit-data" />
      {error && (
        <div className="error-banner" role="alert" data-testid="emit-error">
          {error}
        </div>
      )}
      {result && (
        <div className="muted" data-testid="emit-result">
          {result.duplicate ? 'dropped as a duplicate' : `sent to ${result.subscribers.join(', ')}`} · <TraceLink traceId={result.traceId} />
        </div>
      )}
    </section>
  )
}

export function StepDetail({ name, onClose }: { name: string; onClose: () => void }) {
  const step = useStore((s) => s.steps.find((x) => x.name === name))
  const project = useStore((s) => s.project)
  const [invocations, setInvocations] = useState<Span[]>([])
  const [error, setError] = useState<unknown>(null)
  usePolling(
    async () => {
      try {
        const found = await ok(api.GET('/_stephost/steps/{name}/invocations', { params: { path: { name }, query: { limit: 20 } } }))
        setInvocations(found.items)
        setError(null)
      } catch (e) {
        setError(e)
      }
    },
    2000,
    [name],
  )
  if (!step) return null
  const config = step.config as Record<string, unknown>
  const typedEmits = Array.isArray(config.emits)
    ? (config.emits as unknown[]).filter((e): e is { topic: string; type: string } => typeof e === 'object' && e !== null && 'type' in e)
    : []
  return (
    <aside className="side-panel" data-testid="step-detail">
      <div className="side-head">
        <h2>{step.name}</h2>
        <button onClick={onClose} aria-label="close">
          ✕
        </button>
      </div>
      <div className="row">
        <TypeBadge type={step.type} />
        <LanguageBadge language={step.language} />
        {step.type === 'api' && (
          <Link href={`/endpoints?step=${encodeURIComponent(step.name)}`} className="button">
            Try it
          </Link>
        )}
      </div>
      {typeof config.description === 'string' && <p>{config.description}</p>}
      <dl className="facts">
        <dt>file</dt>
        <dd className="mono" data-testid="step-file">
          {step.file.startsWith(project + '/') ? step.file.slice(project.length + 1) : step.file}
        </dd>
        {step.type === 'api' && (
          <>
            <dt>route</dt>
            <dd className="mono">
              {step.method} {step.path}
            </dd>
          </>
        )}
        {step.subscribes && (
          <>
            <dt>subscribes</dt>
            <dd className="mono">{step.subscribes.join(', ')}</dd>
          </>
        )}
        {step.cron && (
          <>
            <dt>cron</dt>
            <dd className="mono">{step.cron}</dd>
          </>
        )}
        <dt>emits</dt>
        <dd className="mono">{step.emits.join(', ') || '—'}</dd>
        <dt>flows</dt>
        <dd>{step.flows.join(', ') || '—'}</dd>
      </dl>
      {step.type === 'event' && <EmitForm key={step.name} step={step} />}
      {SCHEMA_KEYS.filter((key) => config[key] !== undefined).map((key) => (
        <section key={key}>
          <h3>{key}</h3>
          <Schema value={config[key]} />
        </section>
      ))}
      {typedEmits.map((emit) => (
        <section key={emit.topic}>
          <h3>emits {emit.topic}</h3>
          <ContractType name={emit.type} />
        </section>
      ))}
      <section>
        <h3>Recent invocations</h3>
        <ErrorBanner error={error} />
        {invocations.length === 0 ? (
          <div className="muted">None yet{step.type === 'api' ? ': send a request from Endpoints.' : '.'}</div>
        ) : (
          <table className="table compact" data-testid="invocations">
            <tbody>
              {invocations.map((span) => (
                <tr key={span.spanId}>
                  <td>{formatTime(span.startUnixMs)}</td>
                  <td>
                    <StatusBadge status={span.status} />
                  </td>
                  <td>{formatDuration(span.durationMs)}</td>
                  <td>{span.kind === 'api' ? `HTTP ${String(span.attributes['http.status'] ?? '')}` : `attempt ${String(span.attributes.attempt ?? 1)}`}</td>
                  <td>
                    <TraceLink traceId={span.traceId} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section>
        <h3>Config</h3>
        <Json value={config} expanded={false} />
      </section>
    </aside>
  )
}
