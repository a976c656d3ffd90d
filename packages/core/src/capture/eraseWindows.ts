import { openWindowDb, sessionRows } from './WindowStore'

/**
 * `erase()` for the on-error windows pages left on disk (docs/capture.md, "On-error mode"):
 * deletes from `<dbName>:on-error` the rows of that session, of every session whose
 * `session.started` names that user, or (consent withdrawn with `erase`) all of them. Loaded by erasure only; where the database was never
 * created (no page of this origin ran in on-error mode) it is not opened, so not created either.
 */
export async function eraseWindows(dbName: string, target: { sessionId: string } | { userId: string } | 'everything'): Promise<void> {
  const name = `${dbName}:on-error`
  const known = await indexedDB.databases?.().catch(() => undefined)
  if (known && !known.some((database) => database.name === name)) return
  const db = await openWindowDb(name)
  try {
    const tx = db.transaction(['sessions', 'events'], 'readwrite')
    for (const session of await tx.objectStore('sessions').getAll()) {
      const erased = target === 'everything' || ('sessionId' in target ? session.id === target.sessionId : userOf(session.started.data) === target.userId)
      if (!erased) continue
      void tx.objectStore('sessions').delete(session.id)
      void tx.objectStore('events').delete(sessionRows(session.id))
    }
    await tx.done
  } finally {
    db.close()
  }
}

function userOf(json: string): unknown {
  try {
    return (JSON.parse(json) as { userId?: unknown }).userId
  } catch {
    return undefined
  }
}
