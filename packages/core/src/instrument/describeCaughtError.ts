import type { ErrorDescription } from '../events/catalogue'

/**
 * An error a wrapped fetch or chat transport threw, as `provider.call.failed` carries it: always a
 * `name` (`Error` when it has none) and the message as text, nothing else of the object (the
 * app's own error objects may hold what JSON cannot carry).
 */
export function describeCaughtError(error: unknown): ErrorDescription {
  const e = error as { name?: unknown; message?: unknown } | null
  if (e && typeof e === 'object' && 'message' in e) return { name: typeof e.name === 'string' ? e.name : 'Error', message: String(e.message) }
  return { name: 'Error', message: String(error) }
}
