/**
 * The on-error window on disk (WindowStore), in a real Chromium: a page that dies before the
 * trigger leaves its window behind, redacted; the page that continues the session keeps it on a
 * trigger; what never triggers expires and is deleted.
 */
import { openDB } from 'idb'
import { afterEach, describe, expect, test } from 'vitest'
import { closeAll, recorderFor, uniqueDb, waitFor } from '../../test/browser'
import type { TapedeckEvent } from '../events/catalogue'
import type { Clock } from '../util/clock'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Recorded = TapedeckEvent & { data: Record<string, any> }

afterEach(async () => {
  await closeAll()
  sessionStorage.clear()
})

function manualClock(start = Date.now()): Clock & { advance(ms: number): void } {
  let now = start
  return { now: () => now, wallNow: () => Math.floor(now), advance: (ms) => void (now += ms) }
}

/** Every row of the window's database, as text (what is at rest), and its event rows. */
async function windowRows(dbName: string): Promise<{ text: string; events: number; sessions: number }> {
  const db = await openDB(`${dbName}:on-error`)
  const events = await db.getAll('events')
  const sessions = await db.getAll('sessions')
  db.close()
  return { text: JSON.stringify([events, sessions]), events: events.length, sessions: sessions.length }
}

describe('the on-error window survives the page', () => {
  test('a page dies before the trigger; the page that continues the session keeps both windows on an error, gapless, redacted at rest', async () => {
    const dbName = uniqueDb()
    const clock = manualClock()
    const t0 = clock.now()
    // The first page: never stopped, never closed — as a crashed tab leaves it.
    const crashed = recorderFor(dbName, { mode: 'on-error', clock })
    const { id } = await crashed.start({ metadata: { page: 1 } })
    for (let i = 1; i <= 10; i++) {
      clock.advance(1000)
      crashed.record('message.created', { messageId: `a${i}`, role: 'user', content: `first page ${i}, mail ada@example.com` })
    }
    // Written behind within 100 ms: wait until the rows are there.
    await waitFor(() => windowRows(dbName), (rows) => rows.events === 10)
    const atRest = await windowRows(dbName)
    expect(atRest.text).toContain('first page 10')
    expect(atRest.text).not.toContain('ada@example.com')
    expect(crashed.getSnapshot().counts.accepted).toBe(0)

    clock.advance(5000)
    const second = recorderFor(dbName, { mode: 'on-error', clock })
    await second.start({ sessionId: id, metadata: { page: 2 } })
    clock.advance(1000)
    second.record('message.created', { messageId: 'b1', role: 'user', content: 'second page' })
    clock.advance(1000)
    second.record('error.raised', { message: 'boom', source: 'window.error' })
    await second.flush()
    const events = (await second.sessions.events(id)) as Recorded[]
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i))
    expect(events.map((e) => e.type)).toEqual(['session.started', 'session.kept', ...Array(10).fill('message.created'), 'session.started', 'message.created', 'error.raised'])
    // The session began on the first page: its start and times are that page's.
    expect(events[0]).toMatchObject({ t: 0, ts: Math.floor(t0), data: { metadata: { page: 1 } } })
    expect(events[1]).toMatchObject({ t: 1000, data: { reason: 'error.raised', discarded: 0 } })
    expect(events[11]!.data.content).toBe('first page 10, mail [email]')
    expect(events[12]).toMatchObject({ t: 15_000, data: { metadata: { page: 2 } } })
    // Kept: the rows on disk are the queue's now, and deleted.
    await waitFor(() => windowRows(dbName), (rows) => rows.events === 0 && rows.sessions === 0)
  })

  test('what never triggers is deleted: a stopped session at once, an abandoned window once it has expired', async () => {
    const dbName = uniqueDb()
    const clock = manualClock()
    const stopped = recorderFor(dbName, { mode: 'on-error', bufferMs: 10_000, clock })
    await stopped.start()
    stopped.record('x.step', { n: 1 })
    await waitFor(() => windowRows(dbName), (rows) => rows.events === 1)
    await stopped.stop()
    await waitFor(() => windowRows(dbName), (rows) => rows.events === 0 && rows.sessions === 0)

    const abandoned = recorderFor(dbName, { mode: 'on-error', bufferMs: 10_000, clock })
    const { id } = await abandoned.start()
    for (let i = 0; i < 30; i++) {
      clock.advance(1000)
      abandoned.record('x.step', { n: i })
    }
    // Trimmed to the window as it goes: the last 10 s.
    await waitFor(() => windowRows(dbName), (rows) => rows.events === 11)
    clock.advance(10_001)
    const next = recorderFor(dbName, { mode: 'on-error', bufferMs: 10_000, clock })
    await next.start()
    const left = await windowRows(dbName)
    expect(left.events).toBe(0)
    expect(left.text).not.toContain(id)
  })

  test('withdrawn consent deletes every window on disk at once, also those an earlier page left', async () => {
    const dbName = uniqueDb()
    // An earlier page that died with its window on disk.
    const crashed = recorderFor(dbName, { mode: 'on-error', consent: 'required' })
    await crashed.consent.grant()
    await crashed.start()
    crashed.record('message.created', { messageId: 'm1', role: 'user', content: 'my order is late' })
    await waitFor(() => windowRows(dbName), (rows) => rows.events === 1 && rows.sessions === 1)
    const recorder = recorderFor(dbName, { mode: 'on-error', consent: 'required' })
    await recorder.consent.grant()
    await recorder.start()
    recorder.record('message.created', { messageId: 'm2', role: 'user', content: 'still late' })
    await waitFor(() => windowRows(dbName), (rows) => rows.events === 2 && rows.sessions === 2)
    await recorder.consent.withdraw()
    await waitFor(() => windowRows(dbName), (rows) => rows.events === 0 && rows.sessions === 0)
    recorder.record('message.created', { messageId: 'm3', role: 'user', content: 'after' })
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(await windowRows(dbName)).toMatchObject({ events: 0, sessions: 0 })
  })

  test('erase() of a session or a user deletes the windows earlier pages left of it, and only those', async () => {
    const dbName = uniqueDb()
    // Two pages that died with their windows on disk: ada's session and bo's.
    const ada = recorderFor(dbName, { mode: 'on-error' })
    const { id: adaSession } = await ada.start({ userId: 'ada' })
    ada.record('message.created', { messageId: 'm1', role: 'user', content: 'from ada' })
    const bo = recorderFor(dbName, { mode: 'on-error' })
    const { id: boSession } = await bo.start({ userId: 'bo' })
    bo.record('message.created', { messageId: 'm2', role: 'user', content: 'from bo' })
    await waitFor(() => windowRows(dbName), (rows) => rows.events === 2 && rows.sessions === 2)

    // A later page (not in on-error mode) erases a user: ada's window goes, bo's stays.
    const later = recorderFor(dbName, {})
    await later.erase({ userId: 'ada' })
    const afterUser = await windowRows(dbName)
    expect(afterUser).toMatchObject({ events: 1, sessions: 1 })
    expect(afterUser.text).not.toContain(adaSession)
    expect(afterUser.text).toContain('from bo')

    await later.erase({ sessionId: boSession })
    expect(await windowRows(dbName)).toMatchObject({ events: 0, sessions: 0 })
  })
})
