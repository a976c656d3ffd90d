import { useSyncExternalStore } from 'react'

/**
 * Who the Studio calls the server as, for this tab only (sessionStorage: closing the tab forgets
 * it, and other tabs never see it).
 * - `key`: a read, review or admin key, as `Authorization: Bearer`; `''` on a server with no keys.
 *   `access` is what the server said it may do (GET /v1/access); `author` names the reviewer.
 * - `share`: a share link's token, which can read one session and nothing else.
 */
export type Credentials =
  | { kind: 'key'; token: string; access: 'read' | 'review' | 'admin' | 'open'; author: string }
  | { kind: 'share'; token: string; sessionId: string }

/** Whether these credentials may write annotations and make share links. */
export function canReview(auth: Credentials | null): boolean {
  return auth?.kind === 'key' && auth.access !== 'read'
}

const STORAGE_KEY = 'tapedeck-studio:credentials'
const listeners = new Set<() => void>()
let cached: { raw: string | null; value: Credentials | null } | undefined

function read(): Credentials | null {
  const raw = sessionStorage.getItem(STORAGE_KEY)
  if (cached?.raw === raw) return cached.value
  let value: Credentials | null = null
  try {
    value = raw ? (JSON.parse(raw) as Credentials) : null
  } catch {
    value = null
  }
  cached = { raw, value }
  return value
}

export const credentials = {
  get: read,
  set(value: Credentials | null): void {
    if (value) sessionStorage.setItem(STORAGE_KEY, JSON.stringify(value))
    else sessionStorage.removeItem(STORAGE_KEY)
    for (const listener of listeners) listener()
  },
  subscribe(listener: () => void): () => void {
    listeners.add(listener)
    return () => listeners.delete(listener)
  },
}

/** The tab's credentials, or null before sign-in. */
export function useCredentials(): Credentials | null {
  return useSyncExternalStore(credentials.subscribe, read)
}
