import { toErrorInfo, type ErrorInfo } from '../errors'
import type { TapedeckEvent } from '../events/catalogue'
import type { PackedBatch } from '../events/PackedBatch'
import type { EncodeContext } from '../storage/encodeBatch'
import { createChunkCodec, openedStore, type ChunkCodec } from '../storage/ChunkCodec'
import { checkKey, generateAtRestKey } from '../crypto/atRest'
import type { ServerKey } from '../crypto/sealForServer'
import { createIdbStore, openDatabase } from '../storage/idbStore'
import { createMemoryStore } from '../storage/memoryStore'
import type { RecordStore } from '../storage/RecordStore'
import type { SessionRecord } from '../storage/schema'
import { createUlid } from '../util/ulid'
import { createJsonRedactor } from './jsonRedactor'
import { BatchWriter } from './BatchWriter'
import { Compactor } from './Compactor'
import { HeldLocks } from './HeldLocks'
import { SpaceBudget } from './SpaceBudget'
import { getBlob, storeBlob, type BlobHost } from './blobs'
import { exportSession, filterSessions, readEvents } from './reads'
import { recover } from './recover'
import { createHttpBlobTransport, createHttpTransport } from '../sync/httpTransport'
import { SyncEngine, type SyncStatus } from '../sync/SyncEngine'
import type { Transport } from '../sync/Transport'
import type { BlobRecord, ChunkRecord, StoredBlob } from '../storage/schema'
import type {
  BlobInput,
  EngineCallbacks,
  EngineConfig,
  EngineSyncConfig,
  EngineInfo,
  ExportFormat,
  IngestResult,
  LeaseGrant,
  RecorderWorkerApi,
  SessionPage,
  SessionQuery,
} from './protocol'

/**
 * The recorder's back half: assigns seq, redacts, compresses and stores. Runs in the worker, or
 * on the main thread when no worker can start. Operations run one at a time, in call order.
 * Storing batches is the {@link BatchWriter}'s; `maxLocalBytes` the {@link SpaceBudget}'s;
 * compressing what a burst stored raw the {@link Compactor}'s; start-up recovery, attachment
 * parts and reads are in recover, blobs and reads.
 */
export class RecorderEngine implements RecorderWorkerApi {
  #store: RecordStore = createMemoryStore()
  #codec: ChunkCodec = createChunkCodec()
  #ctx!: EncodeContext
  #config!: EngineConfig
  #tail: Promise<unknown> = Promise.resolve()
  readonly #locks = new HeldLocks()
  #reopened = false
  #retention: ReturnType<typeof setInterval> | undefined
  #sync: SyncEngine | undefined
  /** `encryptForServer`: the backend's public key. */
  #server: ServerKey | undefined
  #sealingModule: Promise<typeof import('../crypto/sealForServer')> | undefined
  readonly #budget = new SpaceBudget({
    store: () => this.#store,
    max: () => this.#config.maxLocalBytes,
    dropOldest: () => this.#config.onFull === 'drop-oldest',
    dropped: async () => {
      await this.#sync?.refreshSummary()
    },
  })
  /** Compresses the chunks a burst stored raw, between batches. */
  readonly #compactor: Compactor = new Compactor({
    store: () => this.#store,
    codec: () => this.#codec,
    serial: (op) => this.#serial(op),
    busy: () => this.#writer.busy,
    freed: (bytes) => this.#budget.free(bytes),
    drained: async () => {
      await this.#sync?.refreshSummary()
    },
  })
  readonly #writer: BatchWriter = new BatchWriter({
    store: () => this.#store,
    reopen: () => this.#reopen(),
    codec: () => this.#codec,
    ctx: () => this.#ctx,
    server: () => this.#server,
    sealing: () => this.#sealing(),
    serial: (op) => this.#serial(op),
    sync: () => this.#sync,
    compactor: this.#compactor,
    budget: this.#budget,
    locks: this.#locks,
  })

  init(config: EngineConfig, callbacks: EngineCallbacks = {}): Promise<EngineInfo> {
    return this.#serial(async () => {
      this.#config = config
      const makeId = createUlid()
      let redact
      try {
        redact = createJsonRedactor(config.redact, config.capture)
      } catch (error) {
        // A configuration error: the same on any thread, so say it rather than fall back.
        return { storage: this.#store.kind, recovered: [], fatal: toErrorInfo(error, 'invalid_options') }
      }
      this.#ctx = {
        now: Date.now(),
        makeId: (ts) => makeId(Math.max(0, Math.floor(ts))),
        redact,
      }
      let error: ErrorInfo | undefined
      if (config.storage === 'indexeddb') {
        try {
          this.#store = await this.#openIdb()
        } catch (cause) {
          error = toErrorInfo(cause, 'storage_unavailable')
          error.message = `IndexedDB cannot be used (${error.message}): recording in memory only, nothing survives a reload.`
          error.code = 'storage_unavailable'
        }
      }
      try {
        this.#codec = createChunkCodec({ level: config.compressionLevel, key: await this.#atRestKey() })
        if (config.encryptForServer) this.#server = await (await this.#sealing()).importServerKey(config.encryptForServer.publicKey)
      } catch (cause) {
        return { storage: this.#store.kind, recovered: [], fatal: toErrorInfo(cause, 'encryption_failed') }
      }
      const recovered = config.recover === false ? [] : await recover(this.#store, this.#writer, this.#locks)
      // Raw chunks a page left behind (closed in a burst, before they were compressed).
      this.#compactor.add(await this.#store.rawChunks().catch(() => []))
      if (config.retainSyncedMs !== undefined) {
        const every = Math.min(Math.max(config.retainSyncedMs, 1000), 60_000)
        void this.purgeSynced()
        this.#retention = setInterval(() => void this.purgeSynced(), every)
      }
      if (config.sync) {
        const { transport, endpoint, token, otlp, ...sync } = config.sync
        this.#sync = new SyncEngine(
          () => openedStore(this.#store, this.#codec),
          { ...sync, scope: config.dbName, shared: this.#store.kind === 'indexeddb' },
          await makeTransport(transport, endpoint, callbacks, otlp),
          (status) => void callbacks.onSyncStatus?.(status),
          transport === 'http' && endpoint ? createHttpBlobTransport(endpoint) : undefined,
        )
        this.#sync.setToken(token)
        await this.#sync.start()
      }
      return { storage: this.#store.kind, recovered, ...(error && { error }) }
    })
  }

  /** The key chunks are encrypted with: the app's, or one made once per database and kept in it. */
  async #atRestKey(): Promise<CryptoKey | undefined> {
    const encryption = this.#config.encryption
    if (!encryption) return undefined
    if (encryption.key) return checkKey(encryption.key)
    // Two tabs may both make one: the first stored wins, and both use it.
    return checkKey(await this.#store.claimMeta('atRestKey', await generateAtRestKey()))
  }

  /** The sealing code, loaded the first time a recorder seals or reads a sealed session. */
  #sealing(): Promise<typeof import('../crypto/sealForServer')> {
    // Its functions taken by name: the script-tag build then makes no module object for them.
    return (this.#sealingModule ??= import('../crypto/sealForServer').then(({ importServerKey, newContentKey, sealEncoded, openEvents, sealPart, openPart }) => ({
      importServerKey,
      newContentKey,
      sealEncoded,
      openEvents,
      sealPart,
      openPart,
    })))
  }

  /** Deletes what the backend acknowledged longer than `retainSyncedMs` ago. */
  purgeSynced(): Promise<number> {
    return this.#serial(async () => {
      const freed = await this.#store.purgeSent(Date.now() - (this.#config.retainSyncedMs ?? Infinity))
      if (freed > 0) this.#budget.recount()
      return freed
    })
  }

  eraseSessions(filter: { userId?: string }): Promise<string[]> {
    return this.#serial(async () => {
      const ids = (await this.#store.listSessions()).filter((session) => filter.userId === undefined || session.userId === filter.userId).map((session) => session.id)
      for (const id of ids) {
        this.#forget(id)
        await this.#store.deleteSession(id)
      }
      this.#budget.recount()
      await this.#sync?.refreshSummary()
      return ids
    })
  }

  /** From now on, text is kept (`full`) or dropped (`metadata`): the user changed what they consent to. */
  setCapture(capture: 'full' | 'metadata'): Promise<void> {
    return this.#serial(async () => {
      this.#config = { ...this.#config, capture }
      this.#ctx.redact = createJsonRedactor(this.#config.redact, capture)
    })
  }

  async syncNow(): Promise<SyncStatus | undefined> {
    return this.#sync?.syncNow()
  }

  async setToken(token: string | undefined): Promise<void> {
    this.#sync?.setToken(token)
  }

  async pageVisible(): Promise<void> {
    this.#sync?.notify('visible')
  }

  async setOnline(online: boolean): Promise<void> {
    this.#sync?.setOnline(online)
  }

  deadLetters(): Promise<ChunkRecord[]> {
    return this.#serial(() => this.#store.deadLetters())
  }

  retryDeadLetters(sessionId?: string): Promise<number> {
    return this.#serial(async () => {
      const count = await this.#store.retryDead(sessionId)
      await this.#sync?.refreshSummary()
      // The user asked for these: upload now, past any backoff.
      if (count > 0) void this.#sync?.syncNow()
      return count
    })
  }

  discardDeadLetters(sessionId?: string): Promise<number> {
    return this.#serial(async () => {
      const count = await this.#store.discardDead(sessionId)
      await this.#sync?.refreshSummary()
      return count
    })
  }

  async ping(): Promise<true> {
    return true
  }

  leaseSeqs(sessionId: string, tab: string, count: number): Promise<LeaseGrant | undefined> {
    return this.#writer.lease(sessionId, tab, count)
  }

  closeLease(sessionId: string, tab: string, stampedTo: number): Promise<void> {
    return this.#writer.closeLease(sessionId, tab, stampedTo)
  }

  ingest(packed: PackedBatch, resend = false): Promise<IngestResult> {
    return this.#writer.ingest(packed, resend)
  }

  listSessions(query: SessionQuery): Promise<SessionPage> {
    return this.#serial(async () => filterSessions(await this.#store.listSessions(), query))
  }

  getSession(id: string): Promise<SessionRecord | undefined> {
    return this.#serial(() => this.#store.getSession(id))
  }

  /** Events as recorded: sealed payloads are opened with the session's own content keys. */
  readEvents(id: string, fromSeq = 0, limit = Infinity): Promise<TapedeckEvent[]> {
    return this.#serial(() => readEvents(this.#store, this.#codec, () => this.#sealing(), id, fromSeq, limit))
  }

  exportSession(id: string, format: ExportFormat): Promise<Uint8Array | undefined> {
    return this.#serial(() => exportSession(this.#store, this.#codec, id, format))
  }

  storeBlob(input: BlobInput): Promise<{ stored: boolean; error?: ErrorInfo }> {
    return this.#serial(() => storeBlob(this.#blobHost(), input))
  }

  getBlob(sessionId: string, blobId: string, part: number): Promise<StoredBlob | undefined> {
    return this.#serial(() => getBlob(this.#blobHost(), sessionId, blobId, part))
  }

  listBlobs(sessionId: string): Promise<BlobRecord[]> {
    return this.#serial(() => this.#store.listBlobs(sessionId))
  }

  deleteSession(id: string): Promise<boolean> {
    return this.#serial(async () => {
      const existed = (await this.#store.getSession(id)) !== undefined
      this.#forget(id)
      await this.#store.deleteSession(id)
      this.#budget.recount()
      return existed
    })
  }

  close(): Promise<void> {
    return this.#serial(async () => {
      clearInterval(this.#retention)
      this.#compactor.stop()
      this.#sync?.stop()
      this.#locks.releaseAll()
      this.#store.close()
    })
  }

  async #openIdb(): Promise<RecordStore> {
    return createIdbStore(await openDatabase(this.#config.dbName))
  }

  /** A session deleted or erased: another tab may take it, and nothing is kept about it here. */
  #forget(id: string): void {
    this.#locks.releaseSession(id)
    this.#writer.forget(id)
  }

  /** The database connection was lost (another tab upgraded, the browser closed it): reopen it once. */
  async #reopen(): Promise<boolean> {
    if (this.#store.kind !== 'indexeddb' || this.#reopened) return false
    this.#reopened = true
    this.#store.close()
    this.#store = await this.#openIdb().catch(() => createMemoryStore())
    return true
  }

  #blobHost(): BlobHost {
    return {
      store: this.#store,
      codec: this.#codec,
      server: this.#server,
      sealing: () => this.#sealing(),
      session: (id) => this.#writer.session(id),
      budget: this.#budget,
      dropped: (sessionId, count) => this.#writer.drop(sessionId, count, 'max_local_bytes'),
      sync: this.#sync,
    }
  }

  #serial<T>(op: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(op)
    this.#tail = result.catch(() => undefined)
    return result
  }
}

async function makeTransport(kind: 'http' | 'otlp' | 'custom', endpoint: string | undefined, callbacks: EngineCallbacks, otlp?: EngineSyncConfig['otlp']): Promise<Transport> {
  if (kind === 'custom') {
    const send = callbacks.transport
    if (!send) throw new Error('sync.transport is "custom" but no transport function was given')
    // The signal stays here: it cannot cross to the page. The page sets its own timeout.
    return (batch, { headers }) => send(batch, { headers })
  }
  if (!endpoint) throw new Error('sync needs an endpoint')
  if (kind === 'otlp') {
    // Loaded only by those who export to OpenTelemetry: most workers never carry it.
    const { createOtlpTransport } = await import('../sync/otlp')
    return createOtlpTransport({ ...otlp, endpoint })
  }
  return createHttpTransport(endpoint)
}
