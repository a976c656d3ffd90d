import { mkdir, readdir, readFile, rm, stat, utimes } from 'node:fs/promises'
import { join } from 'node:path'
import type { SessionHold } from '@tapedeck/core'
import { assertId, isId } from '../ids.js'
import { isRecord } from '../summary/isRecord.js'
import { emptySummary, foldEvents, type SessionSummary } from '../summary/sessionSummary.js'
import { listBatchFiles, readBatchEvents, readBatchFile, readdirOrEmpty, type BatchFile } from './batchFiles.js'
import { durableMkdir, durableWrite, isCode } from './durableWrite.js'
import { blobFileName, sessionDirName, sessionIdOfDir } from './fileNames.js'
import { createKeyedLock } from './keyedLock.js'
import { LruCache } from './LruCache.js'
import { migrateFileLayout } from './migrateFileLayout.js'
import type { WireEvent } from './SessionStore.js'

/** What a cached hold or last-write time is counted as, beyond its text. */
const ENTRY_BYTES = 64

interface SavedSummary {
  format: 2
  /** How many batch files it folds: when the folder holds another number, it is rebuilt. */
  batches: number
  summary: SessionSummary
}

/**
 * The file store's data folder (its layout: createFileStore): the paths of a session's files,
 * the per-session lock, and what the store reads of a session, cached. "Call under the lock":
 * inside `withLock(id, …)` of that session.
 */
export interface SessionFolders {
  /** Temp files of writes in progress (durableWrite), on the folder's file system. */
  tmpDir: string
  /** Prepares the folder (clears tmp/, migrates an older layout) once; every operation awaits it first. */
  start(): Promise<void>
  /** Runs a task under the session's lock: writes to one session are serialised in the process. */
  withLock<T>(id: string, task: () => Promise<T>): Promise<T>
  sessionDir(id: string): string
  batchesDir(id: string): string
  blobsDir(id: string): string
  blobPath(id: string, blobId: string, part: string): string
  holdPath(id: string): string
  annotationsPath(id: string): string
  sharesPath(id: string): string
  parentPath(id: string): string
  /** Outside the parent's folder: the links outlive an erased parent until its streams are erased. */
  linksDir(parentId: string): string
  /** The ids of every session folder. */
  sessionIds(): Promise<string[]>
  /** The session's summary, from memory, summary.json or the batches; null when it has no batch. Call under the lock. */
  loadSummary(id: string, batches?: BatchFile[]): Promise<SessionSummary | null>
  /** Writes summary.json (folding `batches` batch files) and caches the summary. */
  saveSummary(id: string, summary: SessionSummary, batches: number): Promise<void>
  /** Every session's summary, each read under its lock. */
  allSummaries(): Promise<SessionSummary[]>
  loadHold(id: string): Promise<SessionHold | null>
  /** Records a hold just written (or removed, null) in the cache. */
  rememberHold(id: string, hold: SessionHold | null): void
  /** The parent a stream is linked to, or null. */
  loadParent(id: string): Promise<string | null>
  /** Paths of the session's committed batch and blob files. */
  dataFiles(id: string): Promise<string[]>
  /** The newest mtime of the session's data files; null when it has none. Call under the lock. */
  loadLastWrite(id: string): Promise<number | null>
  /** Stamps a new data file with the time its write was received. Call under the lock. */
  stampWrite(id: string, path: string, receivedAt: number): Promise<void>
  /** Drops what is cached of an erased session. */
  forget(id: string): void
  /** Stored events in seq order from `fromSeq`. */
  readEvents(id: string, fromSeq: number): AsyncGenerator<WireEvent>
}

/**
 * Opens a file store's data folder. One process per folder, so the caches cannot go stale;
 * erasing a session clears its entries. Each is bounded (by bytes, least recently used
 * dropped): a dropped entry is read from disk again. Only holds that exist are cached, so
 * asking about unknown ids cannot grow that one.
 */
export function createSessionFolders(dir: string, cacheBytes: number): SessionFolders {
  const sessionsDir = join(dir, 'sessions')
  const tmpDir = join(dir, 'tmp')
  const summaries = new LruCache<SessionSummary>(cacheBytes * 0.9)
  const holds = new LruCache<SessionHold>(cacheBytes * 0.05)
  const lastWrites = new LruCache<number | null>(cacheBytes * 0.05)
  const cacheSummary = (id: string, summary: SessionSummary, bytes: number) => summaries.set(id, summary, bytes * 2)
  const cacheHold = (id: string, hold: SessionHold) => holds.set(id, hold, ENTRY_BYTES + (id.length + hold.reason.length) * 2)
  const cacheLastWrite = (id: string, at: number | null) => lastWrites.set(id, at, ENTRY_BYTES + id.length * 2)
  let ready: Promise<void> | undefined

  const sessionDir = (id: string) => join(sessionsDir, sessionDirName(assertId(id, 'sessionId')))
  const batchesDir = (id: string) => join(sessionDir(id), 'batches')
  const blobsDir = (id: string) => join(sessionDir(id), 'blobs')

  const folders: SessionFolders = {
    tmpDir,
    start: () =>
      (ready ??= (async () => {
        await rm(tmpDir, { recursive: true, force: true })
        await mkdir(tmpDir, { recursive: true })
        await durableMkdir(sessionsDir)
        await migrateFileLayout(dir, tmpDir)
      })()),
    withLock: createKeyedLock(),
    sessionDir,
    batchesDir,
    blobsDir,
    blobPath: (id, blobId, part) => join(blobsDir(id), blobFileName(assertId(blobId, 'blobId'), assertId(part, 'part'))),
    holdPath: (id) => join(sessionDir(id), 'hold.json'),
    annotationsPath: (id) => join(sessionDir(id), 'annotations.json'),
    sharesPath: (id) => join(sessionDir(id), 'shares.json'),
    parentPath: (id) => join(sessionDir(id), 'parent.json'),
    linksDir: (parentId) => join(dir, 'links', sessionDirName(assertId(parentId, 'parentId'))),

    async sessionIds() {
      await folders.start()
      return (await readdir(sessionsDir)).map(sessionIdOfDir).filter((id) => id !== null)
    },

    async loadSummary(id, batches) {
      const cached = summaries.get(id)
      if (cached) return cached
      batches ??= await listBatchFiles(batchesDir(id))
      if (batches.length === 0) return null
      const saved = await readSavedSummary(join(sessionDir(id), 'summary.json'), id, batches.length)
      if (saved) {
        cacheSummary(id, saved.summary, saved.bytes)
        return saved.summary
      }
      let summary = emptySummary(id)
      for (const batch of batches) summary = foldEvents(summary, await readBatchFile(join(batchesDir(id), batch.name)))
      await folders.saveSummary(id, summary, batches.length)
      return summary
    },

    async saveSummary(id, summary, batches) {
      const saved: SavedSummary = { format: 2, batches, summary }
      const text = JSON.stringify(saved)
      await durableWrite(join(sessionDir(id), 'summary.json'), text, tmpDir, false)
      cacheSummary(id, summary, text.length)
    },

    async allSummaries() {
      const loaded: SessionSummary[] = []
      for (const id of await folders.sessionIds()) {
        const summary = await folders.withLock(id, () => folders.loadSummary(id))
        if (summary) loaded.push(summary)
      }
      return loaded
    },

    async loadHold(id) {
      const cached = holds.get(id)
      if (cached) return cached
      let text: string
      try {
        text = await readFile(folders.holdPath(id), 'utf8')
      } catch (error) {
        if (isCode(error, 'ENOENT')) return null
        throw error
      }
      const hold = parseHold(text)
      cacheHold(id, hold)
      return hold
    },

    rememberHold(id, hold) {
      if (hold) cacheHold(id, hold)
      else holds.delete(id)
    },

    async loadParent(id) {
      try {
        const parent = (JSON.parse(await readFile(folders.parentPath(id), 'utf8')) as { parent?: unknown }).parent
        return typeof parent === 'string' && isId(parent) ? parent : null
      } catch (error) {
        if (isCode(error, 'ENOENT')) return null
        throw error
      }
    },

    async dataFiles(id) {
      const batches = (await listBatchFiles(batchesDir(id))).map((batch) => join(batchesDir(id), batch.name))
      const blobs = (await readdirOrEmpty(blobsDir(id))).filter((name) => name.endsWith('.blob')).map((name) => join(blobsDir(id), name))
      return [...batches, ...blobs]
    },

    async loadLastWrite(id) {
      const cached = lastWrites.get(id)
      if (cached !== undefined) return cached
      let newest: number | null = null
      for (const path of await folders.dataFiles(id)) {
        try {
          const mtime = Math.round((await stat(path)).mtimeMs)
          newest = newest === null ? mtime : Math.max(newest, mtime)
        } catch (error) {
          if (!isCode(error, 'ENOENT')) throw error
        }
      }
      cacheLastWrite(id, newest)
      return newest
    },

    async stampWrite(id, path, receivedAt) {
      const at = new Date(receivedAt)
      await utimes(path, at, at)
      const known = lastWrites.get(id)
      if (known !== undefined) cacheLastWrite(id, known === null ? receivedAt : Math.max(known, receivedAt))
    },

    forget(id) {
      summaries.delete(id)
      holds.delete(id)
      lastWrites.delete(id)
    },

    async *readEvents(id, fromSeq) {
      const dir = batchesDir(id)
      await folders.start()
      yield* readBatchEvents(dir, fromSeq)
    },
  }
  return folders
}

async function readSavedSummary(path: string, id: string, batches: number): Promise<{ summary: SessionSummary; bytes: number } | null> {
  try {
    const text = await readFile(path, 'utf8')
    const saved = JSON.parse(text) as SavedSummary
    const fits = saved.format === 2 && saved.batches === batches && saved.summary.id === id
    return fits && Array.isArray(saved.summary.received) ? { summary: saved.summary, bytes: text.length } : null
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
