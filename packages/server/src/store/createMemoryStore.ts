import { emptySummary, foldEvents, type SessionSummary } from '../summary/sessionSummary.js'
import { describeSession } from '../summary/describeSession.js'
import { toRanges } from '../summary/seqRanges.js'
import { pageSessions } from './pageSessions.js'
import type { BlobPart, SessionStore, WireEvent } from './SessionStore.js'

interface MemorySession {
  summary: SessionSummary
  keys: Set<string>
  events: Map<number, WireEvent>
}

/** A store in memory, for tests and embedding: gone when the process ends. Values are copied in and out. */
export function createMemoryStore(): SessionStore {
  const sessions = new Map<string, MemorySession>()
  const blobs = new Map<string, Map<string, BlobPart>>()

  async function deleteSession(sessionId: string): Promise<boolean> {
    const hadEvents = sessions.delete(sessionId)
    const hadBlobs = blobs.delete(sessionId)
    return hadEvents || hadBlobs
  }

  return {
    async putBatch({ sessionId, key, events }) {
      let session = sessions.get(sessionId)
      if (!session) {
        session = { summary: emptySummary(sessionId), keys: new Set(), events: new Map() }
        sessions.set(sessionId, session)
      }
      if (session.keys.has(key)) return { status: 'duplicate', stored: 0, skipped: [] }
      session.keys.add(key)
      const stored = session.events
      const fresh = events.filter((event) => !stored.has(event.seq))
      const skipped = events.filter((event) => stored.has(event.seq)).map((event) => event.seq)
      for (const event of fresh) stored.set(event.seq, structuredClone(event))
      session.summary = foldEvents(session.summary, fresh)
      return { status: 'stored', stored: fresh.length, skipped: toRanges(skipped) }
    },

    async putBlob(blob) {
      const parts = blobs.get(blob.sessionId) ?? new Map<string, BlobPart>()
      blobs.set(blob.sessionId, parts)
      const name = `${blob.blobId}/${blob.part}`
      if (parts.has(name)) return 'duplicate'
      parts.set(name, { ...blob, bytes: blob.bytes.slice() })
      return 'stored'
    },

    async getBlob(sessionId, blobId, part) {
      const blob = blobs.get(sessionId)?.get(`${blobId}/${part}`)
      return blob ? { ...blob, bytes: blob.bytes.slice() } : null
    },

    async listBlobs(sessionId) {
      return [...(blobs.get(sessionId)?.values() ?? [])].map(({ blobId, part, contentType, bytes }) => ({
        blobId,
        part,
        contentType,
        size: bytes.length,
      }))
    },

    async listSessions(filter) {
      return pageSessions([...sessions.values()].map((session) => session.summary), filter)
    },

    async getSession(sessionId) {
      const session = sessions.get(sessionId)
      return session ? describeSession(session.summary) : null
    },

    async *readEvents(sessionId, { fromSeq = 0 } = {}) {
      const stored = sessions.get(sessionId)?.events ?? new Map<number, WireEvent>()
      const seqs = [...stored.keys()].filter((seq) => seq >= fromSeq).sort((a, b) => a - b)
      for (const seq of seqs) {
        const event = stored.get(seq)
        if (event) yield structuredClone(event)
      }
    },

    deleteSession,

    async deleteUser(userId) {
      const ids = [...sessions.values()].filter((s) => s.summary.metadata?.userId === userId).map((s) => s.summary.id)
      for (const id of ids) await deleteSession(id)
      return ids
    },

    async close() {},
  }
}
