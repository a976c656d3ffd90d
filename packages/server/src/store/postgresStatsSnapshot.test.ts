import { describe, expect, it } from 'vitest'
import pg, { type Pool, type PoolClient } from 'pg'
import { openPostgresSchema } from '../testing/postgresSchema.js'
import { createPostgresStore } from './createPostgresStore.js'
import type { SessionStore, WireEvent } from './SessionStore.js'

const databaseUrl = process.env.DATABASE_URL
const DAY = 86_400_000
const DAY0 = Date.UTC(2026, 10, 2)

/** A session that starts 1 s before midnight of DAY0, with two calls just after (DAY0 + DAY): 0.001 and 10 input tokens each. */
function session(id: string): WireEvent[] {
  const start = DAY0 + DAY - 1000
  const at = (seq: number, type: string, data: Record<string, unknown>): WireEvent => ({ v: 1, id: `e_${id}_${seq}`, sessionId: id, seq, ts: start + seq * 500, t: seq * 500, tab: 't_1', type, data })
  const call = (seq: number, callId: string): WireEvent[] => [
    at(seq, 'provider.call.started', { callId, provider: 'openai', model: 'gpt-4o' }),
    at(seq + 1, 'provider.call.completed', { callId, model: 'gpt-4o', usage: { inputTokens: 10, outputTokens: 5 }, costUsd: 0.001, latencyMs: 100, ttftMs: 50 }),
  ]
  return [at(0, 'session.started', { userId: 'u_1', feature: 'chat' }), ...call(1, 'c0'), ...call(3, 'c1'), at(5, 'session.ended', { lastSeq: 5, reason: 'done' })]
}

type Query = (sql: string, params?: unknown[]) => Promise<unknown>

/**
 * The pool with the statements of its connections (the statistics' reads) passed through
 * `around(sql, params, run)`, which runs the statement when it likes; pool.query (the roll-ups'
 * refresh check) passes as it is.
 */
function watchedPool(pool: Pool, around: (sql: string, params: unknown[], run: () => Promise<unknown>) => Promise<unknown>): Pool {
  return new Proxy(pool, {
    get(target, prop) {
      if (prop !== 'connect') return Reflect.get(target, prop)
      return async (callback?: unknown) => {
        // pool.query connects with a callback: those pass through.
        if (callback) return (target.connect as (callback: unknown) => void)(callback)
        const client = await target.connect()
        const query = client.query.bind(client) as Query
        return new Proxy(client, {
          get: (real, name) => (name === 'query' ? (sql: string, params: unknown[] = []) => around(String(sql), params, () => query(sql, params)) : Reflect.get(real, name)),
        }) as PoolClient
      }
    },
  })
}

const readsRollups = (sql: string) => /^\s*select/.test(sql) && /from tapedeck_call_day/.test(sql)
const readsCalls = (sql: string) => /^\s*select/.test(sql) && /from tapedeck_calls c\b/.test(sql)

describe.skipIf(!databaseUrl)('PostgreSQL statistics: one snapshot per answer (DATABASE_URL)', () => {
  it('counts a call once when its session\'s start moves it from a partial edge day into a whole day between the statements of one answer', async () => {
    const schema = await openPostgresSchema(databaseUrl!)
    try {
      const events = session('s_move')
      const sessionId = events[0]!.sessionId
      // Whole days [DAY0 - DAY, DAY0 + DAY) from the roll-ups; the partial day [DAY0 + DAY, +12 h) from the calls.
      const query = { from: DAY0 - DAY, to: DAY0 + DAY + DAY / 2, groupBy: ['model' as const], limit: 100 }
      let moved: Promise<void> | null = null
      let move: (() => void) | null = null
      const pool = watchedPool(schema.pool, async (sql, params, run) => {
        if (!moved) return run()
        // The roll-ups are read after the move has landed (an answer on one connection queues its
        // partial days' statements before them, or this would wait for ever)…
        if (readsRollups(sql)) return moved.then(run)
        const result = await run()
        // …and the partial day's sums of calls before it.
        if (readsCalls(sql) && sql.includes('sum(c.input_tokens)') && params[0] === DAY0 + DAY) move?.()
        return result
      })
      const store: SessionStore = createPostgresStore({ pool })
      // Writes on a store of their own, opened before the answer: opening one takes locks on the tables.
      const writer = createPostgresStore({ pool: schema.pool })
      // The calls first: without their session's start, c1 counts on its own day, the partial day.
      await writer.putBatch({ sessionId, key: 'b', firstSeq: 3, lastSeq: 5, events: events.slice(3) })
      expect((await store.sessionStats(query)).totals.calls).toBe(1)
      moved = new Promise<void>((resolve) => {
        move = () => {
          move = null
          // The start arrives: c0 and c1 count on DAY0, a whole day (marked; a refresh rebuilds it).
          void writer
            .putBatch({ sessionId, key: 'a', firstSeq: 0, lastSeq: 2, events: events.slice(0, 3) })
            .then(() => resolve())
        }
      })
      const answer = await store.sessionStats(query)
      expect(move).toBe(null) // the partial day was read, then the start landed, then the roll-ups were read
      moved = null
      // One moment: c1 alone on the partial day (before the start), or c0 and c1 on DAY0 (after): never c1 on both.
      expect([1, 2]).toContain(answer.totals.calls)
      expect(answer.groups[0]!.map((g) => [g.key, g.calls])).toEqual([['gpt-4o', answer.totals.calls]])
      const after = await store.sessionStats(query)
      expect([after.totals.calls, after.totals.costUsd]).toEqual([2, 0.002])
    } finally {
      await schema.dispose()
    }
  }, 60_000)

  it('reads the calls when writes keep marking the range: three stale reads, then an answer from the calls that is right', async () => {
    const schema = await openPostgresSchema(databaseUrl!)
    try {
      const events = session('s_busy')
      const sessionId = events[0]!.sessionId
      // Whole days only: every figure comes from the roll-ups, unless they give way to the calls.
      const query = { from: DAY0, to: DAY0 + 3 * DAY, groupBy: ['model' as const], limit: 100 }
      let writing = false
      let written = 0
      const statements: Array<{ sql: string; params: unknown[] }> = []
      const pool = watchedPool(schema.pool, async (sql, params, run) => {
        if (writing && (readsRollups(sql) || /from tapedeck_stale_days|pg_export_snapshot/.test(sql)) && !/^\s*(delete|insert)/.test(sql)) {
          // A write lands on DAY0 before each read of the roll-ups or of their marks, and before an
          // answer's snapshot is taken (pg_export_snapshot): the day is marked again in every snapshot.
          written++
          await schema.pool.query(
            `insert into tapedeck_calls (session_id, call_id, model, model_rank, finished, failed, input_tokens, output_tokens, cached_tokens,
               reasoning_tokens, cost_usd, latency_ms, ttft_ms, started_at, user_id)
             select session_id, $2, 'gpt-4o', 1, true, false, 7, 0, 0, 0, 1, 10, 5, sort_at, user_id from tapedeck_sessions where session_id = $1`,
            [sessionId, `c_late_${written}`],
          )
        }
        if (writing) statements.push({ sql, params })
        return run()
      })
      const store: SessionStore = createPostgresStore({ pool })
      await store.putBatch({ sessionId, key: 'a', firstSeq: 0, lastSeq: 5, events })
      expect((await store.sessionStats(query)).totals.calls).toBe(2)
      writing = true
      const answer = await store.sessionStats(query)
      writing = false
      expect(written).toBeGreaterThanOrEqual(3)
      // Every call written by the time of the answer, from the calls of the whole range.
      expect([answer.totals.calls, answer.totals.costUsd, answer.groups[0]!.map((g) => [g.key, g.calls])]).toEqual([2 + written, 0.002 + written, [['gpt-4o', 2 + written]]])
      expect(statements.some(({ sql, params }) => readsCalls(sql) && params[0] === query.from && params[1] === query.to)).toBe(true)
      // With no more writes, the roll-ups answer again (rebuilt), the same figures.
      statements.length = 0
      const calm = await store.sessionStats(query)
      expect([calm.totals.calls, calm.totals.costUsd]).toEqual([2 + written, 0.002 + written])
    } finally {
      await schema.dispose()
    }
  }, 60_000)

  it('answers on a pool of one connection, and on a pool every connection of which another answer holds', async () => {
    const schema = await openPostgresSchema(databaseUrl!)
    const { rows } = await schema.pool.query<{ schema: string }>('select current_schema() as schema')
    const one = new pg.Pool({ connectionString: databaseUrl, options: `-c search_path=${rows[0]!.schema}`, max: 1 })
    const two = new pg.Pool({ connectionString: databaseUrl, options: `-c search_path=${rows[0]!.schema}`, max: 2 })
    try {
      const events = session('s_one')
      await createPostgresStore({ pool: schema.pool }).putBatch({ sessionId: 's_one', key: 'a', firstSeq: 0, lastSeq: 5, events })
      // Partial days and whole days, several groupings: many statements for one answer.
      const query = { from: DAY0 - DAY / 2, to: DAY0 + 2 * DAY + DAY / 2, groupBy: ['day' as const, 'model' as const, 'userId' as const, 'feature' as const], limit: 100 }
      const answer = await createPostgresStore({ pool: one }).sessionStats(query)
      expect([answer.totals.calls, answer.totals.sessions]).toEqual([2, 1])
      // Four answers at once on two connections: none waits for a connection another holds for ever.
      const store = createPostgresStore({ pool: two })
      const answers = await Promise.all([1, 2, 3, 4].map(() => store.sessionStats(query)))
      expect(answers.map((a) => a.totals.calls)).toEqual([2, 2, 2, 2])
    } finally {
      await Promise.all([one.end(), two.end()])
      await schema.dispose()
    }
  }, 30_000)
})
