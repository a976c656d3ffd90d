import { join } from 'node:path'
import { assertId } from '../ids.js'
import { describeSession } from '../summary/describeSession.js'
import { scanCheckStats } from '../stats/checkStats.js'
import { scanStats } from '../stats/scanStats.js'
import { readdirOrEmpty } from './batchFiles.js'
import { readBlobFile } from './blobFiles.js'
import { createSessionFolders } from './createSessionFolders.js'
import { durableMkdir, durableWrite } from './durableWrite.js'
import { fileErasure } from './fileErasure.js'
import { fileIngest } from './fileIngest.js'
import { sessionDirName, sessionIdOfDir } from './fileNames.js'
import { fileReviews } from './fileReviews.js'
import { readJsonList } from './readJsonList.js'
import { scanSessions, type ScanSource } from './scanSessions.js'
import type { ReviewAnnotation } from '@tapedeck/core'
import type { BlobRef, SessionStore } from './SessionStore.js'

export interface FileStoreOptions {
  /** The data folder; created when missing. One server process per folder. */
  dir: string
  /** Memory for cached summaries, holds and last-write times, least recently used dropped first. Default 32 MiB. */
  cacheBytes?: number
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
 *
 * The folder and its caches: createSessionFolders; writes: fileIngest; review work: fileReviews;
 * erasure and holds: fileErasure. Lists and statistics scan the sessions (scanSessions, scanStats).
 */
export function createFileStore({ dir, cacheBytes = 32 * 1024 * 1024 }: FileStoreOptions): SessionStore {
  const folders = createSessionFolders(dir, cacheBytes)
  const { start, withLock, tmpDir } = folders
  const scan: ScanSource = {
    summaries: () => folders.allSummaries(),
    annotations: (id) => withLock(id, () => readJsonList<ReviewAnnotation>(folders.annotationsPath(id))),
    events: (id) => folders.readEvents(id, 0),
    isStream: async (id) => (await folders.loadParent(id)) !== null,
    hold: (id) => withLock(id, () => folders.loadHold(id)),
  }

  return {
    ...fileIngest(folders),

    async getBlob(sessionId, blobId, part) {
      const blob = await readBlobFile(folders.blobPath(sessionId, blobId, part))
      return blob && blob.blobId === blobId && blob.part === part ? { sessionId, blobId, part, contentType: blob.contentType, bytes: blob.bytes } : null
    },

    async listBlobs(sessionId) {
      const dir = folders.blobsDir(sessionId)
      const names = await readdirOrEmpty(dir)
      const refs: BlobRef[] = []
      for (const name of names) {
        const blob = name.endsWith('.blob') ? await readBlobFile(join(dir, name)) : null
        if (blob?.blobId !== undefined && blob.part !== undefined) refs.push({ blobId: blob.blobId, part: blob.part, contentType: blob.contentType, size: blob.bytes.length })
      }
      return refs.sort((a, b) => (a.blobId < b.blobId ? -1 : a.blobId > b.blobId ? 1 : a.part < b.part ? -1 : a.part > b.part ? 1 : 0))
    },

    listSessions: (filter) => scanSessions(scan, filter),

    sessionStats: (query) => scanStats(scan, query),

    checkStats(query) {
      return scanCheckStats(this, query)
    },

    ...fileReviews(folders),

    async getSession(sessionId) {
      assertId(sessionId, 'sessionId')
      await start()
      return withLock(sessionId, async () => {
        const summary = await folders.loadSummary(sessionId)
        return summary && describeSession(summary, await folders.loadHold(sessionId))
      })
    },

    readEvents(sessionId, { fromSeq = 0 } = {}) {
      return folders.readEvents(sessionId, fromSeq)
    },

    async linkStream(streamId, parentId) {
      assertId(streamId, 'sessionId')
      await start()
      return withLock(streamId, async () => {
        const known = await folders.loadParent(streamId)
        if (known !== null) return known === parentId ? 'linked' : 'conflict'
        // The link first, then the stream's note of it: a crash between the two leaves a link that the next call completes.
        await durableMkdir(folders.linksDir(parentId))
        await durableWrite(join(folders.linksDir(parentId), sessionDirName(streamId)), '', tmpDir)
        await durableMkdir(folders.sessionDir(streamId))
        await durableWrite(folders.parentPath(streamId), JSON.stringify({ parent: parentId }), tmpDir)
        return 'linked'
      })
    },

    async linkedStreams(parentId) {
      await start()
      const names = await readdirOrEmpty(folders.linksDir(parentId))
      return names.map(sessionIdOfDir).filter((id) => id !== null).sort()
    },

    ...fileErasure(folders),

    async close() {},
  }
}
