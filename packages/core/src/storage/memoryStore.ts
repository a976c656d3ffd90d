import type { RecordStore } from './RecordStore'
import type { SessionRecord, StoredChunk } from './schema'

/** The store of last resort, when IndexedDB cannot be used: same behaviour, nothing durable. */
export function createMemoryStore(): RecordStore {
  const sessions = new Map<string, SessionRecord>()
  const chunks = new Map<string, StoredChunk[]>()

  return {
    kind: 'memory',

    async append(sessionId, apply) {
      const applied = apply(sessions.get(sessionId))
      sessions.set(sessionId, applied.session)
      if (applied.chunk) {
        const list = chunks.get(sessionId) ?? []
        list.push(applied.chunk)
        chunks.set(sessionId, list)
      }
      return applied
    },

    getSession: async (id) => sessions.get(id),

    listSessions: async () => [...sessions.values()],

    getChunks: async (sessionId, fromSeq = 0) => (chunks.get(sessionId) ?? []).filter((chunk) => chunk.lastSeq >= fromSeq),

    async deleteSession(id) {
      sessions.delete(id)
      chunks.delete(id)
    },

    async evictSent(bytes) {
      const sent = [...chunks.values()].flat().filter((chunk) => chunk.state === 'sent')
      sent.sort((a, b) => a.createdAt - b.createdAt)
      let freed = 0
      for (const chunk of sent) {
        if (freed >= bytes) break
        const list = chunks.get(chunk.sessionId)!
        list.splice(list.indexOf(chunk), 1)
        freed += chunk.size
      }
      return freed
    },

    close() {},
  }
}
