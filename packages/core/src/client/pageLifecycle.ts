/**
 * What the page knows about itself: whether it may be about to go away, and whether it is
 * online. Injectable (the environment is injectable), so tests and unusual hosts
 * can say it themselves.
 */
export interface PageEvents {
  /**
   * The page is hidden or unloading: hand everything over now. `leaving`: it is unloading
   * (`pagehide`), not only hidden — its session is then saved as suspended, not left to look crashed.
   */
  hide(leaving?: boolean): void
  /** The page is visible again. */
  show(): void
  /** The browser went online or offline (the page hears this more reliably than a worker). */
  connectivity(online: boolean): void
}

export interface PageLifecycle {
  /** Starts telling `events`; returns a function that stops. */
  subscribe(events: PageEvents): () => void
}

export const browserLifecycle: PageLifecycle = {
  subscribe(events) {
    if (typeof window === 'undefined' || typeof document === 'undefined') return () => {}
    // One abort removes every listener (the controller serves as the listeners' options: it has their `signal`).
    const listening = new AbortController()
    const on = (target: EventTarget, type: string, listener: () => void) => target.addEventListener(type, listener, listening)
    on(document, 'visibilitychange', () => (document.visibilityState === 'hidden' ? events.hide() : events.show()))
    on(window, 'pagehide', () => events.hide(true))
    on(window, 'online', () => events.connectivity(true))
    on(window, 'offline', () => events.connectivity(false))
    return () => listening.abort()
  },
}
