import type { ErrorInfo } from '../errors'

// The sync status alone, apart from the engine: the page reads it without loading the sync engine.

export type SyncState = 'idle' | 'syncing' | 'offline' | 'backoff' | 'unauthorized' | 'stopped'

export interface SyncStatus {
  /** `leader`: this tab uploads; `follower`: another tab does, and this status is what it said. */
  role: 'leader' | 'follower'
  state: SyncState
  online: boolean
  /** Events and compressed bytes stored and not yet acknowledged. */
  pendingEvents: number
  pendingBytes: number
  /** Batches the backend refused for good, kept until retried or discarded. */
  deadLetters: number
  deadEvents: number
  /** Binary parts (audio slices, attachments) waiting for upload. */
  pendingBlobs: number
  pendingBlobBytes: number
  /** Per session touched lately: every event up to this seq is acknowledged. */
  acked: Record<string, number>
  lastSuccessAt: number | null
  nextAttemptAt: number | null
  attempt: number
  /** Sync waits for a new token. */
  needsToken: boolean
  error: ErrorInfo | null
}

/** What a sync engine reports before it has done anything. */
export const INITIAL_SYNC_STATUS: SyncStatus = Object.freeze({
  role: 'follower',
  state: 'idle',
  online: true,
  pendingEvents: 0,
  pendingBytes: 0,
  deadLetters: 0,
  deadEvents: 0,
  pendingBlobs: 0,
  pendingBlobBytes: 0,
  acked: Object.freeze({}),
  lastSuccessAt: null,
  nextAttemptAt: null,
  attempt: 0,
  needsToken: false,
  error: null,
})
