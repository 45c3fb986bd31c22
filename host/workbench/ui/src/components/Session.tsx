// Signing in with an admin token, who is signed in, and what their role lets them do.
// The host decides (a refused call shows its message); these only spare the user
// buttons that would be refused.
import { useState, type FormEvent } from 'react'
import type { Role } from '../api/client'
import { useStore } from '../store'

const ROLES: Role[] = ['viewer', 'operator', 'admin']

/** Whether the signed-in role may do what needs `needed` (yes while nobody knows). */
export function useAllowed(needed: Role): boolean {
  const role = useStore((s) => s.caller?.role)
  return role === undefined || ROLES.indexOf(role) >= ROLES.indexOf(needed)
}

/** Props for a control that needs `needed`: disabled, with a tooltip saying why, when
 * the role is too weak. */
export function useGate(needed: Role): { disabled?: boolean; title?: string; 'data-needs'?: Role } {
  const role = useStore((s) => s.caller?.role)
  if (useAllowed(needed)) return {}
  return { disabled: true, title: `needs the ${needed} role (you are signed in as a ${role})`, 'data-needs': needed }
}

export function SignIn() {
  const signIn = useStore((s) => s.signIn)
  const error = useStore((s) => s.signInError)
  const [token, setToken] = useState('')
  const [busy, setBusy] = useState(false)
  const submit = async (event: FormEvent) => {
    event.preventDefault()
    setBusy(true)
    try {
      await signIn(token)
    } finally {
      setBusy(false)
    }
  }
  return (
    <div className="sign-in" data-testid="sign-in">
      <form className="sign-in-box" onSubmit={(e) => void submit(e)}>
        <div className="brand-big">
          stephost <span className="muted">Workbench</span>
        </div>
        <p>This host's admin API needs a token.</p>
        <label>
          Admin token
          <input
            type="password"
            autoComplete="off"
            autoFocus
            placeholder="sht_…"
            value={token}
            onChange={(e) => setToken(e.target.value)}
            data-testid="sign-in-token"
          />
        </label>
        <button className="primary" type="submit" disabled={busy} data-testid="sign-in-submit">
          Sign in
        </button>
        {error && (
          <div className="error-banner" role="alert" data-testid="sign-in-error">
            {error}
          </div>
        )}
        <p className="muted">
          Make one in the project folder on the host's machine: <code>stephost token create --role viewer</code> (it prints the
          token once). A <code>viewer</code> sees everything; an <code>operator</code> also emits, replays dead letters, runs
          cron and edits state; an <code>admin</code> also deletes and saves the layout.
        </p>
        <p className="muted">The token is kept in this tab only, and forgotten when the tab closes.</p>
      </form>
    </div>
  )
}

/** The signed-in role and a way out, at the foot of the navigation. */
export function SessionBadge() {
  const caller = useStore((s) => s.caller)
  const signOut = useStore((s) => s.signOut)
  if (!caller?.authRequired) return null
  return (
    <div className="session" data-testid="session">
      <span className={`badge role role-${caller.role}`} data-testid="session-role" title={caller.tokenName ? `token ${caller.tokenId} (${caller.tokenName})` : `token ${caller.tokenId}`}>
        {caller.role}
      </span>
      <button className="link-like" onClick={signOut} data-testid="sign-out">
        Sign out
      </button>
    </div>
  )
}
