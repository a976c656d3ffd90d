import type { ChunkCodec } from '../storage/ChunkCodec'
import { toArrayBuffer } from '../util/toArrayBuffer'
import type { RecordStore } from '../storage/RecordStore'

/** A turn compresses chunks for about this long, then lets waiting work (batches, reads) go first. */
const COMPACT_SLICE_MS = 15
/** Chunks compressed at once within a turn: their reads and writes overlap the compression. */
const COMPACT_WINDOW = 4
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
 */
export class Compactor {
  readonly #host: CompactorHost
  /** Raw chunks to compress, oldest first. */
  readonly #queue: RawChunk[] = []
  /** Bytes of NDJSON held in `queue`. */
  #held = 0
  #turn: Promise<void> | undefined
  #stopped = false

  constructor(host: CompactorHost) {
    this.#host = host
  }

  /** Chunks still waiting to be compressed. */
  get pending(): number {
    return this.#queue.length
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

  /** Compresses every raw chunk now (a full disk); call from inside the engine's queue. Returns the bytes freed. */
  async compactAll(): Promise<number> {
    let freed = 0
    while (this.#queue.length > 0) freed += await this.#compact(this.#queue.splice(0, COMPACT_WINDOW))
    return freed
  }

  stop(): void {
    this.#stopped = true
    this.#queue.length = 0
    this.#held = 0
  }

  async #slice(): Promise<void> {
    const deadline = performance.now() + COMPACT_SLICE_MS
    do {
      if (this.#host.busy() || this.#stopped) return
      await this.#compact(this.#queue.splice(0, COMPACT_WINDOW))
    } while (this.#queue.length > 0 && performance.now() < deadline)
    if (this.#queue.length === 0) await this.#host.drained()
  }

  /** Compresses a few chunks together; returns the bytes freed. */
  async #compact(chunks: RawChunk[]): Promise<number> {
    const store = this.#host.store()
    const codec = this.#host.codec()
    const freed = await Promise.all(
      chunks.map(async ([sessionId, firstSeq, held]) => {
        if (held) this.#held -= held.byteLength
        try {
          let ndjson = held
          if (!ndjson) {
            const chunk = await store.getChunk(sessionId, firstSeq)
            if (!chunk?.raw) return 0
            ndjson = await codec.text(chunk)
          }
          // Written only if the chunk is still raw (another tab may have compressed it meanwhile).
          const bytes = await codec.seal(ndjson)
          return await store.compactChunk(sessionId, firstSeq, toArrayBuffer(bytes))
        } catch {
          // Left raw: it is still uploaded (compressed on the way) and read as it is.
          return 0
        }
      }),
    )
    const total = freed.reduce((sum, bytes) => sum + bytes, 0)
    this.#host.freed(total)
    return total
  }
}

/** One task later: messages that came meanwhile (batches from the page) are handled first. No timer clamping. */
function nextTask(): Promise<void> {
  if (typeof MessageChannel !== 'function') return new Promise((resolve) => setTimeout(resolve, 0))
  return new Promise((resolve) => {
    const channel = new MessageChannel()
    channel.port1.onmessage = () => {
      channel.port1.close()
      resolve()
    }
    channel.port2.postMessage(undefined)
  })
}
