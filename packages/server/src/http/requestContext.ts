import type { SessionStore } from '../store/SessionStore.js'
import type { IngestGate } from './ingestGate.js'
import type { Caller } from './authorize.js'

export interface Limits {
  /** Largest request body, compressed as sent: batches and blob parts. Default 5 MiB. */
  maxBodyBytes: number
  /** Largest batch once inflated, checked while inflating. Default 50 MiB. */
  maxDecompressedBytes: number
  /** Longest NDJSON line (one event). Default 1 MiB. */
  maxLineBytes: number
  /** Most events in one batch; past it 413 too_many_events, and the recorder splits. Default 100,000. */
  maxBatchEvents: number
  /** Ingests (batches, blob parts) read and stored at once. Default 4. */
  maxConcurrentIngests: number
  /** Ingests waiting for a turn without their bodies read; past it 503 server_busy with Retry-After. Default 64. */
  maxQueuedIngests: number
}

export const DEFAULT_LIMITS: Limits = {
  maxBodyBytes: 5 * 1024 * 1024,
  maxDecompressedBytes: 50 * 1024 * 1024,
  maxLineBytes: 1024 * 1024,
  maxBatchEvents: 100_000,
  maxConcurrentIngests: 4,
  maxQueuedIngests: 64,
}

/** What a route gets: the request, its checked path parameters, and the server's parts. */
export interface RequestContext {
  request: Request
  url: URL
  params: Record<string, string>
  store: SessionStore
  limits: Limits
  /** Runs an ingest when its turn comes (ingestGate.ts): read the body inside it, not before. */
  admitIngest: IngestGate
  /** The handler's clock, epoch ms: when writes are received and holds placed. */
  now(): number
  /** Who called, for routes that need a key; null for open routes (GET /healthz). */
  caller: Caller | null
  /** Adds words to the request's log line. Never pass event or blob content, user ids or hold reasons. */
  note(text: string): void
}

export type Route = (context: RequestContext) => Promise<Response>
