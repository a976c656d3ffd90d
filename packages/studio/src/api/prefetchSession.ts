import { sessionPath, withBearer } from '@tapedeck/core/read'
import { firstPagePath } from '@tapedeck/player'
import type { Credentials } from '../auth/credentials'
import { apiBase } from './apiBase'

const started = new Map<string, { response: Promise<Response>; at: number }>()
const KEEP_MS = 30_000
/** The replay's first page of events (loadRecording's `firstPageEvents`): shown while the rest arrive. */
export const REPLAY_FIRST_PAGE = 1000

function urlsOf(sessionId: string, base: string): string[] {
  const session = `${base}${sessionPath(sessionId)}`
  return [session, `${base}${firstPagePath(sessionId, REPLAY_FIRST_PAGE)}`, `${session}/annotations`]
}

/**
 * Starts reading a session (its detail, events and annotations) while the replay's code is
 * still loading, so the two do not wait for each other. `prefetchedFetch` hands each answer to
 * the first request for that URL; anything else goes to the network as usual.
 */
export function prefetchSession(sessionId: string, auth: Credentials | null, base = apiBase()): void {
  const now = Date.now()
  for (const [url, entry] of started) if (now - entry.at > KEEP_MS) started.delete(url)
  // The key as every other read sends it (core's read client).
  const headers = withBearer(undefined, auth?.token)
  for (const url of urlsOf(sessionId, base)) {
    if (started.has(url)) continue
    const response = fetch(url, { headers })
    response.catch(() => undefined) // a failure is reported to the request that takes it
    started.set(url, { response, at: now })
  }
}

/** `fetch`, answered from a prefetch of the same URL when there is a fresh one (once, and for a GET only). */
export const prefetchedFetch = (input: string, init?: RequestInit): Promise<Response> => {
  const entry = (init?.method ?? 'GET') === 'GET' ? started.get(input) : undefined
  if (entry && Date.now() - entry.at <= KEEP_MS && !init?.signal?.aborted) {
    started.delete(input)
    return entry.response
  }
  return fetch(input, init)
}
