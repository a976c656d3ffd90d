import { useEffect, useState, type FormEvent } from 'react'
import { apiBase } from '../api/apiBase'
import type { AccessInfo } from '../api/types'
import { credentials } from '../auth/credentials'
import { withBearer } from '@tapedeck/core/read'

const AUTHOR_KEY = 'tapedeck-studio:author'

/** What a key (or none) may do, as the server says (GET /v1/access); or why it cannot sign in. */
export async function checkKey(token: string): Promise<{ access: 'read' | 'review' | 'admin' | 'open' } | { problem: string }> {
  const headers = withBearer(undefined, token)
  try {
    const response = await fetch(`${apiBase()}/v1/access`, { headers })
    if (response.ok) {
      const info = (await response.json()) as AccessInfo
      if (info.kind === 'share') return { problem: 'This is a share link token: open the link itself.' }
      return { access: info.kind }
    }
    if (response.status === 401) return { problem: 'The server does not know this key.' }
    if (response.status === 403) return { problem: 'This key cannot read sessions: use a read, review or admin key.' }
    if (response.status !== 404) return { problem: `The server answered ${response.status}.` }
    // A server from before /v1/access: a key that can list sessions can read.
    const listed = await fetch(`${apiBase()}/v1/sessions?limit=1`, { headers })
    if (listed.ok) return { access: token ? 'read' : 'open' }
    if (listed.status === 401) return { problem: 'The server does not know this key.' }
    if (listed.status === 403) return { problem: 'This key cannot read sessions: use a read, review or admin key.' }
    return { problem: `The server answered ${listed.status}.` }
  } catch {
    return { problem: 'The server cannot be reached.' }
  }
}

/**
 * Sign in with a read, review or admin key, kept in this tab only (sessionStorage), and a name
 * the reviews are signed with. A server with no keys (development, `npm start`) needs none: the
 * Studio goes straight in.
 */
export function SignInPage() {
  const [key, setKey] = useState('')
  const [author, setAuthor] = useState(() => localStorage.getItem(AUTHOR_KEY) ?? '')
  const [problem, setProblem] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  useEffect(() => {
    let cancelled = false
    void checkKey('').then((answer) => {
      if (!cancelled && 'access' in answer && answer.access === 'open') {
        credentials.set({ kind: 'key', token: '', access: 'open', author: localStorage.getItem(AUTHOR_KEY) || 'developer' })
      }
    })
    return () => {
      cancelled = true
    }
  }, [])

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    setBusy(true)
    const answer = await checkKey(key.trim())
    setBusy(false)
    if ('problem' in answer) return setProblem(answer.problem)
    const name = author.trim() || 'reviewer'
    localStorage.setItem(AUTHOR_KEY, name)
    credentials.set({ kind: 'key', token: key.trim(), access: answer.access, author: name })
  }

  return (
    <main className="signin">
      <form onSubmit={submit} aria-labelledby="signin-title">
        <h1 id="signin-title">
          Tapedeck <span>Studio</span>
        </h1>
        <p className="muted">Find, replay, review and share recorded AI conversations.</p>
        <label htmlFor="key">Read or review key</label>
        <input
          id="key"
          type="password"
          autoComplete="off"
          value={key}
          onChange={(event) => setKey(event.target.value)}
          aria-describedby="key-note"
          aria-invalid={problem ? true : undefined}
          required
        />
        <p id="key-note" className="muted small">
          Kept for this tab only: closing it signs you out. A share link signs you in by itself.
        </p>
        <label htmlFor="author">Your name, on your reviews</label>
        <input id="author" autoComplete="name" value={author} onChange={(event) => setAuthor(event.target.value)} maxLength={200} />
        {problem && (
          <p className="error" role="alert">
            {problem}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Checking…' : 'Sign in'}
        </button>
      </form>
    </main>
  )
}
