import { randomUUID } from 'node:crypto'
import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { assertId, isId } from '../ids.js'
import { describeSession } from '../summary/describeSession.js'
import { containsSeq, toRanges } from '../summary/seqRanges.js'
import { emptySummary, foldEvents, isRecord, type SessionSummary } from '../summary/sessionSummary.js'
import { batchFileName, keyHash, listBatchFiles, readBatchFile, readdirOrEmpty, type BatchFile } from './batchFiles.js'
import { durableMkdir, durableWrite, isCode } from './durableWrite.js'
import { createKeyedLock } from './keyedLock.js'
import { pageSessions } from './pageSessions.js'
import type { BlobPart, BlobRef, SessionStore, WireEvent } from './SessionStore.js'

export interface FileStoreOptions {
  /** The data folder; created when missing. One server process per folder. */
  dir: string
}

interface SavedSummary {
  format: 1
  /** How many batch files it folds: when the folder holds another number, it is rebuilt. */
  batches: number
  summary: SessionSummary
}

/**
 * The default store: plain files, no setup, append-only and crash-safe.
 *
 *     {dir}/sessions/{sessionId}/batches/{first}-{last}-{keyHash}.ndjson   one file per batch, never changed
 *     {dir}/sessions/{sessionId}/blobs/{blobId}.{part}.blob               a JSON header line, then the bytes
 *     {dir}/sessions/{sessionId}/summary.json                             a cache, rebuilt from the batches
 *     {dir}/tmp/                                                          writes in progress, cleared on start
 *
 * Every file is written to tmp/, fsynced and renamed into place, so a crash leaves a
 * file either complete or absent. Writes to one session are serialised in the process.
 */
export function createFileStore({ dir }: FileStoreOptions): SessionStore {
  const sessionsDir = join(dir, 'sessions')
  const tmpDir = join(dir, 'tmp')
  const withLock = createKeyedLock()
  const summaries = new Map<string, SessionSummary>()
  let ready: Promise<void> | undefined
  const start = () =>
    (ready ??= (async () => {
      await rm(tmpDir, { recursive: true, force: true })
      await mkdir(tmpDir, { recursive: true })
      await durableMkdir(sessionsDir)
    })())

  const sessionDir = (id: string) => join(sessionsDir, assertId(id, 'sessionId'))
  const batchesDir = (id: string) => join(sessionDir(id), 'batches')
  const blobPath = (id: string, blobId: string, part: string) =>
    join(sessionDir(id), 'blobs', `${assertId(blobId, 'blobId')}.${assertId(part, 'part')}.blob`)

  /** The session's summary, from memory, summary.json or the batches; null when it has no batch. Call under the lock. */
  async function loadSummary(id: string, batches?: BatchFile[]): Promise<SessionSummary | null> {
    const cached = summaries.get(id)
    if (cached) return cached
    batches ??= await listBatchFiles(batchesDir(id))
    if (batches.length === 0) return null
    let summary = await readSavedSummary(id, batches.length)
    if (!summary) {
      summary = emptySummary(id)
      for (const batch of batches) summary = foldEvents(summary, await readBatchFile(join(batchesDir(id), batch.name)))
      await saveSummary(id, summary, batches.length)
    }
    summaries.set(id, summary)
    return summary
  }

  async function readSavedSummary(id: string, batches: number): Promise<SessionSummary | null> {
    try {
      const saved = JSON.parse(await readFile(join(sessionDir(id), 'summary.json'), 'utf8')) as SavedSummary
      const fits = saved.format === 1 && saved.batches === batches && saved.summary.id === id
      return fits && Array.isArray(saved.summary.received) ? saved.summary : null
    } catch {
      return null
    }
  }

  async function saveSummary(id: string, summary: SessionSummary, batches: number): Promise<void> {
    const saved: SavedSummary = { format: 1, batches, summary }
    await durableWrite(join(sessionDir(id), 'summary.json'), JSON.stringify(saved), tmpDir, false)
  }

  async function sessionIds(): Promise<string[]> {
    await start()
    return (await readdir(sessionsDir)).filter(isId)
  }

  async function deleteSession(id: string): Promise<boolean> {
    const target = sessionDir(id)
    await start()
    return withLock(id, async () => {
      summaries.delete(id)
      const trash = join(tmpDir, `${randomUUID()}.deleted`)
      try {
        await rename(target, trash)
      } catch (error) {
        if (isCode(error, 'ENOENT')) return false
        throw error
      }
      await rm(trash, { recursive: true, force: true })
      return true
    })
  }

  return {
    async putBatch({ sessionId, key, firstSeq, lastSeq, events }) {
      const dir = batchesDir(sessionId)
      await start()
      return withLock(sessionId, async () => {
        const batches = await listBatchFiles(dir)
        const hash = keyHash(key)
        if (batches.some((batch) => batch.keyHash === hash)) return { status: 'duplicate', stored: 0, skipped: [] }
        const summary = (await loadSummary(sessionId, batches)) ?? emptySummary(sessionId)
        const fresh: WireEvent[] = []
        const skipped: number[] = []
        for (const event of events) {
          if (containsSeq(summary.received, event.seq)) skipped.push(event.seq)
          else fresh.push(event)
        }
        const name = batchFileName(fresh[0]?.seq ?? firstSeq, fresh.at(-1)?.seq ?? lastSeq, hash)
        await durableMkdir(dir)
        await durableWrite(join(dir, name), fresh.map((event) => `${JSON.stringify(event)}\n`).join(''), tmpDir)
        const next = foldEvents(summary, fresh)
        summaries.set(sessionId, next)
        await saveSummary(sessionId, next, batches.length + 1)
        return { status: 'stored', stored: fresh.length, skipped: toRanges(skipped) }
      })
    },

    async putBlob({ sessionId, blobId, part, contentType, bytes }) {
      const path = blobPath(sessionId, blobId, part)
      await start()
      return withLock(sessionId, async () => {
        if (await readBlobFile(path)) return 'duplicate'
        const header = new TextEncoder().encode(`${JSON.stringify({ contentType })}\n`)
        const data = new Uint8Array(header.length + bytes.length)
        data.set(header)
        data.set(bytes, header.length)
        await durableMkdir(join(sessionDir(sessionId), 'blobs'))
        await durableWrite(path, data, tmpDir)
        return 'stored'
      })
    },

    async getBlob(sessionId, blobId, part) {
      const blob = await readBlobFile(blobPath(sessionId, blobId, part))
      return blob && { sessionId, blobId, part, ...blob }
    },

    async listBlobs(sessionId) {
      const dir = join(sessionDir(sessionId), 'blobs')
      const names = await readdirOrEmpty(dir)
      const refs: BlobRef[] = []
      for (const name of names.sort()) {
        const [blobId, part, extension] = name.split('.')
        const blob = blobId && part && extension === 'blob' ? await readBlobFile(join(dir, name)) : null
        if (blob) refs.push({ blobId: blobId!, part: part!, contentType: blob.contentType, size: blob.bytes.length })
      }
      return refs
    },

    async listSessions(filter) {
      const loaded: SessionSummary[] = []
      for (const id of await sessionIds()) {
        const summary = await withLock(id, () => loadSummary(id))
        if (summary) loaded.push(summary)
      }
      return pageSessions(loaded, filter)
    },

    async getSession(sessionId) {
      assertId(sessionId, 'sessionId')
      await start()
      const summary = await withLock(sessionId, () => loadSummary(sessionId))
      return summary && describeSession(summary)
    },

    async *readEvents(sessionId, { fromSeq = 0 } = {}) {
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
    },

    deleteSession,

    async deleteUser(userId) {
      const deleted: string[] = []
      for (const id of await sessionIds()) {
        const summary = await withLock(id, () => loadSummary(id))
        if (summary?.metadata?.userId === userId && (await deleteSession(id))) deleted.push(id)
      }
      return deleted
    },

    async close() {},
  }
}

async function readBlobFile(path: string): Promise<{ contentType: string; bytes: Uint8Array } | null> {
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
    return { contentType: header.contentType, bytes: data.subarray(newline + 1) }
  } catch {
    return null
  }
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
