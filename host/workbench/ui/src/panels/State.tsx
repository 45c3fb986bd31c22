// State: groups, keys, and a JSON viewer and editor (save, delete); search across groups.
import { useEffect, useState } from 'react'
import { api, ok, type Schemas } from '../api/client'
import { Empty, ErrorBanner, Json, errorMessage, parseJson } from '../components/common'
import { useGate } from '../components/Session'
import { usePolling } from '../live'

type Item = Schemas['StateItem']

// Keys listed at a time: a group may hold far more than a browser should be sent every
// poll; "Show more" asks for the next page too.
const PAGE = 500

function Editor({ group, item, onSaved, onDeleted }: { group: string; item: Item; onSaved: () => void; onDeleted: () => void }) {
  const [editing, setEditing] = useState(false)
  const [text, setText] = useState('')
  const [error, setError] = useState('')
  const operator = useGate('operator')
  const admin = useGate('admin')
  useEffect(() => {
    setEditing(false)
    setError('')
  }, [group, item.key])
  const save = async () => {
    const parsed = parseJson(text, setError)
    if (!parsed) return
    try {
      await ok(api.PUT('/_stephost/state/{group}/{key}', { params: { path: { group, key: item.key } }, body: parsed.value }))
      setEditing(false)
      setError('')
      onSaved()
    } catch (e) {
      setError(errorMessage(e))
    }
  }
  const remove = async () => {
    if (!confirm(`Delete ${group}/${item.key}?`)) return
    try {
      await ok(api.DELETE('/_stephost/state/{group}/{key}', { params: { path: { group, key: item.key } } }))
      onDeleted()
    } catch (e) {
      setError(errorMessage(e))
    }
  }
  return (
    <div className="state-value" data-testid="state-value">
      <div className="toolbar">
        <h3 className="mono">
          {group}/{item.key}
        </h3>
        {!editing && (
          <button
            onClick={() => {
              setText(JSON.stringify(item.value, null, 2))
              setEditing(true)
            }}
            {...operator}
            data-testid="state-edit"
          >
            Edit
          </button>
        )}
        <button onClick={remove} className="danger" {...admin} data-testid="state-delete">
          Delete
        </button>
      </div>
      {error && <div className="error-banner">{error}</div>}
      {editing ? (
        <>
          <textarea className="json-editor" value={text} onChange={(e) => setText(e.target.value)} rows={16} spellCheck={false} data-testid="state-editor" />
          <div className="row">
            <button className="primary" onClick={save} {...operator} data-testid="state-save">
              Save
            </button>
            <button onClick={() => setEditing(false)}>Cancel</button>
          </div>
        </>
      ) : (
        <Json value={item.value} />
      )}
    </div>
  )
}

export function StatePanel() {
  const [groups, setGroups] = useState<string[] | null>(null)
  const [group, setGroup] = useState('')
  const [items, setItems] = useState<Item[]>([])
  const [limit, setLimit] = useState(PAGE)
  const [more, setMore] = useState(false)
  const [picked, setPicked] = useState<Item | null>(null) // a key not among those listed
  const [key, setKey] = useState('')
  const [filter, setFilter] = useState('')
  const [search, setSearch] = useState('')
  const [found, setFound] = useState<Schemas['StateSearch'] | null>(null)
  const [newKey, setNewKey] = useState('')
  const [error, setError] = useState<unknown>(null)
  const operator = useGate('operator')

  const loadGroups = async () => setGroups((await ok(api.GET('/_stephost/state'))).groups)
  const loadItems = async () => {
    if (!group) return
    const page = await ok(api.GET('/_stephost/state/{group}', { params: { path: { group }, query: { limit } } }))
    setItems(page.items)
    setMore(page.next != null)
  }
  usePolling(
    async () => {
      try {
        await Promise.all([loadGroups(), loadItems()])
        setError(null)
      } catch (e) {
        setError(e)
      }
    },
    3000,
    [group, limit],
  )
  // A key picked from the search may lie past the keys listed: it is read alone.
  const loadPicked = async (g: string, k: string) => setPicked(await ok(api.GET('/_stephost/state/{group}/{key}', { params: { path: { group: g, key: k } } })))
  useEffect(() => {
    setPicked(null)
    if (!group || !key || items.some((i) => i.key === key)) return
    loadPicked(group, key).catch(setError)
  }, [group, key]) // not on `items`: they are new every poll
  useEffect(() => {
    if (!search.trim()) {
      setFound(null)
      return
    }
    const timer = setTimeout(() => {
      ok(api.GET('/_stephost/state-search', { params: { query: { q: search } } })).then(setFound, setError)
    }, 200)
    return () => clearTimeout(timer)
  }, [search])

  const create = async () => {
    if (!group || !newKey.trim()) return
    try {
      await ok(api.PUT('/_stephost/state/{group}/{key}', { params: { path: { group, key: newKey.trim() } }, body: {} }))
      setKey(newKey.trim())
      setNewKey('')
      await loadItems()
    } catch (e) {
      setError(e)
    }
  }

  const shown = items.filter((i) => !filter || i.key.includes(filter) || JSON.stringify(i.value).includes(filter))
  const item = items.find((i) => i.key === key) ?? (picked?.key === key ? picked : undefined)
  return (
    <div className="panel">
      <div className="toolbar">
        <input className="wide" placeholder="search every group: key or value" value={search} onChange={(e) => setSearch(e.target.value)} data-testid="state-search" />
      </div>
      <ErrorBanner error={error} />
      {found && (
        <section data-testid="state-search-results">
          <h3>
            {found.items.length} match{found.items.length === 1 ? '' : 'es'}
            {found.truncated && ' (first 200)'}
          </h3>
          {found.items.map((i) => (
            <button
              key={`${i.group}/${i.key}`}
              className="link-like mono"
              onClick={() => {
                if (i.group !== group) {
                  setItems([])
                  setLimit(PAGE)
                }
                setGroup(i.group ?? '')
                setKey(i.key)
                setSearch('')
              }}
            >
              {i.group}/{i.key}
            </button>
          ))}
        </section>
      )}
      {groups !== null && groups.length === 0 ? (
        <Empty title="No state yet">
          Steps write state with <code>ctx.state.set(group, key, value)</code>; it shows up here, and can be edited.
        </Empty>
      ) : (
        <div className="columns">
          <ul className="list" data-testid="state-groups">
            {(groups ?? []).map((g) => (
              <li key={g}>
                <button
                  className={g === group ? 'selected' : ''}
                  onClick={() => {
                    setGroup(g)
                    setKey('')
                    setItems([])
                    setLimit(PAGE)
                  }}
                  data-testid="state-group"
                >
                  {g}
                </button>
              </li>
            ))}
          </ul>
          <div className="list">
            {group ? (
              <>
                <input placeholder={more ? 'filter the keys shown' : 'filter keys'} value={filter} onChange={(e) => setFilter(e.target.value)} />
                <ul data-testid="state-keys">
                  {shown.map((i) => (
                    <li key={i.key}>
                      <button className={i.key === key ? 'selected mono' : 'mono'} onClick={() => setKey(i.key)} data-testid="state-key">
                        {i.key}
                      </button>
                    </li>
                  ))}
                </ul>
                {more && (
                  <button className="link-like" onClick={() => setLimit(limit + PAGE)} data-testid="state-more">
                    The first {items.length} keys: show {PAGE} more
                  </button>
                )}
                <div className="row">
                  <input placeholder="new key" value={newKey} onChange={(e) => setNewKey(e.target.value)} disabled={operator.disabled} />
                  <button onClick={create} {...operator} data-testid="state-add">
                    Add
                  </button>
                </div>
              </>
            ) : (
              <div className="muted">Pick a group.</div>
            )}
          </div>
          <div className="grow">
            {item ? (
              <Editor
                group={group}
                item={item}
                onSaved={() => {
                  void loadItems()
                  if (picked?.key === key) loadPicked(group, key).catch(setError)
                }}
                onDeleted={() => {
                  setKey('')
                  void loadItems()
                }}
              />
            ) : (
              <div className="muted">{group ? 'Pick a key.' : ''}</div>
            )}
          </div>
        </div>
      )}
    </div>
  )
}
