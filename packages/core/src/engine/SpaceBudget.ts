import type { PendingEvent } from '../events/serialize'
import type { RecordStore } from '../storage/RecordStore'

/**
 * Whether a batch is only a session's own marks — its start or end, with a drop report or a gap
 * explained — which are stored past `maxLocalBytes` (a few hundred bytes): a full store still
 * says how its session ended and what it gave up. The app's events are always held to the cap.
 * (`every` first: an app batch stops at its first event.)
 */
function isSessionMark(events: readonly PendingEvent[]): boolean {
  return events.every((event) => event.type.startsWith('session.') || event.type === 'recorder.dropped' || event.type === 'seq.skipped') && events.some((event) => event.type.startsWith('session.'))
}

/** What the budget needs of the engine. */
export interface SpaceBudgetHost {
  store(): RecordStore
  /** `maxLocalBytes`, if set. */
  max(): number | undefined
  /** `onFull: 'drop-oldest'`: unsent data may go to make room. */
  dropOldest(): boolean
  /** Chunks were dropped: the outbox is counted again. */
  dropped(): Promise<void>
}

/**
 * `maxLocalBytes`: the bytes stored, as this engine last counted them (kept up to date as it
 * writes, compresses and deletes; counted again from the store when unknown or near the cap),
 * and making room before a write.
 */
export class SpaceBudget {
  readonly #host: SpaceBudgetHost
  /** `undefined`: not known; the store is asked when it matters. */
  #used: number | undefined

  constructor(host: SpaceBudgetHost) {
    this.#host = host
  }

  /** Bytes were written. */
  add(bytes: number): void {
    if (this.#used !== undefined) this.#used += bytes
  }

  /** Bytes were freed (a chunk compressed in place). */
  free(bytes: number): void {
    if (this.#used !== undefined) this.#used -= bytes
  }

  /** Data went that was not counted here (purged, deleted, erased): count again when it matters. */
  recount(): void {
    this.#used = undefined
  }

  /** Whether `bytes` more might not fit under the cap (unknown use counts as full). */
  tight(bytes: number): boolean {
    const max = this.#host.max()
    return max !== undefined && (this.#used ?? max) + bytes > max
  }

  /**
   * Frees room for `bytes` more — sent data first; unsent data only with `onFull: 'drop-oldest'` —
   * or refuses the write like a full disk (a `QuotaExceededError`). `dropped`: how many unsent
   * events went to make room (the caller reports them as `recorder.dropped`), even if it refuses.
   * `batches`: the events written, when they are events; a write of only session marks
   * (`isSessionMark`) goes past the cap.
   */
  async makeRoom(bytes: number, dropped: (count: number) => void, batches?: ReadonlyArray<{ events: readonly PendingEvent[] }>): Promise<void> {
    const max = this.#host.max()
    if (max === undefined || batches?.every((batch) => isSessionMark(batch.events))) return
    const store = this.#host.store()
    this.#used ??= await store.usage()
    if (this.#used + bytes <= max) return
    // Other tabs write and purge too: count exactly before deleting anything.
    let over = (this.#used = await store.usage()) + bytes - max
    if (over > 0) over -= await store.evictSent(over)
    if (over > 0 && this.#host.dropOldest()) {
      let count = 0
      for (const chunk of await store.dropOldestPending(over)) {
        over -= chunk.size
        count += chunk.count
      }
      if (count > 0) dropped(count)
      await this.#host.dropped()
    }
    // What is stored now, from the count and what was freed: no second scan.
    this.#used = over + max - bytes
    if (over > 0) {
      throw new DOMException(`maxLocalBytes (${max}) is reached: ${bytes} more bytes do not fit.`, 'QuotaExceededError')
    }
  }
}
