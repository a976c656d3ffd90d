import type { PendingEvent } from '../events/serialize'
import { PAGE_LEFT } from '../events/pageLeft'
import { unpackBatch } from '../events/unpackBatch'
import type { RecordStore } from '../storage/RecordStore'
import type { TailRecord } from '../storage/schema'
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
  for (const { key, tail } of leftLast(await store.takeTails())) {
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

/**
 * The saved batches in the order they are stored: as saved, but a page's page-left mark after
 * every batch its tab saved for the session — even one saved after it. A page records while it
 * leaves (a `pagehide` listener after the recorder's: recordRealtime's aborted answer); the next
 * hide (`visibilitychange`) stamps those events past where the mark says the page stamped to,
 * sends them itself and saves them after the mark. Stored first, the mark would give their seqs
 * back and take the first of them, and they would be stored under new seqs: held twice on the
 * server, the mark lost there. So the mark says the page stamped up to the end of the last of them.
 */
function leftLast(tails: Array<{ key: number; tail: TailRecord }>): Array<{ key: number; tail: TailRecord }> {
  const left = tails.filter(({ tail }) => isPageLeft(tail))
  const rest = tails.filter(({ tail }) => !isPageLeft(tail))
  return [
    ...rest,
    ...left.map(({ key, tail }) => {
      let stampedTo = tail.stampedTo
      for (const { tail: other } of rest) {
        if (stampedTo === undefined || !other.stamp || other.tab !== tail.tab || other.sessionId !== tail.sessionId) continue
        stampedTo = Math.max(stampedTo, other.stamp.firstSeq + other.ts.length)
      }
      return { key, tail: stampedTo === tail.stampedTo ? tail : { ...tail, stampedTo } }
    }),
  ]
}

/** The `session.paused` a page saves as it leaves (BatchQueue `hide`). */
function isPageLeft(tail: TailRecord): boolean {
  return !tail.stamp && tail.types.length === 1 && tail.types[0] === 'session.paused' && tail.narrow === PAGE_LEFT
}
