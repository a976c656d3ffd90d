/**
 * How a batch leaves the browser. The sync engine hands a transport one batch at a time and
 * acts on the status it answers with, exactly as docs/protocol.md §2 says; a transport never retries.
 */
export interface SyncBatch {
  sessionId: string
  /** Seq range the body holds, inclusive. */
  firstSeq: number
  lastSeq: number
  /** The Idempotency-Key: the same bytes are always sent under the same key. */
  key: string
  /** gzip of NDJSON, one event a line in seq order; several gzip members one after another. */
  body: Uint8Array
  /** Number of events in the body. */
  count: number
}

export interface TransportContext {
  /** Static headers from the options plus `Authorization: Bearer <token>` when there is a token. */
  headers: Record<string, string>
  signal: AbortSignal
}

export interface TransportResponse {
  status: number
  /** The Retry-After header, as sent. */
  retryAfter?: string | null
  /** The response text, kept with a dead letter so a person can see why. */
  text?: string
}

/** A network error (no response at all) is a rejected promise. */
export type Transport = (batch: SyncBatch, context: TransportContext) => Promise<TransportResponse>

/** One part of a binary attachment, for `PUT {endpoint}/v1/sessions/{sessionId}/blobs/{blobId}/{part}` (docs/protocol.md §3). */
export interface BlobUpload {
  sessionId: string
  blobId: string
  part: number
  mimeType: string
  body: Uint8Array
}

/** Puts one part; idempotent by URL. A network error is a rejected promise. */
export type BlobTransport = (upload: BlobUpload, context: TransportContext) => Promise<TransportResponse>
