import { describe, expect, it } from 'vitest'
import type { StatsGroup } from '@tapedeck/core'
import { openPostgresSchema } from '../testing/postgresSchema.js'
import { createPostgresStore } from './createPostgresStore.js'
import { rebuildCallDays } from './postgresCallDays.js'
import { postgresTransaction } from './postgresTransaction.js'
import type { SessionStore, WireEvent } from './SessionStore.js'

const databaseUrl = process.env.DATABASE_URL
const DAY = 86_400_000
const DAY0 = Date.UTC(2026, 10, 2)
const SESSIONS = 60
const WRITERS = 8
const MODELS = ['gpt-4o', 'gpt-4o-mini', 'claude']
const FEATURES = ['chat', 'voice']

/**
 * Session i: its start 1 s before midnight of day i % 3, then two calls just after midnight (the
 * next day). Cost 0.001 × (i + 1) and 10 × (i + 1) input tokens per call.
 */
function session(i: number): WireEvent[] {
  const id = `s_${String(i).padStart(3, '0')}`
  const start = DAY0 + ((i % 3) + 1) * DAY - 1000
  const at = (seq: number, type: string, data: Record<string, unknown>): WireEvent => ({ v: 1, id: `e_${id}_${seq}`, sessionId: id, seq, ts: start + seq * 500, t: seq * 500, tab: 't_1', type, data })
  const call = (seq: number, callId: string): WireEvent[] => [
    at(seq, 'provider.call.started', { callId, provider: 'openai', model: MODELS[i % 3] }),
    at(seq + 1, 'provider.call.completed', { callId, model: MODELS[i % 3], usage: { inputTokens: 10 * (i + 1), outputTokens: 5 }, costUsd: 0.001 * (i + 1), latencyMs: 100 * (i + 1), ttftMs: 50 }),
  ]
  return [at(0, 'session.started', { userId: `u_${i % 7}`, feature: FEATURES[i % 2] }), ...call(1, 'c0'), ...call(3, 'c1'), at(5, 'session.ended', { lastSeq: 5, reason: 'done' })]
}

/** The sums a correct answer holds, per model and per feature, from the sessions themselves. */
function expected(count: number) {
  const byModel = new Map<string, [number, number, number]>()
  const byFeature = new Map<string, [number, number, number]>()
  const add = (map: Map<string, [number, number, number]>, key: string, i: number) => {
    const [calls, cost, tokens] = map.get(key) ?? [0, 0, 0]
    map.set(key, [calls + 2, cost + 0.002 * (i + 1), tokens + 20 * (i + 1)])
  }
  for (let i = 0; i < count; i++) {
    add(byModel, MODELS[i % 3]!, i)
    add(byFeature, FEATURES[i % 2]!, i)
  }
  const rows = (map: Map<string, [number, number, number]>) => [...map].map(([key, [calls, cost, tokens]]) => [key, calls, Math.round(cost * 1e9) / 1e9, tokens]).sort()
  return { model: rows(byModel), feature: rows(byFeature) }
}

const figures = (groups: StatsGroup[]) => groups.map((g) => [g.key, g.calls, g.costUsd, g.inputTokens]).sort()

describe.skipIf(!databaseUrl)('PostgreSQL daily roll-ups under concurrent writes (DATABASE_URL)', () => {
  it('answers every call after ingest and statistics ran at once: no write is left out of a rebuilt day', async () => {
    const schema = await openPostgresSchema(databaseUrl!)
    try {
      const store: SessionStore = createPostgresStore({ pool: schema.pool })
      // Whole days only: the roll-up path (docs/server.md, "Daily roll-ups").
      const stats = () => store.sessionStats({ from: DAY0, to: DAY0 + 5 * DAY, groupBy: ['model', 'feature', 'day'], limit: 100 })
      await stats() // the tables exist before the writers start
      // Each session in two batches; every third one with its calls first, so its start comes late and moves them a day back.
      const batches = Array.from({ length: SESSIONS }, (_, i) => {
        const events = session(i)
        const head = { sessionId: events[0]!.sessionId, key: 'a', firstSeq: 0, lastSeq: 2, events: events.slice(0, 3) }
        const tail = { sessionId: events[0]!.sessionId, key: 'b', firstSeq: 3, lastSeq: 5, events: events.slice(3) }
        return i % 3 === 0 ? [tail, head] : [head, tail]
      })
      let next = 0
      const writer = async () => {
        for (let i = next++; i < SESSIONS; i = next++) for (const batch of batches[i]!) expect((await store.putBatch(batch)).status).toBe('stored')
      }
      let writing = true
      let answered = 0
      // Three readers at a time, each request rebuilding the days marked since the last: bounded by count and by the writers.
      const reader = async () => {
        for (let n = 0; writing && n < 60; n++) {
          const answer = await stats()
          // Never more than was written, whatever the moment.
          expect(answer.totals.calls).toBeLessThanOrEqual(2 * SESSIONS)
          answered++
        }
      }
      const readers = [reader(), reader(), reader()]
      await Promise.all(Array.from({ length: WRITERS }, writer))
      writing = false
      await Promise.all(readers)
      expect(answered).toBeGreaterThan(0)

      const final = await stats()
      const want = expected(SESSIONS)
      expect([figures(final.groups[0]!), figures(final.groups[1]!)]).toEqual([want.model, want.feature])
      expect([final.totals.calls, final.totals.sessions]).toEqual([2 * SESSIONS, SESSIONS])
      // Per day: the calls count on their session's start day (1, 2, 3 after DAY0), the late starts included.
      expect(final.groups[2]!.map((g) => [g.key, g.calls])).toEqual([1, 2, 3].map((d) => [new Date(DAY0 + d * DAY - DAY).toISOString(), (2 * SESSIONS) / 3]))
      // The roll-ups equal a rebuild of every day from the calls as they now stand (sums to the nanodollar: their order may differ).
      const rollups = () => schema.pool.query('select day, model, feature, calls, round(cost_usd::numeric, 9)::text as cost_usd, input_tokens from tapedeck_call_days order by day, model, feature')
      const kept = (await rollups()).rows
      await schema.pool.query('insert into tapedeck_stale_days (day) select distinct day from tapedeck_call_days on conflict do nothing')
      await stats()
      expect(kept).toEqual((await rollups()).rows)
      expect((await schema.pool.query('select count(*)::int as n from tapedeck_stale_days')).rows[0].n).toBe(0)
    } finally {
      await schema.dispose()
    }
  }, 120_000)

  it('counts a call that moved days once, when one of its days was rebuilt between the check for marks and the read', async () => {
    const schema = await openPostgresSchema(databaseUrl!)
    try {
      // Session 0 starts 1 s before midnight of DAY0; its calls come just after (DAY0 + DAY).
      const events = session(0)
      const sessionId = events[0]!.sessionId
      let interleave: (() => Promise<void>) | null = null
      // The reader's pool: its check for marked days answers, then another reader's work lands before the read.
      const pool = new Proxy(schema.pool, {
        get(target, prop) {
          if (prop !== 'query') return Reflect.get(target, prop)
          return async (...args: Parameters<typeof target.query>) => {
            const result = await (target.query as (...a: unknown[]) => Promise<unknown>)(...args)
            const step = String(args[0]).startsWith('select 1 from tapedeck_stale_days') ? interleave : null
            interleave = null
            await step?.()
            return result
          }
        },
      })
      const store: SessionStore = createPostgresStore({ pool })
      const stats = () => store.sessionStats({ from: DAY0, to: DAY0 + 3 * DAY, groupBy: ['model'], limit: 100 })
      // Calls first: without its start, call c1 counts on its own day, DAY0 + DAY, and is rolled up there.
      await store.putBatch({ sessionId, key: 'b', firstSeq: 3, lastSeq: 5, events: events.slice(3) })
      expect((await stats()).totals.calls).toBe(1)
      interleave = async () => {
        // The start arrives: c1 moves back to DAY0 (both days marked), and a rebuild of DAY0 alone lands.
        await createPostgresStore({ pool: schema.pool }).putBatch({ sessionId, key: 'a', firstSeq: 0, lastSeq: 2, events: events.slice(0, 3) })
        await postgresTransaction(schema.pool, (client) => rebuildCallDays(client, { fromDay: DAY0, toDay: DAY0 + DAY }))
      }
      const answer = await stats()
      expect(interleave).toBe(null) // the check ran, and the rebuild landed before the read
      // c0 and c1 on DAY0; DAY0 + DAY still holds c1 in its roll-up until it is rebuilt, and must not add it again.
      expect([answer.totals.calls, answer.groups[0]!.map((g) => [g.key, g.calls])]).toEqual([2, [['gpt-4o', 2]]])
      expect((await schema.pool.query('select count(*)::int as n from tapedeck_stale_days')).rows[0].n).toBe(0)
    } finally {
      await schema.dispose()
    }
  }, 60_000)

  it('rebuilds a marked day only after the writes in flight on it have ended, so none is left out', async () => {
    const schema = await openPostgresSchema(databaseUrl!)
    try {
      const store: SessionStore = createPostgresStore({ pool: schema.pool })
      const stats = () => store.sessionStats({ from: DAY0, to: DAY0 + 5 * DAY, groupBy: ['model'], limit: 100 })
      const events = session(1)
      await store.putBatch({ sessionId: events[0]!.sessionId, key: 'a', firstSeq: 0, lastSeq: 5, events })
      // A write on the session's day, not yet committed (its trigger marked the day under the day's shared lock).
      const writer = await schema.pool.connect()
      try {
        await writer.query('begin')
        await writer.query(
          `insert into tapedeck_calls (session_id, call_id, model, model_rank, finished, failed, input_tokens, output_tokens, cached_tokens,
             reasoning_tokens, cost_usd, latency_ms, ttft_ms, started_at, user_id)
           select session_id, 'c_late', 'gpt-4o-mini', 2, true, false, 7, 0, 0, 0, 1, 10, 5, sort_at, user_id from tapedeck_sessions where session_id = $1`,
          [events[0]!.sessionId],
        )
        let answered = false
        const during = stats().then((answer) => ((answered = true), answer))
        await new Promise((resolve) => setTimeout(resolve, 500))
        // The rebuild waits for the write: were it to read now, the day would be rebuilt without the call and unmarked.
        expect(answered).toBe(false)
        await writer.query('commit')
        expect((await during).totals.calls).toBe(3)
      } finally {
        writer.release()
      }
      const after = await stats()
      expect([after.totals.calls, after.totals.costUsd]).toEqual([3, 1.004])
    } finally {
      await schema.dispose()
    }
  }, 60_000)
})
