import { randomBytes } from 'node:crypto'
import { eventId } from './eventId.js'
import { createBatch, sendBatch, type Backend, type StreamEvent } from './sendBatch.js'

export interface StreamOptions {
  backend: Backend
  /** Metadata of the stream's `session.started` (besides `parent` and `stream`). */
  metadata: Record<string, unknown>
  /** The process instance, as the `tab` of each event. */
  tab: string
  flushIntervalMs: number
  maxBatchEvents: number
  maxAttempts: number
  stats: StreamStats
  onError(error: Error): void
}

export interface StreamStats {
  /** Events recorded into streams. */
  recorded: number
  /** Events the backend has stored. */
  sent: number
  /** Events given up on: refused by the backend, or still failing after `maxAttempts`. */
  dropped: number
}

const BACKOFF_BASE_MS = 500
const BACKOFF_CAP_MS = 30_000

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref())

/**
 * One linked stream: the events this process records into one browser session, with their own
 * id and gapless seqs from 0 (`session.started`, which names the parent). Batches leave in seq
 * order, one at a time, each retried under the same Idempotency-Key until the backend has it.
 */
export class LinkedStream {
  readonly id = `srv_${randomBytes(12).toString('base64url')}`
  lastUsed = Date.now()
  private seq = 0
  private readonly started = performance.now()
  private queue: StreamEvent[] = []
  private timer: NodeJS.Timeout | undefined
  private pumping: Promise<void> | undefined
  private ended = false

  constructor(
    readonly parent: string,
    private readonly options: StreamOptions,
  ) {
    this.push('session.started', { ...options.metadata, parent, stream: 'server' })
  }

  record(type: string, data: Record<string, unknown>): boolean {
    if (this.ended) return false
    this.push(type, data)
    this.lastUsed = Date.now()
    return true
  }

  /** `session.ended` (with `lastSeq`, so the backend can tell the stream is complete), then everything is sent. */
  end(reason: string): Promise<void> {
    if (!this.ended) {
      this.push('session.ended', { lastSeq: this.seq, reason })
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

  private push(type: string, data: Record<string, unknown>): void {
    const ts = Date.now()
    const t = Math.round((performance.now() - this.started) * 10) / 10
    this.queue.push({ v: 1, id: eventId(ts), sessionId: this.id, seq: this.seq++, ts, t, tab: this.options.tab, type, data })
    this.options.stats.recorded++
    this.timer ??= setTimeout(() => {
      this.timer = undefined
      this.pumping ??= this.pump().finally(() => (this.pumping = undefined))
    }, this.options.flushIntervalMs).unref()
  }

  private async pump(): Promise<void> {
    const { backend, maxBatchEvents, maxAttempts, stats } = this.options
    while (this.queue.length > 0) {
      const events = this.queue.splice(0, maxBatchEvents)
      const batch = createBatch(this.parent, events)
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
    }
  }
}
