import type {
  CheckStatsGroupBy,
  CheckStatsResponse,
  ReviewAnnotation,
  ReviewAnnotationPatch,
  SeqRange,
  SessionDetail,
  SessionDetailStatus,
  SessionHold,
  SessionListItem,
  SessionSortField,
  StatsGroup,
  StatsGroupBy,
  StatsRow,
} from '@tapedeck/core'

/** One event as it travels on the wire (docs/protocol.md §1). Unknown fields are kept. */
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

/** Where a page of sessions continues: strictly after this (value of the sort field, id), in the page's order. */
export interface SessionCursor {
  sortKey: number
  id: string
}

/** Which sessions a list, statistics or an export is about (docs/server.md, "Filters"). */
export interface SessionConditions {
  userId?: string
  feature?: string
  status?: SessionDetailStatus
  /** Session start, epoch ms, inclusive. */
  from?: number
  /** Session start, epoch ms, exclusive. */
  to?: number
  agentId?: string
  /** In metadata `tags`. */
  tag?: string
  /** Metadata `label`, or a review annotation of kind label with this text. */
  label?: string
  /** A provider call of this model. */
  model?: string
  hasErrors?: boolean
  hasAudio?: boolean
  /** With at least one review annotation (true) or none (false). */
  reviewed?: boolean
  /** With a `flag` annotation (true) or none (false). */
  flagged?: boolean
  minCostUsd?: number
  maxCostUsd?: number
  minDurationMs?: number
  /** The words of `q=` (searchWords): lower-case, at least one. */
  words?: string[]
  /** Leave out linked streams (sessions written under a parent, docs/protocol.md §7): `streams=linked`. */
  withoutStreams?: true
}

/** A text search counts its matches up to this many: a common word can match most sessions, and counting them all costs a scan of every match. */
export const SEARCH_TOTAL_CAP = 1000

/**
 * A list without `q` counts its sessions up to this many: on a large store an exact count of a
 * broad filter visits every matching row on every page (docs/server.md, "GET /v1/sessions").
 */
export const LIST_TOTAL_CAP = 10_000

/** Where a list's count stops: SEARCH_TOTAL_CAP with words, LIST_TOTAL_CAP without. */
export function totalCapOf(filter: Pick<SessionConditions, 'words'>): number {
  return filter.words ? SEARCH_TOTAL_CAP : LIST_TOTAL_CAP
}

export interface SessionFilter extends SessionConditions {
  /** Default startedAt, desc. */
  sort?: SessionSortField
  order?: 'asc' | 'desc'
  limit: number
  after?: SessionCursor
}

/** `GET /v1/stats` as a store answers it: over sessions that started in [from, to). */
export interface StatsQuery extends SessionConditions {
  from: number
  to: number
  /** One or more groupings, each once, answered together: the sessions and their calls are read once for all of them. */
  groupBy: readonly StatsGroupBy[]
  /** For groupings other than day and hour: the top groups by cost. */
  limit: number
}

export interface StatsResult {
  /** The groups of each grouping, in the order of `groupBy`. */
  groups: StatsGroup[][]
  totals: StatsRow
}

/** `GET /v1/stats/checks` as a store answers it: over sessions that started in [from, to). */
export interface CheckStatsQuery extends SessionConditions {
  from: number
  to: number
  groupBy: CheckStatsGroupBy
}

/** What the store counts for `GET /v1/stats/checks`; the route adds the range and grouping. */
export type CheckStatsResult = Omit<CheckStatsResponse, 'from' | 'to' | 'groupBy'>

/** A share link as stored: the token itself is never kept, only its SHA-256 (hex). */
export interface ShareRecord {
  id: string
  sessionId: string
  tokenHash: string
  createdAt: number
  expiresAt: number
}

/** What erasing one session did. */
export type EraseResult = 'erased' | 'not_found' | 'held'

/** Sessions erased, and sessions that matched but were kept because they are held. */
export interface EraseReport {
  erased: string[]
  held: string[]
}

export interface SessionPage {
  sessions: SessionListItem[]
  next: SessionCursor | null
  /** Every session matching the conditions, on all pages, up to totalCapOf(filter). */
  total: number
  /** More sessions match than `total` says: counting stopped at totalCapOf(filter). */
  totalCapped?: true
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
  /** Sessions with at least one event, newest start first unless sorted otherwise; with `words`, each with its match. */
  listSessions(filter: SessionFilter): Promise<SessionPage>
  /** Statistics over the matching sessions and their finished provider calls, percentiles included, for one or more groupings at once. */
  sessionStats(query: StatsQuery): Promise<StatsResult>
  /**
   * Pass rates per check from the verdicts kept as review comments (`validation.result {json}`,
   * docs/evaluations.md): each session's latest verdict per check counts once.
   */
  checkStats(query: CheckStatsQuery): Promise<CheckStatsResult>
  /** The session's review annotations, oldest first; null when the session has no events. */
  listAnnotations(sessionId: string): Promise<ReviewAnnotation[] | null>
  /** Adds an annotation (its id is new); refuses when the session has no events or already `max` annotations. */
  addAnnotation(annotation: ReviewAnnotation, max: number): Promise<'added' | 'session_not_found' | 'too_many'>
  /** Changes text, score or range and sets updatedAt; null when there is no such annotation. */
  updateAnnotation(sessionId: string, annotationId: string, patch: ReviewAnnotationPatch & { updatedAt: number }): Promise<ReviewAnnotation | null>
  deleteAnnotation(sessionId: string, annotationId: string): Promise<boolean>
  /** Adds a share link; refuses when the session has no events or `max` links that expire after `now`. */
  addShare(share: ShareRecord, max: number, now: number): Promise<'added' | 'session_not_found' | 'too_many'>
  getShare(sessionId: string, shareId: string): Promise<ShareRecord | null>
  /** Every link of the session, expired ones included, oldest first. */
  listShares(sessionId: string): Promise<ShareRecord[]>
  deleteShare(sessionId: string, shareId: string): Promise<boolean>
  /**
   * Links a stream (a session written by another writer, such as `@tapedeck/node` on the app's
   * backend) to its parent session (docs/protocol.md, "Linked streams"). 'linked' when the link is
   * new or already the same; 'conflict' when the stream is linked to another parent (nothing changes).
   */
  linkStream(streamId: string, parentId: string): Promise<'linked' | 'conflict'>
  /**
   * The streams linked to a session, sorted by id. A link goes when its stream is erased, not
   * when its parent is: erasing a parent erases its streams after it (eraseRoutes.ts).
   */
  linkedStreams(parentId: string): Promise<string[]>
  /** The detail, with its hold; null for a session without events (blobs alone are not listed). */
  getSession(sessionId: string): Promise<SessionDetail | null>
  /** Stored events in seq order, from `fromSeq` on; empty for an unknown session. */
  readEvents(sessionId: string, options?: { fromSeq?: number }): AsyncIterable<WireEvent>
  /**
   * Optional: what readEvents gives, at most `limit` events, each as the JSON text it is stored
   * as (`JSON.stringify` of the event, one line): `GET …/events` sends it without parsing and
   * serialising it again. A store without it is read through readEvents.
   */
  readEventLines?(sessionId: string, options?: { fromSeq?: number; limit?: number }): AsyncIterable<string>
  /** Erases events, blobs, keys, annotations and share links, unless the session is held; 'not_found' when nothing was stored. */
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
