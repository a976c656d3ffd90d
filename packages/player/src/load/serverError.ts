import { ReadApiError } from '@tapedeck/core/read'
import { playerError } from '../playerError'

/**
 * The player's error for a server read that failed (a {@link ReadApiError} from core's read
 * client): `session_not_found` for a 404 of the session, `load_failed` for anything else the
 * server or the network did. A cancelled read stays the `AbortError` it is.
 */
export function serverError(error: unknown, sessionId?: string): unknown {
  if (!(error instanceof ReadApiError)) return error
  if (error.status === 404 && sessionId !== undefined) {
    return playerError('session_not_found', `The server has no session ${sessionId} (404 from ${error.url}).`, error)
  }
  if (error.status === 0) return playerError('load_failed', error.message, error)
  return playerError('load_failed', `The server answered ${error.status} (${error.code}) for ${error.url}: ${error.message}`, error)
}
