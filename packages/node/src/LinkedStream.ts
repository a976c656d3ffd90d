import { randomBytes } from 'node:crypto'
import type { EventType, TapedeckEvent } from '@tapedeck/core'
import { eventId } from './eventId.js'
import { createBatch, sendBatch, type Backend, type QueuedEvent } from './sendBatch.js'

export interface StreamOptions {
  backend: Backend
  /** Metadata of the stream's `session.started` (besides `parent` and `stream`). */
  metadata: Record<string, unknown>
  /** The process instance, as the `tab` of each event. */
  tab: string
  flushIntervalMs: number
  maxBatchEvents: number
  /** Uncompressed bytes per batch at most (one event always fits, however large). */
  maxBatchBytes: number
  maxAttempts: number
  /** One event's data at most, in characters of JSON, as the browser's `maxEventBytes`. */
  maxEventBytes: number
  /** What every stream of the recorder holds in memory, waiting to be sent. */
  queue: QueueBudget
  stats: StreamStats
  onError(error: unknown): void
}

/** The bound on what waits in memory, shared by the streams of one recorder. */
export interface QueueBudget {
  /** Characters of NDJSON queued now. */
  bytes: number
  readonly maxBytes: number
}

export interface StreamStats {
  /** Events recorded into streams. */
  recorded: number
  /** Events the backend has stored. */
  sent: number
  /** Events given up on: refused by the backend, still failing after `maxAttempts`, or refused because the queue was full. */
  dropped: number
}

/** An error with the stable code the instrumentation of @tapedeck/core reads (`event_too_large`: it retries shrunk). */
function coded(code: string, message: string): Error {
  return Object.assign(new Error(message), { code })
}

const BACKOFF_BASE_MS = 500
const BACKOFF_CAP_MS = 30_000

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref())

/**
 * One linked stream: the events this process records into one browser session, with their own
 * id and gapless seqs from 0 (`session.started`, which names the parent). Batches leave in seq
 * order, one at a time, each retried under the same Idempotency-Key until the backend has it.
 * Events that do not fit the queue are not given a seq: a `recorder.dropped` with their count
 * takes the next one, so the stream says what it lost instead of showing a silent gap.
 */
export class LinkedStream {
  readonly id = `srv_${randomBytes(12).toString('base64url')}`
  lastUsed = Date.now()
  private seq = 0
  private readonly started = performance.now()
  private queue: QueuedEvent[] = []
  private timer: NodeJS.Timeout | undefined
  private pumping: Promise<void> | undefined
  private ended = false
  /** Events refused for want of room since the last `recorder.dropped`. */
  private unreported = 0

  constructor(
    readonly parent: string,
    private readonly options: StreamOptions,
  ) {
    this.push('session.started', { ...options.metadata, parent, stream: 'server' }, true)
  }

  /**
   * Queues one event: false when the stream has ended or the queue is full (counted as dropped).
   * Throws (`event_too_large`, or a value JSON cannot hold) for an event that cannot be recorded.
   */
  record(type: string, data: Record<string, unknown>): boolean {
    if (this.ended) return false
    this.lastUsed = Date.now()
    if (!this.push(type, data, false)) {
      this.unreported++
      this.options.stats.dropped++
      return false
    }
    return true
  }

  /** `session.ended` (with `lastSeq`, so the backend can tell the stream is complete), then everything is sent. */
  end(reason: string): Promise<void> {
    if (!this.ended) {
      this.reportDropped()
      this.push('session.ended', { lastSeq: this.seq, reason }, true)
      this.ended = true
    }
    return this.flush()
  }

  /** Resolves when every event recorded so far is stored by the backend, or given up on. */
  async flush(): Promise<void> {
    clearTimeout(this.timer)
    this.timer = undefined
    while (this.queue.length > 0 || this.pumping) {
      this.pumping ??= this.pump().finally(() => (this.pumping = undefined))
      await this.pumping
    }
  }

  private reportDropped(): void {
    if (this.unreported === 0) return
    this.push('recorder.dropped', { count: this.unreported, reason: 'queue_full' }, true)
    this.unreported = 0
  }

  /**
   * Serialises and queues one event; `force` for the stream's own small events, which always fit
   * (the bound is checked on the data, so the queue may pass it by one envelope).
   */
  private push(type: string, data: Record<string, unknown>, force: boolean): boolean {
    const { queue: budget, maxEventBytes } = this.options
    const json = JSON.stringify(data)
    if (json.length > maxEventBytes) {
      throw coded('event_too_large', `The data of "${type}" is ${json.length} characters of JSON, over the limit of ${maxEventBytes} (maxEventBytes).`)
    }
    if (!force) {
      if (budget.bytes + json.length > budget.maxBytes) return false
      this.reportDropped()
    }
    const ts = Date.now()
    const t = Math.round((performance.now() - this.started) * 10) / 10
    const head: Omit<TapedeckEvent, 'data'> = { v: 1, id: eventId(ts), sessionId: this.id, seq: this.seq, ts, t, tab: this.options.tab, type: type as EventType }
    // The data last, as its JSON already is: serialised once, and frozen against later changes.
    const line = `${JSON.stringify(head).slice(0, -1)},"data":${json}}\n`
    this.queue.push({ seq: this.seq++, line })
    budget.bytes += line.length
    this.options.stats.recorded++
    this.timer ??= setTimeout(() => {
      this.timer = undefined
      this.pumping ??= this.pump().finally(() => (this.pumping = undefined))
    }, this.options.flushIntervalMs).unref()
    return true
  }

  /** The next batch: up to `maxBatchEvents` events and `maxBatchBytes`, at least one. */
  private takeBatch(): QueuedEvent[] {
    const { maxBatchEvents, maxBatchBytes } = this.options
    let count = 0
    let bytes = 0
    while (count < this.queue.length && count < maxBatchEvents) {
      bytes += this.queue[count]!.line.length
      if (count > 0 && bytes > maxBatchBytes) break
      count++
    }
    return this.queue.splice(0, count)
  }

  private async pump(): Promise<void> {
    const { backend, maxAttempts, stats, queue: budget } = this.options
    while (this.queue.length > 0) {
      const events = this.takeBatch()
      const batch = createBatch(this.id, this.parent, events)
      for (let attempt = 1; ; attempt++) {
        const outcome = await sendBatch(backend, batch)
        if (outcome.result === 'sent') {
          stats.sent += events.length
          break
        }
        if (outcome.result === 'refused' || attempt >= maxAttempts) {
          stats.dropped += events.length
          const cause = outcome.result === 'refused' ? 'refused' : `still failing after ${attempt} attempts`
          this.options.onError(new Error(`Tapedeck: seqs ${batch.firstSeq}-${batch.lastSeq} of stream ${this.id} were ${cause}: ${outcome.reason}`))
          break
        }
        // Full jitter, as the browser recorder does (docs/sync.md); Retry-After wins when longer.
        const backoff = Math.random() * Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1))
        await sleep(Math.max(backoff, outcome.afterMs ?? 0))
      }
      for (const event of events) budget.bytes -= event.line.length
    }
  }
}
