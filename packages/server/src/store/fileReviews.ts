import type { ReviewAnnotation } from '@tapedeck/core'
import { assertId } from '../ids.js'
import type { SessionFolders } from './createSessionFolders.js'
import { durableWrite } from './durableWrite.js'
import { addAnnotation, addShare, readList, removeById, updateAnnotation, type ListChange } from './listChanges.js'
import { readJsonList } from './readJsonList.js'
import type { SessionStore, ShareRecord } from './SessionStore.js'

/**
 * The file store's review work: a session's annotations (annotations.json) and share links
 * (shares.json, token hashes), each list rewritten whole under the session's lock.
 */
export function fileReviews(
  folders: SessionFolders,
): Pick<SessionStore, 'listAnnotations' | 'addAnnotation' | 'updateAnnotation' | 'deleteAnnotation' | 'addShare' | 'getShare' | 'listShares' | 'deleteShare'> {
  /** Applies a change to a session's list under its lock; null when the session has no events. */
  async function changeList<T, R>(id: string, path: string, change: ListChange<T, R>): Promise<R | null> {
    assertId(id, 'sessionId')
    await folders.start()
    return folders.withLock(id, async () => {
      if (!(await folders.loadSummary(id))) return null
      const { list, result } = change(await readJsonList<T>(path))
      if (list) await durableWrite(path, JSON.stringify(list), folders.tmpDir)
      return result
    })
  }
  const annotations = <R>(id: string, change: ListChange<ReviewAnnotation, R>) => changeList(id, folders.annotationsPath(id), change)
  const shares = <R>(id: string, change: ListChange<ShareRecord, R>) => changeList(id, folders.sharesPath(id), change)
  const listShares = async (sessionId: string) => (await shares(sessionId, readList)) ?? []

  return {
    listAnnotations: async (sessionId) => annotations(sessionId, readList),
    addAnnotation: async (annotation, max) => (await annotations(annotation.sessionId, addAnnotation(annotation, max))) ?? 'session_not_found',
    updateAnnotation: async (sessionId, annotationId, patch) => (await annotations(sessionId, updateAnnotation(annotationId, patch))) ?? null,
    deleteAnnotation: async (sessionId, annotationId) => (await annotations(sessionId, removeById(annotationId))) ?? false,
    addShare: async (share, max, now) => (await shares(share.sessionId, addShare(share, max, now))) ?? 'session_not_found',
    getShare: async (sessionId, shareId) => (await listShares(sessionId)).find((s) => s.id === shareId) ?? null,
    listShares,
    deleteShare: async (sessionId, shareId) => (await shares(sessionId, removeById(shareId))) ?? false,
  }
}
