import { emptySummary, foldEvents, type SessionSummary } from '../summary/sessionSummary.js'
import { describeSession } from '../summary/describeSession.js'
import { toRanges } from '../summary/seqRanges.js'
import { eventSlices } from './eventSlices.js'
import { foldCalls } from '../stats/callFacts.js'
import { scanStats } from '../stats/scanStats.js'
import { scanMatching, scanSessions, type ScanSource } from './scanSessions.js'
import type { ReviewAnnotation, SessionHold } from '@tapedeck/core'
import type { BlobPart, EraseReport, EraseResult, SessionStore, ShareRecord, WireEvent } from './SessionStore.js'

interface MemorySession {
  summary: SessionSummary
  keys: Set<string>
  events: Map<number, WireEvent>
}

/** A store in memory, for tests and embedding: gone when the process ends. Values are copied in and out. */
export function createMemoryStore(): SessionStore {
  const sessions = new Map<string, MemorySession>()
  const blobs = new Map<string, Map<string, BlobPart>>()
  const holds = new Map<string, SessionHold>()
  const annotations = new Map<string, ReviewAnnotation[]>()
  const shares = new Map<string, ShareRecord[]>()
  /** Linked stream → its parent session. */
  const parents = new Map<string, string>()
  /** Last stored write per session (events or blobs), epoch ms. */
  const lastWrite = new Map<string, number>()

  const exists = (id: string) => sessions.has(id) || blobs.has(id)
  const wrote = (id: string, at: number) => lastWrite.set(id, Math.max(lastWrite.get(id) ?? at, at))

  function erase(id: string): EraseResult {
    if (holds.has(id)) return 'held'
    const hadEvents = sessions.delete(id)
    const hadBlobs = blobs.delete(id)
    lastWrite.delete(id)
    parents.delete(id)
    annotations.delete(id)
    shares.delete(id)
    return hadEvents || hadBlobs ? 'erased' : 'not_found'
  }

  function eraseAll(ids: Iterable<string>): EraseReport {
    const report: EraseReport = { erased: [], held: [] }
    for (const id of ids) {
      const result = erase(id)
      if (result !== 'not_found') report[result].push(id)
    }
    return report
  }

  async function* readEvents(sessionId: string, fromSeq = 0): AsyncGenerator<WireEvent> {
    const stored = sessions.get(sessionId)?.events ?? new Map<number, WireEvent>()
    const seqs = [...stored.keys()].filter((seq) => seq >= fromSeq).sort((a, b) => a - b)
    for (const seq of seqs) {
      const event = stored.get(seq)
      if (event) yield structuredClone(event)
    }
  }

  const scan: ScanSource = {
    summaries: async () => [...sessions.values()].map((session) => session.summary),
    annotations: async (id) => annotations.get(id) ?? [],
    events: (id) => readEvents(id),
  }

  return {
    async putBatch({ sessionId, key, events: slices }, receivedAt = Date.now()) {
      if (sessions.get(sessionId)?.keys.has(key)) return { status: 'duplicate', stored: 0, skipped: [] }
      // All of it first: a refusal late in the batch (the iteration throws) stores nothing.
      const events: WireEvent[] = []
      for await (const slice of eventSlices(slices)) events.push(...slice)
      const session = sessions.get(sessionId) ?? { summary: emptySummary(sessionId), keys: new Set<string>(), events: new Map<number, WireEvent>() }
      if (session.keys.has(key)) return { status: 'duplicate', stored: 0, skipped: [] }
      const stored = session.events
      const fresh = events.filter((event) => !stored.has(event.seq))
      const skipped = events.filter((event) => stored.has(event.seq)).map((event) => event.seq)
      session.summary = foldEvents(session.summary, fresh)
      sessions.set(sessionId, session)
      session.keys.add(key)
      wrote(sessionId, receivedAt)
      for (const event of fresh) stored.set(event.seq, structuredClone(event))
      return { status: 'stored', stored: fresh.length, skipped: toRanges(skipped) }
    },

    async putBlob(blob, receivedAt = Date.now()) {
      const parts = blobs.get(blob.sessionId) ?? new Map<string, BlobPart>()
      blobs.set(blob.sessionId, parts)
      const name = `${blob.blobId}/${blob.part}`
      if (parts.has(name)) return 'duplicate'
      parts.set(name, { ...blob, bytes: blob.bytes.slice() })
      wrote(blob.sessionId, receivedAt)
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
      const { page, next, ...total } = await scanSessions(scan, filter)
      const described = page.map(({ summary, match }) => ({ ...describeSession(summary, copy(holds.get(summary.id))), ...(match && { match }) }))
      return { sessions: described, next, ...total }
    },

    async sessionStats(query) {
      const matching = await scanMatching(scan, query)
      const withCalls = []
      for (const { summary } of matching) withCalls.push({ summary, calls: await foldCalls(readEvents(summary.id)) })
      return scanStats(withCalls, query)
    },

    async listAnnotations(sessionId) {
      return sessions.has(sessionId) ? structuredClone(annotations.get(sessionId) ?? []) : null
    },

    async addAnnotation(annotation, max) {
      if (!sessions.has(annotation.sessionId)) return 'session_not_found'
      const list = annotations.get(annotation.sessionId) ?? []
      if (list.length >= max) return 'too_many'
      annotations.set(annotation.sessionId, [...list, structuredClone(annotation)])
      return 'added'
    },

    async updateAnnotation(sessionId, annotationId, patch) {
      const found = annotations.get(sessionId)?.find((a) => a.id === annotationId)
      if (!found) return null
      Object.assign(found, structuredClone(patch))
      return structuredClone(found)
    },

    async deleteAnnotation(sessionId, annotationId) {
      const list = annotations.get(sessionId) ?? []
      const kept = list.filter((a) => a.id !== annotationId)
      if (kept.length === list.length) return false
      annotations.set(sessionId, kept)
      return true
    },

    async addShare(share, max, now) {
      if (!sessions.has(share.sessionId)) return 'session_not_found'
      const list = shares.get(share.sessionId) ?? []
      if (list.filter((s) => s.expiresAt > now).length >= max) return 'too_many'
      shares.set(share.sessionId, [...list, { ...share }])
      return 'added'
    },

    async getShare(sessionId, shareId) {
      const found = shares.get(sessionId)?.find((s) => s.id === shareId)
      return found ? { ...found } : null
    },

    async listShares(sessionId) {
      return (shares.get(sessionId) ?? []).map((s) => ({ ...s }))
    },

    async deleteShare(sessionId, shareId) {
      const list = shares.get(sessionId) ?? []
      const kept = list.filter((s) => s.id !== shareId)
      if (kept.length === list.length) return false
      shares.set(sessionId, kept)
      return true
    },

    async linkStream(streamId, parentId) {
      const known = parents.get(streamId)
      if (known !== undefined && known !== parentId) return 'conflict'
      parents.set(streamId, parentId)
      return 'linked'
    },

    async linkedStreams(parentId) {
      return [...parents].filter(([, parent]) => parent === parentId).map(([stream]) => stream).sort()
    },

    async getSession(sessionId) {
      const session = sessions.get(sessionId)
      return session ? describeSession(session.summary, copy(holds.get(sessionId))) : null
    },

    readEvents(sessionId, { fromSeq = 0 } = {}) {
      return readEvents(sessionId, fromSeq)
    },

    async deleteSession(sessionId) {
      return erase(sessionId)
    },

    async deleteUser(userId) {
      return eraseAll([...sessions.values()].filter((s) => s.summary.metadata?.userId === userId).map((s) => s.summary.id))
    },

    async getHold(sessionId) {
      return copy(holds.get(sessionId))
    },

    async setHold(sessionId, hold) {
      if (!exists(sessionId)) return false
      if (hold) holds.set(sessionId, { ...hold })
      else holds.delete(sessionId)
      return true
    },

    async purgeInactive(before) {
      return eraseAll([...lastWrite].filter(([, at]) => at < before).map(([id]) => id))
    },

    async close() {},
  }
}

function copy(hold: SessionHold | undefined): SessionHold | null {
  return hold ? { ...hold } : null
}
