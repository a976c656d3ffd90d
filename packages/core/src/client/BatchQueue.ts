import { toErrorInfo, type ErrorInfo } from '../errors'
import { BatchBuilder, type PackedBatch } from '../events/PackedBatch'
import type { IngestResult, LeaseGrant } from '../engine/protocol'
import { PAGE_LEFT } from '../events/pageLeft'
import type { Clock } from '../util/clock'
import type { Settings } from './resolveOptions'
import type { Counts } from './StatusReporter'
import type { TailWriter } from './tailWriter'
import type { KeepaliveTail } from './keepaliveTail'
import { SeqLeaser } from './SeqLeaser'
import type { RecorderStatus } from './types'

/**
 * Batches handed to the engine and not yet stored, at most; more wait on the page. Enough that the
 * engine always has the next group waiting while one commits (4 left it idle between commits:
 * 85–100 k events/s durable in the bench, 164 k/s with 64), few enough that a burst never posts
 * everything at once (every batch at once made an 83 ms task on the page).
 */
const MAX_IN_FLIGHT = 64

/** Stamped events kept for the page-hide send until the server holds them, at most (oldest go first). */
const MAX_RECENT_EVENTS = 8192

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
  /** Leases this tab the next `count` seqs of a stored session (see SeqLeaser). */
  lease(sessionId: string, tab: string, count: number): Promise<LeaseGrant | undefined>
  /** Closes this tab's lease on a session: the page stamped up to `stampedTo` (see SeqLeases). */
  closeLease(sessionId: string, tab: string, stampedTo: number): Promise<void>
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
  readonly #leaser: SeqLeaser
  /** Batches go to the engine in the order they were made, stamped or not. */
  #order: Promise<unknown> = Promise.resolve()
  /** Stamped batches the server may not hold yet, oldest first: what the page sends itself as it closes. */
  #recent: PackedBatch[] = []
  #recentEvents = 0
  #keepalive: KeepaliveTail | undefined
  /** The batch saying the page left (see `hide`), while it may still be taken back. */
  #leftBatchId: string | undefined
  // Read on every event: kept here rather than looked up through the host.
  readonly #clock: Clock
  readonly #counts: Counts
  readonly #maxBatchEvents: number
  readonly #flushIntervalMs: number

  constructor(host: BatchQueueHost) {
    this.#host = host
    this.#leaser = new SeqLeaser((sessionId, count) => host.lease(sessionId, host.tab, count))
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
    const stamping = this.#leaser.stamp(batch)
    if (!stamping) this.#keep(batch)
    const ready = (this.#order = Promise.all([this.#order, stamping?.then(() => this.#stamped(batch))]))
    const sent = ready
      .then(() => this.#sendSlot())
      .then(() => host.ingest(batch))
      .then(
        (result) => {
          if (result.lease) {
            this.#leaser.granted(result.sessionId, result.lease)
            // The page may have stamped events to send as it closes from now on (KeepaliveTail `warm`).
            this.#keepalive?.warm()
          }
          else if (result.lastSeq >= 0) this.#leaser.stored(result.sessionId)
          this.#counts.durable += result.stored
          this.#counts.dropped += result.dropped
          if (result.error) host.report(result.error)
          host.stored(result)
          return result
        },
        (error: unknown) => {
          this.#leaser.failed(batch.sessionId)
          this.#counts.dropped += batch.ts.length
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

  /**
   * The recorder closes without ending its session (after `flush()`): the page's lease is closed
   * now, its untouched rest given back, rather than explained by a marker at the next start.
   */
  async closeLease(): Promise<void> {
    const held = this.#leaser.release()
    if (held) await this.#host.closeLease(held.sessionId, this.#host.tab, held.stampedTo).catch(() => undefined)
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
    // The request first: it leaves while the copy is saved. Not a batch whose saved copy does not
    // carry its stamp yet: stored under other seqs at the next start, it would be on the server twice.
    const tail = this.#tail
    this.#keepalive?.send(tail ? this.#recent.filter((batch) => tail.current(batch)) : this.#recent)
    this.#leaser.leaving()
    const batches = [...this.#unconfirmed.values()]
    if (leftSession !== undefined && this.#tail) {
      const { clock, tab } = this.#host
      const left = new BatchBuilder()
      left.push('session.paused', PAGE_LEFT, clock.wallNow(), clock.now(), false)
      this.#leftBatchId = `${tab}.${++this.#batchCount}`
      const batch = left.take(leftSession, tab, this.#leftBatchId)
      // Unstamped, it gives the lease up once stored (the page is gone by then): saying how far the
      // page stamped lets the engine give the untouched rest back instead of explaining it.
      const stampedTo = this.#leaser.stampedTo(leftSession)
      if (stampedTo !== undefined) batch.stampedTo = stampedTo
      batches.push(batch)
    }
    this.#tail?.save(batches)
  }

  /** The page is visible again after all (a page restored from the back/forward cache): it did not leave. */
  show(): void {
    if (this.#leftBatchId !== undefined) this.#tail?.confirm(this.#leftBatchId)
    this.#leftBatchId = undefined
  }

  /** A batch that waited for its lease may have been saved unstamped meanwhile (a hide): that copy is stamped too. */
  #stamped(batch: PackedBatch): void {
    if (batch.stamp) this.#tail?.stamped(batch)
    this.#keep(batch)
  }

  /** A stamped batch: kept for the page-hide send until the server holds it. */
  #keep(batch: PackedBatch): void {
    if (!batch.stamp) return
    this.#recent.push(batch)
    this.#recentEvents += batch.ts.length
    while (this.#recentEvents > MAX_RECENT_EVENTS) this.#recentEvents -= this.#recent.shift()!.ts.length
  }

  /** The server holds every event of these sessions up to these seqs (the sync status's `acked`). */
  synced(acked: Record<string, number>): void {
    this.#recent = this.#recent.filter((batch) => {
      const held = (acked[batch.sessionId] ?? -1) >= batch.stamp!.firstSeq + batch.ts.length - 1
      if (held) this.#recentEvents -= batch.ts.length
      return !held
    })
  }

  /** The page-hide send (see keepaliveTail), once loaded. */
  useKeepalive(keepalive: KeepaliveTail | undefined): void {
    this.#keepalive = keepalive
    if (this.#leaser.stampedTo(this.#bufferSession) !== undefined) keepalive?.warm()
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
