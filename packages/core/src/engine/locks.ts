/**
 * Web Locks tell live tabs from dead ones: the browser releases a lock when the tab (or worker)
 * holding it closes or crashes. A tab holds a shared lock on each session it records and an
 * exclusive one on its own tab id.
 */
export type ReleaseLock = () => void

export const sessionLock = (sessionId: string) => `tapedeck:session:${sessionId}`
export const tabLock = (tab: string) => `tapedeck:tab:${tab}`
/** The lock a page holds while it may name events from its seq leases (engine/SeqLeases): free once the page is gone. */
export const leaseLock = (tab: string) => `tapedeck:lease:${tab}`

function locks(): LockManager | undefined {
  return typeof navigator !== 'undefined' ? navigator.locks : undefined
}

/** Holds a lock until the returned function is called (or the holder dies). */
export function holdLock(name: string, mode: LockMode): Promise<ReleaseLock> {
  const manager = locks()
  if (!manager) return Promise.resolve(() => {})
  return new Promise((granted) => {
    manager.request(name, { mode }, () => new Promise<void>((release) => granted(release))).catch(() => granted(() => {}))
  })
}

/**
 * Runs `fn` only if nobody holds the lock, holding it exclusively meanwhile so that nobody can
 * take it up halfway. Without Web Locks a live tab cannot be told from a dead one, so nothing runs.
 */
export async function whileLockFree(name: string, fn: () => Promise<void>): Promise<boolean> {
  const manager = locks()
  if (!manager) return false
  return manager.request(name, { ifAvailable: true }, async (lock) => {
    if (lock === null) return false
    await fn()
    return true
  })
}
