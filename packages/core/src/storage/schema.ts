import type { DBSchema } from 'idb'
import type { SessionStartedData } from '../events/catalogue'
import type { PackedBatch } from '../events/PackedBatch'

export const DB_VERSION = 1

/**
 * `suspended`: its page left normally (a reload, a navigation, a closed tab: `pagehide`) and saved
 * what it had; `start({ sessionId })` resumes it. `interrupted`: the tab died (a crash, a killed
 * process) while recording.
 */
export type SessionStatus = 'active' | 'paused' | 'suspended' | 'ended' | 'interrupted'

export interface SessionCounters {
  events: number
  /** Bytes of NDJSON before compression. */
  bytes: number
  /** Bytes stored (gzip, or NDJSON for chunks not compressed yet). */
  storedBytes: number
  inputTokens: number
  outputTokens: number
  cachedTokens: number
  reasoningTokens: number
  costUsd: number
  calls: number
  toolCalls: number
  errors: number
  /** Values the redaction step replaced. */
  redactions: number
  /** Events the recorder had to refuse after accepting them (see `recorder.dropped`). */
  dropped: number
}

export interface SessionRecord {
  id: string
  status: SessionStatus
  /** Epoch ms of `session.started`; `t` counts from here. */
  startedAt: number
  updatedAt: number
  endedAt?: number
  userId?: string
  feature?: string
  label?: string
  tags?: string[]
  agentId?: string
  metadata: SessionStartedData
  /** Seq of the last stored event, -1 before the first. */
  lastSeq: number
  /** `t` of the last stored event: `t` never goes back, even across tabs and reloads. */
  lastT: number
  counters: SessionCounters
  /** Every event up to this seq is acknowledged by the backend (-1: none yet). */
  syncedSeq?: number
  /** The first seq not handed out yet (to an event or a lease); absent: `lastSeq + 1` (see SeqLeases). */
  nextSeq?: number
  /** Blocks of seqs leased to pages, still open (see SeqLeases). */
  leases?: SeqLease[]
  /** Seqs above `syncedSeq` that `seq.skipped` markers of this session explain: no event will fill them (see SeqLeases). */
  explained?: Array<{ from: number; to: number }>
  /**
   * `encryptForServer`: the session's content keys, oldest first. One for the whole session,
   * unless a recorder with another public key continued it (then a new one from that resume on).
   */
  sealing?: SessionSealing[]
}

/** A block of seqs a page names its events from, itself (docs/protocol.md §1). */
export interface SeqLease {
  /** The page (tab) it is leased to. */
  tab: string
  from: number
  /** Inclusive. */
  to: number
  /** The first seq of the block no stored event holds yet: closing the lease explains `next..to`. */
  next: number
}

/** A session's content key, and what `session.started` / `session.resumed` tell the backend of it. */
export interface SessionSealing {
  /** `RSA-OAEP-256+A256GCM`. */
  alg: string
  /** RFC 7638 thumbprint of the public key it is wrapped for. */
  kid: string
  /** The content key wrapped with that public key (RSA-OAEP), base64. */
  key: string
  /** The first seq sealed with it. */
  fromSeq: number
  /** The content key itself: AES-256-GCM, non-extractable (IndexedDB stores it, no script reads it). */
  contentKey: CryptoKey
}

export type ChunkState = 'pending' | 'sent' | 'dead'

/**
 * One batch of events of one session, stored as one gzip member: the unit of storage and upload.
 * The bytes live in `chunkData` under the same key, so that marking a chunk sent or counting an
 * attempt rewrites a few fields, not the data.
 */
export interface ChunkRecord {
  sessionId: string
  firstSeq: number
  lastSeq: number
  count: number
  /** Bytes in `chunkData`: the gzip member (or the NDJSON while `raw`). */
  size: number
  rawBytes: number
  createdAt: number
  state: ChunkState
  attempts: number
  lastError?: string
  /** When it was acknowledged, or given up on. */
  settledAt?: number
  /** The page's name for the batch this chunk stored. */
  batchId?: string
  /** The bytes are AES-GCM encrypted at rest (`encryption` option): IV, then ciphertext of the gzip member. */
  encrypted?: boolean
  /**
   * The bytes are the NDJSON itself, not yet compressed: a batch stored while others waited
   * (durable first), compressed in place once the engine is idle (`RecorderEngine` compaction).
   * Uploads compress such a chunk on the way.
   */
  raw?: true
}

/**
 * Batches a closing page saved itself, in case its worker died before storing them: the next
 * recorder stores those it finds no chunk for.
 */
export type TailRecord = PackedBatch

/** A chunk with its bytes: gzip of NDJSON, one event a line (an ArrayBuffer, not a Blob: Safari). */
export interface StoredChunk extends ChunkRecord {
  bytes: ArrayBuffer
}

/** One part of a binary attachment (for audio, one MediaRecorder slice). Its bytes live in `blobData`. */
export interface BlobRecord {
  sessionId: string
  blobId: string
  part: number
  mimeType: string
  /** What the part belongs to, e.g. `input` / `output` for audio. */
  track?: string
  /** `t` of the part's start and its length, when it is media. */
  startT?: number
  durationMs?: number
  size: number
  createdAt: number
  state: ChunkState
  attempts: number
  lastError?: string
  /** When it was acknowledged, or given up on. */
  settledAt?: number
  /** Encrypted at rest, like a chunk. */
  encrypted?: boolean
  /** Sealed for the backend (`encryptForServer`): IV, then AES-GCM ciphertext under the session's content key. */
  sealed?: boolean
}

export interface StoredBlob extends BlobRecord {
  bytes: ArrayBuffer
}

export interface TapedeckDB extends DBSchema {
  sessions: {
    key: string
    value: SessionRecord
    indexes: { 'by-started': number; 'by-status': SessionStatus }
  }
  chunks: {
    key: [string, number]
    value: ChunkRecord
    indexes: { 'by-state': [ChunkState, number] }
  }
  chunkData: {
    key: [string, number]
    value: ArrayBuffer
  }
  blobs: {
    key: [string, string, number]
    value: BlobRecord
    indexes: { 'by-state': [ChunkState, number] }
  }
  blobData: {
    key: [string, string, number]
    value: ArrayBuffer
  }
  tail: {
    key: number
    value: TailRecord
  }
  meta: {
    key: string
    value: unknown
  }
}

export function emptyCounters(): SessionCounters {
  return {
    events: 0,
    bytes: 0,
    storedBytes: 0,
    inputTokens: 0,
    outputTokens: 0,
    cachedTokens: 0,
    reasoningTokens: 0,
    costUsd: 0,
    calls: 0,
    toolCalls: 0,
    errors: 0,
    redactions: 0,
    dropped: 0,
  }
}
