import { openDB, type IDBPDatabase } from 'idb'
import type { RecordStore } from './RecordStore'
import { DB_VERSION, type TapedeckDB } from './schema'

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
      let cursor = await tx.objectStore('chunks').index('by-state').openCursor(IDBKeyRange.bound(['sent', -Infinity], ['sent', Infinity]))
      while (cursor && freed < bytes) {
        freed += cursor.value.size
        await Promise.all([data.delete([cursor.value.sessionId, cursor.value.firstSeq]), cursor.delete()])
        cursor = await cursor.continue()
      }
      await tx.done
      return freed
    },

    close: () => db.close(),
  }
}
