import { sessionPath } from '@tapedeck/core/read'
import { firstPagePath } from '@tapedeck/player'
import type { Credentials } from '../auth/credentials'
import { apiBase } from './apiBase'
import { prefetch } from './prefetched'

/** The replay's first page of events (loadRecording's `firstPageEvents`): shown while the rest arrive. */
export const REPLAY_FIRST_PAGE = 1000

/**
 * Starts reading a session (its detail, events and annotations) while the replay's code is
 * still loading, so the two do not wait for each other (api/prefetched).
 */
export function prefetchSession(sessionId: string, auth: Credentials | null, base = apiBase()): void {
  const session = `${base}${sessionPath(sessionId)}`
  for (const url of [session, `${base}${firstPagePath(sessionId, REPLAY_FIRST_PAGE)}`, `${session}/annotations`]) prefetch(url, auth?.token)
}
