// Dead letters: per step, each with its error, stack and attempts. Replay as it was,
// edit the data and replay, delete; or replay many at once.
import { useState } from 'react'
import { api, ok, type DeadLetter } from '../api/client'
import { Empty, ErrorBanner, Json, TraceLink, errorMessage, formatTime, parseJson } from '../components/common'
import { Stack } from '../components/Stack'
import { useGate } from '../components/Session'
import { usePolling } from '../live'
import { useStore } from '../store'

function Letter({ letter, checked, onCheck, onDone }: { letter: DeadLetter; checked: boolean; onCheck: (on: boolean) => void; onDone: () => void }) {
  const project = useStore((s) => s.project)
  const [open, setOpen] = useState(false)
  const [editing, setEditing] = useState(false)
  const [text, setText] = useState('')
  const [error, setError] = useState('')
  const operator = useGate('operator')
  const admin = useGate('admin')
  const act = async (action: () => Promise<unknown>) => {
    try {
      await action()
      setError('')
      onDone()
    } catch (e) {
      setError(errorMessage(e))
    }
  }
  const replayEdited = () => {
    const parsed = parseJson(text, setError)
    if (!parsed) return
    void act(() => ok(api.POST('/_stephost/dlq/{delivery_id}/replay-edited', { params: { path: { delivery_id: letter.id } }, body: { data: parsed.value } })))
  }
  return (
    <div className="letter" data-testid="dead-letter" data-step={letter.step}>
      <div className="letter-head">
        <input type="checkbox" checked={checked} onChange={(e) => onCheck(e.target.checked)} aria-label="select" />
        <button className="link-like" onClick={() => setOpen(!open)} data-testid="letter-toggle">
          <span className="badge status status-error">{letter.error.code}</span> <strong>{letter.step}</strong>{' '}
          <span className="mono">{letter.topic}</span> <span className="muted">{letter.error.message}</span>
        </button>
        <span className="muted">
          {letter.attempts} attempt{letter.attempts === 1 ? '' : 's'} · {formatTime(letter.deadMs)}
        </span>
        <TraceLink traceId={letter.traceId} />
      </div>
      {error && <div className="error-banner">{error}</div>}
      {open && (
        <div className="letter-body">
          <Stack error={letter.error} project={project} />
          <h4>Data</h4>
          {editing ? (
            <textarea className="json-editor" value={text} onChange={(e) => setText(e.target.value)} rows={10} spellCheck={false} data-testid="letter-editor" />
          ) : (
            <Json value={letter.data} />
          )}
          <div className="row">
            {editing ? (
              <>
                <button className="primary" onClick={replayEdited} {...operator} data-testid="letter-replay-edited">
                  Replay with this data
                </button>
                <button onClick={() => setEditing(false)}>Cancel</button>
              </>
            ) : (
              <>
                <button className="primary" onClick={() => void act(() => ok(api.POST('/_stephost/dlq/{delivery_id}/replay', { params: { path: { delivery_id: letter.id } } })))} {...operator} data-testid="letter-replay">
                  Replay
                </button>
                <button
                  onClick={() => {
                    setText(JSON.stringify(letter.data, null, 2))
                    setEditing(true)
                  }}
                  {...operator}
                  data-testid="letter-edit"
                >
                  Edit and replay
                </button>
                <button className="danger" onClick={() => confirm('Delete this dead letter?') && void act(() => ok(api.DELETE('/_stephost/dlq/{delivery_id}', { params: { path: { delivery_id: letter.id } } })))} {...admin} data-testid="letter-delete">
                  Delete
                </button>
              </>
            )}
          </div>
        </div>
      )}
    </div>
  )
}

export function DeadLettersPanel() {
  const steps = useStore((s) => s.steps)
  const [step, setStep] = useState('')
  const [letters, setLetters] = useState<DeadLetter[] | null>(null)
  const [selected, setSelected] = useState<Set<string>>(new Set())
  const [error, setError] = useState<unknown>(null)
  const [note, setNote] = useState('')
  const operator = useGate('operator')
  const load = async () => {
    try {
      const found = await ok(api.GET('/_stephost/dlq', { params: { query: { step: step || undefined, limit: 500 } } }))
      setLetters(found.items)
      setError(null)
    } catch (e) {
      setError(e)
    }
  }
  usePolling(load, 2000, [step])
  const replayMany = async (body: { ids?: string[]; step?: string }) => {
    try {
      const result = await ok(api.POST('/_stephost/dlq/replay', { body: { ids: body.ids ?? [], step: body.step } }))
      setNote(`${result.replayed.length} replayed${result.missing.length ? `, ${result.missing.length} already gone` : ''}`)
      setSelected(new Set())
      await load()
    } catch (e) {
      setError(e)
    }
  }
  const byStep = new Map<string, DeadLetter[]>()
  for (const letter of letters ?? []) byStep.set(letter.step, [...(byStep.get(letter.step) ?? []), letter])
  return (
    <div className="panel">
      <div className="toolbar">
        <select value={step} onChange={(e) => setStep(e.target.value)} data-testid="dlq-step">
          <option value="">every step</option>
          {steps
            .filter((s) => s.type === 'event' || s.type === 'cron')
            .map((s) => (
              <option key={s.name}>{s.name}</option>
            ))}
        </select>
        <button {...operator} disabled={selected.size === 0 || operator.disabled} onClick={() => void replayMany({ ids: [...selected] })} data-testid="dlq-replay-selected">
          Replay selected ({selected.size})
        </button>
        {note && <span className="muted">{note}</span>}
      </div>
      <ErrorBanner error={error} />
      {letters !== null && letters.length === 0 ? (
        <Empty title="No dead letters">
          A message lands here when its step failed on every attempt (<code>maxAttempts</code>, 3 by default), or when its
          data breaks the step's input schema. From here it can be replayed, edited and replayed, or deleted.
        </Empty>
      ) : (
        [...byStep].map(([name, group]) => (
          <section key={name} data-testid="dlq-group">
            <div className="toolbar">
              <h3>
                {name} <span className="muted">({group.length})</span>
              </h3>
              <button onClick={() => void replayMany({ step: name })} {...operator} data-testid="dlq-replay-step">
                Replay all of {name}
              </button>
            </div>
            {group.map((letter) => (
              <Letter
                key={letter.id}
                letter={letter}
                checked={selected.has(letter.id)}
                onCheck={(on) => {
                  const next = new Set(selected)
                  if (on) next.add(letter.id)
                  else next.delete(letter.id)
                  setSelected(next)
                }}
                onDone={() => void load()}
              />
            ))}
          </section>
        ))
      )}
    </div>
  )
}
