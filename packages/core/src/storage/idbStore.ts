import { openDB, type IDBPDatabase } from 'idb'
import { advanceSyncedSeq, outboxRun, summarize, type RecordStore } from './RecordStore'
import { DB_VERSION, type ChunkRecord, type ChunkState, type TapedeckDB } from './schema'

export type TapedeckDatabase = IDBPDatabase<TapedeckDB>

export async function openDatabase(name: string, onLost?: () => void): Promise<TapedeckDatabase> {
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
        blobs.createIndex('by-state', 'state')
        db.createObjectStore('tail', { autoIncrement: true })
        db.createObjectStore('meta')
      }
    },
    blocking(_current, _blocked, event) {
      // A newer version of Tapedeck opened in another tab: let it upgrade.
      ;(event.target as IDBDatabase).close()
      onLost?.()
    },
    terminated() {
      onLost?.()
    },
  })
}

const sessionRange = (id: string) => IDBKeyRange.bound([id, -Infinity], [id, Infinity])

export function createIdbStore(db: TapedeckDatabase): RecordStore {
  return {
    kind: 'indexeddb',

    async append(sessionId, apply) {
      // One transaction reads the session, assigns seq and writes the chunk. Nothing else is
      // awaited inside it: IndexedDB commits a transaction as soon as it has nothing to do.
      const tx = db.transaction(['sessions', 'chunks', 'chunkData'], 'readwrite', { durability: 'relaxed' })
      const sessions = tx.objectStore('sessions')
      let applied
      try {
        applied = apply(await sessions.get(sessionId))
      } catch (error) {
        tx.abort()
        await tx.done.catch(() => {})
        throw error
      }
      const writes: Promise<unknown>[] = [sessions.put(applied.session), tx.done]
      if (applied.chunk) {
        const { bytes, ...chunk } = applied.chunk
        writes.push(tx.objectStore('chunks').put(chunk), tx.objectStore('chunkData').put(bytes, [chunk.sessionId, chunk.firstSeq]))
      }
      await Promise.all(writes)
      return applied
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

    async deleteSession(id) {
      const tx = db.transaction(['sessions', 'chunks', 'chunkData', 'blobs'], 'readwrite')
      await Promise.all([
        tx.objectStore('sessions').delete(id),
        tx.objectStore('chunks').delete(sessionRange(id)),
        tx.objectStore('chunkData').delete(sessionRange(id)),
        tx.objectStore('blobs').delete(IDBKeyRange.bound([id, '', -Infinity], [id, '\uffff', Infinity])),
        tx.done,
      ])
    },

    async evictSent(bytes) {
      const tx = db.transaction(['chunks', 'chunkData'], 'readwrite')
      const data = tx.objectStore('chunkData')
      let freed = 0
      let cursor = await tx.objectStore('chunks').index('by-state').openCursor(stateRange('sent'))
      while (cursor && freed < bytes) {
        freed += cursor.value.size
        await Promise.all([data.delete([cursor.value.sessionId, cursor.value.firstSeq]), cursor.delete()])
        cursor = await cursor.continue()
      }
      await tx.done
      return freed
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
        if (!chunk) continue
        const settled: ChunkRecord =
          outcome.state === 'sent'
            ? { ...chunk, state: 'sent', attempts: chunk.attempts + 1, settledAt: now }
            : { ...chunk, state: outcome.state, attempts: chunk.attempts + 1, lastError: outcome.error }
        if (outcome.state === 'dead') settled.settledAt = now
        await chunks.put(settled)
      }
      if (outcome.state === 'sent') {
        const session = await tx.objectStore('sessions').get(sessionId)
        if (session) {
          const syncedSeq = advanceSyncedSeq(session.syncedSeq ?? -1, await chunks.getAll(sessionRange(sessionId)))
          if (syncedSeq !== session.syncedSeq) await tx.objectStore('sessions').put({ ...session, syncedSeq })
        }
      }
      await tx.done
    },

    async outboxSummary() {
      const index = db.transaction('chunks').store.index('by-state')
      const [pending, dead] = await Promise.all([index.getAll(stateRange('pending')), index.getAll(stateRange('dead'))])
      return summarize([...pending, ...dead])
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
        await Promise.all([data.delete([cursor.value.sessionId, cursor.value.firstSeq]), cursor.delete()])
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

    async hasBatch(sessionId, batchId) {
      return (await db.getAll('chunks', sessionRange(sessionId))).some((chunk) => chunk.batchId === batchId)
    },

    getMeta: async <T>(key: string) => (await db.get('meta', key)) as T | undefined,

    async setMeta(key, value) {
      await db.put('meta', value, key)
    },

    close: () => db.close(),
  }
}

const stateRange = (state: ChunkState) => IDBKeyRange.bound([state, -Infinity], [state, Infinity])
