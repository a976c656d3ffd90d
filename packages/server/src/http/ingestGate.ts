import { ServerError } from '../ServerError.js'

export interface IngestGateLimits {
  /** Ingests (batches and blob parts) read, decoded and stored at once. */
  maxConcurrentIngests: number
  /** Ingests waiting for a turn, their bodies not yet read; past it `503 server_busy` with Retry-After. */
  maxQueuedIngests: number
}

export type IngestGate = <T>(work: () => Promise<T>) => Promise<T>

/**
 * Bounds what concurrent ingests hold in memory together: at most `maxConcurrentIngests` run,
 * each holding one compressed body (≤ maxBodyBytes) and one slice of events; the next
 * `maxQueuedIngests` wait in order without reading their bodies; the rest are refused with 503
 * and Retry-After, which the recorder honours (docs/protocol.md §2).
 */
export function createIngestGate({ maxConcurrentIngests, maxQueuedIngests }: IngestGateLimits): IngestGate {
  let running = 0
  const waiting: Array<() => void> = []
  return async (work) => {
    if (running >= maxConcurrentIngests) {
      if (waiting.length >= maxQueuedIngests) {
        throw new ServerError('server_busy', 'The server is ingesting as much as it takes at once; try again shortly.', { headers: { 'Retry-After': '1' } })
      }
      await new Promise<void>((resolve) => waiting.push(resolve))
    } else {
      running += 1
    }
    try {
      return await work()
    } finally {
      const next = waiting.shift()
      if (next) next()
      else running -= 1
    }
  }
}
