import type { SeqRange, SessionDetail, SessionDetailStatus, SessionHold } from '@tapedeck/core'

/** One event as it travels on the wire (PROTOCOL.md §1). Unknown fields are kept. */
export interface WireEvent {
  sessionId: string
  seq: number
  type: string
  v?: number
  id?: string
  ts?: number
  t?: number
  tab?: string
  data?: unknown
  checkpoint?: boolean
  [field: string]: unknown
}

/** A validated batch: every event belongs to `sessionId`, seqs strictly increase within [firstSeq, lastSeq]. */
export interface EventBatch {
  sessionId: string
  /** The Idempotency-Key it arrived under; keys are scoped to the session. */
  key: string
  firstSeq: number
  lastSeq: number
  /**
   * The events, or (from the handler) slices of them as they are decoded: a store writes each
   * slice and lets it go (`eventSlices` reads both). Iterating may throw — a line late in the
   * body is refused — and then the store stores nothing of the batch.
   */
  events: readonly WireEvent[] | AsyncIterable<readonly WireEvent[]>
}

export interface PutBatchResult {
  /** 'duplicate': this key was already stored for the session, nothing was written. */
  status: 'stored' | 'duplicate'
  /** Events written by this call. */
  stored: number
  /** Seqs of this batch that were already stored under another key (the first write wins). */
  skipped: SeqRange[]
}

export interface BlobPart {
  sessionId: string
  blobId: string
  part: string
  contentType: string
  bytes: Uint8Array
}

export interface BlobRef {
  blobId: string
  part: string
  contentType: string
  size: number
}

/** Where a page of sessions continues: strictly after this (sortKey, id), newest first. */
export interface SessionCursor {
  sortKey: number
  id: string
}

export interface SessionFilter {
  userId?: string
  feature?: string
  status?: SessionDetailStatus
  /** Session start, epoch ms, inclusive. */
  from?: number
  /** Session start, epoch ms, exclusive. */
  to?: number
  limit: number
  after?: SessionCursor
}

/** What erasing one session did. */
export type EraseResult = 'erased' | 'not_found' | 'held'

/** Sessions erased, and sessions that matched but were kept because they are held. */
export interface EraseReport {
  erased: string[]
  held: string[]
}

export interface SessionPage {
  sessions: SessionDetail[]
  next: SessionCursor | null
}

/**
 * Everything the handler needs from storage. Every store passes the same contract suite
 * (src/testing/storeContract.ts); ids are checked by the caller and again by stores that
 * build paths from them.
 */
export interface SessionStore {
  /**
   * Stores a batch once per (session, key); events whose seq is already stored are skipped.
   * A 'stored' batch is a write at `receivedAt` (epoch ms, default now) for retention; a duplicate is not.
   */
  putBatch(batch: EventBatch, receivedAt?: number): Promise<PutBatchResult>
  /** Stores a blob part once per URL; a second put of the same part is a 'duplicate' (and no write). */
  putBlob(blob: BlobPart, receivedAt?: number): Promise<'stored' | 'duplicate'>
  getBlob(sessionId: string, blobId: string, part: string): Promise<BlobPart | null>
  listBlobs(sessionId: string): Promise<BlobRef[]>
  /** Sessions with at least one event, newest start first. */
  listSessions(filter: SessionFilter): Promise<SessionPage>
  /** The detail, with its hold; null for a session without events (blobs alone are not listed). */
  getSession(sessionId: string): Promise<SessionDetail | null>
  /** Stored events in seq order, from `fromSeq` on; empty for an unknown session. */
  readEvents(sessionId: string, options?: { fromSeq?: number }): AsyncIterable<WireEvent>
  /** Erases events, blobs and keys, unless the session is held; 'not_found' when nothing was stored. */
  deleteSession(sessionId: string): Promise<EraseResult>
  /** Erases every session whose `session.started` metadata has this userId, except held ones. */
  deleteUser(userId: string): Promise<EraseReport>
  /** The session's hold, or null. */
  getHold(sessionId: string): Promise<SessionHold | null>
  /**
   * Places (or replaces) a hold, or releases it with null. false when the session has neither
   * events nor blobs: there is nothing to hold. Serialised with erasure of the same session.
   */
  setHold(sessionId: string, hold: SessionHold | null): Promise<boolean>
  /**
   * Erases every session, events or blobs alone, whose last write is before `before` (epoch ms),
   * except held ones, which come back in `held`. Retention calls it (sweepRetention).
   */
  purgeInactive(before: number): Promise<EraseReport>
  close(): Promise<void>
}
