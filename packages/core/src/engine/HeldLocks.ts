import { holdLock, sessionLock, tabLock, type ReleaseLock } from './locks'

/**
 * The Web Locks this engine holds: an exclusive one on each tab it stores for, a shared one on
 * each session it records (see locks). Recovery leaves alone a session someone holds.
 */
export class HeldLocks {
  readonly #held = new Map<string, ReleaseLock>()

  /** Takes the tab's and the session's locks, once each. */
  async hold(tab: string, sessionId: string): Promise<void> {
    if (!this.#held.has(tabLock(tab))) this.#held.set(tabLock(tab), await holdLock(tabLock(tab), 'exclusive'))
    if (!this.#held.has(sessionLock(sessionId))) this.#held.set(sessionLock(sessionId), await holdLock(sessionLock(sessionId), 'shared'))
  }

  holdsSession(sessionId: string): boolean {
    return this.#held.has(sessionLock(sessionId))
  }

  /** The session ended or went: another tab may recover it. */
  releaseSession(sessionId: string): void {
    this.#release(sessionLock(sessionId))
  }

  releaseAll(): void {
    for (const name of [...this.#held.keys()]) this.#release(name)
  }

  #release(name: string): void {
    this.#held.get(name)?.()
    this.#held.delete(name)
  }
}
