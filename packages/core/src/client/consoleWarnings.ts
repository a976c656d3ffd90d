import type { ErrorInfo } from '../errors'

// Set by the app's bundler; absent in a page without one (the script tag).
declare const process: { env: { NODE_ENV?: string } }

/** A development build: the app's bundler did not set NODE_ENV to production. */
function isDevelopment(): boolean {
  try {
    return process.env.NODE_ENV !== 'production'
  } catch {
    return false
  }
}

/**
 * In development builds, and with `debug: true`, the recorder tells the console about each kind of
 * problem once (by code): an app sees `no_active_session` the first time, not on every event. The
 * message says what to do; the status and `onError` still get every occurrence.
 */
export function consoleWarnings(debug: boolean | undefined): (error: ErrorInfo) => void {
  if (!(debug ?? isDevelopment())) return () => {}
  const warned = new Set<string>()
  return (error) => {
    if (warned.has(error.code)) return
    warned.add(error.code)
    console.warn(`Tapedeck (${error.code}): ${error.message} (once; all of them: getSnapshot().errors, onError)`, ...(error.cause === undefined ? [] : [error.cause]))
  }
}
