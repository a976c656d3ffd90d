import { openDB, type IDBPDatabase } from 'idb'
import { advanceSyncedSeq, explainedAbove, outboxRun, settled, summarize, type RecordStore } from './RecordStore'
import type { AppliedBatch } from './encodeBatch'
import { DB_VERSION, type BlobRecord, type ChunkRecord, type ChunkState, type SessionRecord, type TapedeckDB } from './schema'

export type TapedeckDatabase = IDBPDatabase<TapedeckDB>

export async function openDatabase(name: string): Promise<TapedeckDatabase> {
  return openDB<TapedeckDB>(name, DB_VERSION, {
    upgrade(db, oldVersion) {
      // Versioned migrations: each step takes the schema from one version to the next.
      if (oldVersion < 1) {
        const sessions = db.createObjectStore('sessions', { keyPath: 'id' })
        sessions.createIndex('by-started', 'startedAt')
        sessions.createIndex('by-status', 'status')
        const chunks = db.createObjectStore('chunks', { keyPath: ['sessionId', 'firstSeq'] })
        chunks.createIndex('by-state', ['state', 'createdAt'])
        db.createObjectStore('chunkData')
        const blobs = db.createObjectStore('blobs', { keyPath: ['sessionId', 'blobId', 'part'] })
        blobs.createIndex('by-state', ['state', 'createdAt'])
        db.createObjectStore('blobData')
        db.createObjectStore('tail', { autoIncrement: true })
        db.createObjectStore('meta')
      }
    },
    blocking(_current, _blocked, event) {
      // A newer version of Tapedeck opened in another tab: let it upgrade.
      ;(event.target as IDBDatabase).close()
    },
  })
}

const sessionRange = (id: string) => IDBKeyRange.bound([id, -Infinity], [id, Infinity])
const blobRange = (id: string) => IDBKeyRange.bound([id, '', -Infinity], [id, '\uffff', Infinity])

export function createIdbStore(db: TapedeckDatabase): RecordStore {
  /**
   * Walks what the backend already has — sent audio parts first (large), then sent chunks, oldest
   * first in each — deleting what `pick` says; returns the bytes freed.
   */
  async function deleteSent(pick: (record: ChunkRecord | BlobRecord, freed: number) => 'delete' | 'skip' | 'stop'): Promise<number> {
    const tx = db.transaction(['chunks', 'chunkData', 'blobs', 'blobData'], 'readwrite')
    let freed = 0
    for (const [records, data] of [['blobs', 'blobData'], ['chunks', 'chunkData']] as const) {
      const bytes = tx.objectStore(data)
      // A record's bytes are kept under the record's own key.
      for (let cursor = await tx.objectStore(records).index('by-state').openCursor(stateRange('sent')); cursor; cursor = await cursor.continue()) {
        const verdict = pick(cursor.value, freed)
        if (verdict === 'stop') break
        if (verdict === 'skip') continue
        freed += cursor.value.size
        await Promise.all([bytes.delete(cursor.primaryKey), cursor.delete()])
      }
    }
    await tx.done
    return freed
  }

  const store: RecordStore = {
    kind: 'indexeddb',

    async appendMany(items) {
      // One transaction reads the sessions, assigns seq and writes the chunks. Nothing else is
      // awaited inside it: IndexedDB commits a transaction as soon as it has nothing to do.
      const tx = db.transaction(['sessions', 'chunks', 'chunkData'], 'readwrite', { durability: 'relaxed' })
      const sessions = tx.objectStore('sessions')
      const seen = new Map<string, SessionRecord | undefined>()
      const results: AppliedBatch[] = []
      const writes: Promise<unknown>[] = [tx.done]
      try {
        for (const { sessionId, apply } of items) {
          if (!seen.has(sessionId)) seen.set(sessionId, await sessions.get(sessionId))
          const applied = apply(seen.get(sessionId))
          seen.set(sessionId, applied.session)
          results.push(applied)
          if (applied.chunk) {
            const { bytes, ...chunk } = applied.chunk
            writes.push(tx.objectStore('chunks').put(chunk), tx.objectStore('chunkData').put(bytes, [chunk.sessionId, chunk.firstSeq]))
          }
        }
      } catch (error) {
        tx.abort()
        await Promise.allSettled(writes)
        throw error
      }
      for (const session of seen.values()) if (session) writes.push(sessions.put(session))
      await Promise.all(writes)
      return results
    },

    getSession: (id) => db.get('sessions', id),

    listSessions: () => db.getAll('sessions'),

    async getChunks(sessionId, fromSeq = 0) {
      const tx = db.transaction(['chunks', 'chunkData'])
      const range = sessionRange(sessionId)
      const [chunks, data] = await Promise.all([tx.objectStore('chunks').getAll(range), tx.objectStore('chunkData').getAll(range)])
      // Both stores hold the same keys, so the two lists pair up in key order.
      return chunks.map((chunk, i) => ({ ...chunk, bytes: data[i]! })).filter((chunk) => chunk.lastSeq >= fromSeq)
    },

    async getChunk(sessionId, firstSeq) {
      const tx = db.transaction(['chunks', 'chunkData'])
      const [chunk, bytes] = await Promise.all([tx.objectStore('chunks').get([sessionId, firstSeq]), tx.objectStore('chunkData').get([sessionId, firstSeq])])
      return chunk && bytes ? { ...chunk, bytes } : undefined
    },

    async rawChunks() {
      const keys: Array<[string, number]> = []
      const tx = db.transaction('chunks')
      for (let cursor = await tx.store.index('by-state').openCursor(stateRange('pending')); cursor; cursor = await cursor.continue()) {
        if (cursor.value.raw) keys.push([cursor.value.sessionId, cursor.value.firstSeq])
      }
      return keys
    },

    async compactChunk(sessionId, firstSeq, bytes) {
      const tx = db.transaction(['sessions', 'chunks', 'chunkData'], 'readwrite', { durability: 'relaxed' })
      const chunks = tx.objectStore('chunks')
      const [chunk, session] = await Promise.all([chunks.get([sessionId, firstSeq]), tx.objectStore('sessions').get(sessionId)])
      if (!chunk?.raw) {
        await tx.done
        return 0
      }
      const { raw: _raw, ...compacted } = chunk
      const freed = chunk.size - bytes.byteLength
      const writes: Promise<unknown>[] = [chunks.put({ ...compacted, size: bytes.byteLength }), tx.objectStore('chunkData').put(bytes, [sessionId, firstSeq])]
      if (session) writes.push(tx.objectStore('sessions').put({ ...session, counters: { ...session.counters, storedBytes: session.counters.storedBytes - freed } }))
      await Promise.all([...writes, tx.done])
      return freed
    },

    async deleteSession(id) {
      const tx = db.transaction(['sessions', 'chunks', 'chunkData', 'blobs', 'blobData'], 'readwrite')
      await Promise.all([
        tx.objectStore('sessions').delete(id),
        tx.objectStore('chunks').delete(sessionRange(id)),
        tx.objectStore('chunkData').delete(sessionRange(id)),
        tx.objectStore('blobs').delete(blobRange(id)),
        tx.objectStore('blobData').delete(blobRange(id)),
        tx.done,
      ])
    },

    evictSent: (bytes) => deleteSent((_record, freed) => (freed >= bytes ? 'stop' : 'delete')),

    purgeSent: (before) => deleteSent((record) => ((record.settledAt ?? 0) < before ? 'delete' : 'skip')),

    async dropOldestPending(bytes) {
      const tx = db.transaction(['chunks', 'chunkData'], 'readwrite')
      const dropped: ChunkRecord[] = []
      let freed = 0
      const chunkData = tx.objectStore('chunkData')
      for (let cursor = await tx.objectStore('chunks').index('by-state').openCursor(stateRange('pending')); cursor && freed < bytes; cursor = await cursor.continue()) {
        freed += cursor.value.size
        dropped.push(cursor.value)
        await Promise.all([chunkData.delete(cursor.primaryKey), cursor.delete()])
      }
      await tx.done
      return dropped
    },

    async usage() {
      const tx = db.transaction(['chunks', 'blobs'])
      const [chunks, blobs] = await Promise.all([tx.objectStore('chunks').getAll(), tx.objectStore('blobs').getAll()])
      let bytes = 0
      for (const record of [...chunks, ...blobs]) bytes += record.size
      return bytes
    },

    async putBlob({ bytes, ...blob }) {
      const tx = db.transaction(['blobs', 'blobData'], 'readwrite', { durability: 'relaxed' })
      const key: [string, string, number] = [blob.sessionId, blob.blobId, blob.part]
      await Promise.all([tx.objectStore('blobs').put(blob), tx.objectStore('blobData').put(bytes, key), tx.done])
    },

    async getBlob(sessionId, blobId, part) {
      const tx = db.transaction(['blobs', 'blobData'])
      const key: [string, string, number] = [sessionId, blobId, part]
      const [blob, bytes] = await Promise.all([tx.objectStore('blobs').get(key), tx.objectStore('blobData').get(key)])
      return blob && bytes ? { ...blob, bytes } : undefined
    },

    listBlobs: (sessionId) => db.getAll('blobs', blobRange(sessionId)),

    async nextBlob() {
      const tx = db.transaction(['blobs', 'blobData'])
      const blob = await tx.objectStore('blobs').index('by-state').get(stateRange('pending'))
      if (!blob) return undefined
      const bytes = await tx.objectStore('blobData').get([blob.sessionId, blob.blobId, blob.part])
      return bytes ? { ...blob, bytes } : undefined
    },

    async settleBlob(sessionId, blobId, part, outcome) {
      const tx = db.transaction('blobs', 'readwrite')
      const blob = await tx.store.get([sessionId, blobId, part])
      if (blob) await tx.store.put(settled(blob, outcome))
      await tx.done
    },

    async nextOutbox(maxBytes, maxChunks) {
      const tx = db.transaction(['chunks', 'chunkData'])
      const chunks = tx.objectStore('chunks')
      const oldest = await chunks.index('by-state').get(stateRange('pending'))
      if (!oldest) return []
      const following: ChunkRecord[] = []
      const range = IDBKeyRange.bound([oldest.sessionId, oldest.firstSeq], [oldest.sessionId, Infinity])
      for (let cursor = await chunks.openCursor(range); cursor; cursor = await cursor.continue()) {
        following.push(cursor.value)
        if (following.length > maxChunks || cursor.value.state !== 'pending') break
      }
      const run = outboxRun(following, maxBytes, maxChunks)
      const data = tx.objectStore('chunkData')
      const bytes = await Promise.all(run.map((chunk) => data.get([chunk.sessionId, chunk.firstSeq])))
      return run.map((chunk, i) => ({ ...chunk, bytes: bytes[i]! }))
    },

    async settle(sessionId, firstSeqs, outcome) {
      const tx = db.transaction(['sessions', 'chunks'], 'readwrite')
      const chunks = tx.objectStore('chunks')
      const now = Date.now()
      for (const firstSeq of firstSeqs) {
        const chunk = await chunks.get([sessionId, firstSeq])
        if (chunk) await chunks.put(settled(chunk, outcome, now))
      }
      if (outcome.state === 'sent') {
        const session = await tx.objectStore('sessions').get(sessionId)
        if (session) {
          const syncedSeq = advanceSyncedSeq(session.syncedSeq ?? -1, await chunks.getAll(sessionRange(sessionId)), session.explained)
          if (syncedSeq !== session.syncedSeq) {
            const { explained: _passed, ...rest } = session
            const explained = explainedAbove(session.explained, syncedSeq)
            await tx.objectStore('sessions').put({ ...rest, syncedSeq, ...(explained && { explained }) })
          }
        }
      }
      await tx.done
    },

    async outboxSummary() {
      const tx = db.transaction(['chunks', 'blobs'])
      const chunks = tx.objectStore('chunks').index('by-state')
      const blobs = tx.objectStore('blobs').index('by-state')
      const [pending, dead, pendingBlobs] = await Promise.all([
        chunks.getAll(stateRange('pending')),
        chunks.getAll(stateRange('dead')),
        blobs.getAll(stateRange('pending')),
      ])
      return summarize([...pending, ...dead], pendingBlobs)
    },

    deadLetters: () => db.getAllFromIndex('chunks', 'by-state', stateRange('dead')),

    async retryDead(sessionId) {
      const tx = db.transaction('chunks', 'readwrite')
      let count = 0
      for (let cursor = await tx.store.index('by-state').openCursor(stateRange('dead')); cursor; cursor = await cursor.continue()) {
        if (sessionId !== undefined && cursor.value.sessionId !== sessionId) continue
        const { settledAt: _settledAt, ...chunk } = cursor.value
        await cursor.update({ ...chunk, state: 'pending', attempts: 0 })
        count++
      }
      await tx.done
      return count
    },

    async discardDead(sessionId) {
      const tx = db.transaction(['chunks', 'chunkData'], 'readwrite')
      let count = 0
      const data = tx.objectStore('chunkData')
      for (let cursor = await tx.objectStore('chunks').index('by-state').openCursor(stateRange('dead')); cursor; cursor = await cursor.continue()) {
        if (sessionId !== undefined && cursor.value.sessionId !== sessionId) continue
        await Promise.all([data.delete(cursor.primaryKey), cursor.delete()])
        count++
      }
      await tx.done
      return count
    },

    async takeTails() {
      const tx = db.transaction('tail')
      const [keys, values] = await Promise.all([tx.store.getAllKeys(), tx.store.getAll()])
      return values.map((tail, i) => ({ key: keys[i]!, tail }))
    },

    async deleteTail(key) {
      await db.delete('tail', key)
    },

    async findBatch(sessionId, batchId) {
      return (await db.getAll('chunks', sessionRange(sessionId))).find((chunk) => chunk.batchId === batchId)
    },

    getMeta: async <T>(key: string) => (await db.get('meta', key)) as T | undefined,

    async claimMeta<T>(key: string, value: T) {
      // Read and write in one transaction: two tabs claiming at once get the same value.
      const tx = db.transaction('meta', 'readwrite')
      const existing = (await tx.store.get(key)) as T | undefined
      if (existing === undefined) await tx.store.put(value, key)
      await tx.done
      return existing ?? value
    },

    async setMeta(key, value) {
      await db.put('meta', value, key)
    },

    close: () => db.close(),
  }
  return store
}

const stateRange = (state: ChunkState) => IDBKeyRange.bound([state, -Infinity], [state, Infinity])
