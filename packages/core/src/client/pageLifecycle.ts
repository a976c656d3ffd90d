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
    const onVisibility = () => (document.visibilityState === 'hidden' ? events.hide() : events.show())
    const onHide = () => events.hide(true)
    const onOnline = () => events.connectivity(true)
    const onOffline = () => events.connectivity(false)
    document.addEventListener('visibilitychange', onVisibility)
    window.addEventListener('pagehide', onHide)
    window.addEventListener('online', onOnline)
    window.addEventListener('offline', onOffline)
    return () => {
      document.removeEventListener('visibilitychange', onVisibility)
      window.removeEventListener('pagehide', onHide)
      window.removeEventListener('online', onOnline)
      window.removeEventListener('offline', onOffline)
    }
  },
}
