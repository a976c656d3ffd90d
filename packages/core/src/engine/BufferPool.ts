/**
 * Spare buffers for the batches a page transfers to its worker (see `BufferedBatch`), which the
 * worker sends back as soon as it has read them. Writing a batch into a buffer that came back
 * costs the page a fraction of what fresh memory costs (bench/README.md). One pool serves every
 * recorder of the page: a burst outruns the worker's returns, and a new recorder starts warm.
 *
 * Bounded in buffers and bytes (a buffer over the bound is left to the collector), and emptied
 * once nothing took or gave a buffer for `idleMs` (at most twice that): a page that stopped
 * recording keeps nothing. With no spare large enough, a new buffer.
 */
export class BufferPool {
  #spare: ArrayBuffer[] = []
  #bytes = 0
  #used = false
  #timer: ReturnType<typeof setTimeout> | undefined

  constructor(
    readonly maxBuffers = 64,
    readonly maxBytes = 8 << 20,
    readonly idleMs = 10_000,
  ) {}

  /** Buffers and bytes kept now. */
  get kept(): [buffers: number, bytes: number] {
    return [this.#spare.length, this.#bytes]
  }

  /** A spare buffer of at least `bytes`, or a new one (a multiple of 64 KiB, so it fits batches of about that size again). */
  take(bytes: number): ArrayBuffer {
    this.#used = true
    const spare = this.#spare.pop()
    if (spare) this.#bytes -= spare.byteLength
    return spare && spare.byteLength >= bytes ? spare : new ArrayBuffer((bytes | 0xffff) + 1)
  }

  /** A buffer back from the worker, kept within the bounds. */
  give(buffer: ArrayBuffer): void {
    this.#used = true
    if (this.#spare.length < this.maxBuffers && this.#bytes + buffer.byteLength <= this.maxBytes) {
      this.#spare.push(buffer)
      this.#bytes += buffer.byteLength
      this.#timer ??= setTimeout(this.#idle, this.idleMs)
    }
  }

  #idle = (): void => {
    this.#timer = undefined
    if (!this.#used) {
      this.#spare = []
      this.#bytes = 0
    } else if (this.#spare.length > 0) {
      this.#used = false
      this.#timer = setTimeout(this.#idle, this.idleMs)
    }
  }
}

/** The page's pool. */
export const bufferPool = new BufferPool()
