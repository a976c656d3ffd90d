import { ID_PATTERN } from '../events/serialize'
import type { PackedBatch } from '../events/PackedBatch'
import { unpackBatch } from '../events/unpackBatch'
import type { ServerKey } from '../crypto/sealForServer'
import { StaleSessionError, commitBatch, encodeBatch, needsContentKey, type AppliedBatch, type EncodeContext, type EncodedBatch, type IngestBatch } from '../storage/encodeBatch'
import type { ChunkCodec } from '../storage/ChunkCodec'
import { isQuotaError, writeError, type RecordStore } from '../storage/RecordStore'
import type { SessionRecord } from '../storage/schema'
import type { SyncEngine } from '../sync/SyncEngine'
import type { Compactor, RawChunk } from './Compactor'
import { DropReports, withDropReport } from './DropReports'
import type { HeldLocks } from './HeldLocks'
import type { SpaceBudget } from './SpaceBudget'
import type { IngestResult, LeaseGrant } from './protocol'
import { grantLease } from './SeqLeases'

/** Batches stored together in one transaction, at most… */
const MAX_GROUP = 32
/** …and their payloads' characters, at most (at least one batch goes, however large). */
const MAX_GROUP_CHARS = 8_000_000

type Described = Omit<IngestResult, 'stored'> & { storedBytes: number }

/** What the writer needs of the engine. */
export interface BatchWriterHost {
  /** The store as it is now (the engine may reopen it). */
  store(): RecordStore
  /** The database connection was lost: reopen it, once per engine; whether it did. */
  reopen(): Promise<boolean>
  codec(): ChunkCodec
  /** Redaction, ids and the time the next batch is encoded with. */
  ctx(): EncodeContext
  /** `encryptForServer`: the backend's public key. */
  server(): ServerKey | undefined
  sealing(): Promise<typeof import('../crypto/sealForServer')>
  /** Runs `op` in the engine's queue, after what is queued already. */
  serial(op: () => Promise<void>): Promise<void>
  sync(): SyncEngine | undefined
  compactor: Compactor
  budget: SpaceBudget
  locks: HeldLocks
}

/**
 * Stores batches: group commit (batches that wait for each other go in one transaction), encode
 * (seq, redaction), seal for the backend, compress (or store raw for the compactor), commit; a
 * full disk, a lost connection and dropped events on the way.
 */
export class BatchWriter {
  readonly #host: BatchWriterHost
  readonly #incoming: Array<{ packed: PackedBatch; resend: boolean; resolve: (result: IngestResult) => void; reject: (error: unknown) => void }> = []
  /** Sessions as this engine last wrote or read them: what the next batch is encoded against. */
  readonly #known = new Map<string, SessionRecord | undefined>()
  /** Events given up per session, reported at the head of its next stored batch. */
  readonly #dropped = new DropReports()
  /** The disk was full once: batches are compressed on their way in, never stored raw. */
  #diskFull = false

  constructor(host: BatchWriterHost) {
    this.#host = host
  }

  /** Batches wait to be stored. */
  get busy(): boolean {
    return this.#incoming.length > 0
  }

  /** The session as this engine last wrote it, or as stored. */
  async session(id: string): Promise<SessionRecord | undefined> {
    return this.#known.has(id) ? this.#known.get(id) : this.#host.store().getSession(id)
  }

  /** The session went (deleted, erased): nothing is kept about it. */
  forget(id: string): void {
    this.#dropped.reported(id)
    this.#known.delete(id)
  }

  /**
   * Leases `tab` the next `count` seqs of a session (see SeqLeases), in one transaction on the
   * session as stored: two engines never hand out the same seq. `undefined` for a session that is
   * not stored or has ended.
   */
  lease(sessionId: string, tab: string, count: number): Promise<LeaseGrant | undefined> {
    let grant: LeaseGrant | undefined
    return this.#host
      .serial(async () => {
        const [applied] = await this.#host
          .store()
          .appendMany([
            {
              sessionId,
              apply: (current) => {
                if (!current || current.status === 'ended') throw new StaleSessionError(current)
                const { session, lease } = grantLease(current, tab, count)
                grant = { from: lease.from, to: lease.to, startedAt: session.startedAt, lastT: session.lastT }
                return { session, chunk: undefined, created: false, resumed: false }
              },
            },
          ])
          .catch((error: unknown) => {
            if (error instanceof StaleSessionError) return []
            throw error
          })
        if (applied) this.#known.set(sessionId, applied.session)
      })
      .then(() => grant)
  }

  /** Closes `tab`'s leases on a session it stamped up to `stampedTo`: given back when untouched, else explained (SeqLeases). */
  closeLease(sessionId: string, tab: string, stampedTo: number): Promise<void> {
    return this.#host.serial(async () => {
      if (!(await this.session(sessionId))?.leases?.some((lease) => lease.tab === tab)) return
      await this.append({ sessionId, tab, events: [], stampedTo })
    })
  }

  ingest(packed: PackedBatch, resend: boolean): Promise<IngestResult> {
    return new Promise((resolve, reject) => {
      // Batches that arrive while the engine is busy wait here and are stored together, in one
      // transaction (a group commit): fewer, larger transactions when the page records fast.
      this.#incoming.push({ packed, resend, resolve, reject })
      if (this.#incoming.length === 1) void this.#host.serial(() => this.#storeIncoming())
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
    if (this.#incoming.length > 0) void this.#host.serial(() => this.#storeIncoming())
    const ready: Array<{ batch: IngestBatch; resolve: (result: IngestResult) => void; reject: (error: unknown) => void }> = []
    for (const { packed, resend, resolve, reject } of group) {
      try {
        const batch = unpackBatch(packed)
        if (packed.lease) batch.lease = packed.lease
        if (!ID_PATTERN.test(batch.sessionId) || !ID_PATTERN.test(batch.tab) || batch.events.length === 0) {
          throw new Error(`Bad batch for session ${JSON.stringify(batch.sessionId)}`)
        }
        await this.#host.locks.hold(batch.tab, batch.sessionId)
        const stored = resend ? await this.#alreadyStored(batch) : undefined
        if (stored) resolve(stored)
        else ready.push({ batch, resolve, reject })
      } catch (error) {
        reject(error)
      }
    }
    const together = ready.length > 1 && ready.every(({ batch }) => !this.#dropped.get(batch.sessionId))
    const results = together ? await this.#appendGroup(ready.map(({ batch }) => batch)).catch(() => undefined) : undefined
    for (const [i, { batch, resolve, reject }] of ready.entries()) {
      try {
        // Alone: one batch, a batch with a drop to report, or a group the store refused as a whole.
        const result = results?.[i] ?? (await this.#storeBatch(batch))
        if (result.status === 'ended') this.#host.locks.releaseSession(batch.sessionId)
        resolve(result)
      } catch (error) {
        reject(error)
      }
    }
  }

  /** What storing a batch gave, if a chunk stored it already. */
  async #alreadyStored(batch: IngestBatch): Promise<IngestResult | undefined> {
    const store = this.#host.store()
    const chunk = batch.batchId === undefined ? undefined : await store.findBatch(batch.sessionId, batch.batchId)
    const session = chunk && (await store.getSession(batch.sessionId))
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
      storage: store.kind,
    }
  }

  /** Several batches in one transaction; throws (storing none) when the store refuses. */
  async #appendGroup(batches: IngestBatch[]): Promise<IngestResult[]> {
    const applied = await this.#write(batches)
    return applied.map((one, i) => {
      const { storedBytes, ...result } = this.#describe(batches[i]!, one)
      this.#host.sync()?.added(result.lastSeq - result.firstSeq + 1, storedBytes)
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
    const host = this.#host
    const ctx = host.ctx()
    const codec = host.codec()
    let batches = input
    /** Per session, events dropped to make room for this very write, reported by it. */
    const carried = new Map<string, number>()
    for (let attempt = 0; ; attempt++) {
      ctx.now = Date.now()
      const server = host.server()
      const seen = new Map<string, SessionRecord | undefined>()
      const encoded: EncodedBatch[] = []
      for (const batch of batches) {
        const id = batch.sessionId
        if (!seen.has(id)) seen.set(id, await this.session(id))
        const base = seen.get(id)
        const fresh = server && needsContentKey(base, batch, server.kid) ? await (await host.sealing()).newContentKey(server) : undefined
        const one = encodeBatch(base, batch, ctx, fresh)
        seen.set(id, one.session)
        encoded.push(one)
      }
      // Payloads sealed for the backend first (every payload of the group at once), then compressed.
      if (encoded.some((one) => one.toSeal)) {
        const { sealEncoded } = await host.sealing()
        encoded.splice(0, encoded.length, ...(await Promise.all(encoded.map(sealEncoded))))
      }
      // Batches that waited for each other (a group) are stored as they are and compressed by the
      // compactor between groups: under load, durable first. A batch alone is compressed on its way
      // in (it is small, and the engine is not behind), and so is a group that would take the store
      // near `maxLocalBytes` (raw, it would crowd out data).
      let compress = this.#diskFull || batches.length === 1
      let sealed = await Promise.all(encoded.map((one) => codec.seal(one.raw, compress)))
      let size = sealed.reduce((sum, bytes) => sum + bytes.byteLength, 0)
      if (!compress && host.budget.tight(size)) {
        compress = true
        sealed = await Promise.all(encoded.map((one) => codec.seal(one.raw)))
        size = sealed.reduce((sum, bytes) => sum + bytes.byteLength, 0)
      }
      const sessionId = batches[0]!.sessionId
      let made = 0
      await host.budget.makeRoom(
        size,
        (count) => {
          made = count
          this.#dropped.add(sessionId, count, 'max_local_bytes')
        },
        batches,
      )
      // A batch the page named itself keeps its seqs: its report waits for the next batch the engine names.
      if (made > 0 && !batches.find((batch) => batch.sessionId === sessionId)!.stamp) {
        // Unsent data went to make room: say so in this write, not the next one (a session's last
        // batch has no next one). Encoded again with the report; the room is already made.
        carried.set(sessionId, (carried.get(sessionId) ?? 0) + made)
        const at = batches.findIndex((batch) => batch.sessionId === sessionId)
        const report = { count: made, reason: this.#dropped.get(sessionId)!.reason }
        batches = batches.map((batch, i) => (i === at ? { ...batch, events: withDropReport(batch.events, report) } : batch))
        continue
      }
      const now = Date.now()
      const encrypted = codec.encrypting
      try {
        const applied = await host.store().appendMany(
          encoded.map((one, i) => ({ sessionId: one.sessionId, apply: (current: SessionRecord | undefined) => commitBatch(current, one, sealed[i]!, encrypted, now, !compress) })),
        )
        if (!compress) host.compactor.add(applied.flatMap((one, i): RawChunk[] => (one.chunk ? [[one.chunk.sessionId, one.chunk.firstSeq, encoded[i]!.raw]] : [])))
        // An ended session gets no more batches from this tab (a resume reads it again): the cache
        // holds only sessions being recorded.
        for (const one of applied) {
          if (one.session.status === 'ended') this.#known.delete(one.session.id)
          else this.#known.set(one.session.id, one.session)
        }
        host.budget.add(size)
        for (const [id, count] of carried) this.#dropped.reported(id, count)
        return applied
      } catch (error) {
        for (const batch of batches) this.#known.delete(batch.sessionId)
        if (!(error instanceof StaleSessionError) || attempt >= 50) throw error
      }
    }
  }

  /** Events of the session were given up: reported at the head of its next stored batch. `unstored`: the seqs the page gave them. */
  drop(sessionId: string, count: number, reason: string): void {
    this.#dropped.add(sessionId, count, reason)
  }

  #describe(batch: IngestBatch, applied: AppliedBatch): Described {
    return {
      storedBytes: applied.chunk?.size ?? 0,
      sessionId: batch.sessionId,
      dropped: 0,
      firstSeq: applied.chunk?.firstSeq ?? applied.session.lastSeq + 1,
      lastSeq: applied.chunk?.lastSeq ?? applied.session.lastSeq,
      startedAt: applied.session.startedAt,
      status: applied.session.status,
      created: applied.created,
      resumed: applied.resumed,
      storage: this.#host.store().kind,
      ...(applied.lease && { lease: applied.lease }),
    }
  }

  /** Stores a batch; on a full disk evicts what was already sent and tries once more. */
  async #storeBatch(batch: IngestBatch): Promise<IngestResult> {
    // A batch the page named itself keeps its seqs (its copy may be on the server already): a
    // report waits for the next batch the engine names (`session.ended`, a resume).
    const pending = batch.stamp ? undefined : this.#dropped.get(batch.sessionId)
    const withReport = pending ? { ...batch, events: withDropReport(batch.events, pending), ...(pending.unstored && { unstored: pending.unstored }) } : batch
    try {
      const { storedBytes, ...result } = await this.append(withReport)
      if (!batch.stamp) this.#dropped.reported(batch.sessionId)
      else if (this.#dropped.get(batch.sessionId)) await this.#report(batch)
      this.#host.sync()?.added(result.lastSeq - result.firstSeq + 1, storedBytes)
      return { ...result, stored: batch.events.length }
    } catch (error) {
      const result = this.#giveUp(batch, error)
      // Say so at once: a small report often fits where the batch did not.
      await this.#report(batch)
      return result
    }
  }

  /**
   * Writes the session's pending drop report beside `batch` of the page: on seqs of the engine's
   * own, explaining the seqs the page stamped, the page's lease left open. (A stamped batch that
   * fits again brings it too: the room is back.)
   */
  async #report(batch: IngestBatch): Promise<void> {
    const report = this.#dropped.get(batch.sessionId)!
    const { sessionId, tab } = batch
    const events = withDropReport([], report, batch.events[0]!)
    const reported = await this.append({ sessionId, tab, events, ...(report.unstored && { unstored: report.unstored }), keepsLeases: batch.stamp !== undefined }).catch(() => undefined)
    if (reported) this.#dropped.reported(sessionId)
  }

  /** Stores one batch as it is (recovery's saved tails and interruption marks come here too). */
  async append(batch: IngestBatch, retried = false): Promise<Described> {
    const host = this.#host
    try {
      const [applied] = await this.#write([batch])
      return this.#describe(batch, applied!)
    } catch (error) {
      if (retried) throw error
      if (isQuotaError(error)) {
        // A full disk: compress what waits raw first (and store compressed from now on), then
        // make room from what the server already has.
        this.#diskFull = true
        const compacted = await host.compactor.compactAll()
        if ((await host.store().evictSent(approximateSize(batch) * 4)) > 0 || compacted) return this.append(batch, true)
        throw error
      }
      // A lost connection (another tab upgraded, the browser closed it): reopen once.
      if (await host.reopen()) return this.append(batch, true)
      throw error
    }
  }

  #giveUp(batch: IngestBatch, error: unknown): IngestResult {
    const info = writeError(error, (message) => `${batch.events.length} events could not be stored (${message}); they are reported as recorder.dropped.`)
    const quota = isQuotaError(error)
    const stamp = batch.stamp
    const unstored = stamp && { from: stamp.firstSeq, to: stamp.firstSeq + batch.events.length - 1 }
    this.#dropped.add(batch.sessionId, batch.events.length, quota ? 'quota_exceeded' : 'storage_failed', unstored)
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
      storage: this.#host.store().kind,
      error: info,
    }
  }
}

function approximateSize(batch: IngestBatch): number {
  let size = 0
  for (const event of batch.events) size += event.data.length + 200
  return size
}
