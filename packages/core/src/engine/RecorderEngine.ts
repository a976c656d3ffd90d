import { TapedeckError, toErrorInfo, type ErrorInfo } from '../errors'
import type { TapedeckEvent } from '../events/catalogue'
import { ID_PATTERN, type PendingEvent } from '../events/serialize'
import type { PackedBatch } from '../events/PackedBatch'
import { unpackBatch } from '../events/unpackBatch'
import { StaleSessionError, commitBatch, encodeBatch, needsContentKey, type AppliedBatch, type EncodeContext, type EncodedBatch, type IngestBatch } from '../storage/encodeBatch'
import { createChunkCodec, openedStore, type ChunkCodec } from '../storage/ChunkCodec'
import { checkKey, generateAtRestKey } from '../crypto/atRest'
import type { ServerKey } from '../crypto/sealForServer'
import { createIdbStore, openDatabase } from '../storage/idbStore'
import { createMemoryStore } from '../storage/memoryStore'
import { isQuotaError, type RecordStore } from '../storage/RecordStore'
import type { SessionRecord } from '../storage/schema'
import { concatBytes } from '../util/concatBytes'
import { createUlid } from '../util/ulid'
import { createJsonRedactor } from './jsonRedactor'
import { Compactor, type RawChunk } from './Compactor'
import { createHttpBlobTransport, createHttpTransport } from '../sync/httpTransport'
import { SyncEngine, type SyncStatus } from '../sync/SyncEngine'
import type { Transport } from '../sync/Transport'
import type { BlobRecord, ChunkRecord, StoredBlob } from '../storage/schema'
import type {
  BlobInput,
  EngineCallbacks,
  EngineConfig,
  EngineInfo,
  ExportFormat,
  IngestResult,
  RecorderWorkerApi,
  SessionPage,
  SessionQuery,
} from './protocol'
import { holdLock, sessionLock, tabLock, whileLockFree, type ReleaseLock } from './locks'

/** Batches stored together in one transaction, at most… */
const MAX_GROUP = 32
/** …and their payloads' characters, at most (at least one batch goes, however large). */
const MAX_GROUP_CHARS = 8_000_000

const decoder = new TextDecoder()

/**
 * The recorder's back half: assigns seq, redacts, compresses and stores. Runs in the worker, or
 * on the main thread when no worker can start. Operations run one at a time, in call order.
 */
export class RecorderEngine implements RecorderWorkerApi {
  #store: RecordStore = createMemoryStore()
  #codec: ChunkCodec = createChunkCodec()
  /** Sessions as this engine last wrote or read them: what the next batch is encoded against. */
  readonly #known = new Map<string, SessionRecord | undefined>()
  #ctx!: EncodeContext
  #config!: EngineConfig
  #tail: Promise<unknown> = Promise.resolve()
  readonly #locks = new Map<string, ReleaseLock>()
  /** Events given up per session, reported at the head of its next stored batch. */
  readonly #dropped = new Map<string, { count: number; reason: string }>()
  #reopened = false
  /** Bytes stored, as this engine last counted them (for `maxLocalBytes`); recounted when near the cap. */
  #usedBytes: number | undefined
  #retention: ReturnType<typeof setInterval> | undefined
  #sync: SyncEngine | undefined
  /** `encryptForServer`: the backend's public key. */
  #server: ServerKey | undefined
  #sealingModule: Promise<typeof import('../crypto/sealForServer')> | undefined
  readonly #incoming: Array<{ packed: PackedBatch; resend: boolean; resolve: (result: IngestResult) => void; reject: (error: unknown) => void }> = []
  /** Compresses the chunks a burst stored raw, between batches. */
  readonly #compactor = new Compactor({
    store: () => this.#store,
    codec: () => this.#codec,
    serial: (op) => this.#serial(op),
    busy: () => this.#incoming.length > 0,
    freed: (bytes) => {
      if (this.#usedBytes !== undefined) this.#usedBytes -= bytes
    },
    drained: async () => {
      await this.#sync?.refreshSummary()
    },
  })
  /** The disk was full once: batches are compressed on their way in, never stored raw. */
  #diskFull = false

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
      const recovered = config.recover === false ? [] : await this.#recover()
      // Raw chunks a page left behind (closed in a burst, before they were compressed).
      this.#compactor.add(await this.#store.rawChunks().catch(() => []))
      if (config.retainSyncedMs !== undefined) {
        const every = Math.min(Math.max(config.retainSyncedMs, 1000), 60_000)
        void this.purgeSynced()
        this.#retention = setInterval(() => void this.purgeSynced(), every)
      }
      if (config.sync) {
        const { transport, endpoint, token, ...sync } = config.sync
        this.#sync = new SyncEngine(
          () => this.#uploads(),
          { ...sync, scope: config.dbName, shared: this.#store.kind === 'indexeddb' },
          await makeTransport(transport, endpoint, callbacks),
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

  /** The store with chunks as gzip members to upload (decrypted, raw ones compressed) and parts decrypted. */
  #readable(): RecordStore {
    return openedStore(this.#store, this.#codec)
  }

  /** What sync reads: a sealed part goes up as `application/octet-stream` (its type is in its sealed event). */
  #uploads(): RecordStore {
    const store = this.#readable()
    return {
      ...store,
      nextBlob: async () => {
        const blob = await store.nextBlob()
        return blob?.sealed ? { ...blob, mimeType: 'application/octet-stream' } : blob
      },
    }
  }

  /** The sealing code, loaded the first time a recorder seals or reads a sealed session. */
  #sealing(): Promise<typeof import('../crypto/sealForServer')> {
    return (this.#sealingModule ??= import('../crypto/sealForServer'))
  }

  /** Deletes what the backend acknowledged longer than `retainSyncedMs` ago. */
  purgeSynced(): Promise<number> {
    return this.#serial(async () => {
      const freed = await this.#store.purgeSent(Date.now() - (this.#config.retainSyncedMs ?? Infinity))
      if (freed > 0) this.#usedBytes = undefined
      return freed
    })
  }

  eraseSessions(filter: { userId?: string }): Promise<string[]> {
    return this.#serial(async () => {
      const ids = (await this.#store.listSessions()).filter((session) => filter.userId === undefined || session.userId === filter.userId).map((session) => session.id)
      for (const id of ids) {
        this.#releaseLock(sessionLock(id))
        this.#dropped.delete(id)
        this.#known.delete(id)
        await this.#store.deleteSession(id)
      }
      this.#usedBytes = undefined
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

  ingest(packed: PackedBatch, resend = false): Promise<IngestResult> {
    return new Promise((resolve, reject) => {
      // Batches that arrive while the engine is busy wait here and are stored together, in one
      // transaction (a group commit): fewer, larger transactions when the page records fast.
      this.#incoming.push({ packed, resend, resolve, reject })
      if (this.#incoming.length === 1) void this.#serial(() => this.#storeIncoming())
    })
  }

  async #storeIncoming(): Promise<void> {
    let count = 0
    for (let chars = 0; count < Math.min(MAX_GROUP, this.#incoming.length); count++) {
      const { packed } = this.#incoming[count]!
      chars += packed.narrow.length + packed.wide.length
      if (count > 0 && chars > MAX_GROUP_CHARS) break
    }
    const group = this.#incoming.splice(0, count)
    if (this.#incoming.length > 0) void this.#serial(() => this.#storeIncoming())
    const ready: Array<{ batch: IngestBatch; resolve: (result: IngestResult) => void; reject: (error: unknown) => void }> = []
    for (const { packed, resend, resolve, reject } of group) {
      try {
        const batch = unpackBatch(packed)
        if (!ID_PATTERN.test(batch.sessionId) || !ID_PATTERN.test(batch.tab) || batch.events.length === 0) {
          throw new Error(`Bad batch for session ${JSON.stringify(batch.sessionId)}`)
        }
        await this.#holdLocks(batch)
        const stored = resend ? await this.#alreadyStored(batch) : undefined
        if (stored) resolve(stored)
        else ready.push({ batch, resolve, reject })
      } catch (error) {
        reject(error)
      }
    }
    const together = ready.length > 1 && ready.every(({ batch }) => !this.#dropped.has(batch.sessionId))
    const results = together ? await this.#appendGroup(ready.map(({ batch }) => batch)).catch(() => undefined) : undefined
    for (const [i, { batch, resolve, reject }] of ready.entries()) {
      try {
        // Alone: one batch, a batch with a drop to report, or a group the store refused as a whole.
        const result = results?.[i] ?? (await this.#storeBatch(batch))
        if (result.status === 'ended') this.#releaseLock(sessionLock(batch.sessionId))
        resolve(result)
      } catch (error) {
        reject(error)
      }
    }
  }

  /** What storing a batch gave, if a chunk stored it already. */
  async #alreadyStored(batch: IngestBatch): Promise<IngestResult | undefined> {
    const chunk = batch.batchId === undefined ? undefined : await this.#store.findBatch(batch.sessionId, batch.batchId)
    const session = chunk && (await this.#store.getSession(batch.sessionId))
    if (!chunk || !session) return undefined
    return {
      sessionId: batch.sessionId,
      stored: batch.events.length,
      dropped: 0,
      firstSeq: chunk.firstSeq,
      lastSeq: chunk.lastSeq,
      startedAt: session.startedAt,
      status: session.status,
      created: false,
      resumed: false,
      storage: this.#store.kind,
    }
  }

  async #holdLocks(batch: IngestBatch): Promise<void> {
    if (!this.#locks.has(tabLock(batch.tab))) this.#locks.set(tabLock(batch.tab), await holdLock(tabLock(batch.tab), 'exclusive'))
    if (!this.#locks.has(sessionLock(batch.sessionId))) {
      this.#locks.set(sessionLock(batch.sessionId), await holdLock(sessionLock(batch.sessionId), 'shared'))
    }
  }

  /** Several batches in one transaction; throws (storing none) when the store refuses. */
  async #appendGroup(batches: IngestBatch[]): Promise<IngestResult[]> {
    const applied = await this.#write(batches)
    return applied.map((one, i) => {
      const { storedBytes, ...result } = this.#describe(batches[i]!, one)
      this.#sync?.added(result.lastSeq - result.firstSeq + 1, storedBytes)
      return { ...result, stored: batches[i]!.events.length }
    })
  }

  /**
   * Encodes, compresses and encrypts outside any transaction, against the sessions as this engine
   * last saw them, then commits in one transaction that checks nobody wrote to those sessions
   * meanwhile. Another tab recording into the same session makes it encode again: seqs stay gapless
   * and unique, and the transaction stays short.
   */
  async #write(input: IngestBatch[]): Promise<AppliedBatch[]> {
    let batches = input
    /** Per session, events dropped to make room for this very write, reported by it. */
    const carried = new Map<string, number>()
    for (let attempt = 0; ; attempt++) {
      this.#ctx.now = Date.now()
      const seen = new Map<string, SessionRecord | undefined>()
      const encoded: EncodedBatch[] = []
      for (const batch of batches) {
        const id = batch.sessionId
        if (!seen.has(id)) seen.set(id, this.#known.has(id) ? this.#known.get(id) : await this.#store.getSession(id))
        const base = seen.get(id)
        const fresh = this.#server && needsContentKey(base, batch, this.#server.kid) ? await (await this.#sealing()).newContentKey(this.#server) : undefined
        const one = encodeBatch(base, batch, this.#ctx, fresh)
        seen.set(id, one.session)
        encoded.push(one)
      }
      // Payloads sealed for the backend first (every payload of the group at once), then compressed.
      if (encoded.some((one) => one.toSeal)) {
        const { sealEncoded } = await this.#sealing()
        encoded.splice(0, encoded.length, ...(await Promise.all(encoded.map(sealEncoded))))
      }
      // Batches that waited for each other (a group) are stored as they are and compressed by the
      // compactor between groups: under load, durable first. A batch alone is compressed on its way
      // in (it is small, and the engine is not behind), and so is a group that would take the store
      // near `maxLocalBytes` (raw, it would crowd out data).
      let compress = this.#diskFull || batches.length === 1
      let sealed = await Promise.all(encoded.map((one) => this.#codec.seal(one.raw, compress)))
      let size = sealed.reduce((sum, bytes) => sum + bytes.byteLength, 0)
      const max = this.#config.maxLocalBytes
      if (!compress && max !== undefined && (this.#usedBytes ?? max) + size > max) {
        compress = true
        sealed = await Promise.all(encoded.map((one) => this.#codec.seal(one.raw)))
        size = sealed.reduce((sum, bytes) => sum + bytes.byteLength, 0)
      }
      const sessionId = batches[0]!.sessionId
      const droppedBefore = this.#dropped.get(sessionId)?.count ?? 0
      await this.#makeRoom(size, sessionId)
      const made = (this.#dropped.get(sessionId)?.count ?? 0) - droppedBefore
      if (made > 0) {
        // Unsent data went to make room: say so in this write, not the next one (a session's last
        // batch has no next one). Encoded again with the report; the room is already made.
        carried.set(sessionId, (carried.get(sessionId) ?? 0) + made)
        const at = batches.findIndex((batch) => batch.sessionId === sessionId)
        const report = { count: made, reason: this.#dropped.get(sessionId)!.reason }
        batches = batches.map((batch, i) => (i === at ? { ...batch, events: withDropReport(batch.events, report) } : batch))
        continue
      }
      const now = Date.now()
      const encrypted = this.#codec.encrypting
      try {
        const applied = await this.#store.appendMany(
          encoded.map((one, i) => ({ sessionId: one.sessionId, apply: (current: SessionRecord | undefined) => commitBatch(current, one, sealed[i]!, encrypted, now, !compress) })),
        )
        if (!compress) this.#compactor.add(applied.flatMap((one, i): RawChunk[] => (one.chunk ? [[one.chunk.sessionId, one.chunk.firstSeq, encoded[i]!.raw]] : [])))
        // An ended session gets no more batches from this tab (a resume reads it again): the cache
        // holds only sessions being recorded.
        for (const one of applied) {
          if (one.session.status === 'ended') this.#known.delete(one.session.id)
          else this.#known.set(one.session.id, one.session)
        }
        if (this.#usedBytes !== undefined) this.#usedBytes += size
        for (const [id, count] of carried) {
          const pending = this.#dropped.get(id)
          if (pending && pending.count > count) this.#dropped.set(id, { ...pending, count: pending.count - count })
          else this.#dropped.delete(id)
        }
        return applied
      } catch (error) {
        for (const batch of batches) this.#known.delete(batch.sessionId)
        if (!(error instanceof StaleSessionError) || attempt >= 50) throw error
      }
    }
  }

  /**
   * `maxLocalBytes`: frees room for `bytes` more — sent data first; unsent data only with
   * `onFull: 'drop-oldest'`, reported as `recorder.dropped` in the session being written — or
   * refuses the write like a full disk (the batch is then reported dropped).
   */
  async #makeRoom(bytes: number, sessionId: string): Promise<void> {
    const max = this.#config.maxLocalBytes
    if (max === undefined) return
    this.#usedBytes ??= await this.#store.usage()
    if (this.#usedBytes + bytes <= max) return
    // Other tabs write and purge too: count exactly before deleting anything.
    let over = (this.#usedBytes = await this.#store.usage()) + bytes - max
    if (over > 0) over -= await this.#store.evictSent(over)
    if (over > 0 && this.#config.onFull === 'drop-oldest') {
      const dropped = await this.#store.dropOldestPending(over)
      let count = 0
      for (const chunk of dropped) {
        over -= chunk.size
        count += chunk.count
      }
      if (count > 0) {
        const previous = this.#dropped.get(sessionId)
        this.#dropped.set(sessionId, { count: (previous?.count ?? 0) + count, reason: 'max_local_bytes' })
      }
      await this.#sync?.refreshSummary()
    }
    // What is stored now, from the count and what was freed: no second scan.
    this.#usedBytes = over + max - bytes
    if (over > 0) {
      throw new DOMException(`maxLocalBytes (${max}) is reached: ${bytes} more bytes do not fit.`, 'QuotaExceededError')
    }
  }

  #describe(batch: IngestBatch, applied: AppliedBatch): Omit<IngestResult, 'stored'> & { storedBytes: number } {
    return {
      storedBytes: applied.chunk?.size ?? 0,
      sessionId: batch.sessionId,
      dropped: 0,
      firstSeq: applied.chunk?.firstSeq ?? applied.session.lastSeq + 1,
      lastSeq: applied.session.lastSeq,
      startedAt: applied.session.startedAt,
      status: applied.session.status,
      created: applied.created,
      resumed: applied.resumed,
      storage: this.#store.kind,
    }
  }

  listSessions(query: SessionQuery): Promise<SessionPage> {
    return this.#serial(async () => filterSessions(await this.#store.listSessions(), query))
  }

  getSession(id: string): Promise<SessionRecord | undefined> {
    return this.#serial(() => this.#store.getSession(id))
  }

  /** Events as recorded: sealed payloads are opened with the session's own content keys. */
  readEvents(id: string, fromSeq = 0, limit = Infinity): Promise<TapedeckEvent[]> {
    return this.#serial(async () => {
      const events: TapedeckEvent[] = []
      read: for (const chunk of await this.#store.getChunks(id, fromSeq)) {
        for (const line of decoder.decode(await this.#codec.text(chunk)).split('\n')) {
          if (line === '') continue
          const event = JSON.parse(line) as TapedeckEvent
          if (event.seq < fromSeq) continue
          if (events.length >= limit) break read
          events.push(event)
        }
      }
      const keys = (await this.#store.getSession(id))?.sealing
      if (keys) await (await this.#sealing()).openEvents(events, keys)
      return events
    })
  }

  exportSession(id: string, format: ExportFormat): Promise<Uint8Array | undefined> {
    return this.#serial(async () => {
      if (!(await this.#store.getSession(id))) return undefined
      const chunks = await this.#store.getChunks(id)
      // gzip members, concatenated, are one valid gzip stream.
      if (format === 'jsonl.gz') return concatBytes(await Promise.all(chunks.map((chunk) => this.#codec.member(chunk))))
      return concatBytes(await Promise.all(chunks.map((chunk) => this.#codec.text(chunk))))
    })
  }

  storeBlob(input: BlobInput): Promise<{ stored: boolean; error?: ErrorInfo }> {
    return this.#serial(async () => {
      if (![input.sessionId, input.blobId].every((id) => ID_PATTERN.test(id)) || !Number.isInteger(input.part) || input.part < 0) {
        throw new Error('Bad blob ids')
      }
      const size = input.bytes.byteLength
      // A part of a sealed session is sealed with the session's current key, like its events.
      const { sessionId, blobId, part } = input
      const session = this.#known.has(sessionId) ? this.#known.get(sessionId) : await this.#store.getSession(sessionId)
      const key = session?.sealing?.at(-1)?.contentKey
      if (!key && !session && this.#server) {
        const message = `Part ${part} of ${blobId} was not stored: session ${sessionId} has no content key to seal it with yet (attach after start() resolves).`
        return { stored: false, error: { code: 'encryption_failed', message, at: Date.now() } }
      }
      const plain = key ? await (await this.#sealing()).sealPart(key, sessionId, blobId, part, input.bytes) : input.bytes
      const bytes = await this.#codec.sealBlob(plain)
      const blob: StoredBlob = {
        ...input,
        bytes,
        size,
        createdAt: Date.now(),
        state: 'pending',
        attempts: 0,
        ...(this.#codec.encrypting && { encrypted: true }),
        ...(key && { sealed: true }),
      }
      try {
        await this.#makeRoom(bytes.byteLength, input.sessionId)
        await this.#store.putBlob(blob).catch(async (error: unknown) => {
          // A full disk: make room from what the server already has, once.
          if (!isQuotaError(error) || (await this.#store.evictSent(blob.size * 2)) === 0) throw error
          await this.#store.putBlob(blob)
        })
      } catch (error) {
        const info = toErrorInfo(error, isQuotaError(error) ? 'quota_exceeded' : 'storage_failed')
        if (isQuotaError(error)) info.code = 'quota_exceeded'
        info.message = `Part ${input.part} of ${input.blobId} could not be stored: ${info.message}`
        return { stored: false, error: info }
      }
      if (this.#usedBytes !== undefined) this.#usedBytes += bytes.byteLength
      this.#sync?.addedBlob(blob.size)
      return { stored: true }
    })
  }

  getBlob(sessionId: string, blobId: string, part: number): Promise<StoredBlob | undefined> {
    return this.#serial(async () => {
      const blob = await this.#readable().getBlob(sessionId, blobId, part)
      if (!blob?.sealed) return blob
      const keys = (await this.#store.getSession(sessionId))?.sealing
      if (!keys) throw new TapedeckError('encryption_failed', `Part ${part} of ${blobId} is sealed, and session ${sessionId} has no key here to open it.`)
      const { sealed: _sealed, ...opened } = blob
      return { ...opened, bytes: await (await this.#sealing()).openPart(keys, sessionId, blobId, part, blob.bytes) }
    })
  }

  listBlobs(sessionId: string): Promise<BlobRecord[]> {
    return this.#serial(() => this.#store.listBlobs(sessionId))
  }

  deleteSession(id: string): Promise<boolean> {
    return this.#serial(async () => {
      const existed = (await this.#store.getSession(id)) !== undefined
      this.#releaseLock(sessionLock(id))
      this.#dropped.delete(id)
      this.#known.delete(id)
      await this.#store.deleteSession(id)
      this.#usedBytes = undefined
      return existed
    })
  }

  close(): Promise<void> {
    return this.#serial(async () => {
      clearInterval(this.#retention)
      this.#compactor.stop()
      this.#sync?.stop()
      for (const id of [...this.#locks.keys()]) this.#releaseLock(id)
      this.#store.close()
    })
  }

  /** Stores a batch; on a full disk evicts what was already sent and tries once more. */
  async #storeBatch(batch: IngestBatch): Promise<IngestResult> {
    const pending = this.#dropped.get(batch.sessionId)
    const withReport = pending ? { ...batch, events: withDropReport(batch.events, pending) } : batch
    try {
      const { storedBytes, ...result } = await this.#append(withReport)
      this.#dropped.delete(batch.sessionId)
      this.#sync?.added(result.lastSeq - result.firstSeq + 1, storedBytes)
      return { ...result, stored: batch.events.length }
    } catch (error) {
      const result = this.#giveUp(batch, error)
      // Say so at once: a small report often fits where the batch did not.
      const report = this.#dropped.get(batch.sessionId)!
      const at = batch.events[0]!
      const reported = await this.#append({ ...batch, events: withDropReport([], report, at) }).catch(() => undefined)
      if (reported) this.#dropped.delete(batch.sessionId)
      return result
    }
  }

  async #append(batch: IngestBatch, retried = false): Promise<Omit<IngestResult, 'stored'> & { storedBytes: number }> {
    try {
      const [applied] = await this.#write([batch])
      return this.#describe(batch, applied!)
    } catch (error) {
      if (retried) throw error
      if (isQuotaError(error)) {
        // A full disk: compress what waits raw first (and store compressed from now on), then
        // make room from what the server already has.
        this.#diskFull = true
        const freed = (await this.#compactor.compactAll()) + (await this.#store.evictSent(approximateSize(batch) * 4))
        if (freed > 0) return this.#append(batch, true)
        throw error
      }
      // A lost connection (another tab upgraded, the browser closed it): reopen once.
      if (this.#store.kind === 'indexeddb' && !this.#reopened) {
        this.#reopened = true
        this.#store.close()
        this.#store = await this.#openIdb().catch(() => createMemoryStore())
        return this.#append(batch, true)
      }
      throw error
    }
  }

  #giveUp(batch: IngestBatch, error: unknown): IngestResult {
    const quota = isQuotaError(error)
    const info = toErrorInfo(error, quota ? 'quota_exceeded' : 'storage_failed')
    if (quota) info.code = 'quota_exceeded'
    info.message = `${batch.events.length} events could not be stored (${info.message}); they are reported as recorder.dropped.`
    const reason = quota ? 'quota_exceeded' : 'storage_failed'
    const previous = this.#dropped.get(batch.sessionId)
    this.#dropped.set(batch.sessionId, { count: (previous?.count ?? 0) + batch.events.length, reason })
    return {
      sessionId: batch.sessionId,
      stored: 0,
      dropped: batch.events.length,
      firstSeq: -1,
      lastSeq: -1,
      startedAt: 0,
      status: 'active',
      created: false,
      resumed: false,
      storage: this.#store.kind,
      error: info,
    }
  }

  /**
   * What closed or crashed tabs left behind: batches a closing page saved itself (stored now,
   * unless its worker stored them first), then sessions left active or paused with no live tab
   * holding them, which are marked interrupted.
   */
  async #recover(): Promise<string[]> {
    for (const { key, tail } of await this.#store.takeTails()) {
      await whileLockFree(tabLock(tail.tab), async () => {
        if (!(await this.#store.findBatch(tail.sessionId, tail.batchId))) await this.#append(unpackBatch(tail))
        await this.#store.deleteTail(key)
      }).catch(() => false)
    }
    const recovered: string[] = []
    for (const session of await this.#store.listSessions()) {
      if (session.status !== 'active' && session.status !== 'paused') continue
      if (this.#locks.has(sessionLock(session.id))) continue
      const interrupted: PendingEvent = {
        type: 'session.interrupted',
        data: JSON.stringify({ reason: 'recorder-lost', lastActiveAt: session.updatedAt }),
        ts: Date.now(),
        at: session.startedAt + session.lastT,
      }
      const marked = await whileLockFree(sessionLock(session.id), async () => {
        await this.#append({ sessionId: session.id, tab: 'recovery', events: [interrupted] })
      }).catch(() => false)
      if (marked) recovered.push(session.id)
    }
    return recovered
  }

  async #openIdb(): Promise<RecordStore> {
    return createIdbStore(await openDatabase(this.#config.dbName))
  }

  #releaseLock(id: string): void {
    this.#locks.get(id)?.()
    this.#locks.delete(id)
  }

  #serial<T>(op: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(op)
    this.#tail = result.catch(() => undefined)
    return result
  }
}

/** Puts a `recorder.dropped` report at the head of a batch (after its `session.started`, if any). */
async function makeTransport(kind: 'http' | 'otlp' | 'custom', endpoint: string | undefined, callbacks: EngineCallbacks): Promise<Transport> {
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
    return createOtlpTransport({ endpoint })
  }
  return createHttpTransport(endpoint)
}

function withDropReport(events: PendingEvent[], report: { count: number; reason: string }, at = events[0]!): PendingEvent[] {
  const dropped: PendingEvent = { type: 'recorder.dropped', data: JSON.stringify(report), ts: at.ts, at: at.at }
  const [first, ...rest] = events
  return first?.type === 'session.started' ? [first, dropped, ...rest] : [dropped, ...events]
}

function approximateSize(batch: IngestBatch): number {
  let size = 0
  for (const event of batch.events) size += event.data.length + 200
  return size
}

export function filterSessions(all: SessionRecord[], query: SessionQuery): SessionPage {
  const limit = Math.max(1, Math.min(query.limit ?? 50, 1000))
  const after = query.cursor ? decodeCursor(query.cursor) : undefined
  const matching = all
    .filter(
      (s) =>
        (query.userId === undefined || s.userId === query.userId) &&
        (query.feature === undefined || s.feature === query.feature) &&
        (query.status === undefined || s.status === query.status) &&
        (query.from === undefined || s.startedAt >= query.from) &&
        (query.to === undefined || s.startedAt < query.to),
    )
    // Newest first; ties broken by id so the order (and the cursor) is total.
    .sort((a, b) => b.startedAt - a.startedAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
    .filter((s) => !after || s.startedAt < after.startedAt || (s.startedAt === after.startedAt && s.id < after.id))
  const sessions = matching.slice(0, limit)
  const last = sessions[sessions.length - 1]
  return matching.length > limit && last ? { sessions, nextCursor: encodeCursor(last) } : { sessions }
}

function encodeCursor(session: SessionRecord): string {
  return `${session.startedAt}~${session.id}`
}

function decodeCursor(cursor: string): { startedAt: number; id: string } | undefined {
  const at = cursor.indexOf('~')
  const startedAt = Number(cursor.slice(0, at))
  return at > 0 && Number.isFinite(startedAt) ? { startedAt, id: cursor.slice(at + 1) } : undefined
}
