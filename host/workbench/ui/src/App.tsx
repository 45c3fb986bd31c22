// The Workbench's frame: a navigation bar, the host's problems, and one panel per page;
// or the sign-in screen, when the host needs a token we do not hold.
import { useEffect } from 'react'
import { Link, Route, Router, Switch, useLocation } from 'wouter'
import { SessionBadge, SignIn } from './components/Session'
import { Stack } from './components/Stack'
import { usePolling } from './live'
import { CronPanel } from './panels/Cron'
import { DeadLettersPanel } from './panels/DeadLetters'
import { EndpointsPanel } from './panels/Endpoints'
import { FlowsPanel } from './panels/Flows'
import { LogsPanel } from './panels/Logs'
import { RuntimesPanel } from './panels/Runtimes'
import { StatePanel } from './panels/State'
import { StreamsPanel } from './panels/Streams'
import { TracePage } from './panels/Trace'
import { TracesPanel } from './panels/Traces'
import { useStore } from './store'

const PAGES = [
  ['/', 'Flows'],
  ['/traces', 'Traces'],
  ['/logs', 'Logs'],
  ['/state', 'State'],
  ['/dlq', 'Dead letters'],
  ['/endpoints', 'Endpoints'],
  ['/cron', 'Cron'],
  ['/runtimes', 'Runtimes'],
  ['/streams', 'Streams'],
] as const

function Nav() {
  const [location] = useLocation()
  const project = useStore((s) => s.project)
  const error = useStore((s) => s.catalogError)
  return (
    <nav className="nav">
      <div className="brand">
        stephost <span className="muted">Workbench</span>
      </div>
      {PAGES.map(([href, label]) => {
        const active = href === '/' ? location === '/' : location.startsWith(href)
        return (
          <Link key={href} href={href} className={active ? 'active' : ''} data-testid={`nav-${label.toLowerCase().replace(' ', '-')}`}>
            {label}
          </Link>
        )
      })}
      <div className="nav-foot">
        <SessionBadge />
        {error ? <span className="connection closed">host unreachable</span> : <span className="mono muted">{project.split('/').pop()}</span>}
      </div>
    </nav>
  )
}

/** Steps without a runtime now: their runtime is restarting (or a remote one is away). */
function Unavailable() {
  const unavailable = useStore((s) => s.unavailable)
  if (unavailable.length === 0) return null
  return (
    <div className="problems" data-testid="unavailable">
      {unavailable.length} step{unavailable.length === 1 ? ' has' : 's have'} no runtime now (restarting): requests get 503 and
      events wait in the queue — <span className="mono">{unavailable.join(', ')}</span>
    </div>
  )
}

function Problems() {
  const problems = useStore((s) => s.problems)
  const warnings = useStore((s) => s.warnings)
  const project = useStore((s) => s.project)
  if (problems.length === 0 && warnings.length === 0) return null
  return (
    <details className="problems" data-testid="problems">
      <summary>
        {problems.length} step file{problems.length === 1 ? '' : 's'} not loaded, {warnings.length} warning{warnings.length === 1 ? '' : 's'}
      </summary>
      {warnings.map((w) => (
        <div key={w} className="muted">
          {w}
        </div>
      ))}
      {problems.map((p) => (
        <div key={p.file}>
          <div className="mono">{p.file}</div>
          <Stack error={p.error} project={project} />
        </div>
      ))}
    </details>
  )
}

export function App() {
  const session = useStore((s) => s.session)
  const checkSession = useStore((s) => s.checkSession)
  useEffect(() => {
    document.title = 'stephost Workbench'
    void checkSession()
  }, [checkSession])
  if (session === 'checking') return <div className="overlay muted">Connecting to the host…</div>
  if (session === 'signed-out') return <SignIn />
  return <Workbench />
}

function Workbench() {
  const loadCatalog = useStore((s) => s.loadCatalog)
  const session = useStore((s) => s.session)
  const checkSession = useStore((s) => s.checkSession)
  // The catalog changes when `stephost dev` reloads a runtime: keep it fresh. (And if the
  // host did not answer who we are at first, ask again.)
  usePolling(
    async () => {
      await loadCatalog()
      if (session === 'unknown') await checkSession()
    },
    3000,
    [session],
  )
  return (
    <Router base="/_stephost/ui">
      <div className="app">
        <Nav />
        <main>
          <Unavailable />
          <Problems />
          <Switch>
            <Route path="/" component={FlowsPanel} />
            <Route path="/traces/:id">{(params) => <TracePage traceId={params.id} />}</Route>
            <Route path="/traces" component={TracesPanel} />
            <Route path="/logs" component={LogsPanel} />
            <Route path="/state" component={StatePanel} />
            <Route path="/dlq" component={DeadLettersPanel} />
            <Route path="/endpoints" component={EndpointsPanel} />
            <Route path="/cron" component={CronPanel} />
            <Route path="/runtimes" component={RuntimesPanel} />
            <Route path="/streams" component={StreamsPanel} />
            <Route>
              <div className="empty">
                No such page. <Link href="/">Back to the flows</Link>.
              </div>
            </Route>
          </Switch>
        </main>
      </div>
    </Router>
  )
}
