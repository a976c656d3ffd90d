/**
 * What the recorder does with each answer of a backend: docs/protocol.md §2's table, in one place.
 */
export type Verdict =
  /** Stored (or stored before): mark the batch sent. */
  | 'sent'
  /** Can never be accepted: move it to the dead letters, with the response text. */
  | 'dead'
  /** Not allowed now: keep the data, pause, ask for a new token. */
  | 'auth'
  /** Too large: split along chunk boundaries; one chunk that is still too large is dead. */
  | 'split'
  /** Try later, with backoff. */
  | 'retry'

export function verdictFor(status: number): Verdict {
  if (status === 200 || status === 201 || status === 202 || status === 204 || status === 409) return 'sent'
  if (status === 400 || status === 415 || status === 422) return 'dead'
  if (status === 401 || status === 403) return 'auth'
  if (status === 413) return 'split'
  // 408, 429, 5xx — and anything the table does not name (a 404 from a wrong endpoint, a
  // redirect): keep the data and try again later rather than throw it away.
  return 'retry'
}

export interface BackoffOptions {
  baseMs: number
  capMs: number
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 1000, capMs: 5 * 60 * 1000 }

/** Exponential backoff with full jitter: a random delay in [0, min(cap, base · 2^(attempt−1))]. */
export function backoffDelay(attempt: number, options: BackoffOptions = DEFAULT_BACKOFF, random = Math.random): number {
  const ceiling = Math.min(options.capMs, options.baseMs * 2 ** Math.max(0, attempt - 1))
  return Math.floor(random() * ceiling)
}

/** Retry-After as delay-seconds or an HTTP date; undefined when absent or unreadable. Capped. */
export function retryAfterMs(value: string | null | undefined, now: number, capMs = DEFAULT_BACKOFF.capMs): number | undefined {
  if (!value) return undefined
  const trimmed = value.trim()
  let delay: number
  if (/^\d+$/.test(trimmed)) delay = Number(trimmed) * 1000
  else {
    const at = Date.parse(trimmed)
    if (Number.isNaN(at)) return undefined
    delay = at - now
  }
  return Math.min(capMs, Math.max(0, delay))
}
