// Streams: every stream group with items, and one group's items, live (the same
// WebSocket clients subscribe to), with the events sent to it.
import { useCallback, useState } from 'react'
import { api, ok, type Schemas } from '../api/client'
import { Empty, ErrorBanner, Json, formatTime } from '../components/common'
import { usePolling, useSocket } from '../live'
import type { Connection } from '../store'

type Message =
  | { type: 'snapshot'; items: { id: string; value: unknown }[] }
  | { type: 'set'; id: string; value: unknown }
  | { type: 'delete'; id: string }
  | { type: 'event'; event: unknown }

function Live({ stream, group }: { stream: string; group: string }) {
  const [items, setItems] = useState<Map<string, unknown>>(new Map())
  const [events, setEvents] = useState<{ at: number; event: unknown }[]>([])
  const [connection, setConnection] = useState<Connection>('connecting')
  const onMessage = useCallback((raw: unknown) => {
    const message = raw as Message
    if (message.type === 'snapshot') setItems(new Map(message.items.map((i) => [i.id, i.value])))
    else if (message.type === 'set') setItems((m) => new Map(m).set(message.id, message.value))
    else if (message.type === 'delete')
      setItems((m) => {
        const next = new Map(m)
        next.delete(message.id)
        return next
      })
    else setEvents((e) => [...e.slice(-99), { at: Date.now(), event: message.event }])
  }, [])
  useSocket(`/_stephost/streams/${encodeURIComponent(stream)}/${encodeURIComponent(group)}`, onMessage, setConnection)
  return (
    <div data-testid="stream-live">
      <h3>
        {stream} / {group} <span className={`connection ${connection}`}>{connection === 'open' ? 'live' : connection}</span>
      </h3>
      {items.size === 0 && <div className="muted">No items.</div>}
      {[...items].map(([id, value]) => (
        <div key={id} className="stream-item" data-testid="stream-item">
          <div className="mono">{id}</div>
          <Json value={value} />
        </div>
      ))}
      <h4>Events</h4>
      {events.length === 0 ? (
        <div className="muted">
          None since this page opened (<code>ctx.streams.send</code>).
        </div>
      ) : (
        events.map((e, i) => (
          <div key={i} className="row">
            <span className="mono muted">{formatTime(e.at)}</span> <Json value={e.event} />
          </div>
        ))
      )}
    </div>
  )
}

export function StreamsPanel() {
  const [groups, setGroups] = useState<Schemas['StreamGroup'][] | null>(null)
  const [chosen, setChosen] = useState<{ stream: string; group: string } | null>(null)
  const [manual, setManual] = useState({ stream: '', group: '' })
  const [error, setError] = useState<unknown>(null)
  usePolling(
    async () => {
      try {
        setGroups((await ok(api.GET('/_stephost/streams'))).items)
        setError(null)
      } catch (e) {
        setError(e)
      }
    },
    3000,
    [],
  )
  return (
    <div className="panel columns">
      <div className="list">
        <ErrorBanner error={error} />
        {groups !== null && groups.length === 0 && (
          <Empty title="No stream has items">
            Steps push live items with <code>ctx.streams.set(stream, group, id, value)</code>; clients subscribe at{' '}
            <code>ws://…/_stephost/streams/STREAM/GROUP</code>. Watch a group by name below (for events sent with{' '}
            <code>ctx.streams.send</code>).
          </Empty>
        )}
        <ul data-testid="stream-groups">
          {(groups ?? []).map((g) => (
            <li key={`${g.stream}/${g.group}`}>
              <button className={chosen?.stream === g.stream && chosen.group === g.group ? 'selected' : ''} onClick={() => setChosen(g)} data-testid="stream-group">
                {g.stream} / {g.group} <span className="muted">({g.count})</span>
              </button>
            </li>
          ))}
        </ul>
        <div className="row">
          <input placeholder="stream" value={manual.stream} onChange={(e) => setManual({ ...manual, stream: e.target.value })} />
          <input placeholder="group" value={manual.group} onChange={(e) => setManual({ ...manual, group: e.target.value })} />
          <button disabled={!manual.stream || !manual.group} onClick={() => setChosen({ ...manual })}>
            Watch
          </button>
        </div>
      </div>
      <div className="grow">{chosen ? <Live key={`${chosen.stream}/${chosen.group}`} {...chosen} /> : <div className="muted">Pick a stream group.</div>}</div>
    </div>
  )
}
