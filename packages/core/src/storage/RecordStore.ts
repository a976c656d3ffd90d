import type { AppliedBatch } from './applyBatch'
import type { SessionRecord, StoredChunk } from './schema'

/**
 * Where sessions and chunks live: IndexedDB, or memory when IndexedDB cannot be used.
 * Both run the same pure `applyBatch` inside one atomic step.
 */
export interface RecordStore {
  readonly kind: 'indexeddb' | 'memory'
  /**
   * Reads the session, lets `apply` compute the new session and chunk synchronously, and writes
   * both, atomically. Resolves when the write has committed (is durable).
   */
  append(sessionId: string, apply: (current: SessionRecord | undefined) => AppliedBatch): Promise<AppliedBatch>
  getSession(id: string): Promise<SessionRecord | undefined>
  listSessions(): Promise<SessionRecord[]>
  /** Chunks of a session in seq order, starting with the one that holds `fromSeq`. */
  getChunks(sessionId: string, fromSeq?: number): Promise<StoredChunk[]>
  /** Deletes a session with its chunks and blobs. */
  deleteSession(id: string): Promise<void>
  /** Deletes chunks already sent, oldest first, until `bytes` are freed (or none is left). Returns bytes freed. */
  evictSent(bytes: number): Promise<number>
  close(): void
}

export function isQuotaError(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'QuotaExceededError'
}
