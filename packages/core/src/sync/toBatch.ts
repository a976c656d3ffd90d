import type { StoredChunk } from '../storage/schema'
import { concatBytes } from '../util/concatBytes'
import type { SyncBatch } from './Transport'

/** Stored chunks of one session, in seq order, as the one batch the transport sends. */
export function toBatch(chunks: StoredChunk[]): SyncBatch {
  const first = chunks[0]!
  const last = chunks[chunks.length - 1]!
  // Stored chunks are gzip members: one after another, they are one gzip body.
  const body = concatBytes(chunks.map((chunk) => new Uint8Array(chunk.bytes)))
  return {
    sessionId: first.sessionId,
    firstSeq: first.firstSeq,
    lastSeq: last.lastSeq,
    // Chunk boundaries never move, so a seq range always names the same bytes.
    key: `${first.sessionId}.${first.firstSeq}-${last.lastSeq}`,
    body,
    count: chunks.reduce((sum, chunk) => sum + chunk.count, 0),
  }
}
