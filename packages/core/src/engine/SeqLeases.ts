import type { PendingEvent } from '../events/serialize'
import type { SeqLease, SessionRecord } from '../storage/schema'
import { leaseLock, whileLockFree } from './locks'

/**
 * Seq leases (docs/protocol.md §1): the engine hands a page a block of seqs of a session, and the
 * page names its events from it as it sends them, so it can build protocol batches with real seqs
 * at any moment — while it closes, say, when its worker may already be gone. One counter per
 * session (`nextSeq`) hands out every seq, leased or assigned by the engine, so two tabs never
 * share one, and it lives in the session record: a worker that restarts, or the main-thread engine
 * that replaces it, goes on from it. What a page never used of its block is closed with a
 * `seq.skipped` marker: by the engine when the page sends a batch without a stamp (it gave the
 * block up: `session.ended`, a new start), and by the next start for a page that is gone.
 */

/** A block of seqs leased to a page, and what it needs to compute `t` as the engine does. */
export interface LeaseGrant {
  from: number
  /** Inclusive. */
  to: number
  /** The session's start, epoch ms. */
  startedAt: number
  /** `t` of the session's last stored event: the page's events go on from there. */
  lastT: number
}

/** The first seq nobody was handed yet. */
export function nextFreeSeq(session: SessionRecord): number {
  return Math.max(session.lastSeq + 1, session.nextSeq ?? 0)
}

/** The session with a new block of `count` seqs leased to `tab` (a copy), and the block. */
export function grantLease(session: SessionRecord, tab: string, count: number): { session: SessionRecord; lease: SeqLease } {
  const from = nextFreeSeq(session)
  const lease: SeqLease = { tab, from, to: from + count - 1, next: from }
  return { session: { ...session, nextSeq: lease.to + 1, leases: [...(session.leases ?? []), lease] }, lease }
}

/** `tab`'s open lease that holds `firstSeq..firstSeq + count - 1`, if any. */
export function leaseFor(session: SessionRecord, tab: string, firstSeq: number, count: number): SeqLease | undefined {
  return session.leases?.find((lease) => lease.tab === tab && lease.from <= firstSeq && firstSeq + count - 1 <= lease.to)
}

/** Notes that a stamped batch stored seqs up to `lastSeq` of `lease` (on a session copy). */
export function advanceLease(session: SessionRecord, lease: SeqLease, lastSeq: number): void {
  session.leases = session.leases!.map((one) => (one === lease ? { ...one, next: Math.max(one.next, lastSeq + 1) } : one))
}

/**
 * Closes `tab`'s open leases (on a session copy); returns the `seq.skipped` markers that explain
 * what it never stored. `stampedTo`: the page that gives its lease up says how far it stamped;
 * when the database holds all of that and nobody was handed a seq past its block, the untouched
 * rest is given back (no marker, no gap) — nothing of it can be on a server.
 */
export function closeLeases(session: SessionRecord, tab: string, at: number, ts: number, stampedTo?: number): PendingEvent[] {
  let closing = session.leases?.filter((lease) => lease.tab === tab) ?? []
  if (closing.length === 0) return []
  const open = session.leases!.filter((lease) => lease.tab !== tab)
  if (open.length > 0) session.leases = open
  else delete session.leases
  if (stampedTo !== undefined && session.lastSeq < stampedTo) {
    // The blocks from the one holding `stampedTo` on: untouched past it, one run, the newest handed out.
    const holding = closing.findIndex((lease) => lease.from <= stampedTo && stampedTo <= lease.to + 1)
    const rest = holding < 0 ? [] : closing.slice(holding)
    const untouched = rest.every((lease, i) => lease.next === (i === 0 ? stampedTo : lease.from) && (i === 0 || lease.from === rest[i - 1]!.to + 1))
    if (rest.length > 0 && untouched && session.nextSeq === rest.at(-1)!.to + 1) {
      session.nextSeq = stampedTo
      closing = closing.slice(0, holding)
    }
  }
  return closing.filter((lease) => lease.next <= lease.to).map((lease) => skipped(session, lease.next, lease.to, 'lease_unused', at, ts))
}

/**
 * A `seq.skipped` marker explaining `from..to` (written with the batch, on a session copy), noted
 * in the session so that `syncedSeq` passes over the range (storage/RecordStore `advanceSyncedSeq`).
 */
export function skipped(session: SessionRecord, from: number, to: number, reason: string, at: number, ts: number): PendingEvent {
  session.explained = [...(session.explained ?? []), { from, to }]
  return { type: 'seq.skipped', data: JSON.stringify({ from, to, reason }), ts, at }
}

/**
 * A stamped batch of `tab` could not be stored (on a session copy): its seqs are explained by the
 * marker this returns, and its lease goes on past them, still open — the page stamps on from it,
 * and may have sent those very events while it closed (docs/protocol.md §1).
 */
export function skipStamped(session: SessionRecord, tab: string, range: { from: number; to: number }, at: number, ts: number): PendingEvent {
  const lease = leaseFor(session, tab, range.from, range.to - range.from + 1)
  if (lease) advanceLease(session, lease, range.to)
  return skipped(session, range.from, range.to, 'not_stored', at, ts)
}

/** What `closeDeadLeases` needs of the writer. */
export interface LeaseCloser {
  append(batch: { sessionId: string; tab: string; events: PendingEvent[]; closes: string }): Promise<unknown>
}

/**
 * At start-up: closes the open leases of pages that are gone (their lease lock is free), after
 * recovery stored what they saved. The marker takes one of the engine's seqs and explains the
 * block from the first seq the database does not hold — the page may have sent some of those
 * while it closed; the server stores them all the same (docs/protocol.md, "Explained gaps").
 */
export async function closeDeadLeases(sessions: SessionRecord[], writer: LeaseCloser): Promise<void> {
  for (const session of sessions) {
    for (const tab of new Set(session.leases?.map((lease) => lease.tab))) {
      await whileLockFree(leaseLock(tab), async () => {
        await writer.append({ sessionId: session.id, tab: 'recovery', events: [], closes: tab })
      }).catch(() => false)
    }
  }
}
