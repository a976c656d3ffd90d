import { TapedeckError, toErrorInfo, type ErrorInfo } from '../errors'
import type { PackedBatch } from '../events/PackedBatch'
import type { EngineConnection } from '../engine/connectEngine'
import type { BlobInput, IngestResult, LeaseGrant } from '../engine/protocol'
import { holdLock, leaseLock, type ReleaseLock } from '../engine/locks'
import type { SyncStatus } from '../sync/syncStatus'
import { withBearer } from '../util/endpoint'
import { browserLifecycle } from './pageLifecycle'
import type { Settings } from './resolveOptions'
import type { EngineHost } from './startEngine'
import type { TailWriter } from './tailWriter'
import type { KeepaliveTail } from './keepaliveTail'
import type { CaptureMode, RecorderOptions, RecorderStatus } from './types'

type EngineApi = EngineConnection['api']

/** What the link needs of the recorder it serves. */
export interface EngineLinkHost {
  options: RecorderOptions
  settings: Settings
  captureMode(): CaptureMode
  /** Nothing may be stored (consent): the engine does not start. */
  blocked(): boolean
  /** The recorder is closed: the engine does not start. */
  closed(): boolean
  report(error: ErrorInfo): void
  publish(patch: Partial<RecorderStatus>): void
  /** The page may be going away (`leaving`: it is, through `pagehide`): hand everything over now, and save the page-hide copy. */
  hide(leaving: boolean): void
  /** The page is visible again. */
  show(): void
  /** The page-hide copy can be opened (see tailWriter). */
  tail(open: () => Promise<TailWriter>): Promise<void>
  /** The page-hide send, loaded (see keepaliveTail). */
  keepalive(tail: KeepaliveTail | undefined): void
  /** The server holds every event up to these seqs, by session (the sync status's `acked`). */
  synced(acked: Record<string, number>): void
}

/**
 * The recorder's connection to its engine, and everything that keeps it answering: started on
 * first use, a watchdog that replaces a worker that stopped answering by the main thread (the way
 * Sentry's replay hides its worker fallback behind one buffer), batches sent again to the
 * replacement, the sync status and its token. The rest of the recorder only sees `ingest()`.
 */
export class EngineLink {
  readonly #host: EngineLinkHost
  /** The engine starter, once loaded (`#connect`). */
  #starter: (typeof import('./startEngine'))['starter'] | undefined
  /** The engine once started (`start()`); until then, and after a close, nothing. */
  #connection: Promise<EngineConnection | undefined> = Promise.resolve(undefined)
  /** The engine was started (first use, with consent to store). */
  #connected = false
  /** Counts engines: an answer from an engine that was replaced is ignored. */
  #generation = 0
  /** How to send again each batch whose engine has not answered yet. */
  readonly #unanswered = new Map<string, () => void>()
  #lastAnswerAt = 0
  #watchdog: ReturnType<typeof setInterval> | undefined
  /** Stops listening to the page's lifecycle; set while the engine runs. */
  #stopListening: (() => void) | undefined
  #authFailures = 0
  #lastSync: SyncStatus | undefined
  /** A configuration the engine refused: every call says so. */
  #fatal: TapedeckError | undefined
  /** The last token `getToken` gave: the page-hide send uses it. */
  #token: string | undefined
  /** This page's lease lock, held from its first seq lease (see SeqLeases). */
  #leaseLock: Promise<ReleaseLock> | undefined

  constructor(host: EngineLinkHost) {
    this.#host = host
  }

  get connected(): boolean {
    return this.#connected
  }

  get fatal(): TapedeckError | undefined {
    return this.#fatal
  }

  /** The engine, started on first use (start, a batch, reads, `ready`, `mount`) — never before consent allows storing. */
  start(): Promise<EngineConnection | undefined> {
    if (!this.#connected && !this.#host.closed() && !this.#host.blocked()) {
      this.#connected = true
      this.#listen()
      this.#connection = this.#connect(false)
    }
    return this.#connection
  }

  /** The engine as it is: `undefined` before it started. */
  current(): Promise<EngineConnection | undefined> {
    return this.#connection
  }

  /** The engine's API, started if needed; rejects with `storage_unavailable` when nothing can store. */
  async api(): Promise<EngineApi> {
    return started(await this.start()).api
  }

  /** Stores one part of an attachment (its buffer transferred to a worker). */
  async storeBlob(input: BlobInput): Promise<{ stored: boolean; error?: ErrorInfo }> {
    const connection = started(await this.start())
    return connection.api.storeBlob(connection.kind === 'worker' ? this.#starter!.transfer(input, [input.bytes]) : input)
  }

  /**
   * Leases this page the next `count` seqs of a stored session. The page holds its lease lock
   * first: while it lives, no other tab's start-up closes its leases.
   */
  async lease(sessionId: string, tab: string, count: number): Promise<LeaseGrant | undefined> {
    await this.#holdLeaseLock(tab)
    return (await this.api()).leaseSeqs(sessionId, tab, count)
  }

  #holdLeaseLock(tab: string): Promise<ReleaseLock> {
    return (this.#leaseLock ??= holdLock(leaseLock(tab), 'exclusive'))
  }

  /** Closes this page's lease on a session, which it stamped up to `stampedTo` (see SeqLeases). */
  async closeLease(sessionId: string, tab: string, stampedTo: number): Promise<void> {
    // Not waiting on a worker that is gone: the next start closes the lease then.
    await briefly((await this.#connection)?.api.closeLease(sessionId, tab, stampedTo))
  }

  /** The headers the page-hide send goes with: the static ones and the last token. */
  headers(): Record<string, string> {
    return withBearer(this.#host.settings.sync?.headers, this.#token)
  }

  #listen(): void {
    const engine = (call: (api: EngineApi) => Promise<unknown>) =>
      void this.#connection.then((connection) => connection && call(connection.api)).catch(() => undefined)
    this.#stopListening?.()
    this.#stopListening = (this.#host.options.lifecycle ?? browserLifecycle).subscribe({
      hide: (leaving = false) => this.#host.hide(leaving),
      show: () => {
        this.#host.show()
        engine((api) => api.pageVisible())
      },
      connectivity: (online) => engine((api) => api.setOnline(online)),
    })
  }

  /**
   * Sends a batch to the engine. If the engine stops answering (a worker that crashed or hangs),
   * the watchdog replaces it and the batch goes to the replacement, which skips it if it was
   * stored after all.
   */
  ingest(batch: PackedBatch): Promise<IngestResult> {
    return new Promise((resolve, reject) => {
      const send = (resend: boolean) => {
        const generation = this.#generation
        const answered = (settle: () => void) => {
          this.#lastAnswerAt = Date.now()
          if (generation !== this.#generation) return
          this.#unanswered.delete(batch.batchId)
          settle()
        }
        // A batch that asks for a lease (see SeqLeaser) goes once the page holds its lease lock.
        void Promise.all([this.start(), batch.lease && this.#holdLeaseLock(batch.tab)])
          .then(([connection]) => {
            const { ingest, api } = started(connection)
            // A worker takes its batches without comlink (see IngestRequest).
            return ingest ? ingest(batch, resend) : api.ingest(batch, resend)
          })
          .then(
            (result) => answered(() => resolve(result)),
            (error: unknown) => answered(() => reject(error)),
          )
      }
      if (this.#unanswered.size === 0) this.#lastAnswerAt = Date.now()
      this.#unanswered.set(batch.batchId, () => send(true))
      send(false)
      this.#watch()
    })
  }

  /** While batches wait for an answer, checks now and then that the engine still answers at all. */
  #watch(): void {
    const limit = this.#host.settings.workerWatchdogMs
    this.#watchdog ??= setInterval(() => {
      if (this.#unanswered.size === 0) {
        clearInterval(this.#watchdog)
        this.#watchdog = undefined
        return
      }
      if (Date.now() - this.#lastAnswerAt < limit) return
      const current = this.#connection
      void current.then(async (connection) => {
        if (!connection || connection.kind === 'main-thread') return
        const alive = await this.#starter!.withTimeout(connection.api.ping(), Math.min(limit, 2000), 'no answer').catch(() => false)
        if (!alive && this.#connection === current) await this.#replace(connection)
      })
    }, Math.max(50, limit / 4))
  }

  /** The worker stopped answering: end it, carry on on the main thread, send what was pending again. */
  async #replace(dead: EngineConnection): Promise<void> {
    this.#generation++
    dead.terminate()
    this.#host.report({
      code: 'worker_unavailable',
      message: "The recorder's worker stopped answering; recording runs on the main thread, pending batches sent again.",
      at: Date.now(),
    })
    this.#connection = this.#connect(true)
    this.#lastAnswerAt = Date.now()
    for (const sendAgain of [...this.#unanswered.values()]) sendAgain()
  }

  /** Starts the engine (`startEngine.ts`, loaded now: nothing of it is needed before). */
  async #connect(mainThread: boolean): Promise<EngineConnection | undefined> {
    try {
      const { starter } = await import('./startEngine')
      this.#starter ??= starter
    } catch (error) {
      this.#host.report(toErrorInfo(error, 'storage_unavailable'))
      return undefined
    }
    return this.#starter.startEngine(this.#engineHost(), mainThread)
  }

  #engineHost(): EngineHost {
    return {
      ...this.#host,
      fetchToken: () => this.fetchToken(),
      onSyncStatus: (status) => this.#onSyncStatus(status),
      fatal: (error) => {
        this.#fatal = error
      },
      headers: () => this.headers(),
    }
  }

  #onSyncStatus(status: SyncStatus): void {
    const before = this.#lastSync
    this.#lastSync = status
    // Each failed attempt, refusal or pause is reported once.
    const error = status.error
    if (error && (error.at !== before?.error?.at || error.message !== before.error.message || status.attempt !== before.attempt)) {
      this.#host.report(error)
    }
    this.#host.publish({ sync: status })
    if (status.acked !== before?.acked) this.#host.synced(status.acked)
    if (status.lastSuccessAt !== before?.lastSuccessAt) this.#authFailures = 0
    if (status.needsToken && !before?.needsToken && this.#host.options.getToken) {
      // Ask for a new token, later each time the backend refuses again.
      const delay = Math.min(30_000, 1000 * 2 ** this.#authFailures++) - 1000
      setTimeout(() => {
        void this.fetchToken().then(async (token) => (await this.#connection)?.api.setToken(token))
      }, Math.max(0, delay))
    }
  }

  async fetchToken(): Promise<string | undefined> {
    try {
      return (this.#token = (await this.#host.options.getToken?.()) ?? undefined)
    } catch (error) {
      this.#host.report(toErrorInfo(error, 'sync_unauthorized'))
      return undefined
    }
  }

  async syncNow(): Promise<SyncStatus | null> {
    const connection = await this.start()
    const status = (await connection?.api.syncNow()) ?? null
    if (status) {
      this.#lastSync = status
      this.#host.publish({ sync: status })
    }
    return status
  }

  /** Stops listening and watching, lets the engine release its locks and database, and ends it. */
  async close(): Promise<void> {
    this.#stopListening?.()
    this.#stopListening = undefined
    clearInterval(this.#watchdog)
    this.#watchdog = undefined
    const connection = await this.#connection
    // Do not wait on a worker that is gone.
    await briefly(connection?.api.close())
    connection?.terminate()
    void this.#leaseLock?.then((release) => release())
    this.#leaseLock = undefined
  }

  /** After a close, as new: the engine starts again on first use; answers from the old one are ignored. */
  reset(): void {
    this.#connected = false
    this.#connection = Promise.resolve(undefined)
    this.#generation++
  }
}

/** The engine, or `storage_unavailable` when nothing could store events. */
function started(connection: EngineConnection | undefined): EngineConnection {
  if (!connection) throw new TapedeckError('storage_unavailable', 'The recorder could not start its storage.')
  return connection
}

/** `promise`, or nothing after a second: a worker that is gone never answers. */
function briefly(promise: Promise<unknown> | undefined): Promise<unknown> {
  return Promise.race([promise, new Promise((resolve) => setTimeout(resolve, 1000))])
}
