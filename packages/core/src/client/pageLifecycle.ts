/**
 * When the page may be about to go away. Injectable (STYLE.md: the environment is injectable),
 * so tests and unusual hosts can say it themselves.
 */
export interface PageLifecycle {
  /**
   * Calls `onHide` when the page is hidden or unloaded, `onShow` when it is visible again;
   * returns a function that stops listening.
   */
  subscribe(onHide: () => void, onShow?: () => void): () => void
}

export const browserLifecycle: PageLifecycle = {
  subscribe(onHide, onShow) {
    if (typeof window === 'undefined' || typeof document === 'undefined') return () => {}
    const onVisibility = () => {
      if (document.visibilityState === 'hidden') onHide()
      else onShow?.()
    }
    document.addEventListener('visibilitychange', onVisibility)
    window.addEventListener('pagehide', onHide)
    return () => {
      document.removeEventListener('visibilitychange', onVisibility)
      window.removeEventListener('pagehide', onHide)
    }
  },
}
