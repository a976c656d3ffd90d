import { openDB } from 'idb'
import { afterEach, describe, expect, test } from 'vitest'
import type { TapedeckDB } from '../storage/schema'
import type { PageLifecycle } from '../client/pageLifecycle'
import { BatchBuilder } from '../events/PackedBatch'
import { createRecorder } from '../client/createRecorder'
import { closeAll, openSeqs, recorderFor, uniqueDb, waitFor } from '../../test/browser'
import { newProxy } from '../../test/sync'

afterEach(closeAll)

/** A batch of one event, as a closing page saves it. */
function saved(sessionId: string, tab: string, batchId: string, type: string, data: string, at: number) {
  const builder = new BatchBuilder()
  builder.push(type, data, Date.now(), at)
  return builder.take(sessionId, tab, batchId)
}

/** A recorder with a session stored, its tab's id, and a connection of the test's own to the database. */
async function recordingTab(dbName: string) {
  const recorder = recorderFor(dbName)
  const { id } = await recorder.start()
  await recorder.flush()
  const tab = (await recorder.sessions.events(id))[0]!.tab
  return { recorder, id, tab, db: await openDB<TapedeckDB>(dbName) }
}

const makeWorker = () => new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' })

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
      createWorker: () => withHeldCalls((worker = makeWorker()), (method) => method === 'leaseSeqs' && ++leases > 0),
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

  test('a session whose recorder died is marked interrupted on the next start and keeps its events', async () => {
    const dbName = uniqueDb()
    let worker!: Worker
    const doomed = recorderFor(dbName, { createWorker: () => (worker = makeWorker()) })
    const { id } = await doomed.start()
    for (let i = 0; i < 100; i++) doomed.record('x.work', { i })
    await doomed.flush()
    // The worker goes away without a word, as it does when its tab crashes: its lock goes with it.
    worker.terminate()

    const next = recorderFor(dbName)
    await next.ready()
    expect(next.getSnapshot().recovered).toEqual([id])
    const events = await next.sessions.events(id)
    expect(events).toHaveLength(102)
    expect(events.slice(0, 101).map((e) => e.seq)).toEqual([...Array(101).keys()])
    expect(events.at(-1)).toMatchObject({ type: 'session.interrupted', data: { reason: 'recorder-lost' } })
    expect(events.at(-1)!.t).toBe(events.at(-2)!.t)
    // The page itself is alive (only its worker died): the seqs between are still its lease.
    const db = await openDB<TapedeckDB>(dbName)
    const leases = (await db.get('sessions', id))!.leases
    db.close()
    expect(leases).toMatchObject([{ tab: events[1]!.tab, next: 101, to: events.at(-1)!.seq - 1 }])
    expect(openSeqs(events, leases)).toEqual([])
    expect((await next.sessions.get(id))!.status).toBe('interrupted')
  })

  test('a page that leaves normally (pagehide) leaves its session suspended, not interrupted; start({ sessionId }) resumes it', async () => {
    const dbName = uniqueDb()
    let worker!: Worker
    let page!: Parameters<PageLifecycle['subscribe']>[0]
    const leaving = recorderFor(dbName, {
      createWorker: () => (worker = makeWorker()),
      lifecycle: { subscribe: (events) => ((page = events), () => {}) },
    })
    const { id } = await leaving.start()
    for (let i = 0; i < 100; i++) leaving.record('x.work', { i })
    await leaving.flush()
    const db = await openDB<TapedeckDB>(dbName)
    page.hide(true) // pagehide: a reload, say
    await waitFor(() => db.count('tail'), (count) => count === 1)
    db.close()
    worker.terminate() // then the page and its worker are gone

    const next = recorderFor(dbName)
    await next.ready()
    expect(next.getSnapshot().recovered).toEqual([])
    expect((await next.sessions.get(id))!.status).toBe('suspended')
    const events = await next.sessions.events(id)
    expect(events).toHaveLength(102)
    expect(events.at(-1)).toMatchObject({ seq: 101, type: 'session.paused', data: { reason: 'page-left' } })
    const resumed = await next.start({ sessionId: id })
    expect(resumed.resumed).toBe(true)
    await next.flush()
    expect((await next.sessions.get(id))!.status).toBe('active')
  })

  test('a page that was only hidden, and then died, is interrupted', async () => {
    const dbName = uniqueDb()
    let worker!: Worker
    let page!: Parameters<PageLifecycle['subscribe']>[0]
    const doomed = recorderFor(dbName, {
      createWorker: () => (worker = makeWorker()),
      lifecycle: { subscribe: (events) => ((page = events), () => {}) },
    })
    const { id } = await doomed.start()
    doomed.record('x.work', {})
    await doomed.flush()
    page.hide() // visibilitychange: another tab in front; the page has not left
    await new Promise((resolve) => setTimeout(resolve, 50))
    worker.terminate() // then its renderer crashes

    const next = recorderFor(dbName)
    await next.ready()
    expect(next.getSnapshot().recovered).toEqual([id])
    expect((await next.sessions.get(id))!.status).toBe('interrupted')
  })

  test('a session another live recorder holds is not marked interrupted', async () => {
    const dbName = uniqueDb()
    const live = recorderFor(dbName)
    const { id } = await live.start()
    live.record('x.a', {})
    await live.flush()
    const other = recorderFor(dbName)
    await other.ready()
    expect(other.getSnapshot().recovered).toEqual([])
    expect((await other.sessions.get(id))!.status).toBe('active')
    // And once the live one ends, nothing is left to recover.
    await live.stop()
    const third = recorderFor(dbName)
    await third.ready()
    expect(third.getSnapshot().recovered).toEqual([])
  })

  test('batches a closing page saved are stored on the next start, unless its worker stored them first', async () => {
    const dbName = uniqueDb()
    const closing = recorderFor(dbName)
    const { id } = await closing.start()
    closing.record('x.stored', { n: 1 })
    await closing.flush()
    const db = await openDB<TapedeckDB>(dbName)
    const chunks = await db.getAll('chunks')
    const stored = chunks.find((chunk) => chunk.firstSeq === 1)!
    const tab = (await closing.sessions.events(id))[1]!.tab
    const at = performance.timeOrigin + performance.now()
    // What the page saved as it closed: one batch its worker had stored, one it had not.
    await db.add('tail', saved(id, tab, stored.batchId!, 'x.stored', '{"n":1}', at))
    await db.add('tail', saved(id, tab, `${tab}.99`, 'x.saved-by-page', '{"n":2}', at))
    await closing.close()

    const next = recorderFor(dbName)
    await next.ready()
    const events = await next.sessions.events(id)
    // close() gave the page's untouched lease back (docs/protocol.md §1); the saved batch, not
    // stamped (as one still waiting for a lease), takes the next seqs.
    expect(events.map((e) => [e.type, e.tab])).toEqual([
      ['session.started', tab],
      ['x.stored', tab],
      ['x.saved-by-page', tab],
      ['session.interrupted', 'recovery'],
    ])
    expect(events.map((e) => e.seq)).toEqual([0, 1, 2, 3])
    expect(await db.count('tail')).toBe(0)
    db.close()
  })

  test('a hidden page saves what its worker has not confirmed, and removes the copy once confirmed', async () => {
    const dbName = uniqueDb()
    let hide = () => {}
    const recorder = recorderFor(dbName, { lifecycle: { subscribe: (events) => ((hide = events.hide), () => {}) } })
    const { id } = await recorder.start()
    const db = await openDB<TapedeckDB>(dbName)
    let saved = 0
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < 50; i++) recorder.record('x.step', { round, i })
      hide() // the page goes to the background (or away) with a batch in flight
      saved = Math.max(saved, await db.count('tail'))
      await recorder.flush()
    }
    await waitFor(() => db.count('tail'), (count) => count === 0)
    expect(saved).toBeGreaterThan(0)
    expect((await recorder.sessions.events(id)).length).toBe(1 + 20 * 50)
    db.close()
  })

  test('the copy a hidden page saves is redacted before it is written', async () => {
    const dbName = uniqueDb()
    let hide = () => {}
    const recorder = recorderFor(dbName, {
      lifecycle: { subscribe: (events) => ((hide = events.hide), () => {}) },
      redact: { patterns: [{ name: 'order', pattern: /ORD-\d{6}/ }] },
    })
    const { id } = await recorder.start()
    const db = await openDB<TapedeckDB>(dbName)
    const key = 'sk-proj-4fTq9ZxL2mWc8RvB1nKd7HsY3pJe6GaU'
    const records: Array<{ text: string; events: number; redactions: number | undefined }> = []
    for (let round = 0; round < 20 && records.length === 0; round++) {
      for (let i = 0; i < 50; i++) recorder.record('message.created', { messageId: `m${round}.${i}`, role: 'user', content: `key ${key}, mail jane.doe@example.com, order ORD-123456, café` })
      hide()
      for (const copy of await db.getAll('tail')) records.push({ text: copy.narrow + copy.wide, events: copy.ts.length, redactions: copy.redactions })
      await recorder.flush()
    }
    expect(records.length).toBeGreaterThan(0)
    // Three replacements an event, counted in the copy for the session's counters.
    for (const record of records) expect(record.redactions).toBe(3 * record.events)
    for (const copy of records.map((record) => record.text)) {
      expect(copy).toContain('[email]')
      expect(copy).toContain('[order]')
      expect(copy).not.toContain(key)
      expect(copy).not.toContain('jane.doe@example.com')
      expect(copy).not.toContain('ORD-123456')
      expect(copy).toContain('café') // the rest of the payload is kept as it was
    }
    // Stored once each, redacted once: the engine's pass over a redacted copy changes nothing.
    const events = await recorder.sessions.events(id)
    expect(events.filter((event) => event.type === 'message.created').every((event) => !JSON.stringify(event.data).includes(key))).toBe(true)
    await waitFor(() => db.count('tail'), (count) => count === 0)
    db.close()
  })

  test("a saved copy's redactions, made by the page, count in the session", async () => {
    const dbName = uniqueDb()
    const { recorder: closing, id, tab, db } = await recordingTab(dbName)
    const data = '{"role":"user","content":"mail [email], card [card]"}'
    await db.add('tail', { ...saved(id, tab, `${tab}.99`, 'message.created', data, performance.timeOrigin + performance.now()), redactions: 2 })
    await closing.close()

    const next = recorderFor(dbName)
    await next.ready()
    expect((await next.sessions.events(id)).find((event) => event.type === 'message.created')?.data).toEqual(JSON.parse(data))
    expect((await next.sessions.get(id))!.counters.redactions).toBe(2)
    db.close()
  })

  test('a saved batch of a tab that is still alive waits', async () => {
    const dbName = uniqueDb()
    const { id, tab, db } = await recordingTab(dbName)
    await db.add('tail', saved(id, tab, `${tab}.50`, 'x.late', '{}', performance.timeOrigin))
    const other = recorderFor(dbName)
    await other.ready()
    expect((await other.sessions.events(id)).map((e) => e.type)).toEqual(['session.started'])
    expect(await db.count('tail')).toBe(1)
    db.close()
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
