/** An event accepted on the page, held before it goes to the queue. */
export interface HeldEvent {
  type: string
  data: string
  checkpoint: boolean
  /** Wall clock, epoch ms. */
  ts: number
  /** The page's monotonic clock, epoch ms: the event's `t` is measured from it. */
  at: number
}

/**
 * The last `windowMs` of an on-error session's events, in memory, bounded also by count and by
 * characters of JSON: older events are dropped as newer ones come (counted in `discarded`), so a
 * session that never triggers costs a bounded amount and leaves nothing behind.
 */
export class OnErrorBuffer {
  #events: HeldEvent[] = []
  #head = 0
  #chars = 0
  /** Events dropped from the front: expired, or past a bound. */
  discarded = 0

  constructor(
    readonly windowMs: number,
    readonly maxEvents = 10_000,
    readonly maxChars = 8 * 1024 * 1024,
  ) {}

  get size(): number {
    return this.#events.length - this.#head
  }

  add(event: HeldEvent): void {
    this.#events.push(event)
    this.#chars += event.data.length
    this.#trim(event.at)
  }

  /** The window as of `now`, in order; the buffer is empty after. */
  take(now: number): HeldEvent[] {
    this.#trim(now)
    const kept = this.#events.slice(this.#head)
    this.#events = []
    this.#head = 0
    this.#chars = 0
    return kept
  }

  #trim(now: number): void {
    const events = this.#events
    const from = now - this.windowMs
    let head = this.#head
    while (head < events.length && (events[head]!.at < from || events.length - head > this.maxEvents || this.#chars > this.maxChars)) {
      this.#chars -= events[head]!.data.length
      head++
    }
    this.discarded += head - this.#head
    // Drop the dead front now and then, not on every event.
    if (head > 1024 && head * 2 > events.length) {
      this.#events = events.slice(head)
      head = 0
    }
    this.#head = head
  }
}
