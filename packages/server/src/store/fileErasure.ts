import { randomUUID } from 'node:crypto'
import { rename, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { assertId } from '../ids.js'
import type { SessionFolders } from './createSessionFolders.js'
import { durableWrite, isCode } from './durableWrite.js'
import { eraseReport } from './eraseReport.js'
import { sessionDirName } from './fileNames.js'
import type { EraseReport, EraseResult, SessionStore } from './SessionStore.js'

/**
 * The file store's erasure (of a session, a user's sessions, inactive sessions) and legal holds
 * (hold.json), each under the session's lock. A session is erased by moving its folder out of
 * sight in one rename, then deleting it.
 */
export function fileErasure(folders: SessionFolders): Pick<SessionStore, 'deleteSession' | 'deleteUser' | 'getHold' | 'setHold' | 'purgeInactive'> {
  const { tmpDir, withLock } = folders

  /** Call under the lock. */
  async function eraseLocked(id: string): Promise<EraseResult> {
    if (await folders.loadHold(id)) return 'held'
    const parent = await folders.loadParent(id)
    folders.forget(id)
    const trash = join(tmpDir, `${randomUUID()}.deleted`)
    try {
      await rename(folders.sessionDir(id), trash)
    } catch (error) {
      if (isCode(error, 'ENOENT')) return 'not_found'
      throw error
    }
    await rm(trash, { recursive: true, force: true })
    if (parent !== null) await rm(join(folders.linksDir(parent), sessionDirName(id)), { force: true })
    return 'erased'
  }

  /** Erases each session for which `select` (run under its lock) says so. */
  async function eraseWhere(select: (id: string) => Promise<boolean>): Promise<EraseReport> {
    const results: Array<[string, EraseResult]> = []
    for (const id of await folders.sessionIds()) {
      results.push([id, await withLock(id, async () => ((await select(id)) ? eraseLocked(id) : 'not_found'))])
    }
    return eraseReport(results)
  }

  return {
    async deleteSession(sessionId) {
      assertId(sessionId, 'sessionId')
      await folders.start()
      return withLock(sessionId, () => eraseLocked(sessionId))
    },

    async deleteUser(userId) {
      return eraseWhere(async (id) => (await folders.loadSummary(id))?.metadata?.userId === userId)
    },

    async getHold(sessionId) {
      assertId(sessionId, 'sessionId')
      await folders.start()
      return withLock(sessionId, () => folders.loadHold(sessionId))
    },

    async setHold(sessionId, hold) {
      assertId(sessionId, 'sessionId')
      await folders.start()
      return withLock(sessionId, async () => {
        if ((await folders.dataFiles(sessionId)).length === 0) return false
        if (hold) {
          await durableWrite(folders.holdPath(sessionId), JSON.stringify({ reason: hold.reason, since: hold.since }), tmpDir)
        } else {
          // Not fsynced: after a crash the hold may come back, which errs on keeping the data.
          await rm(folders.holdPath(sessionId), { force: true })
        }
        folders.rememberHold(sessionId, hold && { ...hold })
        return true
      })
    },

    async purgeInactive(before) {
      return eraseWhere(async (id) => {
        const lastWrite = await folders.loadLastWrite(id)
        return lastWrite !== null && lastWrite < before
      })
    },
  }
}
