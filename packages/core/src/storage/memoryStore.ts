import type { AppliedBatch } from './encodeBatch'
import { advanceSyncedSeq, explainedAbove, outboxRun, settled, summarize, type RecordStore } from './RecordStore'
import type { BlobRecord, ChunkRecord, SessionRecord, StoredBlob, StoredChunk } from './schema'

/** The store of last resort, when IndexedDB cannot be used: same behaviour, nothing durable. */
export function createMemoryStore(): RecordStore {
  const sessions = new Map<string, SessionRecord>()
  const chunks = new Map<string, StoredChunk[]>()
  const meta = new Map<string, unknown>()
  const blobs = new Map<string, StoredBlob>()
  const blobKey = (sessionId: string, blobId: string, part: number) => JSON.stringify([sessionId, blobId, part])
  const withoutBytes = <T extends { bytes: ArrayBuffer }>({ bytes: _bytes, ...record }: T): Omit<T, 'bytes'> => record
  const commit = (applied: AppliedBatch) => {
    sessions.set(applied.session.id, applied.session)
    if (applied.chunk) {
      const list = chunks.get(applied.session.id) ?? []
      // In seq order, as IndexedDB keeps them: a page's leased batches may come after later seqs.
      const at = list.findIndex((chunk) => chunk.firstSeq > applied.chunk!.firstSeq)
      list.splice(at === -1 ? list.length : at, 0, applied.chunk)
      chunks.set(applied.session.id, list)
    }
  }
  const all = () => [...chunks.values()].flat()
  /** As the IndexedDB store: sent parts first, then sent chunks, oldest first, deleting what `pick` says. */
  const deleteSent = (pick: (record: ChunkRecord | BlobRecord, freed: number) => 'delete' | 'skip' | 'stop'): number => {
    let freed = 0
    const sentChunks = all().filter((chunk) => chunk.state === 'sent').sort((x, y) => x.createdAt - y.createdAt)
    const sentBlobs = [...blobs.values()].filter((blob) => blob.state === 'sent')
    for (const record of [...sentBlobs, ...sentChunks]) {
      const verdict = pick(record, freed)
      if (verdict === 'stop') break
      if (verdict === 'skip') continue
      freed += record.size
      if ('blobId' in record) blobs.delete(blobKey(record.sessionId, record.blobId, record.part))
      else {
        const list = chunks.get(record.sessionId)!
        list.splice(list.indexOf(record), 1)
      }
    }
    return freed
  }
  const dead = (sessionId?: string) =>
    all().filter((chunk) => chunk.state === 'dead' && (sessionId === undefined || chunk.sessionId === sessionId))

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
      for (const applied of results) commit(applied)
      return results
    },

    getSession: async (id) => sessions.get(id),

    listSessions: async () => [...sessions.values()],

    getChunks: async (sessionId, fromSeq = 0) => (chunks.get(sessionId) ?? []).filter((chunk) => chunk.lastSeq >= fromSeq),

    getChunk: async (sessionId, firstSeq) => chunks.get(sessionId)?.find((chunk) => chunk.firstSeq === firstSeq),

    rawChunks: async () =>
      all()
        .filter((chunk) => chunk.raw && chunk.state === 'pending')
        .sort((a, b) => a.createdAt - b.createdAt)
        .map((chunk): [string, number] => [chunk.sessionId, chunk.firstSeq]),

    async compactChunk(sessionId, firstSeq, bytes) {
      const chunk = chunks.get(sessionId)?.find((one) => one.firstSeq === firstSeq)
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
      chunks.delete(id)
      for (const [key, blob] of blobs) if (blob.sessionId === id) blobs.delete(key)
    },

    evictSent: async (bytes) => deleteSent((_record, freed) => (freed >= bytes ? 'stop' : 'delete')),

    async nextOutbox(maxBytes, maxChunks) {
      const pending = all().filter((chunk) => chunk.state === 'pending')
      const oldest = pending.sort((a, b) => a.createdAt - b.createdAt)[0]
      if (!oldest) return []
      const list = chunks.get(oldest.sessionId)!
      return outboxRun(list.slice(list.indexOf(oldest)), maxBytes, maxChunks)
    },

    async settle(sessionId, firstSeqs, outcome) {
      const list = chunks.get(sessionId) ?? []
      for (const chunk of list) if (firstSeqs.includes(chunk.firstSeq)) Object.assign(chunk, settled(chunk, outcome))
      const session = sessions.get(sessionId)
      if (session && outcome.state === 'sent') {
        session.syncedSeq = advanceSyncedSeq(session.syncedSeq ?? -1, list, session.explained)
        const explained = explainedAbove(session.explained, session.syncedSeq)
        if (explained) session.explained = explained
        else delete session.explained
      }
    },

    outboxSummary: async () => summarize(all(), blobs.values()),

    async putBlob(blob) {
      blobs.set(blobKey(blob.sessionId, blob.blobId, blob.part), { ...blob })
    },
    getBlob: async (sessionId, blobId, part) => blobs.get(blobKey(sessionId, blobId, part)),
    listBlobs: async (sessionId) => [...blobs.values()].filter((blob) => blob.sessionId === sessionId).map(withoutBytes),
    nextBlob: async () => [...blobs.values()].filter((blob) => blob.state === 'pending').sort((a, b) => a.createdAt - b.createdAt)[0],
    async settleBlob(sessionId, blobId, part, outcome) {
      const blob = blobs.get(blobKey(sessionId, blobId, part))
      if (blob) Object.assign(blob, settled(blob, outcome))
    },

    purgeSent: async (before) => deleteSent((record) => ((record.settledAt ?? 0) < before ? 'delete' : 'skip')),

    async dropOldestPending(bytes) {
      const pending = all().filter((chunk) => chunk.state === 'pending').sort((a, b) => a.createdAt - b.createdAt)
      const dropped = []
      let freed = 0
      for (const chunk of pending) {
        if (freed >= bytes) break
        const list = chunks.get(chunk.sessionId)!
        list.splice(list.indexOf(chunk), 1)
        freed += chunk.size
        dropped.push(withoutBytes(chunk))
      }
      return dropped
    },

    async usage() {
      let bytes = 0
      for (const chunk of all()) bytes += chunk.size
      for (const blob of blobs.values()) bytes += blob.size
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
      for (const chunk of list) {
        const own = chunks.get(chunk.sessionId)!
        own.splice(own.indexOf(chunk), 1)
      }
      return list.length
    },

    // A page never saves tails into memory: there is nothing to take.
    takeTails: async () => [],
    async deleteTail() {},
    async findBatch(sessionId, batchId) {
      const chunk = (chunks.get(sessionId) ?? []).find((one) => one.batchId === batchId)
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
