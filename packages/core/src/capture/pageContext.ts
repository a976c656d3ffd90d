import type { PageContext } from '../events/catalogue'

/** The browser and page as any script can read them; what the browser does not offer is left out. */
export function pageContext(win: Window = globalThis as unknown as Window): PageContext {
  const context: PageContext = {}
  try {
    const { location, navigator, screen } = win
    context.url = location.origin + location.pathname
    context.viewport = { width: win.innerWidth, height: win.innerHeight, dpr: win.devicePixelRatio }
    if (screen) context.screen = { width: screen.width, height: screen.height }
    context.language = navigator.language
    context.timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone
    context.userAgent = navigator.userAgent
    const nav = navigator as Navigator & { connection?: { effectiveType?: string; saveData?: boolean }; deviceMemory?: number }
    const connection = nav.connection
    if (connection) context.connection = { effectiveType: connection.effectiveType, saveData: connection.saveData }
    if (typeof nav.deviceMemory === 'number') context.deviceMemory = nav.deviceMemory
    if (navigator.hardwareConcurrency) context.hardwareConcurrency = navigator.hardwareConcurrency
  } catch {
    // A page without some of these (a worker, a sandbox): what was read is kept.
  }
  return context
}
