import { expect, it } from 'vitest'
import { ServerError } from '../ServerError.js'
import type { EventBatch, SessionStore, WireEvent } from '../store/SessionStore.js'
import { toRanges } from '../summary/seqRanges.js'
import { event } from './events.js'
import { seeded } from '../../../core/test/seeded.mjs'

/**
 * The store contract's part on deduplication by (session, seq) whatever the batch boundaries,
 * and on gaps a `seq.skipped` marker explains (docs/protocol.md §2, "One event, stored once").
 * Called inside describeStoreContract, so `store()` is the current test's fresh store.
 */
export function dedupeContract(store: () => SessionStore): void {
  it('stores exactly the new events of batches that overlap stored seqs, whatever their boundaries, and says which were there', async () => {
    const s = 's_overlap'
    const original = callSession(s, 120)
    const held = new Map<number, number>()
    const next = seeded(20)
    const random = (n: number) => Math.floor(next() * n)
    // Windows of every shape against what is held: inside a stored run, across several runs,
    // at either end, the whole session, sparse, one event. Each copy carries its own mark.
    for (let copy = 0; copy < 40; copy++) {
      const from = random(120)
      const to = Math.min(119, from + random(copy % 5 === 0 ? 120 : 25))
      const step = copy % 4 === 3 ? 1 + random(3) : 1
      const events = original.slice(from, to + 1).filter((_, i) => i % step === 0).map((e) => ({ ...e, data: { ...(e.data as object), copy } }))
      const expected = { status: 'stored', stored: events.filter((e) => !held.has(e.seq)).length, skipped: toRanges(events.filter((e) => held.has(e.seq)).map((e) => e.seq)) }
      expect(await store().putBatch(batchOf(events, `copy_${copy}`))).toEqual(expected)
      for (const e of events) if (!held.has(e.seq)) held.set(e.seq, copy)
    }
    await store().putBatch(batchOf(original, 'all'))
    for (const e of original) if (!held.has(e.seq)) held.set(e.seq, -1)
    const read = await readAll(store(), s)
    expect(read.map((e) => e.seq)).toEqual(original.map((e) => e.seq))
    // The first write of each seq is the one kept.
    expect(read.map((e) => (e.data as { copy?: number }).copy ?? -1)).toEqual(original.map((e) => held.get(e.seq)))
    const detail = await store().getSession(s)
    expect(detail?.completeness).toEqual({ complete: true, lastSeq: 119, gaps: [] })
    expect(detail?.stats).toMatchObject({ events: 120, calls: 118, costUsd: 1.18, inputTokens: 118, outputTokens: 236 })
  })

  it('counts a gap a seq.skipped marker explains as no loss, and still stores the events of it that arrive, before or after the marker', async () => {
    // Tab 1 leased 1-20 and used 1-8 (6-8 reached only its keepalive send); tab 2 leased 21-40
    // and used 21-26; the next start closed tab 1's remainder with a marker at 27.
    const s = 's_lease'
    const marker = event(s, 27, 'seq.skipped', { from: 6, to: 20, reason: 'lease_unused' })
    const ended = event(s, 28, 'session.ended', { lastSeq: 28, reason: 'done' })
    const used = [event(s, 0, 'session.started', { userId: 'u_1' }), ...range(s, 1, 5), ...range(s, 21, 26)]
    await store().putBatch(batchOf(used, 'worker_1'))
    await store().putBatch(batchOf([ended], 'worker_2'))
    expect((await store().getSession(s))?.completeness).toEqual({ complete: false, lastSeq: 28, gaps: [{ from: 6, to: 20 }, { from: 27, to: 27 }] })
    expect(await store().putBatch(batchOf([marker], 'worker_3'))).toEqual({ status: 'stored', stored: 1, skipped: [] })
    expect((await store().getSession(s))?.completeness).toEqual({ complete: true, lastSeq: 28, gaps: [] })
    // The page's keepalive copy of 6-8 arrives after the marker: stored, once.
    expect(await store().putBatch(batchOf(range(s, 5, 8), 'page_1'))).toEqual({ status: 'stored', stored: 3, skipped: [{ from: 5, to: 5 }] })
    expect((await readAll(store(), s)).map((e) => e.seq)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 21, 22, 23, 24, 25, 26, 27, 28])
    const detail = await store().getSession(s)
    expect(detail?.completeness).toEqual({ complete: true, lastSeq: 28, gaps: [] })
    expect(detail?.stats.events).toBe(17)

    // The same events in the other order (marker first) describe the same session.
    const t = 's_lease_b'
    const again = (e: WireEvent) => ({ ...e, sessionId: t, id: `${e.id}_b` })
    for (const [key, events] of [['m', [marker]], ['p', range(s, 5, 8)], ['e', [ended]], ['w', used]] as const) {
      await store().putBatch(batchOf(events.map(again), key))
    }
    const other = await store().getSession(t)
    expect(other?.completeness).toEqual(detail?.completeness)
    expect(other?.stats.events).toBe(17)
  })

  it('explains nothing with a malformed seq.skipped, and still reports gaps no marker explains', async () => {
    const s = 's_bad_marker'
    await store().putBatch(
      batchOf([
        event(s, 0, 'session.started'),
        event(s, 10, 'seq.skipped', { from: 5, to: 2 }), // from after to
        event(s, 11, 'seq.skipped', { from: 11, to: 12 }), // its own seq
        event(s, 20, 'seq.skipped', { from: '13', to: 14 }), // not a number
        event(s, 21, 'seq.skipped', { sealed: 'AAAA' }), // sealed: unreadable
        event(s, 22, 'seq.skipped', { from: 15, to: 16.5 }),
        event(s, 23, 'x.seq.skipped', { from: 17, to: 19 }), // another type
        event(s, 30, 'seq.skipped', { from: 24, to: 26 }), // a good one, between gaps
      ]),
    )
    expect((await store().getSession(s))?.completeness.gaps).toEqual([
      { from: 1, to: 9 },
      { from: 12, to: 19 },
      { from: 27, to: 29 },
    ])
  })

  it('does not count explained gaps toward the 1,000-run limit, and refuses the same holes unexplained', async () => {
    // 1,100 tabs, each using one seq of its lease and leaving one unused, closed by a marker:
    // 1,100 runs of stored seqs, one run once the markers explain the holes.
    const s = 's_many_tabs'
    const events = [event(s, 0, 'session.started')]
    for (let tab = 0; tab < 1100; tab++) {
      events.push(event(s, 3 * tab + 1), event(s, 3 * tab + 3, 'seq.skipped', { from: 3 * tab + 2, to: 3 * tab + 2, reason: 'lease_unused' }))
    }
    expect((await store().putBatch(batchOf(events))).stored).toBe(2201)
    expect((await store().getSession(s))?.completeness).toMatchObject({ lastSeq: 3300, gaps: [] })

    const unexplained = events.filter((e) => e.type !== 'seq.skipped').map((e) => ({ ...e, sessionId: 's_holes' }))
    const refused = await store().putBatch(batchOf(unexplained)).catch((error: unknown) => error)
    expect(refused).toBeInstanceOf(ServerError)
    expect((refused as ServerError).code).toBe('session_fragmented')
    expect(await store().getSession('s_holes')).toBeNull()
  })
}

function batchOf(events: readonly WireEvent[], key?: string): EventBatch {
  const first = events[0]!
  const last = events.at(-1)!
  return { sessionId: first.sessionId, key: key ?? `k_${first.seq}_${last.seq}`, firstSeq: first.seq, lastSeq: last.seq, events }
}

async function readAll(store: SessionStore, sessionId: string): Promise<WireEvent[]> {
  const events: WireEvent[] = []
  for await (const e of store.readEvents(sessionId)) events.push(e)
  return events
}

function range(sessionId: string, from: number, to: number): WireEvent[] {
  return Array.from({ length: to - from + 1 }, (_, i) => event(sessionId, from + i))
}

/** session.started, provider calls of 0.01 USD each (a double count shows in the cost), session.ended. */
function callSession(sessionId: string, count: number): WireEvent[] {
  return Array.from({ length: count }, (_, seq) =>
    seq === 0
      ? event(sessionId, 0, 'session.started', { userId: 'u_1' })
      : seq === count - 1
        ? event(sessionId, seq, 'session.ended', { lastSeq: seq })
        : event(sessionId, seq, 'provider.call.completed', { callId: `c${seq}`, costUsd: 0.01, usage: { inputTokens: 1, outputTokens: 2 } }),
  )
}
