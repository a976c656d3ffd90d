/**
 * The one contract between the page and the engine. The engine runs in a dedicated Worker
 * (through comlink) or, when no worker can start, on the main thread behind the same interface.
 * Calls are coarse: a batch of events per call, never one message per event.
 */
import type { ErrorInfo } from '../errors'
import type { TapedeckEvent } from '../events/catalogue'
import type { CompressionLevel } from '../storage/encodeBatch'
import type { PackedBatch } from '../events/PackedBatch'
import type { LeaseGrant } from './SeqLeases'
import type { OtlpOptions } from '../sync/otlp/createOtlpTransport'
import type { BlobRecord, ChunkRecord, SessionRecord, SessionStatus, StoredBlob } from '../storage/schema'
import type { RedactOptions } from '../redact'
import type { SyncConfig, SyncStatus } from '../sync/SyncEngine'
import type { SyncBatch, TransportResponse } from '../sync/Transport'

export type { LeaseGrant }

export type StorageKind = 'indexeddb' | 'memory'

export interface EngineConfig {
  dbName: string
  storage: StorageKind
  /** fflate at this level; default the browser's CompressionStream. */
  compressionLevel?: CompressionLevel
  redact?: RedactOptions
  /** `metadata`: text values are dropped before storage (numbers, ids and names stay). */
  capture?: 'full' | 'metadata'
  /** Encrypt chunks and parts at rest; without a key, one is made and kept in the database. */
  encryption?: { key?: CryptoKey }
  /** Seal event payloads and parts for the backend's private key (docs/protocol.md, "Sealed data"). */
  encryptForServer?: { publicKey: JsonWebKey | CryptoKey }
  /** Acknowledged chunks and parts are deleted this long after their upload. */
  retainSyncedMs?: number
  /** Cap on stored bytes (chunks and parts). */
  maxLocalBytes?: number
  onFull?: 'drop-newest' | 'drop-oldest'
  sync?: EngineSyncConfig
  /** Look for what closed or crashed tabs left (default). Not for an engine that replaces this tab's own. */
  recover?: boolean
}

export type EngineSyncConfig = Omit<SyncConfig, 'scope' | 'shared'> & {
  /** `custom`: the page's transport function, through `EngineCallbacks.transport`. */
  transport: 'http' | 'otlp' | 'custom'
  endpoint?: string
  /** `transport: 'otlp'`: the exporter's options (`RecorderOptions.otlp`). */
  otlp?: OtlpOptions
  /** A bearer token got on the page before the engine started. */
  token?: string
}

/** Functions the page lends the engine (through comlink when the engine is in a worker). */
export interface EngineCallbacks {
  onSyncStatus?(status: SyncStatus): void
  transport?(batch: SyncBatch, context: { headers: Record<string, string> }): Promise<TransportResponse>
}

export interface EngineInfo {
  storage: StorageKind
  /** Sessions left open by a closed or crashed tab, now marked `interrupted`. */
  recovered: string[]
  error?: ErrorInfo
  /** The configuration cannot work (a bad redaction rule, say): nothing will be recorded. */
  fatal?: ErrorInfo
}

export interface IngestResult {
  sessionId: string
  /** Events of the batch now durable (or, in memory mode, stored). */
  stored: number
  /** Events the batch had to give up (reported in the session as `recorder.dropped`). */
  dropped: number
  firstSeq: number
  lastSeq: number
  startedAt: number
  status: SessionStatus
  created: boolean
  resumed: boolean
  storage: StorageKind
  /** The block the batch asked for (`PackedBatch.lease`), leased to its page. */
  lease?: LeaseGrant
  error?: ErrorInfo
}

export interface SessionQuery {
  userId?: string
  feature?: string
  status?: SessionStatus
  /** Sessions started at or after this epoch ms. */
  from?: number
  /** Sessions started before this epoch ms. */
  to?: number
  limit?: number
  cursor?: string
}

export interface SessionPage {
  sessions: SessionRecord[]
  nextCursor?: string
}

export type ExportFormat = 'jsonl' | 'jsonl.gz'

export interface RecorderWorkerApi {
  init(config: EngineConfig, callbacks?: EngineCallbacks): Promise<EngineInfo>
  /** Stores a batch. `resend`: it may have been stored already (by an engine that stopped answering). */
  ingest(batch: PackedBatch, resend?: boolean): Promise<IngestResult>
  /**
   * Leases the page (`tab`) the next `count` seqs of a stored session, to name its events itself
   * (docs/protocol.md §1, engine/SeqLeases); `undefined` for a session not stored or ended.
   */
  leaseSeqs(sessionId: string, tab: string, count: number): Promise<LeaseGrant | undefined>
  /**
   * The page closes its recorder without ending the session: its leases on it are closed, the
   * untouched rest past `stampedTo` (the first seq it did not stamp) given back (SeqLeases).
   */
  closeLease(sessionId: string, tab: string, stampedTo: number): Promise<void>
  /** Answers at once, whatever the engine is busy with: is it alive? */
  ping(): Promise<true>
  listSessions(query: SessionQuery): Promise<SessionPage>
  getSession(id: string): Promise<SessionRecord | undefined>
  readEvents(id: string, fromSeq?: number, limit?: number): Promise<TapedeckEvent[]>
  exportSession(id: string, format: ExportFormat): Promise<Uint8Array | undefined>
  /** Stores one part of a binary attachment (bytes transferred, not copied). */
  storeBlob(blob: BlobInput): Promise<{ stored: boolean; error?: ErrorInfo }>
  getBlob(sessionId: string, blobId: string, part: number): Promise<StoredBlob | undefined>
  listBlobs(sessionId: string): Promise<BlobRecord[]>
  deleteSession(id: string): Promise<boolean>
  /** Text is kept (`full`) or dropped (`metadata`) for batches stored from now on. */
  setCapture(capture: 'full' | 'metadata'): Promise<void>
  /** Deletes stored data: every session, or those of a user id; returns the ids deleted. */
  eraseSessions(filter: { userId?: string }): Promise<string[]>
  /** Uploads now; resolves when everything stored is acknowledged or an attempt failed. */
  syncNow(): Promise<SyncStatus | undefined>
  setToken(token: string | undefined): Promise<void>
  /** The page became visible again: a good moment to upload. */
  pageVisible(): Promise<void>
  /** The page heard the browser go online or offline. */
  setOnline(online: boolean): Promise<void>
  deadLetters(): Promise<ChunkRecord[]>
  retryDeadLetters(sessionId?: string): Promise<number>
  discardDeadLetters(sessionId?: string): Promise<number>
  close(): Promise<void>
}

export type BlobInput = Omit<StoredBlob, 'state' | 'attempts' | 'createdAt' | 'size' | 'lastError'>

/** The first message a worker posts: it has loaded and listens. */
export const READY_MESSAGE = 'tapedeck:ready'

/**
 * The hot path without comlink: a batch goes to a worker as one plain message on the worker's
 * own channel and its answer comes back as one, matched by a number (no proxy, no id string, no
 * wrapping per call). comlink, on the same channel, carries every other call and never sees these.
 */
export interface IngestRequest {
  ingest: number
  batch: PackedBatch
  resend: boolean
}

export type IngestAnswer = { ingested: number; result: IngestResult } | { ingested: number; error: ErrorInfo }

/** What a worker that takes batches this way says instead of {@link READY_MESSAGE}. */
export const READY_INGEST_MESSAGE = 'tapedeck:ready:ingest'
