import { join } from 'node:path'
import { containsSeq, toRanges } from '../summary/seqRanges.js'
import { emptySummary, foldEvents } from '../summary/sessionSummary.js'
import { batchFileName, keyHash, listBatchFiles } from './batchFiles.js'
import { blobFileData, readBlobFile } from './blobFiles.js'
import type { SessionFolders } from './createSessionFolders.js'
import { createDurableFile, durableMkdir, durableWrite } from './durableWrite.js'
import { eventSlices } from './eventSlices.js'
import type { SessionStore, WireEvent } from './SessionStore.js'

/**
 * The file store's writes, each under its session's lock: a batch becomes one new batch file
 * (batchFiles.ts) and an updated summary.json, a blob part one blob file (blobFiles.ts). Each new
 * file is stamped with the time its write was received, which retention reads.
 */
export function fileIngest(folders: SessionFolders): Pick<SessionStore, 'putBatch' | 'putBlob'> {
  const { tmpDir, withLock } = folders
  return {
    async putBatch({ sessionId, key, firstSeq, lastSeq, events }, receivedAt = Date.now()) {
      const dir = folders.batchesDir(sessionId)
      await folders.start()
      return withLock(sessionId, async () => {
        const batches = await listBatchFiles(dir)
        const hash = keyHash(key)
        if (batches.some((batch) => batch.keyHash === hash)) return { status: 'duplicate', stored: 0, skipped: [] }
        let summary = (await folders.loadSummary(sessionId, batches)) ?? emptySummary(sessionId)
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
        await folders.stampWrite(sessionId, join(dir, name), receivedAt)
        await folders.saveSummary(sessionId, summary, batches.length + 1)
        return { status: 'stored', stored, skipped: toRanges(skipped) }
      })
    },

    async putBlob({ sessionId, blobId, part, contentType, bytes }, receivedAt = Date.now()) {
      const path = folders.blobPath(sessionId, blobId, part)
      await folders.start()
      return withLock(sessionId, async () => {
        if (await readBlobFile(path)) return 'duplicate'
        await durableMkdir(folders.blobsDir(sessionId))
        await durableWrite(path, blobFileData({ contentType, blobId, part }, bytes), tmpDir)
        await folders.stampWrite(sessionId, path, receivedAt)
        return 'stored'
      })
    },
  }
}
