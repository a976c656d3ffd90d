import { describe, expect, it } from 'vitest'
import { openPostgresSchema } from '../testing/postgresSchema.js'
import { STUDIO_SESSIONS } from '../testing/studioSessions.js'
import { createPostgresStore } from './createPostgresStore.js'

const databaseUrl = process.env.DATABASE_URL

/** What the backfills fill, as text, in a stable order. */
const FILLED = {
  calls: 'select session_id, call_id, started_at, user_id from tapedeck_calls order by session_id, call_id',
  words: 'select session_id, words::text from tapedeck_session_words order by session_id',
  days: 'select day, model, feature, calls, failed_calls, cost_usd from tapedeck_call_days order by day, model, feature',
  sketches: 'select day, dim, key, metric, bucket, count, low, high from tapedeck_call_day_sketches order by day, dim, key, metric, bucket',
}

describe.skipIf(!databaseUrl)('PostgreSQL backfill of a database written by an earlier version (DATABASE_URL)', () => {
  it('fills the calls’ session start and user, the sessions’ words and the daily roll-ups exactly as ingest and statistics make them, once', async () => {
    const schema = await openPostgresSchema(databaseUrl!)
    try {
      const store = createPostgresStore({ pool: schema.pool })
      for (const events of Object.values(STUDIO_SESSIONS)) {
        await store.putBatch({ sessionId: events[0]!.sessionId, key: 'k', firstSeq: 0, lastSeq: events.at(-1)!.seq, events })
      }
      // Statistics over every whole day build the roll-ups of the days ingest marked.
      await store.sessionStats({ from: 0, to: 4e12, groupBy: ['day'], limit: 100 })
      const ingested = await Promise.all(Object.values(FILLED).map((sql) => schema.pool.query(sql)))
      // The database as the version before them left it: no call starts, no words, no roll-ups, no steps recorded.
      await schema.pool.query(`update tapedeck_calls set started_at = null, user_id = null; delete from tapedeck_session_words; delete from tapedeck_schema_steps;
        delete from tapedeck_call_days; delete from tapedeck_call_day_sketches; delete from tapedeck_stale_days`)
      const upgraded = createPostgresStore({ pool: schema.pool })
      expect((await upgraded.listSessions({ limit: 10, words: ['lisbon'] })).sessions.map((s) => s.id)).toEqual(['s_gamma', 's_beta'])
      const filled = await Promise.all(Object.values(FILLED).map((sql) => schema.pool.query(sql)))
      expect(filled.map((result) => result.rows)).toEqual(ingested.map((result) => result.rows))
      expect(ingested.map((result) => result.rows.length).slice(0, 3)).toEqual([4, 3, 3])
      expect(ingested[3]!.rows.length).toBeGreaterThan(0)
      const steps = await schema.pool.query('select name from tapedeck_schema_steps order by name')
      expect(steps.rows.map((row) => row.name)).toEqual(['call_days', 'calls_started_at', 'calls_user_id', 'orphan_reviews', 'session_words'])
    } finally {
      await schema.dispose()
    }
  })
})
