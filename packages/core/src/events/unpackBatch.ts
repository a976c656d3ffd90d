import type { PackedBatch, SeqStamp } from './PackedBatch'
import type { PendingEvent } from './serialize'

/** What the page hands the engine: events of one session, in the order they were recorded. */
export interface IngestBatch {
  sessionId: string
  tab: string
  events: PendingEvent[]
  /** Names the batch, so a copy saved by a closing page is never stored twice. */
  batchId?: string
  /** Replacements made before the engine saw the batch (the page redacts its page-hide copy). */
  redactions?: number
  /** The page named these events itself, from its seq lease. */
  stamp?: SeqStamp
  /** The page gives its lease up: the first seq it did not stamp. */
  stampedTo?: number
  /** Recovery: the tab whose open lease on the session this batch closes (see SeqLeases). */
  closes?: string
  /** Seqs `tab` stamped on batches that could not be stored: explained by markers at the head of this batch (SeqLeases `skipStamped`). */
  unstored?: Array<{ from: number; to: number }>
  /** Written by the engine for `tab` (a report): unstamped, it still leaves the page's lease open. */
  keepsLeases?: boolean
  /** The page asks for a block of this many seqs, granted in the batch's own transaction (never for a saved copy: its page is gone). */
  lease?: number
}

function malformed(batchId: string, what: string): Error {
  return new Error(`Malformed batch ${batchId}: ${what}`)
}

/** `count` lines joined by newlines (none: the empty string). */
function lines(joined: string, count: number): string[] {
  return count === 0 ? [] : joined.split('\n')
}

/** The events of a batch as the page packed it (sent, or saved as it closed). */
export function unpackBatch(batch: PackedBatch): IngestBatch {
  const { ts, at, batchId } = batch
  const count = ts.length
  if (at.length !== count) throw malformed(batchId, `${count} wall times, ${at.length} monotonic times`)
  const events: PendingEvent[] = new Array(count)
  const { types, typeOf, wideAt } = batch
  const narrow = lines(batch.narrow, count - wideAt.length)
  const wide = lines(batch.wide, wideAt.length)
  if (typeOf.length !== count || narrow.length + wide.length !== count || wide.length !== wideAt.length) {
    throw malformed(batchId, `${typeOf.length} types, ${narrow.length} + ${wide.length} payloads, ${count} times`)
  }
  let n = 0
  let w = 0
  for (let i = 0; i < count; i++) {
    const type = types[typeOf[i]!]
    if (type === undefined) throw malformed(batchId, `event ${i} names type ${typeOf[i]} of ${types.length}`)
    const data = wideAt[w] === i ? wide[w++]! : narrow[n++]
    if (data === undefined) throw malformed(batchId, `no payload for event ${i}`)
    events[i] = { type, data, ts: ts[i]!, at: at[i]! }
  }
  for (const i of batch.checkpoints) {
    const event = events[i]
    if (event) event.checkpoint = true
  }
  const { redactions = 0, stamp, stampedTo } = batch
  return { sessionId: batch.sessionId, tab: batch.tab, batchId, events, ...(redactions > 0 && { redactions }), ...(stamp && { stamp }), ...(stampedTo !== undefined && { stampedTo }) }
}
