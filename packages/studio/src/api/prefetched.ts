import { withBearer } from '@tapedeck/core/read'

const started = new Map<string, { response: Promise<Response>; at: number }>()
const KEEP_MS = 30_000

/**
 * Starts a GET before the code that reads it has loaded (prefetchSession, startOverviewStats), with
 * the key as every other read sends it (core's read client). `prefetchedFetch` hands the answer
 * to the first request for that URL.
 */
export function prefetch(url: string, token: string | undefined): void {
  const now = Date.now()
  for (const [key, entry] of started) if (now - entry.at > KEEP_MS) started.delete(key)
  if (started.has(url)) return
  const response = fetch(url, { headers: withBearer(undefined, token) })
  response.catch(() => undefined) // a failure is reported to the request that takes it
  started.set(url, { response, at: now })
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
