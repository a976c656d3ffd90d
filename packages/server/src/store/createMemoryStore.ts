import { emptySummary, foldEvents, type SessionSummary } from '../summary/sessionSummary.js'
import { describeSession } from '../summary/describeSession.js'
import { toRanges } from '../summary/seqRanges.js'
import { eraseReport } from './eraseReport.js'
import { eventSlices } from './eventSlices.js'
import { addAnnotation, addShare, readList, removeById, updateAnnotation, type ListChange } from './listChanges.js'
import { scanCheckStats } from '../stats/checkStats.js'
import { scanStats } from '../stats/scanStats.js'
import { scanSessions, type ScanSource } from './scanSessions.js'
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

  const eraseAll = (ids: readonly string[]): EraseReport => eraseReport(ids.map((id): [string, EraseResult] => [id, erase(id)]))

  /** Applies a change to a session's list, copying what goes in and out; null when the session has no events. */
  function changeList<T, R>(lists: Map<string, T[]>, id: string, change: ListChange<T, R>): R | null {
    if (!sessions.has(id)) return null
    const { list, result } = change(lists.get(id) ?? [])
    if (list) lists.set(id, structuredClone(list))
    return structuredClone(result)
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
    isStream: async (id) => parents.has(id),
    hold: async (id) => copy(holds.get(id)),
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

    listSessions: (filter) => scanSessions(scan, filter),

    sessionStats: (query) => scanStats(scan, query),

    checkStats(query) {
      return scanCheckStats(this, query)
    },

    listAnnotations: async (sessionId) => changeList(annotations, sessionId, readList),
    addAnnotation: async (annotation, max) => changeList(annotations, annotation.sessionId, addAnnotation(annotation, max)) ?? 'session_not_found',
    updateAnnotation: async (sessionId, annotationId, patch) => changeList(annotations, sessionId, updateAnnotation(annotationId, patch)),
    deleteAnnotation: async (sessionId, annotationId) => changeList(annotations, sessionId, removeById(annotationId)) ?? false,
    addShare: async (share, max, now) => changeList(shares, share.sessionId, addShare(share, max, now)) ?? 'session_not_found',
    getShare: async (sessionId, shareId) => changeList(shares, sessionId, readList)?.find((s) => s.id === shareId) ?? null,
    listShares: async (sessionId) => changeList(shares, sessionId, readList) ?? [],
    deleteShare: async (sessionId, shareId) => changeList(shares, sessionId, removeById(shareId)) ?? false,

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
