import { randomUUID } from 'node:crypto'
import { mkdir, readdir, readFile, rename, rm, stat, utimes } from 'node:fs/promises'
import { join } from 'node:path'
import { assertId, isId } from '../ids.js'
import { describeSession } from '../summary/describeSession.js'
import { containsSeq, toRanges } from '../summary/seqRanges.js'
import { emptySummary, foldEvents, isRecord, type SessionSummary } from '../summary/sessionSummary.js'
import { batchFileName, keyHash, listBatchFiles, readBatchFile, readdirOrEmpty, type BatchFile } from './batchFiles.js'
import { createDurableFile, durableMkdir, durableWrite, isCode } from './durableWrite.js'
import { eventSlices } from './eventSlices.js'
import { createKeyedLock } from './keyedLock.js'
import { blobFileName, legacyBlobIds, sessionDirName, sessionIdOfDir } from './fileNames.js'
import { LruCache } from './LruCache.js'
import { foldCalls } from '../stats/callFacts.js'
import { scanStats } from '../stats/scanStats.js'
import { readJsonList } from './readJsonList.js'
import { scanMatching, scanSessions, type ScanSource } from './scanSessions.js'
import type { ReviewAnnotation, SessionHold } from '@tapedeck/core'
import type { BlobRef, EraseReport, EraseResult, SessionStore, ShareRecord, WireEvent } from './SessionStore.js'

export interface FileStoreOptions {
  /** The data folder; created when missing. One server process per folder. */
  dir: string
  /** Memory for cached summaries, holds and last-write times, least recently used dropped first. Default 32 MiB. */
  cacheBytes?: number
}

/** The layout of the data folder this version writes (fileNames.ts). */
const LAYOUT = 2

/** What a cached hold or last-write time is counted as, beyond its text. */
const ENTRY_BYTES = 64

interface SavedSummary {
  format: 2
  /** How many batch files it folds: when the folder holds another number, it is rebuilt. */
  batches: number
  summary: SessionSummary
}

/**
 * The default store: plain files, no setup, append-only and crash-safe.
 *
 *     {dir}/sessions/{session}/batches/{first}-{last}-{keyHash}.ndjson   one file per batch, never changed
 *     {dir}/sessions/{session}/blobs/{blob}.blob                        a JSON header line (content type, ids), then the bytes
 *     {dir}/sessions/{session}/summary.json                             a cache, rebuilt from the batches
 *     {dir}/sessions/{session}/hold.json                                a legal hold, while there is one
 *     {dir}/sessions/{session}/annotations.json                         review annotations, rewritten whole
 *     {dir}/sessions/{session}/shares.json                              share links (token hashes), rewritten whole
 *     {dir}/sessions/{session}/parent.json                              a linked stream's parent: {"parent": id}
 *     {dir}/links/{parent}/{session}                                    an empty file per stream linked to {parent}
 *     {dir}/tmp/                                                        writes in progress, cleared on start
 *     {dir}/layout.json                                                 {"layout":2}
 *
 * {session} and {blob} are derived from the ids (fileNames.ts): safe on every platform for
 * every valid id. A folder of layout 1 (named by the ids alone) is renamed on start, once.
 *
 * Every file is written to tmp/, fsynced and renamed into place, so a crash leaves a
 * file either complete or absent. Writes to one session are serialised in the process.
 * A session's last write, for retention, is the newest mtime of its batch and blob files:
 * each is set to the time the write was received.
 */
export function createFileStore({ dir, cacheBytes = 32 * 1024 * 1024 }: FileStoreOptions): SessionStore {
  const sessionsDir = join(dir, 'sessions')
  const tmpDir = join(dir, 'tmp')
  const withLock = createKeyedLock()
  // One process per folder, so these caches cannot go stale; erasing a session clears its entries.
  // Each is bounded (by bytes, least recently used dropped): a dropped entry is read from disk again.
  // Only holds that exist are cached, so asking about unknown ids cannot grow that one.
  const summaries = new LruCache<SessionSummary>(cacheBytes * 0.9)
  const holds = new LruCache<SessionHold>(cacheBytes * 0.05)
  const lastWrites = new LruCache<number | null>(cacheBytes * 0.05)
  const cacheSummary = (id: string, summary: SessionSummary, bytes: number) => summaries.set(id, summary, bytes * 2)
  const cacheHold = (id: string, hold: SessionHold) => holds.set(id, hold, ENTRY_BYTES + (id.length + hold.reason.length) * 2)
  const cacheLastWrite = (id: string, at: number | null) => lastWrites.set(id, at, ENTRY_BYTES + id.length * 2)
  let ready: Promise<void> | undefined
  const start = () =>
    (ready ??= (async () => {
      await rm(tmpDir, { recursive: true, force: true })
      await mkdir(tmpDir, { recursive: true })
      await durableMkdir(sessionsDir)
      if ((await readLayout()) < LAYOUT) {
        await migrateFromLayout1()
        await durableWrite(join(dir, 'layout.json'), JSON.stringify({ layout: LAYOUT }), tmpDir)
      }
    })())

  const sessionDir = (id: string) => join(sessionsDir, sessionDirName(assertId(id, 'sessionId')))
  const batchesDir = (id: string) => join(sessionDir(id), 'batches')
  const blobsDir = (id: string) => join(sessionDir(id), 'blobs')
  const blobPath = (id: string, blobId: string, part: string) => join(blobsDir(id), blobFileName(assertId(blobId, 'blobId'), assertId(part, 'part')))
  const holdPath = (id: string) => join(sessionDir(id), 'hold.json')
  const annotationsPath = (id: string) => join(sessionDir(id), 'annotations.json')
  const sharesPath = (id: string) => join(sessionDir(id), 'shares.json')
  const parentPath = (id: string) => join(sessionDir(id), 'parent.json')
  // Outside the parent's folder: the links outlive an erased parent until its streams are erased.
  const linksDir = (parentId: string) => join(dir, 'links', sessionDirName(assertId(parentId, 'parentId')))

  /** The parent a stream is linked to, or null. */
  async function loadParent(id: string): Promise<string | null> {
    try {
      const parent = (JSON.parse(await readFile(parentPath(id), 'utf8')) as { parent?: unknown }).parent
      return typeof parent === 'string' && isId(parent) ? parent : null
    } catch (error) {
      if (isCode(error, 'ENOENT')) return null
      throw error
    }
  }

  /** The session's summary, from memory, summary.json or the batches; null when it has no batch. Call under the lock. */
  async function loadSummary(id: string, batches?: BatchFile[]): Promise<SessionSummary | null> {
    const cached = summaries.get(id)
    if (cached) return cached
    batches ??= await listBatchFiles(batchesDir(id))
    if (batches.length === 0) return null
    const saved = await readSavedSummary(id, batches.length)
    if (saved) {
      cacheSummary(id, saved.summary, saved.bytes)
      return saved.summary
    }
    let summary = emptySummary(id)
    for (const batch of batches) summary = foldEvents(summary, await readBatchFile(join(batchesDir(id), batch.name)))
    await saveSummary(id, summary, batches.length)
    return summary
  }

  async function readSavedSummary(id: string, batches: number): Promise<{ summary: SessionSummary; bytes: number } | null> {
    try {
      const text = await readFile(join(sessionDir(id), 'summary.json'), 'utf8')
      const saved = JSON.parse(text) as SavedSummary
      const fits = saved.format === 2 && saved.batches === batches && saved.summary.id === id
      return fits && Array.isArray(saved.summary.received) ? { summary: saved.summary, bytes: text.length } : null
    } catch {
      return null
    }
  }

  /** Writes summary.json and caches the summary. */
  async function saveSummary(id: string, summary: SessionSummary, batches: number): Promise<void> {
    const saved: SavedSummary = { format: 2, batches, summary }
    const text = JSON.stringify(saved)
    await durableWrite(join(sessionDir(id), 'summary.json'), text, tmpDir, false)
    cacheSummary(id, summary, text.length)
  }

  async function sessionIds(): Promise<string[]> {
    await start()
    return (await readdir(sessionsDir)).map(sessionIdOfDir).filter((id) => id !== null)
  }

  async function readLayout(): Promise<number> {
    try {
      const saved: unknown = JSON.parse(await readFile(join(dir, 'layout.json'), 'utf8'))
      return isRecord(saved) && typeof saved.layout === 'number' ? saved.layout : 1
    } catch (error) {
      if (isCode(error, 'ENOENT')) return 1
      throw error
    }
  }

  /**
   * Layout 1 named session folders and blob files by the ids alone. Renames each folder and
   * rewrites each blob file (its ids go into its header), keeping mtimes, which retention reads.
   * Safe to run again after a crash: what is already renamed is left alone.
   */
  async function migrateFromLayout1(): Promise<void> {
    for (const name of await readdir(sessionsDir)) {
      let folder = name
      if (sessionIdOfDir(name) === null) {
        if (!isId(name)) continue
        folder = sessionDirName(name)
        await rename(join(sessionsDir, name), join(sessionsDir, folder))
      }
      const blobs = join(sessionsDir, folder, 'blobs')
      for (const file of await readdirOrEmpty(blobs)) {
        const ids = legacyBlobIds(file)
        const blob = ids && (await readBlobFile(join(blobs, file)))
        if (!ids) continue
        if (blob) {
          const target = join(blobs, blobFileName(ids.blobId, ids.part))
          const { mtime } = await stat(join(blobs, file))
          await durableWrite(target, blobFileData({ ...ids, contentType: blob.contentType }, blob.bytes), tmpDir)
          await utimes(target, mtime, mtime)
        }
        await rm(join(blobs, file), { force: true })
      }
    }
  }

  async function loadHold(id: string): Promise<SessionHold | null> {
    const cached = holds.get(id)
    if (cached) return cached
    let text: string
    try {
      text = await readFile(holdPath(id), 'utf8')
    } catch (error) {
      if (isCode(error, 'ENOENT')) return null
      throw error
    }
    const hold = parseHold(text)
    cacheHold(id, hold)
    return hold
  }

  /** Paths of the session's committed batch and blob files. */
  async function dataFiles(id: string): Promise<string[]> {
    const batches = (await listBatchFiles(batchesDir(id))).map((batch) => join(batchesDir(id), batch.name))
    const blobs = (await readdirOrEmpty(blobsDir(id))).filter((name) => name.endsWith('.blob')).map((name) => join(blobsDir(id), name))
    return [...batches, ...blobs]
  }

  /** The newest mtime of the session's data files; null when it has none. Call under the lock. */
  async function loadLastWrite(id: string): Promise<number | null> {
    const cached = lastWrites.get(id)
    if (cached !== undefined) return cached
    let newest: number | null = null
    for (const path of await dataFiles(id)) {
      try {
        const mtime = Math.round((await stat(path)).mtimeMs)
        newest = newest === null ? mtime : Math.max(newest, mtime)
      } catch (error) {
        if (!isCode(error, 'ENOENT')) throw error
      }
    }
    cacheLastWrite(id, newest)
    return newest
  }

  /** Stamps a new data file with the time its write was received. Call under the lock. */
  async function stampWrite(id: string, path: string, receivedAt: number): Promise<void> {
    const at = new Date(receivedAt)
    await utimes(path, at, at)
    const known = lastWrites.get(id)
    if (known !== undefined) cacheLastWrite(id, known === null ? receivedAt : Math.max(known, receivedAt))
  }

  /** Moves the session folder out of sight in one rename, then deletes it. Call under the lock. */
  async function eraseLocked(id: string): Promise<EraseResult> {
    if (await loadHold(id)) return 'held'
    const parent = await loadParent(id)
    summaries.delete(id)
    holds.delete(id)
    lastWrites.delete(id)
    const trash = join(tmpDir, `${randomUUID()}.deleted`)
    try {
      await rename(sessionDir(id), trash)
    } catch (error) {
      if (isCode(error, 'ENOENT')) return 'not_found'
      throw error
    }
    await rm(trash, { recursive: true, force: true })
    if (parent !== null) await rm(join(linksDir(parent), sessionDirName(id)), { force: true })
    return 'erased'
  }

  /** Erases each session for which `select` (run under its lock) says so. */
  async function eraseWhere(select: (id: string) => Promise<boolean>): Promise<EraseReport> {
    const report: EraseReport = { erased: [], held: [] }
    for (const id of await sessionIds()) {
      const result = await withLock(id, async () => ((await select(id)) ? eraseLocked(id) : 'not_found'))
      if (result !== 'not_found') report[result].push(id)
    }
    return report
  }

  async function allSummaries(): Promise<SessionSummary[]> {
    const loaded: SessionSummary[] = []
    for (const id of await sessionIds()) {
      const summary = await withLock(id, () => loadSummary(id))
      if (summary) loaded.push(summary)
    }
    return loaded
  }

  const annotationsOf = (id: string) => readJsonList<ReviewAnnotation>(annotationsPath(id))

  /** Rewrites a session's annotations or shares under its lock; null when the session has no events. */
  async function changeList<T, R>(id: string, path: string, change: (list: T[]) => { list?: T[]; result: R }): Promise<R | null> {
    assertId(id, 'sessionId')
    await start()
    return withLock(id, async () => {
      if (!(await loadSummary(id))) return null
      const { list, result } = change(await readJsonList<T>(path))
      if (list) await durableWrite(path, JSON.stringify(list), tmpDir)
      return result
    })
  }

  async function listShares(id: string): Promise<ShareRecord[]> {
    return (await changeList<ShareRecord, ShareRecord[]>(id, sharesPath(id), (list) => ({ result: list }))) ?? []
  }

  const scan: ScanSource = {
    summaries: allSummaries,
    annotations: (id) => withLock(id, () => annotationsOf(id)),
    events: (id) => readEventsOf(id, 0),
  }

  async function* readEventsOf(sessionId: string, fromSeq: number): AsyncGenerator<WireEvent> {
    const dir = batchesDir(sessionId)
    await start()
    const batches = (await listBatchFiles(dir)).filter((batch) => batch.last >= fromSeq)
    // Files are sorted by first seq and hold disjoint seqs: whatever is below the next
    // file's first seq is final. Usually `pending` is one batch.
    let pending: WireEvent[] = []
    for (const [index, batch] of batches.entries()) {
      const events = (await readBatchFile(join(dir, batch.name))).filter((event) => event.seq >= fromSeq)
      pending = mergeBySeq(pending, events)
      const next = batches[index + 1]?.first ?? Number.POSITIVE_INFINITY
      const cut = pending.findIndex((event) => event.seq >= next)
      yield* cut === -1 ? pending : pending.slice(0, cut)
      pending = cut === -1 ? [] : pending.slice(cut)
    }
  }

  return {
    async putBatch({ sessionId, key, firstSeq, lastSeq, events }, receivedAt = Date.now()) {
      const dir = batchesDir(sessionId)
      await start()
      return withLock(sessionId, async () => {
        const batches = await listBatchFiles(dir)
        const hash = keyHash(key)
        if (batches.some((batch) => batch.keyHash === hash)) return { status: 'duplicate', stored: 0, skipped: [] }
        let summary = (await loadSummary(sessionId, batches)) ?? emptySummary(sessionId)
        const skipped: number[] = []
        let first: number | undefined
        let last: number | undefined
        let stored = 0
        // Slice by slice into a temp file: a batch is never in memory whole, and a refusal late
        // in the body (the iteration throws) discards the file, storing nothing.
        const file = await createDurableFile(tmpDir)
        try {
          for await (const slice of eventSlices(events)) {
            const fresh: WireEvent[] = []
            for (const event of slice) {
              if (containsSeq(summary.received, event.seq)) skipped.push(event.seq)
              else fresh.push(event)
            }
            if (fresh.length === 0) continue
            summary = foldEvents(summary, fresh)
            first ??= fresh[0]!.seq
            last = fresh.at(-1)!.seq
            stored += fresh.length
            await file.write(fresh.map((event) => `${JSON.stringify(event)}\n`).join(''))
          }
          await durableMkdir(dir)
        } catch (error) {
          await file.discard()
          throw error
        }
        const name = batchFileName(first ?? firstSeq, last ?? lastSeq, hash)
        await file.commit(join(dir, name))
        await stampWrite(sessionId, join(dir, name), receivedAt)
        await saveSummary(sessionId, summary, batches.length + 1)
        return { status: 'stored', stored, skipped: toRanges(skipped) }
      })
    },

    async putBlob({ sessionId, blobId, part, contentType, bytes }, receivedAt = Date.now()) {
      const path = blobPath(sessionId, blobId, part)
      await start()
      return withLock(sessionId, async () => {
        if (await readBlobFile(path)) return 'duplicate'
        await durableMkdir(blobsDir(sessionId))
        await durableWrite(path, blobFileData({ contentType, blobId, part }, bytes), tmpDir)
        await stampWrite(sessionId, path, receivedAt)
        return 'stored'
      })
    },

    async getBlob(sessionId, blobId, part) {
      const blob = await readBlobFile(blobPath(sessionId, blobId, part))
      return blob && blob.blobId === blobId && blob.part === part ? { sessionId, blobId, part, contentType: blob.contentType, bytes: blob.bytes } : null
    },

    async listBlobs(sessionId) {
      const dir = blobsDir(sessionId)
      const names = await readdirOrEmpty(dir)
      const refs: BlobRef[] = []
      for (const name of names) {
        const blob = name.endsWith('.blob') ? await readBlobFile(join(dir, name)) : null
        if (blob?.blobId !== undefined && blob.part !== undefined) refs.push({ blobId: blob.blobId, part: blob.part, contentType: blob.contentType, size: blob.bytes.length })
      }
      return refs.sort((a, b) => (a.blobId < b.blobId ? -1 : a.blobId > b.blobId ? 1 : a.part < b.part ? -1 : a.part > b.part ? 1 : 0))
    },

    async listSessions(filter) {
      const { page, next, ...total } = await scanSessions(scan, filter)
      const sessions = []
      for (const { summary, match } of page) {
        sessions.push({ ...describeSession(summary, await withLock(summary.id, () => loadHold(summary.id))), ...(match && { match }) })
      }
      return { sessions, next, ...total }
    },

    async sessionStats(query) {
      const withCalls = []
      for (const { summary } of await scanMatching(scan, query)) withCalls.push({ summary, calls: await foldCalls(readEventsOf(summary.id, 0)) })
      return scanStats(withCalls, query)
    },

    async listAnnotations(sessionId) {
      return changeList<ReviewAnnotation, ReviewAnnotation[]>(sessionId, annotationsPath(sessionId), (list) => ({ result: list }))
    },

    async addAnnotation(annotation, max) {
      const result = await changeList<ReviewAnnotation, 'added' | 'too_many'>(annotation.sessionId, annotationsPath(annotation.sessionId), (list) =>
        list.length >= max ? { result: 'too_many' } : { list: [...list, annotation], result: 'added' },
      )
      return result ?? 'session_not_found'
    },

    async updateAnnotation(sessionId, annotationId, patch) {
      const result = await changeList<ReviewAnnotation, ReviewAnnotation | null>(sessionId, annotationsPath(sessionId), (list) => {
        const index = list.findIndex((a) => a.id === annotationId)
        if (index === -1) return { result: null }
        const changed = { ...list[index]!, ...patch }
        return { list: list.map((a, i) => (i === index ? changed : a)), result: changed }
      })
      return result ?? null
    },

    async deleteAnnotation(sessionId, annotationId) {
      const result = await changeList<ReviewAnnotation, boolean>(sessionId, annotationsPath(sessionId), (list) => {
        const kept = list.filter((a) => a.id !== annotationId)
        return kept.length === list.length ? { result: false } : { list: kept, result: true }
      })
      return result ?? false
    },

    async addShare(share, max, now) {
      const result = await changeList<ShareRecord, 'added' | 'too_many'>(share.sessionId, sharesPath(share.sessionId), (list) =>
        list.filter((s) => s.expiresAt > now).length >= max ? { result: 'too_many' } : { list: [...list, share], result: 'added' },
      )
      return result ?? 'session_not_found'
    },

    async getShare(sessionId, shareId) {
      return (await listShares(sessionId)).find((s) => s.id === shareId) ?? null
    },

    listShares,

    async deleteShare(sessionId, shareId) {
      const result = await changeList<ShareRecord, boolean>(sessionId, sharesPath(sessionId), (list) => {
        const kept = list.filter((s) => s.id !== shareId)
        return kept.length === list.length ? { result: false } : { list: kept, result: true }
      })
      return result ?? false
    },

    async getSession(sessionId) {
      assertId(sessionId, 'sessionId')
      await start()
      return withLock(sessionId, async () => {
        const summary = await loadSummary(sessionId)
        return summary && describeSession(summary, await loadHold(sessionId))
      })
    },

    readEvents(sessionId, { fromSeq = 0 } = {}) {
      return readEventsOf(sessionId, fromSeq)
    },

    async linkStream(streamId, parentId) {
      assertId(streamId, 'sessionId')
      await start()
      return withLock(streamId, async () => {
        const known = await loadParent(streamId)
        if (known !== null) return known === parentId ? 'linked' : 'conflict'
        // The link first, then the stream's note of it: a crash between the two leaves a link that the next call completes.
        await durableMkdir(linksDir(parentId))
        await durableWrite(join(linksDir(parentId), sessionDirName(streamId)), '', tmpDir)
        await durableMkdir(sessionDir(streamId))
        await durableWrite(parentPath(streamId), JSON.stringify({ parent: parentId }), tmpDir)
        return 'linked'
      })
    },

    async linkedStreams(parentId) {
      await start()
      const names = await readdirOrEmpty(linksDir(parentId))
      return names.map(sessionIdOfDir).filter((id) => id !== null).sort()
    },

    async deleteSession(sessionId) {
      assertId(sessionId, 'sessionId')
      await start()
      return withLock(sessionId, () => eraseLocked(sessionId))
    },

    async deleteUser(userId) {
      return eraseWhere(async (id) => (await loadSummary(id))?.metadata?.userId === userId)
    },

    async getHold(sessionId) {
      assertId(sessionId, 'sessionId')
      await start()
      return withLock(sessionId, () => loadHold(sessionId))
    },

    async setHold(sessionId, hold) {
      assertId(sessionId, 'sessionId')
      await start()
      return withLock(sessionId, async () => {
        if ((await dataFiles(sessionId)).length === 0) return false
        if (hold) {
          await durableWrite(holdPath(sessionId), JSON.stringify({ reason: hold.reason, since: hold.since }), tmpDir)
        } else {
          // Not fsynced: after a crash the hold may come back, which errs on keeping the data.
          await rm(holdPath(sessionId), { force: true })
        }
        if (hold) cacheHold(sessionId, { ...hold })
        else holds.delete(sessionId)
        return true
      })
    },

    async purgeInactive(before) {
      return eraseWhere(async (id) => {
        const lastWrite = await loadLastWrite(id)
        return lastWrite !== null && lastWrite < before
      })
    },

    async close() {},
  }
}

interface BlobHeader {
  contentType: string
  blobId?: string
  part?: string
}

/** A blob file: its header as one JSON line, then the bytes. */
function blobFileData(header: BlobHeader, bytes: Uint8Array): Uint8Array {
  const head = new TextEncoder().encode(`${JSON.stringify(header)}\n`)
  const data = new Uint8Array(head.length + bytes.length)
  data.set(head)
  data.set(bytes, head.length)
  return data
}

/** A blob file's header and bytes; null when absent or not one. Files of layout 1 have no ids in their header. */
async function readBlobFile(path: string): Promise<(BlobHeader & { bytes: Uint8Array }) | null> {
  let data: Uint8Array
  try {
    data = await readFile(path)
  } catch (error) {
    if (isCode(error, 'ENOENT')) return null
    throw error
  }
  const newline = data.indexOf(0x0a)
  try {
    const header: unknown = JSON.parse(new TextDecoder().decode(data.subarray(0, newline)))
    if (newline === -1 || !isRecord(header) || typeof header.contentType !== 'string') return null
    const ids = typeof header.blobId === 'string' && typeof header.part === 'string' ? { blobId: header.blobId, part: header.part } : {}
    return { contentType: header.contentType, ...ids, bytes: data.subarray(newline + 1) }
  } catch {
    return null
  }
}

/** A hold file that exists but does not parse still holds: keeping data is the safe side. */
function parseHold(text: string): SessionHold {
  try {
    const saved: unknown = JSON.parse(text)
    if (isRecord(saved) && typeof saved.reason === 'string' && typeof saved.since === 'number') return { reason: saved.reason, since: saved.since }
  } catch {
    // falls through
  }
  return { reason: 'hold.json is damaged; release and place the hold again', since: 0 }
}

function mergeBySeq(a: readonly WireEvent[], b: readonly WireEvent[]): WireEvent[] {
  if (a.length === 0) return [...b]
  const merged: WireEvent[] = []
  let i = 0
  let j = 0
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && a[i]!.seq < b[j]!.seq)) merged.push(a[i++]!)
    else merged.push(b[j++]!)
  }
  return merged
}
