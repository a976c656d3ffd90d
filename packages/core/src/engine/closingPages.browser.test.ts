/**
 * Pages that close, hide or die, in a real Chromium with the real worker and IndexedDB: the session
 * left suspended or marked interrupted, and the copy of unconfirmed batches a leaving page saves —
 * stored on the next start, redacted, never taken from a tab still alive. Seqs across recorders:
 * continuedSessions.browser.test.ts.
 */
import { openDB } from 'idb'
import { afterEach, describe, expect, test } from 'vitest'
import type { TapedeckDB } from '../storage/schema'
import type { PageLifecycle } from '../client/pageLifecycle'
import { BatchBuilder } from '../events/PackedBatch'
import { closeAll, engineWorker, openSeqs, recorderFor, uniqueDb, waitFor } from '../../test/browser'

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

describe('a conversation outlives a page', () => {
  test('a session whose recorder died is marked interrupted on the next start and keeps its events', async () => {
    const dbName = uniqueDb()
    let worker!: Worker
    const doomed = recorderFor(dbName, { createWorker: () => (worker = engineWorker()) })
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
      createWorker: () => (worker = engineWorker()),
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
      createWorker: () => (worker = engineWorker()),
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
})
