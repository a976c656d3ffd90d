import { describe, expect, it } from 'vitest'
import type { PoolClient } from 'pg'
import { openPostgresSchema } from '../testing/postgresSchema.js'
import { STUDIO_SESSIONS } from '../testing/studioSessions.js'
import { createPostgresStore } from './createPostgresStore.js'

const databaseUrl = process.env.DATABASE_URL

describe.skipIf(!databaseUrl)('PostgreSQL statistics plans (DATABASE_URL)', () => {
  it('sketches the top users by cost from their own calls (tapedeck_calls_by_user), not by filtering every call of the range', async () => {
    const schema = await openPostgresSchema(databaseUrl!)
    try {
      const store = createPostgresStore({ pool: schema.pool })
      for (const events of Object.values(STUDIO_SESSIONS)) {
        await store.putBatch({ sessionId: events[0]!.sessionId, key: 'k', firstSeq: 0, lastSeq: events.at(-1)!.seq, events })
      }
      // The statements the statistics run, as they run them.
      const statements: Array<{ sql: string; params: unknown[] }> = []
      const connect = schema.pool.connect.bind(schema.pool) as (callback?: unknown) => Promise<PoolClient>
      ;(schema.pool as { connect: (callback?: unknown) => Promise<PoolClient> }).connect = async (callback?: unknown) => {
        // pool.query connects with a callback: those pass through.
        if (callback) return connect(callback)
        const client = await connect()
        const query = client.query.bind(client) as (sql: string, params?: unknown[]) => Promise<unknown>
        ;(client as unknown as { query: typeof query }).query = (sql, params) => {
          if (typeof sql === 'string' && params) statements.push({ sql, params })
          return query(sql, params)
        }
        return client
      }
      await store.sessionStats({ from: 0, to: 4e12, groupBy: ['userId'], limit: 1 })
      const topUsers = statements.find((statement) => statement.sql.includes('c.user_id = any('))
      expect(topUsers).toBeDefined()
      // A handful of calls here, where any plan is cheap: without sequential scans, and without the
      // range's index (dropped in a transaction rolled back), the planner shows whether an index
      // answers the statement by its users.
      const client = await connect()
      try {
        await client.query('begin')
        await client.query('set local enable_seqscan = off')
        await client.query('drop index tapedeck_calls_by_start_user')
        const plan = await client.query(`explain ${topUsers!.sql}`, topUsers!.params)
        await client.query('rollback')
        const text = plan.rows.map((row) => row['QUERY PLAN']).join('\n')
        expect(text).toMatch(/Index Only Scan using tapedeck_calls_by_user/)
      } finally {
        client.release()
      }
    } finally {
      await schema.dispose()
    }
  }, 60_000)

  it('plans the statements of an answer without parallel workers: the answer runs them side by side itself', async () => {
    const schema = await openPostgresSchema(databaseUrl!)
    try {
      const store = createPostgresStore({ pool: schema.pool })
      for (const events of Object.values(STUDIO_SESSIONS)) {
        await store.putBatch({ sessionId: events[0]!.sessionId, key: 'k', firstSeq: 0, lastSeq: events.at(-1)!.seq, events })
      }
      // Each connection of the answer plans its statements as they run (explain on the same
      // connection, in its transaction), with parallel workers made free: on a handful of rows
      // the planner then gives scans a Gather wherever it may. (A Parallel Append of two workers
      // on the roll-ups' sketches made answers by model over 90 days 102 ms instead of 64.)
      const plans: string[] = []
      const connect = schema.pool.connect.bind(schema.pool) as (callback?: unknown) => Promise<PoolClient>
      ;(schema.pool as { connect: (callback?: unknown) => Promise<PoolClient> }).connect = async (callback?: unknown) => {
        if (callback) return connect(callback)
        const client = await connect()
        await client.query('set parallel_setup_cost = 0; set parallel_tuple_cost = 0; set min_parallel_table_scan_size = 0; set min_parallel_index_scan_size = 0')
        const query = client.query.bind(client) as (sql: string, params?: unknown[]) => Promise<{ rows: Array<Record<string, string>> }>
        // The answer's transactions (its own and its helpers'), not the roll-ups' refresh before it.
        let inAnswer = false
        ;(client as unknown as { query: typeof query }).query = async (sql, params) => {
          if (typeof sql === 'string' && /^begin isolation level repeatable read read only/.test(sql)) inAnswer = true
          if (typeof sql === 'string' && /^(commit|rollback)/.test(sql)) inAnswer = false
          if (inAnswer && typeof sql === 'string' && params && /^\s*select/.test(sql)) {
            const plan = await query(`explain ${sql}`, params)
            plans.push(plan.rows.map((row) => row['QUERY PLAN']).join('\n'))
          }
          return query(sql, params)
        }
        return client
      }
      const day = 86_400_000
      const times = Object.values(STUDIO_SESSIONS).map((events) => events[0]!.ts!)
      // Whole days from the roll-ups and partial days at both edges from the calls, by model and by day.
      const from = Math.min(...times) - 2 * day - day / 3
      const to = Math.max(...times) + 2 * day + day / 3
      await store.sessionStats({ from, to, groupBy: ['model', 'day', 'userId', 'feature'], limit: 100 })
      expect(plans.some((plan) => /tapedeck_call_day_sketches/.test(plan))).toBe(true)
      expect(plans.length).toBeGreaterThan(8)
      expect(plans.filter((plan) => /Gather|Parallel/.test(plan))).toEqual([])
    } finally {
      await schema.dispose()
    }
  }, 60_000)
})
