/**
 * The one contract between the page and the engine. The engine runs in a dedicated Worker
 * (through comlink) or, when no worker can start, on the main thread behind the same interface.
 * Calls are coarse: a batch of events per call, never one message per event.
 */
import type { ErrorInfo } from '../errors'
import type { TapedeckEvent } from '../events/catalogue'
import type { CompressionLevel, IngestBatch } from '../storage/applyBatch'
import type { SessionRecord, SessionStatus } from '../storage/schema'
import type { RedactOptions } from '../redact'

export type StorageKind = 'indexeddb' | 'memory'

export interface EngineConfig {
  dbName: string
  storage: StorageKind
  compressionLevel: CompressionLevel
  redact?: RedactOptions
}

export interface EngineInfo {
  storage: StorageKind
  /** Sessions left open by a closed or crashed tab, now marked `interrupted`. */
  recovered: string[]
  error?: ErrorInfo
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
  init(config: EngineConfig): Promise<EngineInfo>
  ingest(batch: IngestBatch): Promise<IngestResult>
  listSessions(query: SessionQuery): Promise<SessionPage>
  getSession(id: string): Promise<SessionRecord | undefined>
  readEvents(id: string, fromSeq?: number, limit?: number): Promise<TapedeckEvent[]>
  exportSession(id: string, format: ExportFormat): Promise<Uint8Array | undefined>
  deleteSession(id: string): Promise<boolean>
  close(): Promise<void>
}

/** The first message a worker posts: it has loaded and listens. */
export const READY_MESSAGE = 'tapedeck:ready'
