/**
 * A batch as it crosses from the page to the worker: columns of a few strings and typed arrays
 * instead of hundreds of small objects, so the structured clone `postMessage` makes on the page
 * is little more than a copy of the text, and the payloads of a batch are two strings for the
 * page's garbage collector instead of hundreds.
 *
 * Payloads are joined by newlines (JSON text never holds a raw one) into two strings by width:
 * engines keep a string of Latin-1 characters at one byte a character, and one character beyond
 * (€, ’, an emoji) makes the whole string two bytes a character — twice the bytes to copy. So a
 * few such payloads do not double the cost of all the others.
 */
export interface PackedBatch {
  sessionId: string
  tab: string
  /** Names the batch, so a copy saved by a closing page is never stored twice. */
  batchId: string
  /** The batch's distinct event types. */
  types: string[]
  /** Per event, its type's index in `types`. */
  typeOf: Uint32Array
  /** The payloads (JSON) of only Latin-1 characters, in order, joined by newlines. */
  narrow: string
  /** The other payloads, in order, joined by newlines. */
  wide: string
  /** Ascending indices of the events whose payload is in `wide`. */
  wideAt: number[]
  /** Wall clock, epoch ms, per event. */
  ts: Float64Array
  /** High-resolution epoch ms from the page's monotonic clock, per event. */
  at: Float64Array
  /** Indices of the events marked as checkpoints. */
  checkpoints: number[]
  /** Replacements already made in these payloads: a copy saved at page hide is redacted on the page. */
  redactions?: number
  /** The seqs the page gave these events itself, from its lease (see SeqLeaser); absent: the engine assigns them. */
  stamp?: SeqStamp
  /** On the batch that gives the page's lease up: the first seq the page did not stamp (an untouched rest may be given back). */
  stampedTo?: number
  /** On a batch that opens the session: the page asks for its first block of this many seqs, granted as the batch is stored. */
  lease?: number
}

/**
 * How a page named the events of a batch itself: event `i` has seq `firstSeq + i`, and `t` is
 * the running maximum of `tFloor` and `(at - startedAt)` rounded to 0.1 ms — so the page's copy
 * and the engine's are the same events, envelope and all (ids: util/eventId).
 */
export interface SeqStamp {
  firstSeq: number
  tFloor: number
  /** The session's start, epoch ms, as its record says. */
  startedAt: number
}

/** `t` of each event of a stamped batch, as the page and the engine both compute it. */
export function stampedTimes(stamp: SeqStamp, at: ArrayLike<number>): Float64Array {
  const times = new Float64Array(at.length)
  let t = stamp.tFloor
  for (let i = 0; i < at.length; i++) {
    t = Math.max(t, Math.round((at[i]! - stamp.startedAt) * 10) / 10)
    times[i] = t
  }
  return times
}

/** Matches a character beyond Latin-1. On a one-byte string it fails without reading it. */
const WIDE = /[^\x00-\xff]/

const INITIAL_CAPACITY = 256

/** Collects events on the page, column by column, until they go out as one `PackedBatch`. */
export class BatchBuilder {
  #count = 0
  #narrow: string[] = []
  #wide: string[] = []
  #wideAt: number[] = []
  #types: string[] = []
  #typeIndex = new Map<string, number>()
  // The last type pushed and its index: a burst is mostly one type, so the map is rarely asked.
  #lastType = ''
  #lastIndex = -1
  // Per-event numbers go straight into typed arrays (no boxed numbers), copied once at take().
  #typeOf = new Uint32Array(INITIAL_CAPACITY)
  #ts = new Float64Array(INITIAL_CAPACITY)
  #at = new Float64Array(INITIAL_CAPACITY)
  #checkpoints: number[] = []

  get length(): number {
    return this.#count
  }

  push(type: string, data: string, ts: number, at: number, checkpoint = false): void {
    const index = this.#count
    if (index === this.#ts.length) this.#grow()
    let typeIndex = this.#lastIndex
    if (type !== this.#lastType) {
      typeIndex = this.#typeIndex.get(type) ?? -1
      if (typeIndex === -1) {
        typeIndex = this.#types.length
        this.#types.push(type)
        this.#typeIndex.set(type, typeIndex)
      }
      this.#lastType = type
      this.#lastIndex = typeIndex
    }
    this.#typeOf[index] = typeIndex
    if (WIDE.test(data)) {
      this.#wide.push(data)
      this.#wideAt.push(index)
    } else this.#narrow.push(data)
    this.#ts[index] = ts
    this.#at[index] = at
    if (checkpoint) this.#checkpoints.push(index)
    this.#count = index + 1
  }

  /** The batch so far, and an empty builder for what comes next. */
  take(sessionId: string, tab: string, batchId: string): PackedBatch {
    const count = this.#count
    const batch: PackedBatch = {
      sessionId,
      tab,
      batchId,
      types: this.#types,
      typeOf: this.#typeOf.slice(0, count),
      narrow: this.#narrow.join('\n'),
      wide: this.#wide.join('\n'),
      wideAt: this.#wideAt,
      ts: this.#ts.slice(0, count),
      at: this.#at.slice(0, count),
      checkpoints: this.#checkpoints,
    }
    this.#count = 0
    this.#narrow = []
    this.#wide = []
    this.#wideAt = []
    this.#types = []
    this.#typeIndex = new Map()
    this.#lastType = ''
    this.#lastIndex = -1
    this.#checkpoints = []
    return batch
  }

  #grow(): void {
    const size = this.#ts.length * 2
    const typeOf = new Uint32Array(size)
    const ts = new Float64Array(size)
    const at = new Float64Array(size)
    typeOf.set(this.#typeOf)
    ts.set(this.#ts)
    at.set(this.#at)
    this.#typeOf = typeOf
    this.#ts = ts
    this.#at = at
  }
}

// The engine's side (`unpackBatch`, worker or main-thread fallback) lives in unpackBatch.ts, so the
// page entry does not carry it.
