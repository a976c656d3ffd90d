import type { PendingEvent } from '../events/serialize'
import { unpackBatch } from '../events/unpackBatch'
import type { RecordStore } from '../storage/RecordStore'
import type { BatchWriter } from './BatchWriter'
import type { HeldLocks } from './HeldLocks'
import { sessionLock, tabLock, whileLockFree } from './locks'
import { closeDeadLeases } from './SeqLeases'

/**
 * What closed or crashed tabs left behind: batches a closing page saved itself (stored now,
 * unless its worker stored them first; a page that left normally ends them with the
 * `session.paused` that makes its session `suspended`), then sessions left active or paused with no
 * live tab holding them — their tab died — which are marked interrupted. Returns the ids of the
 * sessions marked.
 */
export async function recover(store: RecordStore, writer: BatchWriter, locks: HeldLocks): Promise<string[]> {
  for (const { key, tail } of await store.takeTails()) {
    await whileLockFree(tabLock(tail.tab), async () => {
      if (!(await store.findBatch(tail.sessionId, tail.batchId))) await writer.append(unpackBatch(tail))
      await store.deleteTail(key)
    }).catch(() => false)
  }
  // Then the seq leases of pages that are gone: what they never stored is explained (SeqLeases).
  await closeDeadLeases(await store.listSessions(), writer).catch(() => undefined)
  const recovered: string[] = []
  for (const session of await store.listSessions()) {
    if (session.status !== 'active' && session.status !== 'paused') continue
    if (locks.holdsSession(session.id)) continue
    const interrupted: PendingEvent = {
      type: 'session.interrupted',
      data: JSON.stringify({ reason: 'recorder-lost', lastActiveAt: session.updatedAt }),
      ts: Date.now(),
      at: session.startedAt + session.lastT,
    }
    const marked = await whileLockFree(sessionLock(session.id), async () => {
      await writer.append({ sessionId: session.id, tab: 'recovery', events: [interrupted] })
    }).catch(() => false)
    if (marked) recovered.push(session.id)
  }
  return recovered
}
