/**
 * A tab that records a session holds a shared Web Lock on it for as long as it does; the browser
 * releases the lock when the tab closes or crashes. A session marked active whose lock is free
 * has lost its recorder.
 */
export type ReleaseLock = () => void

const lockName = (sessionId: string) => `tapedeck:session:${sessionId}`

function locks(): LockManager | undefined {
  return typeof navigator !== 'undefined' ? navigator.locks : undefined
}

export function holdSessionLock(sessionId: string): Promise<ReleaseLock> {
  const manager = locks()
  if (!manager) return Promise.resolve(() => {})
  return new Promise((granted) => {
    manager
      .request(lockName(sessionId), { mode: 'shared' }, () => new Promise<void>((release) => granted(release)))
      .catch(() => granted(() => {}))
  })
}

/**
 * Runs `fn` only if no tab holds the session, holding it exclusively meanwhile so that no tab
 * can take the session up halfway. Without Web Locks a live tab cannot be told from a dead one,
 * so nothing runs.
 */
export async function whileSessionAbandoned(sessionId: string, fn: () => Promise<void>): Promise<boolean> {
  const manager = locks()
  if (!manager) return false
  return manager.request(lockName(sessionId), { ifAvailable: true }, async (lock) => {
    if (lock === null) return false
    await fn()
    return true
  })
}
