import type { ChunkCodec } from '../storage/ChunkCodec'
import { toArrayBuffer } from '../util/toArrayBuffer'
import type { RecordStore } from '../storage/RecordStore'

/** A turn compresses chunks for about this long, then lets waiting work (batches, reads) go first. */
const COMPACT_SLICE_MS = 15
/**
 * Chunks read from the store ahead of the one compressing: their reads run while it compresses,
 * so compressing never waits for a read.
 */
const READ_AHEAD = 4
/**
 * Write-backs committing at once, each in its own transaction: the next chunks compress while
 * they commit (IndexedDB does its work off this thread), so writes and compression overlap.
 */
const MAX_WRITES = 8
/**
 * The NDJSON of chunks just stored raw is kept for the compactor up to this many bytes, so it
 * need not read them back (a raw chunk is large: IndexedDB keeps it as a file of its own). Past
 * it, chunks are read from the store.
 */
const MAX_HELD_BYTES = 16_000_000

/** A raw chunk to compress: its key, and its NDJSON while the compactor holds it. */
export type RawChunk = [sessionId: string, firstSeq: number, ndjson?: Uint8Array]

/** What the compactor needs from the engine it works for. */
export interface CompactorHost {
  /** The store as it is now (the engine may reopen it). */
  store(): RecordStore
  codec(): ChunkCodec
  /** Runs `op` in the engine's queue, after what is queued already (batches to store go first). */
  serial(op: () => Promise<void>): Promise<void>
  /** Batches wait to be stored: a turn stops between chunks and lets them go first. */
  busy(): boolean
  /** Bytes freed by compressing (the engine keeps count for `maxLocalBytes`). */
  freed(bytes: number): void
  /** Nothing is raw any more (the engine counts the outbox again). */
  drained(): Promise<void>
}

/**
 * Compresses, in place, the chunks the engine stored raw (a burst stores first and compresses
 * after). Bounded by the CPU, not by timers: each turn compresses as many chunks as fit a slice of
 * {@link COMPACT_SLICE_MS}, then yields one task, and the next turn queues behind whatever came
 * meanwhile. New batches never put compaction off; they only go first.
 *
 * A pipeline: one chunk compresses at a time, while the next ones are read ({@link READ_AHEAD})
 * and the ones before are written back ({@link MAX_WRITES}, each in its own transaction, so a
 * crash mid-way leaves every chunk either raw or compressed, never lost nor twice). Writes still
 * committing when a turn ends go on into the next one.
 */
export class Compactor {
  readonly #host: CompactorHost
  /** Raw chunks to compress, oldest first; the first ones' NDJSON is being read (a promise). */
  readonly #queue: Array<[sessionId: string, firstSeq: number, ndjson?: Uint8Array | Promise<Uint8Array | undefined>]> = []
  /** Bytes of NDJSON held in `queue`. */
  #held = 0
  /** Write-backs committing. */
  readonly #writes = new Set<Promise<void>>()
  #turn: Promise<void> | undefined
  #stopped = false

  constructor(host: CompactorHost) {
    this.#host = host
  }

  /** Chunks stored raw (with their NDJSON, when at hand): compressed from the next turn on. */
  add(chunks: RawChunk[]): void {
    for (const [sessionId, firstSeq, ndjson] of chunks) {
      const hold = ndjson !== undefined && this.#held + ndjson.byteLength <= MAX_HELD_BYTES
      if (hold) this.#held += ndjson.byteLength
      this.#queue.push(hold ? [sessionId, firstSeq, ndjson] : [sessionId, firstSeq])
    }
    this.schedule()
  }

  /** Starts a turn, unless one is already coming (a throttle: calling again never delays it). */
  schedule(): void {
    if (this.#turn || this.#stopped || this.#queue.length === 0) return
    this.#turn = nextTask()
      .then(() => this.#host.serial(() => this.#slice()))
      .catch(() => undefined)
      .finally(() => {
        this.#turn = undefined
        this.schedule()
      })
  }

  /** Compresses every raw chunk now (a full disk); call from inside the engine's queue. Returns whether there was any. */
  async compactAll(): Promise<boolean> {
    const some = this.#queue.length > 0
    while (this.#queue.length && !this.#stopped) await this.#next()
    // The write-backs still committing.
    while (this.#writes.size) await Promise.all(this.#writes)
    return some
  }

  /** For good: what is queued is let go (its chunks stay raw, for the next recorder). */
  stop(): void {
    this.#stopped = true
    this.#queue.length = 0
  }

  async #slice(): Promise<void> {
    const deadline = performance.now() + COMPACT_SLICE_MS
    do {
      if (this.#host.busy() || this.#stopped) return
      await this.#next()
    } while (this.#queue.length && performance.now() < deadline)
    if (this.#queue.length) return
    while (this.#writes.size) await Promise.all(this.#writes)
    if (!this.#queue.length) await this.#host.drained()
  }

  /** Compresses the next chunk and starts its write-back; returns once it may go on (a write slot is free). */
  async #next(): Promise<void> {
    const store = this.#host.store()
    const codec = this.#host.codec()
    // This chunk and the {@link READ_AHEAD} after it are read (unless held) before it compresses.
    for (const one of this.#queue.slice(0, READ_AHEAD + 1)) {
      one[2] ??= store
        .getChunk(one[0], one[1])
        .then((chunk) => (chunk?.raw ? codec.text(chunk) : undefined))
        .catch(() => undefined)
    }
    const [sessionId, firstSeq, read] = this.#queue.shift()!
    // A held chunk's NDJSON is no longer held here (a read, a promise, has no byteLength).
    this.#held -= (read as Uint8Array).byteLength ?? 0
    try {
      const ndjson = await read
      if (ndjson) {
        const bytes = toArrayBuffer(await codec.seal(ndjson))
        // Written only if the chunk is still raw (another tab may have compressed it meanwhile).
        const write: Promise<void> = store
          .compactChunk(sessionId, firstSeq, bytes)
          .catch(() => 0)
          .then((freed) => {
            this.#writes.delete(write)
            this.#host.freed(freed)
          })
        this.#writes.add(write)
      }
    } catch {
      // Left raw: it is still uploaded (compressed on the way) and read as it is.
    }
    while (this.#writes.size >= MAX_WRITES) await Promise.race(this.#writes)
  }
}

/** One task later: messages that came meanwhile (batches from the page) are handled first. No timer clamping. */
function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel()
    channel.port1.onmessage = () => {
      channel.port1.close()
      resolve()
    }
    channel.port2.postMessage(undefined)
  })
}
