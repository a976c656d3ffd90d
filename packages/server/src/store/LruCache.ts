/**
 * A map that keeps at most `maxBytes` of values (by the size each is given), dropping the
 * least recently used first. For caches of what is on disk anyway: a dropped entry is read again.
 */
export class LruCache<V> {
  readonly #entries = new Map<string, { value: V; size: number }>()
  #bytes = 0

  constructor(readonly maxBytes: number) {}

  get bytes(): number {
    return this.#bytes
  }

  get size(): number {
    return this.#entries.size
  }

  get(key: string): V | undefined {
    const entry = this.#entries.get(key)
    if (!entry) return undefined
    this.#entries.delete(key)
    this.#entries.set(key, entry)
    return entry.value
  }

  /** Keeps the value unless it alone is larger than the cache. */
  set(key: string, value: V, size: number): void {
    this.delete(key)
    if (size > this.maxBytes) return
    this.#entries.set(key, { value, size })
    this.#bytes += size
    for (const [oldest, entry] of this.#entries) {
      if (this.#bytes <= this.maxBytes) break
      this.#entries.delete(oldest)
      this.#bytes -= entry.size
    }
  }

  delete(key: string): void {
    const entry = this.#entries.get(key)
    if (!entry) return
    this.#entries.delete(key)
    this.#bytes -= entry.size
  }
}
