/**
 * Sampling and the on-error mode in a real Chromium, with the recorder's real worker and IndexedDB:
 * what is stored (read back from IndexedDB), what is never opened, and the times of a kept window.
 */
import { afterEach, describe, expect, test } from 'vitest'
import { closeAll, databaseExists, recorderFor, uniqueDb } from '../../test/browser'
import { seeded } from '../../test/seeded.mjs'
import type { TapedeckEvent } from '../events/catalogue'
import type { Clock } from '../util/clock'
import { sessionPoint } from './sessionSampled'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Recorded = TapedeckEvent & { data: Record<string, any> }

afterEach(async () => {
  await closeAll()
  sessionStorage.clear()
})

/** A session id on the chosen side of a rate (its place in [0, 1) is the id's hash). */
function sessionId(inSample: boolean, rate: number): string {
  for (let i = 0; ; i++) {
    const id = `s_test${i}_${crypto.randomUUID().slice(0, 8)}`
    if (sessionPoint(id) < rate === inSample) return id
  }
}

/** A clock the test moves: the recorder's `t` and `ts` come from it. */
function manualClock(start = 1_700_000_000_000): Clock & { advance(ms: number): void } {
  let now = start
  return { now: () => now, wallNow: () => Math.floor(now), advance: (ms) => void (now += ms) }
}

async function stored(recorder: ReturnType<typeof recorderFor>, id: string): Promise<Recorded[]> {
  await recorder.flush()
  return (await recorder.sessions.events(id)) as Recorded[]
}

describe('sampleRate', () => {
  test('an unsampled session stores and sends nothing, opens no database, and says so in the status', async () => {
    const dbName = uniqueDb()
    let uploads = 0
    const recorder = recorderFor(dbName, {
      sampleRate: 0,
      transport: async () => {
        uploads++
        return { status: 200 }
      },
    })
    const { id } = await recorder.start()
    for (let i = 0; i < 50; i++) recorder.record('message.created', { messageId: `m${i}`, role: 'user', content: `hello ${i}` })
    await recorder.stop()
    await recorder.flush()
    const status = recorder.getSnapshot()
    expect(status.sampled).toBe(false)
    expect(status.counts.accepted).toBe(0)
    expect(status.engine).toBeNull()
    expect(await databaseExists(dbName)).toBe(false)
    expect(uploads).toBe(0)
    expect(id).toMatch(/^s_/)
  })

  test('a sampled session is stored whole, and session.started carries the rate', async () => {
    const id = sessionId(true, 0.5)
    const recorder = recorderFor(uniqueDb(), { sampleRate: 0.5 })
    await recorder.start({ sessionId: id })
    recorder.record('message.created', { messageId: 'm1', role: 'user', content: 'hi' })
    const events = await stored(recorder, id)
    expect(recorder.getSnapshot().sampled).toBe(true)
    expect(events.map((e) => e.type)).toEqual(['session.started', 'message.created'])
    expect(events[0]!.data.sampling).toEqual({ rate: 0.5 })
  })

  test('the decision is the session id’s: a reload that continues the session decides the same', async () => {
    for (const inSample of [true, false]) {
      const dbName = uniqueDb()
      const id = sessionId(inSample, 0.5)
      for (let reload = 0; reload < 2; reload++) {
        const recorder = recorderFor(dbName, { sampleRate: 0.5 })
        await recorder.start({ sessionId: id })
        recorder.record('x.visit', { reload })
        await recorder.flush()
        expect(recorder.getSnapshot().sampled).toBe(inSample)
        await recorder.close()
      }
      if (!inSample) expect(await databaseExists(dbName)).toBe(false)
      else {
        const reader = recorderFor(dbName)
        const visits = (await reader.sessions.events(id)).filter((e) => e.type === 'x.visit')
        expect(visits.map((e) => (e.data as { reload: number }).reload)).toEqual([0, 1])
      }
    }
  })

  test('sampleRate outside 0–1, a per-type rate for the recorder’s own events or an unknown mode is reported (invalid_options) and the session is recorded whole', async () => {
    const wrong: Array<[Parameters<typeof recorderFor>[1], RegExp]> = [
      [{ sampleRate: 1.5 }, /sampleRate must be a number from 0 to 1/],
      [{ sample: { 'session.ended': 0.5 } as never }, /always kept/],
      [{ mode: 'sometimes' as never }, /mode must be/],
    ]
    for (const [options, message] of wrong) {
      const recorder = recorderFor(uniqueDb(), options)
      const { id } = await recorder.start()
      recorder.record('x.step', {})
      expect(recorder.getSnapshot().error).toMatchObject({ code: 'invalid_options', message: expect.stringMatching(message) })
      expect((await stored(recorder, id)).map((e) => e.type)).toEqual(['session.started', 'x.step'])
    }
  })
})

describe('per-type sampling', () => {
  test("sample: { 'user.action': 0.1 } keeps about one in ten, each with its rate; other types are all kept", async () => {
    const recorder = recorderFor(uniqueDb(), { sample: { 'user.action': 0.1 }, random: seeded(17) })
    const { id } = await recorder.start()
    for (let i = 0; i < 1000; i++) recorder.record('user.action', { kind: 'click', target: { selector: `#b${i}`, label: 'B' } })
    for (let i = 0; i < 20; i++) recorder.record('message.created', { messageId: `m${i}`, role: 'user', content: 'x' })
    const events = await stored(recorder, id)
    const actions = events.filter((e) => e.type === 'user.action')
    // Binomial(1000, 0.1): mean 100, sd 9.5; 4 sd either side.
    expect(actions.length).toBeGreaterThanOrEqual(62)
    expect(actions.length).toBeLessThanOrEqual(138)
    expect(actions.every((e) => e.data.sampleRate === 0.1)).toBe(true)
    expect(events.filter((e) => e.type === 'message.created')).toHaveLength(20)
    expect(events[0]!.data.sampling).toEqual({ types: { 'user.action': 0.1 } })
    // Gapless: the dropped ones never took a seq.
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i))
  })
})

describe("mode: 'on-error'", () => {
  test('5 minutes of events, then a call fails: exactly the last 60 s before it and what follows are stored, gapless', async () => {
    const clock = manualClock()
    const start = clock.now()
    const recorder = recorderFor(uniqueDb(), { mode: 'on-error', clock })
    const { id } = await recorder.start()
    expect(recorder.getSnapshot().kept).toBe(false)
    for (let second = 1; second <= 300; second++) {
      clock.advance(1000)
      recorder.record('x.tick', { second })
    }
    await recorder.flush()
    expect(recorder.getSnapshot().counts.accepted).toBe(0)
    clock.advance(500)
    recorder.record('provider.call.failed', { callId: 'c1', error: { name: 'RateLimitError', message: 'slow down', status: 429 }, latencyMs: 12 })
    for (let second = 301; second <= 305; second++) {
      clock.advance(1000)
      recorder.record('x.tick', { second })
    }
    const events = await stored(recorder, id)
    expect(recorder.getSnapshot().kept).toBe(true)
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i))
    expect(events[0]).toMatchObject({ type: 'session.started', t: 0, ts: Math.floor(start), data: { sampling: { mode: 'on-error' } } })
    // The failure came at 300.5 s: the window holds the ticks recorded from 240.5 s on.
    const ticks = events.filter((e) => e.type === 'x.tick').map((e) => e.data.second as number)
    expect(ticks).toEqual([...Array.from({ length: 60 }, (_, i) => 241 + i), 301, 302, 303, 304, 305])
    const kept = events[1]!
    expect(kept).toMatchObject({ type: 'session.kept', checkpoint: true, data: { reason: 'provider.call.failed', bufferMs: 60_000, discarded: 240 } })
    // The window starts where its first event was recorded: the times are the recording's, not the trigger's.
    expect(kept.t).toBe(241_000)
    expect(events[2]).toMatchObject({ type: 'x.tick', t: 241_000, ts: Math.floor(start + 241_000) })
    expect(events.find((e) => e.type === 'provider.call.failed')!.t).toBe(300_500)
  })

  test('an untriggered session stores nothing, opens no database, and its window is gone when it stops', async () => {
    const clock = manualClock()
    const dbName = uniqueDb()
    const recorder = recorderFor(dbName, { mode: 'on-error', bufferMs: 10_000, clock })
    await recorder.start()
    for (let i = 0; i < 500; i++) {
      clock.advance(100)
      recorder.record('message.created', { messageId: `m${i}`, role: 'user', content: 'fine' })
    }
    recorder.record('feedback.submitted', { rating: 5 })
    await recorder.stop()
    await recorder.flush()
    expect(recorder.getSnapshot().counts.accepted).toBe(0)
    expect(await databaseExists(dbName)).toBe(false)
  })

  test('a negative feedback, an uncaught-error event and keep(reason) each keep the session', async () => {
    const triggers: Array<[string, (r: ReturnType<typeof recorderFor>) => void, Record<string, unknown>]> = [
      ['feedback', (r) => r.record('feedback.submitted', { rating: 'thumbs-down' }), { reason: 'feedback.submitted' }],
      ['error', (r) => r.record('error.raised', { message: 'boom', source: 'window.error' }), { reason: 'error.raised' }],
      ['keep', (r) => r.keep('support ticket 42'), { reason: 'keep', detail: 'support ticket 42' }],
    ]
    for (const [name, trigger, expected] of triggers) {
      const recorder = recorderFor(uniqueDb(), { mode: 'on-error' })
      const { id } = await recorder.start()
      recorder.record('message.created', { messageId: 'm1', role: 'user', content: 'before' })
      trigger(recorder)
      await new Promise((resolve) => setTimeout(resolve, 0))
      recorder.record('message.created', { messageId: 'm2', role: 'assistant', content: 'after' })
      const events = await stored(recorder, id)
      expect(events.find((e) => e.type === 'session.kept')?.data, name).toMatchObject(expected)
      expect(events.filter((e) => e.type === 'message.created').map((e) => e.data.content), name).toEqual(['before', 'after'])
    }
  })

  test('keepWhen decides for other events; a predicate that throws keeps nothing and breaks nothing', async () => {
    const recorder = recorderFor(uniqueDb(), {
      mode: 'on-error',
      keepWhen: ({ type, data }) => {
        if (type === 'x.bad') throw new Error('predicate bug')
        return type === 'x.checkout' && data.failed === true
      },
    })
    const { id } = await recorder.start()
    expect(recorder.record('x.bad', {})).toBe(true)
    recorder.record('x.checkout', { failed: false })
    await recorder.flush()
    expect(recorder.getSnapshot().kept).toBe(false)
    recorder.record('x.checkout', { failed: true })
    const events = await stored(recorder, id)
    expect(events.map((e) => e.type)).toEqual(['session.started', 'session.kept', 'x.bad', 'x.checkout', 'x.checkout'])
    expect(events[1]!.data.reason).toBe('predicate')
  })

  test('a kept session stays kept when the tab reloads and continues it', async () => {
    const dbName = uniqueDb()
    const first = recorderFor(dbName, { mode: 'on-error' })
    const { id } = await first.start()
    first.keep()
    await first.ready()
    first.record('x.step', { n: 1 })
    await first.flush()
    await first.close()
    const second = recorderFor(dbName, { mode: 'on-error' })
    await second.start({ sessionId: id })
    expect(second.getSnapshot().kept).toBe(true)
    second.record('x.step', { n: 2 })
    const steps = (await stored(second, id)).filter((e) => e.type === 'x.step')
    expect(steps.map((e) => e.data.n)).toEqual([1, 2])
  })
})
