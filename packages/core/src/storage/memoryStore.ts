import type { AppliedBatch } from './encodeBatch'
import { advanceSyncedSeq, explainedAbove, outboxRun, settled, summarize, type RecordStore } from './RecordStore'
import type { BlobRecord, ChunkRecord, ChunkState, SessionRecord, StoredBlob, StoredChunk } from './schema'

/** The store of last resort, when IndexedDB cannot be used: same behaviour, nothing durable. */
export function createMemoryStore(): RecordStore {
  const sessions = new Map<string, SessionRecord>()
  /** Every chunk, in key order (session, then seq), as IndexedDB keeps them. */
  let chunks: StoredChunk[] = []
  const meta = new Map<string, unknown>()
  const blobs = new Map<string, StoredBlob>()
  const blobKey = (sessionId: string, blobId: string, part: number) => JSON.stringify([sessionId, blobId, part])
  const withoutBytes = <T extends { bytes: ArrayBuffer }>({ bytes: _bytes, ...record }: T): Omit<T, 'bytes'> => record
  const ofSession = (sessionId: string) => chunks.filter((chunk) => chunk.sessionId === sessionId)
  /** Chunks or parts in `state`, oldest first (as IndexedDB's `by-state` index gives them). */
  const oldest = <T extends ChunkRecord | BlobRecord>(records: Iterable<T>, state: ChunkState) =>
    [...records].filter((record) => record.state === state).sort((x, y) => x.createdAt - y.createdAt)
  /** Deletes chunks and parts. */
  const remove = (gone: ReadonlyArray<ChunkRecord | BlobRecord>) => {
    const set = new Set(gone)
    chunks = chunks.filter((chunk) => !set.has(chunk))
    for (const record of gone) if ('blobId' in record) blobs.delete(blobKey(record.sessionId, record.blobId, record.part))
  }
  /** As the IndexedDB store: sent parts first, then sent chunks, oldest first, deleting what `pick` says. */
  const deleteSent = (pick: (record: ChunkRecord | BlobRecord, freed: number) => 'delete' | 'skip' | 'stop'): number => {
    let freed = 0
    const gone: Array<ChunkRecord | BlobRecord> = []
    for (const records of [oldest(blobs.values(), 'sent'), oldest(chunks, 'sent')]) {
      for (const record of records) {
        const verdict = pick(record, freed)
        if (verdict === 'stop') break
        if (verdict === 'skip') continue
        freed += record.size
        gone.push(record)
      }
    }
    remove(gone)
    return freed
  }
  const dead = (sessionId?: string) => oldest(chunks, 'dead').filter((chunk) => sessionId === undefined || chunk.sessionId === sessionId)

  return {
    kind: 'memory',

    async appendMany(items) {
      // Computed first, written after: all or none, as in one transaction.
      const updated = new Map<string, SessionRecord | undefined>()
      const results = items.map(({ sessionId, apply }) => {
        const applied = apply(updated.has(sessionId) ? updated.get(sessionId) : sessions.get(sessionId))
        updated.set(sessionId, applied.session)
        return applied
      })
      for (const { session, chunk } of results) {
        sessions.set(session.id, session)
        // In key order: a page's leased batches may come after later seqs.
        const at = chunk ? chunks.findIndex((one) => one.sessionId > chunk.sessionId || (one.sessionId === chunk.sessionId && one.firstSeq > chunk.firstSeq)) : -1
        if (chunk) chunks.splice(at === -1 ? chunks.length : at, 0, chunk)
      }
      return results
    },

    getSession: async (id) => sessions.get(id),

    listSessions: async () => [...sessions.values()],

    getChunks: async (sessionId, fromSeq = 0) => ofSession(sessionId).filter((chunk) => chunk.lastSeq >= fromSeq),

    getChunk: async (sessionId, firstSeq) => chunks.find((chunk) => chunk.sessionId === sessionId && chunk.firstSeq === firstSeq),

    rawChunks: async () => oldest(chunks, 'pending').filter((chunk) => chunk.raw).map((chunk): [string, number] => [chunk.sessionId, chunk.firstSeq]),

    async compactChunk(sessionId, firstSeq, bytes) {
      const chunk = chunks.find((one) => one.sessionId === sessionId && one.firstSeq === firstSeq)
      if (!chunk?.raw) return 0
      const freed = chunk.size - bytes.byteLength
      delete chunk.raw
      Object.assign(chunk, { bytes, size: bytes.byteLength })
      const session = sessions.get(sessionId)
      if (session) sessions.set(sessionId, { ...session, counters: { ...session.counters, storedBytes: session.counters.storedBytes - freed } })
      return freed
    },

    async deleteSession(id) {
      sessions.delete(id)
      remove([...ofSession(id), ...[...blobs.values()].filter((blob) => blob.sessionId === id)])
    },

    evictSent: async (bytes) => deleteSent((_record, freed) => (freed >= bytes ? 'stop' : 'delete')),

    async nextOutbox(maxBytes, maxChunks) {
      const first = oldest(chunks, 'pending')[0]
      if (!first) return []
      const own = ofSession(first.sessionId)
      return outboxRun(own.slice(own.indexOf(first)), maxBytes, maxChunks)
    },

    async settle(sessionId, firstSeqs, outcome) {
      const own = ofSession(sessionId)
      for (const chunk of own) if (firstSeqs.includes(chunk.firstSeq)) Object.assign(chunk, settled(chunk, outcome))
      const session = sessions.get(sessionId)
      if (session && outcome.state === 'sent') {
        session.syncedSeq = advanceSyncedSeq(session.syncedSeq ?? -1, own, session.explained)
        const explained = explainedAbove(session.explained, session.syncedSeq)
        if (explained) session.explained = explained
        else delete session.explained
      }
    },

    outboxSummary: async () => summarize(chunks, blobs.values()),

    async putBlob(blob) {
      blobs.set(blobKey(blob.sessionId, blob.blobId, blob.part), { ...blob })
    },
    getBlob: async (sessionId, blobId, part) => blobs.get(blobKey(sessionId, blobId, part)),
    listBlobs: async (sessionId) => [...blobs.values()].filter((blob) => blob.sessionId === sessionId).map(withoutBytes),
    nextBlob: async () => oldest(blobs.values(), 'pending')[0],
    async settleBlob(sessionId, blobId, part, outcome) {
      const blob = blobs.get(blobKey(sessionId, blobId, part))
      if (blob) Object.assign(blob, settled(blob, outcome))
    },

    purgeSent: async (before) => deleteSent((record) => ((record.settledAt ?? 0) < before ? 'delete' : 'skip')),

    async dropOldestPending(bytes) {
      const dropped: StoredChunk[] = []
      let freed = 0
      for (const chunk of oldest(chunks, 'pending')) {
        if (freed >= bytes) break
        freed += chunk.size
        dropped.push(chunk)
      }
      remove(dropped)
      return dropped.map(withoutBytes)
    },

    async usage() {
      let bytes = 0
      for (const record of [...chunks, ...blobs.values()]) bytes += record.size
      return bytes
    },

    deadLetters: async () => dead().map(withoutBytes),

    async retryDead(sessionId) {
      const list = dead(sessionId)
      for (const chunk of list) Object.assign(chunk, { state: 'pending', attempts: 0, settledAt: undefined })
      return list.length
    },

    async discardDead(sessionId) {
      const list = dead(sessionId)
      remove(list)
      return list.length
    },

    // A page never saves tails into memory: there is nothing to take.
    takeTails: async () => [],
    async deleteTail() {},
    async findBatch(sessionId, batchId) {
      const chunk = chunks.find((one) => one.sessionId === sessionId && one.batchId === batchId)
      return chunk && withoutBytes(chunk)
    },

    getMeta: async <T>(key: string) => meta.get(key) as T | undefined,

    async claimMeta<T>(key: string, value: T) {
      if (!meta.has(key)) meta.set(key, value)
      return meta.get(key) as T
    },

    async setMeta(key, value) {
      meta.set(key, value)
    },

    close() {},
  }
}
