import { toErrorInfo, type ErrorInfo } from '../errors'
import { BatchBuilder, type PackedBatch } from '../events/PackedBatch'
import type { IngestResult } from '../engine/protocol'
import { PAGE_LEFT } from '../events/pageLeft'
import type { Clock } from '../util/clock'
import type { Settings } from './resolveOptions'
import type { Counts } from './StatusReporter'
import type { TailWriter } from './tailWriter'
import type { RecorderStatus } from './types'

/**
 * Batches handed to the engine and not yet stored, at most; more wait on the page. Enough that the
 * engine always has the next group waiting while one commits (4 left it idle between commits:
 * 85–100 k events/s durable in the bench, 164 k/s with 64), few enough that a burst never posts
 * everything at once (every batch at once made an 83 ms task on the page).
 */
const MAX_IN_FLIGHT = 64

/** What the queue needs of the recorder. */
export interface BatchQueueHost {
  settings: Settings
  clock: Clock
  /** Kept up to date here: accepted, durable, dropped. */
  counts: Counts
  /** This tab's id (batch ids are `<tab>.<n>`). */
  tab: string
  /** Hands a batch to the engine; resolves when it is stored. */
  ingest(batch: PackedBatch): Promise<IngestResult>
  /** The recorder is closed: a page-hide copy opened late is closed at once. */
  closed(): boolean
  report(error: ErrorInfo): void
  /** A batch was stored (or refused): the status shows it. */
  stored(result: IngestResult): void
  /** The counts changed. */
  changed(): void
}

/**
 * The page's half of the event path: events accepted by a capture call are packed into a batch
 * (`BatchBuilder`), handed to the engine every `flushIntervalMs` or `maxBatchEvents`, at most
 * {@link MAX_IN_FLIGHT} at once, and kept until the engine confirms them — so that a page that is
 * going away can save a copy of what is unconfirmed (the tail, see tailWriter).
 */
export class BatchQueue {
  readonly #host: BatchQueueHost
  readonly #buffer = new BatchBuilder()
  #bufferSession = ''
  #timer: ReturnType<typeof setTimeout> | undefined
  readonly #inflight = new Set<Promise<unknown>>()
  /** Batches handed to the engine and not yet confirmed, by batch id. */
  readonly #unconfirmed = new Map<string, PackedBatch>()
  #batchCount = 0
  #sending = 0
  readonly #waitingToSend: Array<() => void> = []
  #tail: TailWriter | undefined
  #tailOpenings = 0
  /** The batch saying the page left (see `hide`), while it may still be taken back. */
  #leftBatchId: string | undefined
  // Read on every event: kept here rather than looked up through the host.
  readonly #clock: Clock
  readonly #counts: Counts
  readonly #maxBatchEvents: number
  readonly #flushIntervalMs: number

  constructor(host: BatchQueueHost) {
    this.#host = host
    this.#clock = host.clock
    this.#counts = host.counts
    this.#maxBatchEvents = host.settings.maxBatchEvents
    this.#flushIntervalMs = host.settings.flushIntervalMs
  }

  /** `ts`: the wall-clock time of the event when it is not now (an interaction logged after the fact); `at`: its monotonic time, when it was held before (docs/capture.md). */
  push(sessionId: string, type: string, data: string, checkpoint = false, ts?: number, at?: number): void {
    const clock = this.#clock
    if (this.#buffer.length > 0 && this.#bufferSession !== sessionId) this.post()
    this.#bufferSession = sessionId
    this.#buffer.push(type, data, ts ?? clock.wallNow(), at ?? clock.now(), checkpoint)
    this.#counts.accepted++
    if (this.#buffer.length >= this.#maxBatchEvents) this.post()
    else this.#timer ??= setTimeout(this.post, this.#flushIntervalMs)
  }

  /** Hands the buffer to the engine as one batch; resolves when it is stored. */
  post = (): Promise<IngestResult | undefined> => {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer)
      this.#timer = undefined
    }
    if (this.#buffer.length === 0) return Promise.resolve(undefined)
    const host = this.#host
    const batch = this.#buffer.take(this.#bufferSession, host.tab, `${host.tab}.${++this.#batchCount}`)
    this.#unconfirmed.set(batch.batchId, batch)
    const sent = this.#sendSlot()
      .then(() => host.ingest(batch))
      .then(
        (result) => {
          this.#host.counts.durable += result.stored
          this.#host.counts.dropped += result.dropped
          if (result.error) host.report(result.error)
          host.stored(result)
          return result
        },
        (error: unknown) => {
          this.#host.counts.dropped += batch.ts.length
          host.report(toErrorInfo(error, 'storage_failed'))
          return undefined
        },
      )
    this.#inflight.add(sent)
    void sent.finally(() => {
      this.#sending--
      this.#waitingToSend.shift()?.()
      this.#inflight.delete(sent)
      this.#unconfirmed.delete(batch.batchId)
      this.#tail?.confirm(batch.batchId)
    })
    host.changed()
    return sent
  }

  /** Hands everything over and waits until the engine answered for all of it. */
  async flush(): Promise<void> {
    this.post()
    await Promise.all([...this.#inflight])
  }

  /** Resolves, in call order, when a batch may go to the engine. */
  #sendSlot(): Promise<void> {
    if (this.#sending < MAX_IN_FLIGHT && this.#waitingToSend.length === 0) {
      this.#sending++
      return Promise.resolve()
    }
    return new Promise((resolve) =>
      this.#waitingToSend.push(() => {
        this.#sending++
        resolve()
      }),
    )
  }

  /**
   * The page may be going away: hand everything over now, not in 50 ms, and keep a copy of what
   * the worker has not confirmed, in case the worker goes down with the page. `leftSession`: the
   * page is unloading (`pagehide`) while recording this session; the copy ends with a
   * `session.paused` saying so, which makes the session `suspended` on the next start rather than
   * `interrupted` (a tab that dies never gets to save it).
   */
  hide(leftSession?: string): void {
    void this.post()
    const batches = [...this.#unconfirmed.values()]
    if (leftSession !== undefined && this.#tail) {
      const { clock, tab } = this.#host
      const left = new BatchBuilder()
      left.push('session.paused', PAGE_LEFT, clock.wallNow(), clock.now(), false)
      this.#leftBatchId = `${tab}.${++this.#batchCount}`
      batches.push(left.take(leftSession, tab, this.#leftBatchId))
    }
    this.#tail?.save(batches)
  }

  /** The page is visible again after all (a page restored from the back/forward cache): it did not leave. */
  show(): void {
    if (this.#leftBatchId !== undefined) this.#tail?.confirm(this.#leftBatchId)
    this.#leftBatchId = undefined
  }

  /** The page's copy of unconfirmed batches at page hide (see tailWriter), replacing any earlier one. */
  async openTail(open: () => Promise<TailWriter>): Promise<void> {
    this.closeTail()
    const opening = ++this.#tailOpenings
    try {
      const tail = await open()
      if (opening === this.#tailOpenings && !this.#host.closed()) this.#tail = tail
      else tail.close()
    } catch {
      // Not loaded (offline before it was cached, say): no copy at page hide; the worker still
      // stores every batch it got.
    }
  }

  /** Closes the page-hide copy, and any still being opened. */
  closeTail(): void {
    this.#tailOpenings++
    this.#tail?.close()
    this.#tail = undefined
  }
}
