/**
 * Spare buffers for the batches a page transfers to its worker (see `BufferedBatch`), which the
 * worker sends back as soon as it has read them. Writing a batch into a buffer that came back
 * costs the page a fraction of what fresh memory costs (bench/README.md). One pool serves every
 * recorder of the page: a burst outruns the worker's returns, and a new recorder starts warm.
 */
export interface BufferPool {
  /** A spare buffer of at least `bytes`, or a new one (a multiple of 64 KiB, so it fits batches of about that size again). */
  take(bytes: number): ArrayBuffer
  /** A buffer back from the worker: kept within the bounds, else left to the collector. */
  give(buffer: ArrayBuffer): void
  /** Buffers and bytes kept now. */
  kept(): [buffers: number, bytes: number]
}

/**
 * A pool of at most `maxBuffers` and `maxBytes`, emptied once no buffer came back for `idleMs`:
 * a page that stopped recording keeps nothing. 64: as many batches as a recorder has with its
 * engine at once (BatchQueue), so a long burst, once it has them, makes no more; of ~300-byte chat
 * events, 256 to a batch, 128 KiB each: 8 MiB.
 */
export function createBufferPool(maxBuffers = 16, maxBytes = 2 << 20, idleMs = 10_000): BufferPool {
  let spare: ArrayBuffer[] = []
  let bytes = 0
  let timer: ReturnType<typeof setTimeout> | undefined
  let last = 0
  let made = 0
  // One timer at a time, not one a buffer: it looks again when a buffer came back since it was set.
  const idle = () => {
    const left = last + idleMs - Date.now()
    if (left > 0) timer = setTimeout(idle, left)
    else {
      timer = undefined
      made -= spare.length
      spare = []
      bytes = 0
    }
  }
  return {
    take(size) {
      const buffer = spare.pop()
      if (buffer) bytes -= buffer.byteLength
      if (buffer && buffer.byteLength >= size) return buffer
      if (buffer) made--
      // At most maxBuffers made: past that, the caller sends its batch as it is.
      if (made >= maxBuffers) throw new RangeError('no spare buffer')
      made++
      return new ArrayBuffer((size | 0xffff) + 1)
    },
    give(buffer) {
      if (spare.length < maxBuffers && bytes + buffer.byteLength <= maxBytes) {
        spare.push(buffer)
        bytes += buffer.byteLength
      } else made--
      last = Date.now()
      timer ??= setTimeout(idle, idleMs)
    },
    kept: () => [spare.length, bytes],
  }
}

/** The page's pool. */
export const bufferPool = /* @__PURE__ */ createBufferPool()
