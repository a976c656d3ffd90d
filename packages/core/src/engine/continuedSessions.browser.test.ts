/**
 * A session across recorders and pages, in a real Chromium with the real worker and IndexedDB:
 * continued by a new recorder, its seqs dense and never taken twice — leases given back, a batch
 * that cannot be stored explained — and read back in order. Pages that close or die:
 * closingPages.browser.test.ts.
 */
import { openDB } from 'idb'
import { afterEach, describe, expect, test } from 'vitest'
import type { TapedeckDB } from '../storage/schema'
import type { PageLifecycle } from '../client/pageLifecycle'
import { createRecorder } from '../client/createRecorder'
import { closeAll, engineWorker, openSeqs, recorderFor, uniqueDb, waitFor } from '../../test/browser'
import { newProxy } from '../../test/sync'

afterEach(closeAll)

/** The worker with the page's calls to it (comlink messages: `path` names the method) that `hold` picks never delivered. */
function withHeldCalls(worker: Worker, hold: (method: string | undefined) => boolean): Worker {
  const post = worker.postMessage.bind(worker) as (...args: unknown[]) => void
  ;(worker as unknown as { postMessage: (...args: unknown[]) => void }).postMessage = (...args) => {
    if (!hold((args[0] as { path?: string[] } | null)?.path?.[0])) post(...args)
  }
  return worker
}

describe('a conversation outlives a page', () => {
  test('start({ sessionId }) in a new recorder continues the session where it stood', async () => {
    const dbName = uniqueDb()
    const first = recorderFor(dbName)
    const { id } = await first.start({ userId: 'u1' })
    first.record('x.a', {})
    await first.close()

    const second = recorderFor(dbName)
    const again = await second.start({ sessionId: id })
    expect(again).toMatchObject({ id, resumed: true })
    second.record('x.b', {})
    await second.flush()
    const events = await second.sessions.events(id)
    // The first page closed its recorder without stop(): close() gave the seqs it leased and never
    // used back (docs/protocol.md §1), so the session goes on without a gap or a marker.
    expect(events.map((e) => e.type)).toEqual(['session.started', 'x.a', 'session.interrupted', 'session.resumed', 'x.b'])
    expect(events.map((e) => e.seq)).toEqual([0, 1, 2, 3, 4])
    expect(events[3]!.data).toEqual({ reason: 'reopened', previousStatus: 'interrupted' })
    expect(events[0]!.tab).not.toBe(events[4]!.tab)
    for (let i = 1; i < events.length; i++) expect(events[i]!.t).toBeGreaterThanOrEqual(events[i - 1]!.t)
  })

  test('a page closed while batches wait for its next block: the first of them says how far the page stamped, and the untouched rest is given back', async () => {
    const dbName = uniqueDb()
    let worker!: Worker
    let page!: Parameters<PageLifecycle['subscribe']>[0]
    let leases = 0
    // Not closed after the test (its last batches wait for a block that never comes).
    const leaving = createRecorder({
      dbName,
      maxBatchEvents: 100,
      // The first block comes with the stored start; the request for the next never reaches the worker.
      createWorker: () => withHeldCalls((worker = engineWorker()), (method) => method === 'leaseSeqs' && ++leases > 0),
      lifecycle: { subscribe: (events) => ((page = events), () => {}) },
    })
    const { id } = await leaving.start()
    await leaving.flush()
    // 4,096 seqs in the first block: 40 batches of 100 fit, the 41st waits for the next block.
    for (let i = 0; i < 4100; i++) leaving.record('x.step', { i })
    await waitFor(() => leases, (count) => count === 1)
    await new Promise((resolve) => setTimeout(resolve, 300))
    const db = await openDB<TapedeckDB>(dbName)
    page.hide(true) // pagehide: the waiting batches go into the saved copy, unstamped
    await waitFor(() => db.count('tail'), (count) => count >= 2)
    db.close()
    worker.terminate() // then the page and its worker are gone

    const next = recorderFor(dbName)
    await next.ready()
    const events = await next.sessions.events(id)
    expect(events.filter((e) => e.type === 'seq.skipped')).toEqual([])
    expect(events.map((e) => e.seq)).toEqual([...Array(4102).keys()])
    expect(events.at(-1)).toMatchObject({ type: 'session.paused', data: { reason: 'page-left' } })
  })

  test('a stamped batch that cannot be stored: its seqs are explained, the page goes on with its lease', async () => {
    const recorder = recorderFor(uniqueDb(), { maxLocalBytes: 20_000, maxBatchEvents: 10 })
    const { id } = await recorder.start()
    await new Promise((resolve) => setTimeout(resolve, 100)) // the lease is in hand: batches are stamped
    const record = (from: number, chars: number) => {
      for (let i = from; i < from + 10; i++) recorder.record('x.step', { i, noise: Array.from({ length: chars / 36 }, () => crypto.randomUUID()).join('') })
      return recorder.flush()
    }
    expect((await record(0, 36)).dropped).toBe(0)
    expect((await record(10, 4000)).dropped).toBe(10) // 40 KB that do not compress: more than the cap
    expect((await record(20, 36)).dropped).toBe(10) // counted since the start
    await recorder.stop()
    const events = await recorder.sessions.events(id)
    const steps = events.filter((e) => e.type === 'x.step').map((e) => (e.data as { i: number }).i)
    expect(steps).toEqual([...Array(10).keys(), ...Array.from({ length: 10 }, (_, i) => 20 + i)])
    const marker = events.find((e) => e.type === 'seq.skipped')
    expect(marker?.data).toEqual({ from: 11, to: 20, reason: 'not_stored' })
    expect(openSeqs(events)).toEqual([])
    expect(events.at(-1)!.type).toBe('session.ended')
  })

  test("syncedSeq passes over seqs a marker explains: another tab's closed lease does not hold it back", async () => {
    const dbName = uniqueDb()
    const { url } = await newProxy()
    const sync = { endpoint: url, syncDelayMs: 0 }
    const [a, b] = [recorderFor(dbName, sync), recorderFor(dbName, sync)]
    await b.ready() // b uploads (it holds the sync lock): a's close does not hand the uploader over
    const { id } = await a.start({ sessionId: `shared-${crypto.randomUUID()}` })
    await b.start({ sessionId: id })
    await new Promise((resolve) => setTimeout(resolve, 200)) // both leases in hand, b's after a's
    for (let i = 0; i < 10; i++) a.record('x.from-a', { i })
    await a.flush()
    for (let i = 0; i < 10; i++) b.record('x.from-b', { i })
    await b.flush()
    await a.close() // a's unused seqs are explained by a marker (b leased after them)
    const status = await b.syncNow()
    const events = await b.sessions.events(id)
    expect(events.some((e) => e.type === 'seq.skipped' && e.tab === events.find((one) => one.type === 'x.from-a')!.tab)).toBe(true)
    // Up to b's last event; past it, the rest of b's own block is still open (b lives on).
    const last = events.findLast((e) => e.type === 'x.from-b')!.seq
    expect(status!.acked[id]).toBe(last)
    expect((await b.sessions.get(id))!.syncedSeq).toBe(last)
  })

  test('two recorders writing one session at once never take the same seq', async () => {
    const dbName = uniqueDb()
    const [a, b] = [recorderFor(dbName, { maxBatchEvents: 16 }), recorderFor(dbName, { maxBatchEvents: 16 })]
    const { id } = await a.start({ sessionId: 'shared-chat' })
    await b.start({ sessionId: id })
    for (let i = 0; i < 500; i++) {
      a.record('x.from-a', { i })
      b.record('x.from-b', { i })
    }
    await Promise.all([a.flush(), b.flush()])
    const events = await a.sessions.events(id)
    // Each seq once; what is not held is still leased to one of the two live tabs (docs/protocol.md §1).
    expect(events).toHaveLength(1002)
    const db = await openDB<TapedeckDB>(dbName)
    const session = await db.get('sessions', id)
    db.close()
    expect(session!.leases!.map((lease) => lease.tab).sort()).toEqual([...new Set(events.map((e) => e.tab))].sort())
    expect(openSeqs(events, session!.leases)).toEqual([])
    const fromA = events.filter((e) => e.type === 'x.from-a').map((e) => (e.data as { i: number }).i)
    const fromB = events.filter((e) => e.type === 'x.from-b').map((e) => (e.data as { i: number }).i)
    expect(fromA).toEqual([...Array(500).keys()])
    expect(fromB).toEqual([...Array(500).keys()])
    expect(new Set(events.filter((e) => e.type === 'x.from-a').map((e) => e.tab)).size).toBe(1)
  })

  test('a few events and stop() right after start(): seqs stay dense, the lease on its way is given back', async () => {
    const recorder = recorderFor(uniqueDb())
    for (let round = 0; round < 5; round++) {
      // The events and session.ended leave in one batch, while the first lease is still being granted.
      const { id } = await recorder.start()
      for (let i = 0; i < 10; i++) recorder.record('x.a', { i })
      await recorder.stop()
      const events = await recorder.sessions.events(id)
      expect(events.map((e) => e.type)).toEqual(['session.started', ...Array(10).fill('x.a'), 'session.ended'])
      expect(events.map((e) => e.seq)).toEqual([...Array(12).keys()])
    }
  })

  test('two recorders record their own sessions into one database without mixing them', async () => {
    const dbName = uniqueDb()
    const [a, b] = [recorderFor(dbName), recorderFor(dbName)]
    const [sa, sb] = await Promise.all([a.start({ label: 'a' }), b.start({ label: 'b' })])
    for (let i = 0; i < 300; i++) {
      a.record('x.a', { i })
      b.record('x.b', { i })
    }
    await Promise.all([a.stop(), b.stop()])
    const [ea, eb] = await Promise.all([a.sessions.events(sa.id), a.sessions.events(sb.id)])
    expect(ea.map((e) => e.seq)).toEqual([...Array(302).keys()])
    expect(eb.map((e) => e.seq)).toEqual([...Array(302).keys()])
    expect(ea.slice(1, -1).every((e) => e.type === 'x.a')).toBe(true)
    expect(eb.slice(1, -1).every((e) => e.type === 'x.b')).toBe(true)
  })

  test('10,000 events read back in order with gapless seq', async () => {
    const dbName = uniqueDb()
    const recorder = recorderFor(dbName)
    const { id } = await recorder.start()
    for (let i = 0; i < 10_000; i++) recorder.record('message.created', { messageId: `m${i}`, role: i % 2 ? 'assistant' : 'user', content: `turn ${i}` })
    await recorder.flush()
    const reader = recorderFor(dbName)
    const events = await reader.sessions.events(id)
    expect(events).toHaveLength(10_001)
    expect(events.every((e, i) => e.seq === i)).toBe(true)
    expect(events.slice(1).every((e, i) => (e.data as { content: string }).content === `turn ${i}`)).toBe(true)
    await waitFor(() => reader.getSnapshot().ready, Boolean)
  })
})
