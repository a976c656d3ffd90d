import { readdir, readFile, rename, rm, stat, utimes } from 'node:fs/promises'
import { join } from 'node:path'
import { isId } from '../ids.js'
import { isRecord } from '../summary/isRecord.js'
import { readdirOrEmpty } from './batchFiles.js'
import { blobFileData, readBlobFile } from './blobFiles.js'
import { durableWrite, isCode } from './durableWrite.js'
import { blobFileName, legacyBlobIds, sessionDirName, sessionIdOfDir } from './fileNames.js'

/** The layout of the data folder this version writes (fileNames.ts). */
const LAYOUT = 2

/**
 * Brings a file store's data folder to this version's layout, once: layout 1 named session
 * folders and blob files by the ids alone. Renames each folder and rewrites each blob file (its
 * ids go into its header), keeping mtimes, which retention reads, then writes layout.json.
 * Safe to run again after a crash: what is already renamed is left alone.
 */
export async function migrateFileLayout(dir: string, tmpDir: string): Promise<void> {
  if ((await readLayout(dir)) >= LAYOUT) return
  const sessionsDir = join(dir, 'sessions')
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
  await durableWrite(join(dir, 'layout.json'), JSON.stringify({ layout: LAYOUT }), tmpDir)
}

async function readLayout(dir: string): Promise<number> {
  try {
    const saved: unknown = JSON.parse(await readFile(join(dir, 'layout.json'), 'utf8'))
    return isRecord(saved) && typeof saved.layout === 'number' ? saved.layout : 1
  } catch (error) {
    if (isCode(error, 'ENOENT')) return 1
    throw error
  }
}
