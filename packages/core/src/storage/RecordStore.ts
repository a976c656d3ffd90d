import { toErrorInfo, type ErrorInfo } from '../errors'
import type { AppliedBatch } from './encodeBatch'
import type { BlobRecord, ChunkRecord, SessionRecord, StoredBlob, StoredChunk, TailRecord } from './schema'

/**
 * Where sessions and chunks live: IndexedDB, or memory when IndexedDB cannot be used.
 * Both run the same pure `commitBatch` inside one atomic step.
 */
export interface RecordStore {
  readonly kind: 'indexeddb' | 'memory'
  /**
   * Reads each session, lets its `apply` compute the new session and chunk synchronously, and
   * writes them all in one transaction (a group commit): all are stored, or none; resolves when
   * the write has committed (is durable). Each `apply` sees the session as the appends before it
   * in the group left it.
   */
  appendMany(items: Array<{ sessionId: string; apply: (current: SessionRecord | undefined) => AppliedBatch }>): Promise<AppliedBatch[]>
  getSession(id: string): Promise<SessionRecord | undefined>
  listSessions(): Promise<SessionRecord[]>
  /** Chunks of a session in seq order, starting with the one that holds `fromSeq`. */
  getChunks(sessionId: string, fromSeq?: number): Promise<StoredChunk[]>
  /** One chunk, by its key. */
  getChunk(sessionId: string, firstSeq: number): Promise<StoredChunk | undefined>
  /** Keys of pending chunks stored raw (not compressed yet), oldest first. */
  rawChunks(): Promise<Array<[sessionId: string, firstSeq: number]>>
  /**
   * Replaces a raw chunk's bytes by their compressed form (and the session's `storedBytes`), in
   * one step; nothing if the chunk is gone or no longer raw. Returns the bytes freed.
   */
  compactChunk(sessionId: string, firstSeq: number, bytes: ArrayBuffer): Promise<number>
  /** Deletes a session with its chunks and blobs. */
  deleteSession(id: string): Promise<void>
  /** Deletes chunks already sent, oldest first, until `bytes` are freed (or none is left). Returns bytes freed. */
  evictSent(bytes: number): Promise<number>
  /** Deletes chunks and parts acknowledged before `before` (epoch ms): `retainSyncedMs`. Returns bytes freed. */
  purgeSent(before: number): Promise<number>
  /** Deletes unsent chunks, oldest first, until `bytes` are freed (`onFull: 'drop-oldest'`); returns them. */
  dropOldestPending(bytes: number): Promise<ChunkRecord[]>
  /** Bytes stored in chunks and parts. */
  usage(): Promise<number>

  // — the outbox: what the sync engine reads and settles —

  /**
   * The oldest pending chunk and the pending chunks that follow it in its session without a
   * gap: at most `maxChunks`, and at most `maxBytes` unless the first chunk alone is larger.
   */
  nextOutbox(maxBytes: number, maxChunks: number): Promise<StoredChunk[]>
  /**
   * `sent`: acknowledged (advances the session's `syncedSeq`); `dead`: refused for good, kept
   * with the reason; `pending`: a failed attempt, counted, to be tried again.
   */
  settle(sessionId: string, firstSeqs: number[], outcome: ChunkOutcome): Promise<void>
  outboxSummary(): Promise<OutboxSummary>
  deadLetters(): Promise<ChunkRecord[]>
  /** Makes dead chunks pending again (all, or one session's); returns how many. */
  retryDead(sessionId?: string): Promise<number>
  /** Deletes dead chunks (all, or one session's), deliberately; returns how many. */
  discardDead(sessionId?: string): Promise<number>
  /** Stores one part of a binary attachment, pending upload. */
  putBlob(blob: StoredBlob): Promise<void>
  getBlob(sessionId: string, blobId: string, part: number): Promise<StoredBlob | undefined>
  listBlobs(sessionId: string): Promise<BlobRecord[]>
  /** The oldest part waiting for upload. */
  nextBlob(): Promise<StoredBlob | undefined>
  settleBlob(sessionId: string, blobId: string, part: number, outcome: ChunkOutcome): Promise<void>
  /** Batches closing pages saved themselves (see `TailRecord`). */
  takeTails(): Promise<Array<{ key: number; tail: TailRecord }>>
  deleteTail(key: number): Promise<void>
  /** The chunk that stored this batch, if one did. */
  findBatch(sessionId: string, batchId: string): Promise<ChunkRecord | undefined>
  getMeta<T>(key: string): Promise<T | undefined>
  setMeta(key: string, value: unknown): Promise<void>
  /** The value stored under `key`, or `value` once stored there if there was none. */
  claimMeta<T>(key: string, value: T): Promise<T>
  close(): void
}

export type ChunkOutcome = { state: 'sent' } | { state: 'dead' | 'pending'; error: string }

/** A chunk or part as the answer to its upload leaves it: one more attempt, the reason kept unless sent, when it was settled unless pending. */
export function settled<T extends ChunkRecord | BlobRecord>(record: T, outcome: ChunkOutcome, now = Date.now()): T {
  return {
    ...record,
    state: outcome.state,
    attempts: record.attempts + 1,
    ...(outcome.state !== 'sent' && { lastError: outcome.error }),
    ...(outcome.state !== 'pending' && { settledAt: now }),
  }
}

export interface OutboxSummary {
  pendingEvents: number
  pendingBytes: number
  pendingChunks: number
  deadChunks: number
  deadEvents: number
  pendingBlobs: number
  pendingBlobBytes: number
}

/** The run of chunks `nextOutbox` returns, from chunks of one session in seq order starting at the oldest pending one. */
export function outboxRun<T extends ChunkRecord>(chunks: Iterable<T>, maxBytes: number, maxChunks: number): T[] {
  const run: T[] = []
  let bytes = 0
  for (const chunk of chunks) {
    const previous = run[run.length - 1]
    if (chunk.state !== 'pending' || run.length >= maxChunks) break
    if (previous && (chunk.firstSeq !== previous.lastSeq + 1 || bytes + chunk.size > maxBytes)) break
    run.push(chunk)
    bytes += chunk.size
  }
  return run
}

/**
 * The highest seq up to which every chunk of the session is acknowledged, given its chunks in seq
 * order and the session's `explained` ranges: seqs a `seq.skipped` marker explains hold no event,
 * so a gap they cover does not stop it (a lease another tab closed, a batch that was not stored).
 */
export function advanceSyncedSeq(syncedSeq: number, chunks: Iterable<ChunkRecord>, explained: ReadonlyArray<{ from: number; to: number }> = []): number {
  const passExplained = () => {
    const range = explained.find((one) => one.from <= syncedSeq + 1 && one.to > syncedSeq)
    if (range) syncedSeq = range.to
    return range !== undefined
  }
  for (const chunk of chunks) {
    if (chunk.lastSeq <= syncedSeq) continue
    while (chunk.firstSeq > syncedSeq + 1 && passExplained());
    if (chunk.firstSeq > syncedSeq + 1 || chunk.state !== 'sent') break
    syncedSeq = chunk.lastSeq
  }
  return syncedSeq
}

/** The session's explained ranges `syncedSeq` has not passed yet (`undefined`: none). */
export function explainedAbove(explained: ReadonlyArray<{ from: number; to: number }> | undefined, syncedSeq: number): Array<{ from: number; to: number }> | undefined {
  const left = explained?.filter((range) => range.to > syncedSeq)
  return left && left.length > 0 ? left : undefined
}

export function summarize(chunks: Iterable<ChunkRecord>, blobs: Iterable<BlobRecord> = []): OutboxSummary {
  const summary: OutboxSummary = { pendingEvents: 0, pendingBytes: 0, pendingChunks: 0, deadChunks: 0, deadEvents: 0, pendingBlobs: 0, pendingBlobBytes: 0 }
  for (const blob of blobs) {
    if (blob.state !== 'pending') continue
    summary.pendingBlobs++
    summary.pendingBlobBytes += blob.size
  }
  for (const chunk of chunks) {
    if (chunk.state === 'pending') {
      summary.pendingChunks++
      summary.pendingEvents += chunk.count
      summary.pendingBytes += chunk.size
    } else if (chunk.state === 'dead') {
      summary.deadChunks++
      summary.deadEvents += chunk.count
    }
  }
  return summary
}

export function isQuotaError(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'QuotaExceededError'
}

/** What a failed write reports: `quota_exceeded` for a full disk, else its own code or `storage_failed`; `say` puts the message in context. */
export function writeError(error: unknown, say: (message: string) => string): ErrorInfo {
  const info = toErrorInfo(error, 'storage_failed')
  if (isQuotaError(error)) info.code = 'quota_exceeded'
  info.message = say(info.message)
  return info
}
