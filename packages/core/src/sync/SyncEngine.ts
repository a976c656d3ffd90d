import type { ErrorInfo, TapedeckErrorCode } from '../errors'
import type { ChunkOutcome, RecordStore } from '../storage/RecordStore'
import type { StoredBlob, StoredChunk } from '../storage/schema'
import { backoffDelay, retryAfterMs, verdictFor, type BackoffOptions } from './retryPolicy'
import type { BlobTransport, Transport, TransportContext, TransportResponse } from './Transport'
import { INITIAL_SYNC_STATUS, type SyncStatus } from './syncStatus'
import { withBearer } from '../util/endpoint'
import { SyncTabs } from './SyncTabs'
import { toBatch } from './toBatch'

export type { SyncState, SyncStatus } from './syncStatus'

export interface SyncConfig {
  /** Static headers sent with every request. */
  headers: Record<string, string>
  /** Largest batch (compressed bytes), unless one chunk alone is larger. */
  maxBatchBytes: number
  /** `manual`: only `syncNow()` uploads. */
  mode: 'auto' | 'manual'
  backoff: BackoffOptions
  /** After new data, upload at the latest this long after the first of it (more data does not push it back). */
  delayMs: number
  /** While data waits, look again at least this often. */
  intervalMs: number
  requestTimeoutMs: number
  /** Names the leader lock and the channel between tabs: one uploader per database. */
  scope: string
  /** Only one tab uploads (Web Lock); `false` for a store only this tab sees (memory). */
  shared: boolean
}

/** Kept in the database so that backoff survives a reload. */
interface PersistedSyncState {
  attempt: number
  nextAttemptAt: number
  lastSuccessAt: number | null
}

/** One upload — a batch of chunks, or a binary part — for its answer to settle. */
interface Upload {
  send(context: TransportContext): Promise<TransportResponse>
  /** Marks it in the store: sent, refused for good, or waiting again (with the reason). */
  mark(outcome: ChunkOutcome): Promise<void>
  /** A 413: whether it goes again in smaller pieces (else it is refused for good). */
  split(): boolean
  /** The status once it is sent, or refused for good (`refused`: why). */
  gone(refused?: string): Promise<Partial<SyncStatus>>
}

const META_KEY = 'sync'
const MAX_ACKED_KEPT = 20

/**
 * Ships stored chunks to a backend, one batch at a time, and settles each by the status it
 * gets back. One tab in a browser uploads; the others hear about its progress (SyncTabs).
 */
export class SyncEngine {
  #status: SyncStatus
  #persisted: PersistedSyncState = { attempt: 0, nextAttemptAt: 0, lastSuccessAt: null }
  #running: Promise<void> | undefined
  #timer: ReturnType<typeof setTimeout> | undefined
  /** When `timer` fires (epoch ms); Infinity when none is set. */
  #timerAt = Number.POSITIVE_INFINITY
  #token: string | undefined
  /** Lowered when the backend answers 413, so batches fit from then on. */
  #maxBytes: number
  #stopped = false
  readonly #tabs = new SyncTabs({
    lead: () => this.#lead(),
    data: () => this.notify('data'),
    syncNow: () => this.syncNow(),
    heard: (status) => this.#update({ ...status, role: 'follower' }),
  })
  /** What the page last said about connectivity: workers do not always hear online/offline. */
  #pageOnline: boolean | undefined
  /**
   * Aborted at `stop()` to stop listening to online/offline (it serves as the listeners' options:
   * it has their `signal`). Once only: an engine is started once (the worker makes a new one on each `init`).
   */
  readonly #listening = new AbortController()

  readonly #store: () => RecordStore
  readonly #config: SyncConfig
  readonly #transport: Transport
  readonly #emit: (status: SyncStatus) => void
  /** Without one (OTLP, a custom transport), binary parts stay local. */
  readonly #blobTransport: BlobTransport | undefined

  constructor(
    store: () => RecordStore,
    config: SyncConfig,
    transport: Transport,
    emit: (status: SyncStatus) => void,
    blobTransport?: BlobTransport,
  ) {
    this.#store = store
    this.#config = config
    this.#transport = transport
    this.#emit = emit
    this.#blobTransport = blobTransport
    this.#maxBytes = config.maxBatchBytes
    this.#status = INITIAL_SYNC_STATUS
  }

  async start(): Promise<void> {
    globalThis.addEventListener?.('online', () => this.setOnline(true), this.#listening)
    globalThis.addEventListener?.('offline', () => this.setOnline(false), this.#listening)
    this.#update({ online: this.#isOnline() })
    await this.refreshSummary()
    if (!(await this.#tabs.join(this.#config.scope, this.#config.shared))) this.#emit(this.#status)
  }

  stop(): void {
    this.#stopped = true
    this.#cancelTimer()
    this.#listening.abort()
    this.#tabs.leave()
    this.#update({ state: 'stopped' })
  }

  setToken(token: string | undefined): void {
    this.#token = token
    if (this.#status.needsToken) {
      this.#update({ needsToken: false, error: null })
      this.notify('token')
    }
  }

  setOnline(online: boolean): void {
    this.#pageOnline = online
    if (online) this.notify('online')
    else this.#update({ online: false, ...(this.#tabs.leader && { state: 'offline' as const }) })
  }

  /** Events were stored: count them as waiting, and upload them soon. */
  added(events: number, bytes: number): void {
    this.#update({ pendingEvents: this.#status.pendingEvents + events, pendingBytes: this.#status.pendingBytes + bytes })
    this.notify('data')
  }

  /** A binary part was stored: count it, and upload it soon. */
  addedBlob(bytes: number): void {
    this.#update({ pendingBlobs: this.#status.pendingBlobs + 1, pendingBlobBytes: this.#status.pendingBlobBytes + bytes })
    this.notify('data')
  }

  /** Something happened that may let data go out: new data, back online, page visible, a token. */
  notify(reason: 'data' | 'online' | 'visible' | 'token', delayMs = reason === 'data' ? this.#config.delayMs : 0): void {
    if (this.#stopped) return
    if (reason === 'online') this.#update({ online: true })
    if (!this.#tabs.leader) {
      if (reason === 'data') this.#tabs.stored()
      return
    }
    if (this.#config.mode === 'manual') return
    // New data never puts off a pass already due (a throttle, not a debounce): under a steady
    // stream a debounce would never fire. Anything else (back online, a token) goes at once.
    this.#schedule(delayMs, reason === 'data')
  }

  /** Uploads now, ignoring backoff; resolves when everything stored is acknowledged or an attempt failed. */
  async syncNow(): Promise<SyncStatus> {
    if (this.#stopped) return this.#status
    if (this.#tabs.leader) {
      this.#update({ needsToken: false })
      await this.#run(true)
      return this.#status
    }
    const status = await this.#tabs.syncNow()
    if (status) this.#status = { ...status, role: 'follower' }
    return this.#status
  }

  /** Counts again what waits and what is dead (after dead letters are retried or discarded). */
  async refreshSummary(): Promise<void> {
    // Every other field of the summary is a field of the status, by the same name (OutboxSummary).
    const { pendingChunks: _chunks, deadChunks, ...summary } = await this.#store().outboxSummary()
    this.#update({ ...summary, deadLetters: deadChunks })
  }

  // — the uploader —

  async #lead(): Promise<void> {
    this.#persisted = { ...this.#persisted, ...(await this.#store().getMeta<PersistedSyncState>(META_KEY)) }
    this.#update({
      role: 'leader',
      attempt: this.#persisted.attempt,
      lastSuccessAt: this.#persisted.lastSuccessAt,
      nextAttemptAt: this.#persisted.nextAttemptAt || null,
    })
    await this.refreshSummary()
    if (this.#config.mode === 'auto') this.#schedule(0)
  }

  /** The next pass in `delayMs`; with `keepSooner`, a pass already due earlier stays as it is. */
  #schedule(delayMs: number, keepSooner = false): void {
    const at = Date.now() + Math.max(0, delayMs)
    if (keepSooner && this.#timerAt <= at) return
    this.#cancelTimer()
    this.#timerAt = at
    this.#timer = setTimeout(() => {
      this.#timerAt = Number.POSITIVE_INFINITY
      void this.#run(false)
    }, Math.max(0, delayMs))
  }

  #cancelTimer(): void {
    clearTimeout(this.#timer)
    this.#timerAt = Number.POSITIVE_INFINITY
  }

  #run(force: boolean): Promise<void> {
    // One pass at a time; a request made during a pass is served by a pass right after it.
    const pass = (this.#running ?? Promise.resolve()).then(() => this.#pass(force))
    this.#running = pass
    return pass
  }

  async #pass(force: boolean): Promise<void> {
    this.#cancelTimer()
    if (this.#stopped || !this.#tabs.leader) return
    try {
      await this.#passes(force)
    } catch (error) {
      // The store failed under us (a closed database, say): report it and look again later.
      this.#update({ error: errorInfo('sync_failed', `Sync could not read the outbox: ${error instanceof Error ? error.message : String(error)}`) })
      this.#settleState({ state: 'backoff' })
      this.#schedule(this.#config.intervalMs)
    }
  }

  async #passes(force: boolean): Promise<void> {
    await this.refreshSummary()
    for (;;) {
      if (!this.#isOnline()) return this.#settleState({ online: false, state: 'offline' })
      if (this.#status.needsToken) return this.#settleState({ state: 'unauthorized' })
      const wait = this.#persisted.nextAttemptAt - Date.now()
      if (!force && wait > 0) {
        this.#schedule(wait)
        return this.#settleState({ state: 'backoff' })
      }
      // Events first, then binary parts (an audio event may reach the server before its audio).
      const chunks = await this.#store().nextOutbox(this.#maxBytes, Number.POSITIVE_INFINITY)
      const blob = chunks.length === 0 && this.#blobTransport ? await this.#store().nextBlob() : undefined
      if (chunks.length === 0 && !blob) {
        await this.refreshSummary()
        return this.#settleState({ state: 'idle' })
      }
      this.#update({ state: 'syncing', online: true })
      if (await this.#settle(blob ? this.#blobUpload(blob) : this.#batchUpload(chunks))) return
      force = false
    }
  }

  /** A binary part as one upload. */
  #blobUpload(blob: StoredBlob): Upload {
    const { sessionId, blobId, part, mimeType, size } = blob
    const store = this.#store()
    return {
      send: (context) => this.#blobTransport!({ sessionId, blobId, part, mimeType, body: new Uint8Array(blob.bytes) }, context),
      mark: (outcome) => store.settleBlob(sessionId, blobId, part, outcome),
      // A part cannot be split: too large is as final as malformed.
      split: () => false,
      gone: async (refused) => ({
        pendingBlobs: Math.max(0, this.#status.pendingBlobs - 1),
        pendingBlobBytes: Math.max(0, this.#status.pendingBlobBytes - size),
        ...(refused && { error: errorInfo('batch_rejected', `The backend refused part ${part} of ${blobId} (session ${sessionId}) for good (${refused}); it stays in this browser.`) }),
      }),
    }
  }

  /** Stored chunks as one upload: one batch. */
  #batchUpload(chunks: StoredChunk[]): Upload {
    const batch = toBatch(chunks)
    const { sessionId, count } = batch
    const store = this.#store()
    const firstSeqs = chunks.map((chunk) => chunk.firstSeq)
    const pending = () => ({ pendingEvents: Math.max(0, this.#status.pendingEvents - count), pendingBytes: Math.max(0, this.#status.pendingBytes - batch.body.byteLength) })
    return {
      send: (context) => this.#transport(batch, context),
      mark: (outcome) => store.settle(sessionId, firstSeqs, outcome),
      // Split along chunk boundaries: from now on, batches of at most half this size. One chunk still too large is dead.
      split: () => {
        if (chunks.length === 1) return false
        this.#maxBytes = Math.max(1, Math.floor(batch.body.byteLength / 2))
        return true
      },
      gone: async (refused) =>
        refused
          ? {
              ...pending(),
              deadLetters: this.#status.deadLetters + firstSeqs.length,
              deadEvents: this.#status.deadEvents + count,
              error: errorInfo('batch_rejected', `The backend refused events ${batch.firstSeq}–${batch.lastSeq} of session ${sessionId} for good (${refused}): kept as dead letters.`),
            }
          : { acked: withAcked(this.#status.acked, sessionId, (await store.getSession(sessionId))?.syncedSeq), ...pending() },
    }
  }

  /** Sends one upload and acts on the answer. Returns true when this pass must stop. */
  async #settle(upload: Upload): Promise<boolean> {
    let response: TransportResponse
    try {
      response = await upload.send({ headers: withBearer(this.#config.headers, this.#token), signal: AbortSignal.timeout(this.#config.requestTimeoutMs) })
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error)
      return this.#retryLater(`network error: ${message}`, () => upload.mark({ state: 'pending', error: message }))
    }
    const reason = `${response.status}${response.text ? `: ${response.text.slice(0, 500)}` : ''}`
    const verdict = verdictFor(response.status)
    if (verdict === 'auth') return this.#pauseForToken(reason)
    if (verdict === 'retry') return this.#retryLater(reason, () => upload.mark({ state: 'pending', error: reason }), response.retryAfter)
    if (verdict === 'split' && upload.split()) return false
    const refused = verdict === 'sent' ? undefined : verdict === 'split' ? `${reason}, too large to split` : reason
    await upload.mark(refused ? { state: 'dead', error: refused } : { state: 'sent' })
    if (!refused) await this.#succeeded()
    this.#update(await upload.gone(refused))
    return false
  }

  async #succeeded(): Promise<void> {
    const now = Date.now()
    this.#persisted = { attempt: 0, nextAttemptAt: 0, lastSuccessAt: now }
    await this.#store().setMeta(META_KEY, this.#persisted)
    this.#update({ attempt: 0, nextAttemptAt: null, lastSuccessAt: now, error: null })
  }

  #pauseForToken(reason: string): boolean {
    this.#update({
      needsToken: true,
      state: 'unauthorized',
      error: errorInfo('sync_unauthorized', `The backend answered ${reason}. Sync waits for a new token (getToken) or syncNow().`),
    })
    this.#tabs.broadcast(this.#status)
    return true
  }

  /** Counts a failed attempt (`markFailed` records it on what was sent) and waits before the next. */
  async #retryLater(reason: string, markFailed: () => Promise<void>, retryAfter?: string | null): Promise<boolean> {
    const attempt = this.#persisted.attempt + 1
    const now = Date.now()
    // The server's Retry-After wins over our own backoff (within reason: at most an hour).
    const delay = retryAfterMs(retryAfter, now, 3_600_000) ?? backoffDelay(attempt, this.#config.backoff)
    this.#persisted = { ...this.#persisted, attempt, nextAttemptAt: now + delay }
    await markFailed()
    await this.#store().setMeta(META_KEY, this.#persisted)
    this.#update({
      attempt,
      nextAttemptAt: now + delay,
      error: errorInfo('sync_failed', `Upload failed (${reason}); trying again in ${Math.round(delay / 100) / 10} s.`),
    })
    if (this.#config.mode === 'auto') this.#schedule(delay)
    this.#settleState({ state: 'backoff' })
    return true
  }

  #settleState(patch: Partial<SyncStatus>): void {
    this.#update(patch)
    this.#tabs.broadcast(this.#status)
    // Data may still wait (another tab wrote it, a timer was missed): look again later — but
    // never put off a pass already due sooner (data stored while this pass read the outbox).
    if (this.#config.mode === 'auto' && this.#status.pendingEvents > 0 && patch.state !== 'backoff') {
      this.#schedule(this.#config.intervalMs, true)
    }
  }

  #isOnline(): boolean {
    return this.#pageOnline ?? (typeof navigator === 'undefined' || navigator.onLine !== false)
  }

  #update(patch: Partial<SyncStatus>): void {
    this.#status = { ...this.#status, ...patch }
    this.#emit(this.#status)
  }
}

function withAcked(acked: Record<string, number>, sessionId: string, seq: number | undefined): Record<string, number> {
  if (seq === undefined || seq < 0) return acked
  const { [sessionId]: _previous, ...rest } = acked
  const entries = Object.entries(rest).slice(-(MAX_ACKED_KEPT - 1))
  return { ...Object.fromEntries(entries), [sessionId]: seq }
}

function errorInfo(code: TapedeckErrorCode, message: string): ErrorInfo {
  return { code, message, at: Date.now() }
}
